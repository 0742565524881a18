import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie } from 'cookie';
import proxyaddr from 'proxy-addr';
import { digest, parseToken, verifySecret } from '../../accounts/secrets.js';
import { CitableError } from '../../errors.js';
import { ACCOUNT_NAME, normalizeName, roleAllows, type Role, type UsersStore } from '../../accounts/users-store.js';
import type { SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'citable_session';
/** Verified API tokens are remembered so that scrypt runs once per token, not once per request. */
const MAX_VERIFIED_TOKENS = 10_000;

/** Who is asking, and how they proved it. `open`: loopback with no access configured, as before accounts existed. */
export interface Principal {
  name: string | null;
  role: Role;
  via: 'open' | 'session' | 'token' | 'proxy';
}

export type Identification = { principal: Principal } | { failure: 'none' | 'bad_credentials' };

type Next = (err?: unknown) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: Next) => void;

const principals = new WeakMap<IncomingMessage, Principal>();

/** The principal the access middleware found for this request, if it ran. */
export function principalOf(req: IncomingMessage): Principal | undefined {
  return principals.get(req);
}

export interface AuthenticatorDeps {
  store: UsersStore;
  sessions: SessionStore;
  /** Whether the service listens on loopback only: then, with nothing configured, access stays open. */
  loopback: boolean;
  /** The trusted single-sign-on header and the proxy addresses it is believed from. */
  proxyAuth: { header: string; addresses: string[] } | null;
}

/** Finds who is asking: a trusted proxy's header, an API token, or a page session, in that order. */
export class Authenticator {
  readonly #deps: AuthenticatorDeps;
  readonly #fromProxy: ((addr: string) => boolean) | null;
  readonly #verified = new Map<string, { account: string; version: string }>();

  constructor(deps: AuthenticatorDeps) {
    this.#deps = deps;
    const trusted = deps.proxyAuth ? proxyaddr.compile(deps.proxyAuth.addresses) : null;
    this.#fromProxy = trusted ? (addr) => trusted(addr, 0) : null;
  }

  get sessions(): SessionStore {
    return this.#deps.sessions;
  }

  get store(): UsersStore {
    return this.#deps.store;
  }

  /** Whether requests must prove who they are. Re-read each time: adding the first account closes an open service. */
  required(): boolean {
    return !this.#deps.loopback || this.#deps.proxyAuth !== null || this.#deps.store.hasAccounts();
  }

  async identify(req: IncomingMessage): Promise<Identification> {
    const proxy = this.#deps.proxyAuth;
    // Only the proxy's own connection may name the user; the same header from anyone else is ignored.
    if (proxy && this.#fromProxy && req.socket.remoteAddress && this.#fromProxy(req.socket.remoteAddress)) {
      const raw = req.headers[proxy.header];
      if (typeof raw === 'string' && raw.trim() !== '') {
        const name = normalizeName(raw);
        if (!ACCOUNT_NAME.test(name)) return { failure: 'bad_credentials' };
        return { principal: { name, role: this.#deps.store.find(name)?.role ?? 'reader', via: 'proxy' } };
      }
    }
    const authorization = req.headers.authorization;
    if (authorization !== undefined) return this.#bearer(authorization);
    const id = sessionCookie(req);
    if (id) {
      const session = this.#deps.sessions.get(id);
      const account = session && this.#deps.store.find(session.account);
      if (account) return { principal: { name: account.name, role: account.role, via: 'session' } };
    }
    return { failure: 'none' };
  }

  /** The principal of a bearer token verified before and unchanged since; no scrypt, no rate limit. */
  knownToken(header: string): Principal | null {
    const token = bearerToken(header);
    const cached = token === null ? undefined : this.#verified.get(digest(token));
    if (!cached || cached.version !== this.#deps.store.version()) return null;
    const account = this.#deps.store.find(cached.account);
    return account ? { name: account.name, role: account.role, via: 'token' } : null;
  }

  async #bearer(header: string): Promise<Identification> {
    const known = this.knownToken(header);
    if (known) return { principal: known };
    const token = bearerToken(header);
    const parsed = token === null ? null : parseToken(token);
    if (!parsed) return { failure: 'bad_credentials' };
    const found = this.#deps.store.findToken(parsed.id);
    if (!found || !(await verifySecret(parsed.secret, found.token.hash))) return { failure: 'bad_credentials' };
    if (this.#verified.size >= MAX_VERIFIED_TOKENS) this.#verified.clear();
    this.#verified.set(digest(token!), { account: found.account.name, version: this.#deps.store.version() });
    return { principal: { name: found.account.name, role: found.account.role, via: 'token' } };
  }
}

function bearerToken(header: string): string | null {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? m[1]! : null;
}

export function sessionCookie(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[SESSION_COOKIE] || undefined;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Whether a browser request comes from the page itself. SameSite=Strict already keeps the cookie
 * off cross-site requests; this check also covers browsers that ignore SameSite. Requests without
 * Origin (scripts, curl) pass: they cannot carry a victim's cookie.
 */
export function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function unauthorized(res: ServerResponse, message = 'Sign in, or send an API token as "Authorization: Bearer <token>".'): CitableError {
  res.setHeader('WWW-Authenticate', 'Bearer realm="Citable"');
  return new CitableError('unauthorized', message);
}

/**
 * Lets a request through only with valid credentials, and remembers who sent it. Tokens not seen
 * before pass `failedCredentials` (a rate limit that counts 401s per address) before they are checked.
 */
export function requireAccess(auth: Authenticator, failedCredentials: Middleware): Middleware {
  return (req, res, next) => {
    if (!auth.required()) {
      principals.set(req, { name: null, role: 'editor', via: 'open' });
      next();
      return;
    }
    const check = () => {
      auth.identify(req).then((r) => {
        if ('principal' in r) {
          if (r.principal.via === 'session' && UNSAFE.has(req.method ?? '') && !sameOrigin(req)) {
            next(new CitableError('forbidden', 'Cross-origin requests may not use the page session'));
            return;
          }
          principals.set(req, r.principal);
          next();
        } else next(unauthorized(res, r.failure === 'bad_credentials' ? 'The credentials sent are not valid (revoked, mistyped or malformed).' : undefined));
      }, next);
    };
    // Tokens already verified skip the failed-attempt limit: it is for guesses, and costs every request.
    const authorization = req.headers.authorization;
    if (authorization !== undefined && !auth.knownToken(authorization)) failedCredentials(req, res, (err) => (err === undefined ? check() : next(err)));
    else check();
  };
}

/** For a service with no access control at all (tests of other concerns): everyone is let in, as an editor. */
export const letEveryoneIn: Middleware = (req, _res, next) => {
  principals.set(req, { name: null, role: 'editor', via: 'open' });
  next();
};

/** Lets through principals whose role allows `needed` (editors may do what readers may). */
export function requireRole(needed: Role): Middleware {
  return (req, res, next) => {
    const p = principals.get(req);
    if (!p) next(unauthorized(res));
    else if (!roleAllows(p.role, needed)) next(new CitableError('forbidden', `This needs the ${needed} role; ${p.name ?? 'this account'} is a ${p.role}.`));
    else next();
  };
}
