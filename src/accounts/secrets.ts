import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * scrypt cost for stored passwords and API tokens: N = 2^15, r = 8, p = 1 uses 32 MiB and about
 * 0.1 s of one core per check. That is the scrypt paper's interactive-login setting raised one step;
 * OWASP's 2^17 would take 128 MiB per concurrent sign-in on a small shared server. The parameters
 * are stored with each hash, so they can be raised later without invalidating existing secrets.
 */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Enough for N = 2^17 (128 MiB) so that hashes made with a higher cost still verify. */
const SCRYPT_MAXMEM = 256 * 1024 * 1024;

function derive(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: SCRYPT_MAXMEM };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N$r$p$salt$hash` (salt and hash in base64url): a fresh salt per secret. */
export async function hashSecret(secret: string, params: { N: number; r: number; p: number } = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `secret` matches a hash made by hashSecret; false (never a throw) for a malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
  const expected = Buffer.from(parts[5]!, 'base64url');
  if (expected.length !== KEY_BYTES) return false;
  const key = await derive(secret, Buffer.from(parts[4]!, 'base64url'), { N, r, p });
  return timingSafeEqual(key, expected);
}

/** A hash that matches nothing, checked against when an account is unknown so both cases cost the same. */
export const UNMATCHABLE_HASH = `scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$${randomBytes(SALT_BYTES).toString('base64url')}$${Buffer.alloc(KEY_BYTES).toString('base64url')}`;

/** API tokens read `ctk_<id>_<secret>`: the id finds the token (and is shown by `users list`); the secret proves it. */
const TOKEN = /^ctk_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  id: string;
  /** The whole token, shown once. */
  token: string;
  secret: string;
}

export function newToken(): NewToken {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `ctk_${id}_${secret}` };
}

export function parseToken(token: string): { id: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/** An opaque random id for a session cookie. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/** Sessions and verified tokens are looked up by a digest, so memory never holds a usable secret as a key. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
