import { digest, newSessionId } from '../../accounts/secrets.js';

/** A page session ends this long after sign-in, whatever happens: a working day. */
export const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000;
/** ...or after this long without a request, so a forgotten tab does not stay signed in. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
/** Bounds memory under a flood of sign-ins; the oldest session goes first. */
export const MAX_SESSIONS = 10_000;

export interface Session {
  account: string;
  created: number;
  lastSeen: number;
}

/**
 * Page sessions, in memory: a restart signs everyone out, which also ends every session of a
 * revoked account. Sessions are keyed by a digest of the cookie's value, never by the value.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** A fresh session id (the cookie's value) for `account`. */
  create(account: string): { id: string; maxAgeSeconds: number } {
    this.#sweep();
    while (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
    const id = newSessionId();
    const now = this.#now();
    this.#sessions.set(digest(id), { account, created: now, lastSeen: now });
    return { id, maxAgeSeconds: Math.floor(SESSION_LIFETIME_MS / 1000) };
  }

  /** The live session with this id, its idle clock reset; undefined when unknown or expired. */
  get(id: string): Session | undefined {
    const key = digest(id);
    const s = this.#sessions.get(key);
    if (!s) return undefined;
    const now = this.#now();
    if (now - s.created > SESSION_LIFETIME_MS || now - s.lastSeen > SESSION_IDLE_MS) {
      this.#sessions.delete(key);
      return undefined;
    }
    s.lastSeen = now;
    return s;
  }

  destroy(id: string): void {
    this.#sessions.delete(digest(id));
  }

  get size(): number {
    return this.#sessions.size;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, s] of this.#sessions) {
      if (now - s.created > SESSION_LIFETIME_MS || now - s.lastSeen > SESSION_IDLE_MS) this.#sessions.delete(key);
    }
  }
}
