import type { IncomingMessage, ServerResponse } from 'node:http';
import { principalOf } from '../auth/authenticate.js';
import type { AuditEntry, AuditLog } from './audit-log.js';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * API requests the trail leaves out: completions are typed letter by letter and the search they lead
 * to is recorded; the API description holds no data; sign-in and sign-out are recorded by their route.
 */
const NOT_AUDITED = /^\/api\/(suggest|openapi\.json|session)(\/|$)/;
/** A document, or its original file: both are opening it. */
const DOCUMENT = /^\/api\/documents\/([^/]+)(?:\/file)?$/;

function queryParams(query: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Describes a finished API request for the audit trail, or null for those it leaves out. */
export function auditEntryFor(req: IncomingMessage, res: ServerResponse, address: string): AuditEntry | null {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (!path.startsWith('/api/') || NOT_AUDITED.test(path)) return null;
  const principal = principalOf(req);
  const doc = DOCUMENT.exec(path);
  const requestId = res.getHeader('X-Request-Id');
  return {
    action: path === '/api/search' ? 'search' : doc ? 'open_document' : 'request',
    user: principal?.name ?? null,
    via: principal?.via ?? null,
    address,
    method: req.method ?? '',
    path,
    ...(q === -1 ? {} : { params: queryParams(url.slice(q + 1)) }),
    ...(doc ? { docId: decoded(doc[1]!) } : {}),
    status: res.statusCode,
    ...(typeof requestId === 'string' ? { requestId } : {}),
  };
}

/** Records each API request in the audit trail once its answer has gone out. */
export function auditRequests(audit: AuditLog, clientAddress: (req: IncomingMessage) => string): Middleware {
  return (req, res, next) => {
    res.once('finish', () => {
      const entry = auditEntryFor(req, res, clientAddress(req));
      if (entry) audit.record(entry);
    });
    next();
  };
}
