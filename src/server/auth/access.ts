import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router } from 'express';
import type { UsersStore } from '../../accounts/users-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { auditRequests } from '../audit/audit-requests.js';
import type { TrustProxy } from '../../config.js';
import { cameOverTls, clientAddressOf, compileTrust } from '../client-address.js';
import { FAILED_ATTEMPTS_PER_ADDRESS, FAILED_SIGN_INS_PER_ACCOUNT, failedAttemptLimit } from './attempt-limits.js';
import { Authenticator, letEveryoneIn, requireAccess, requireRole } from './authenticate.js';
import { addressKey, sessionRoutes } from './session-routes.js';
import { SessionStore } from './sessions.js';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

export interface AccessOptions {
  store: UsersStore;
  /** Whether the service listens on loopback only (then, with nothing configured, access stays open). */
  loopback: boolean;
  proxyAuth: { header: string; addresses: string[] } | null;
  trustProxy: TrustProxy;
  /** Null keeps no audit trail (tests of other concerns). */
  audit: AuditLog | null;
  /** Failed attempts allowed per window (defaults: FAILED_SIGN_INS_PER_ACCOUNT, FAILED_ATTEMPTS_PER_ADDRESS). */
  attemptLimits?: { perAccount: number; perAddress: number };
}

/** Everything the HTTP app needs to know who asks and to keep the audit trail. */
export interface Access {
  /** The client's address, with TRUST_PROXY applied: for rate limits and the audit trail. */
  clientAddress: (req: IncomingMessage) => string;
  /** Null when access is open by construction (openAccess). */
  authenticator: Authenticator | null;
  /** Runs before every API route except `/api/session`: audit, then credentials. */
  guard: Middleware[];
  /** `/api/session`: the page's sign-in and sign-out. */
  sessionRoutes: Router;
  /** Placed before a route only editors may use (indexing, saved searches). */
  editorOnly: Middleware;
}

export function createAccess(opts: AccessOptions): Access {
  const trust = compileTrust(opts.trustProxy);
  const clientAddress = clientAddressOf(trust);
  const authenticator = new Authenticator({ store: opts.store, sessions: new SessionStore(), loopback: opts.loopback, proxyAuth: opts.proxyAuth });
  const limits = opts.attemptLimits ?? { perAccount: FAILED_SIGN_INS_PER_ACCOUNT, perAddress: FAILED_ATTEMPTS_PER_ADDRESS };
  const failedPerAddress = failedAttemptLimit({ limit: limits.perAddress, key: addressKey(clientAddress), what: 'from this address' });
  return {
    clientAddress,
    authenticator,
    guard: [...(opts.audit ? [auditRequests(opts.audit, clientAddress)] : []), requireAccess(authenticator, failedPerAddress)],
    sessionRoutes: sessionRoutes({ auth: authenticator, audit: opts.audit, clientAddress, overTls: (req) => cameOverTls(req, trust), failedPerAddress, failedPerAccountLimit: limits.perAccount }),
    editorOnly: requireRole('editor'),
  };
}

/** No access control and no audit trail: what tests of other concerns run with. Not for `main`. */
export function openAccess(): Access {
  const clientAddress = clientAddressOf(compileTrust({ kind: 'off' }));
  const sessionRoutes = Router();
  sessionRoutes.get('/session', (_req, res) => {
    res.json({ access: 'open', user: null });
  });
  return { clientAddress, authenticator: null, guard: [letEveryoneIn], sessionRoutes, editorOnly: requireRole('editor') };
}
