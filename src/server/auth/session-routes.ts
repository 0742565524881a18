import type { IncomingMessage } from 'node:http';
import { stringifySetCookie } from 'cookie';
import express, { Router, type Request, type Response } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import { UNMATCHABLE_HASH, verifySecret } from '../../accounts/secrets.js';
import { normalizeName } from '../../accounts/users-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { CitableError, InvalidParameterError } from '../../errors.js';
import { failedAttemptLimit } from './attempt-limits.js';
import { sameOrigin, SESSION_COOKIE, sessionCookie, unauthorized, type Authenticator } from './authenticate.js';

/** A name and a password fit in far less; anything bigger is not a sign-in. */
const SIGN_IN_BODY_LIMIT = '2kb';
const MAX_PASSWORD_CHARS = 1024;

export interface SessionRoutesDeps {
  auth: Authenticator;
  audit: AuditLog | null;
  clientAddress: (req: IncomingMessage) => string;
  /** Whether the request came over TLS (directly, or as a trusted proxy says): the cookie is then Secure. */
  overTls: (req: IncomingMessage) => boolean;
  /** The per-address limit on failed credentials, shared with the API's token checks. */
  failedPerAddress: ReturnType<typeof failedAttemptLimit>;
  failedPerAccountLimit: number;
}

function cookie(value: string, maxAgeSeconds: number, overTls: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: overTls, path: '/', maxAge: maxAgeSeconds });
}

/**
 * The page's sign-in: `POST /api/session` with a name and password sets a fresh session cookie
 * (any earlier session of this browser is ended first, so a planted session id never survives
 * sign-in); `GET /api/session` says who is signed in (or that nobody is: the only API answer
 * without credentials besides the sign-in itself, and it holds nothing else); `DELETE /api/session`
 * signs out.
 */
export function sessionRoutes(deps: SessionRoutesDeps): Router {
  const { auth, audit, clientAddress } = deps;
  const router = Router();
  const failedPerAccount = failedAttemptLimit({
    limit: deps.failedPerAccountLimit,
    key: (req) => `account:${normalizeName(String((req as Request).body?.name ?? ''))}`,
    what: 'for this account',
  });
  const record = (req: Request, res: Response, action: 'sign_in' | 'sign_in_failed' | 'sign_out', user: string | null) =>
    audit?.record({ action, user, via: 'session', address: clientAddress(req), method: req.method, path: '/api/session', status: res.statusCode });

  router.get('/session', async (req, res) => {
    if (!auth.required()) {
      res.json({ access: 'open', user: null });
      return;
    }
    // "Nobody" is an answer here, not a refusal: the page asks this before it shows the sign-in form.
    const r = await auth.identify(req);
    if ('principal' in r) res.json({ access: 'signed_in', user: { name: r.principal.name, role: r.principal.role, via: r.principal.via } });
    else res.json({ access: 'signed_out', user: null });
  });

  router.post(
    '/session',
    (req, _res, next) => next(sameOrigin(req) ? undefined : new CitableError('forbidden', 'Sign in from the page itself')),
    express.json({ limit: SIGN_IN_BODY_LIMIT }),
    express.urlencoded({ extended: false, limit: SIGN_IN_BODY_LIMIT }),
    deps.failedPerAddress as express.RequestHandler,
    failedPerAccount as express.RequestHandler,
    async (req, res) => {
      const body = (req.body ?? {}) as { name?: unknown; password?: unknown };
      if (typeof body.name !== 'string' || typeof body.password !== 'string' || body.name.length > 128 || body.password.length > MAX_PASSWORD_CHARS) {
        throw new InvalidParameterError(typeof body.name === 'string' ? 'password' : 'name', 'Send a name and a password (JSON or a form), each as one string');
      }
      const account = auth.store.find(body.name);
      // An unknown name costs the same scrypt as a wrong password, so timing does not tell them apart.
      const matches = await verifySecret(body.password, account?.passwordHash ?? UNMATCHABLE_HASH);
      if (!account?.passwordHash || !matches) {
        const err = unauthorized(res, 'Unknown account or wrong password.');
        res.status(401);
        record(req, res, 'sign_in_failed', normalizeName(body.name));
        throw err;
      }
      const previous = sessionCookie(req);
      if (previous) auth.sessions.destroy(previous);
      const session = auth.sessions.create(account.name);
      res.setHeader('Set-Cookie', cookie(session.id, session.maxAgeSeconds, deps.overTls(req)));
      res.setHeader('Cache-Control', 'no-store');
      res.json({ access: 'signed_in', user: { name: account.name, role: account.role, via: 'session' } });
      record(req, res, 'sign_in', account.name);
    },
  );

  router.delete('/session', (req, res) => {
    if (!sameOrigin(req)) throw new CitableError('forbidden', 'Sign out from the page itself');
    const id = sessionCookie(req);
    const session = id ? auth.sessions.get(id) : undefined;
    if (id) auth.sessions.destroy(id);
    res.setHeader('Set-Cookie', cookie('', 0, deps.overTls(req)));
    res.status(204).end();
    if (session) record(req, res, 'sign_out', session.account);
  });

  return router;
}

/** The per-address key the failed-attempt limits share (IPv6 grouped by /56, as the API's rate limit does). */
export function addressKey(clientAddress: (req: IncomingMessage) => string) {
  return (req: IncomingMessage) => `address:${ipKeyGenerator(clientAddress(req))}`;
}
