import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** Readers search and read; editors may also index and manage saved searches. */
export const ROLES = ['reader', 'editor'] as const;
export type Role = (typeof ROLES)[number];

/** Whether an account of role `has` may do what needs role `needs`. */
export function roleAllows(has: Role, needs: Role): boolean {
  return ROLES.indexOf(has) >= ROLES.indexOf(needs);
}

/** Account names: what people and single-sign-on proxies use (user names, e-mail addresses). */
export const ACCOUNT_NAME = /^[a-z0-9._@+-]{1,128}$/;

/** Names compare without case, as e-mail addresses and most directories do. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase();
}

const tokenSchema = z.object({
  id: z.string(),
  hash: z.string(),
  created: z.string(),
  label: z.string().nullable().default(null),
});

const accountSchema = z.object({
  name: z.string().regex(ACCOUNT_NAME),
  role: z.enum(ROLES),
  created: z.string(),
  /** Null for an account that signs in only with tokens, or only through the proxy. */
  passwordHash: z.string().nullable(),
  tokens: z.array(tokenSchema),
});

const fileSchema = z.object({ version: z.literal(1), accounts: z.array(accountSchema) });

export type Account = z.infer<typeof accountSchema>;
export type StoredToken = z.infer<typeof tokenSchema>;
type UsersFile = z.infer<typeof fileSchema>;

/** How often the server looks at the users file for changes made by `npm run users`. */
export const USERS_RECHECK_MS = 1_000;

/** Where the accounts live under DATA_DIR. */
export function usersFile(dataDir: string): string {
  return path.join(dataDir, 'users.json');
}

/**
 * Citable's own accounts, in one JSON file under DATA_DIR (mode 0600) holding only scrypt hashes.
 * The server reads it and notices changes made by `npm run users`: the file's identity (inode,
 * mtime, size) is checked at most once per `recheckMs` (a second by default, so that a stat call is
 * not added to every request), so a revoked token or account stops working within that time.
 * Writes replace the file atomically (write, then rename).
 */
export class UsersStore {
  readonly file: string;
  readonly #recheckMs: number;
  #cache: { stamp: string; data: UsersFile; checkedAt: number } | null = null;

  constructor(dataDir: string, opts: { recheckMs?: number } = {}) {
    this.file = usersFile(dataDir);
    this.#recheckMs = opts.recheckMs ?? USERS_RECHECK_MS;
  }

  #read(): UsersFile {
    const now = Date.now();
    if (this.#cache && now - this.#cache.checkedAt < this.#recheckMs) return this.#cache.data;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#cache = { stamp: 'none', data: { version: 1, accounts: [] }, checkedAt: now };
      return this.#cache.data;
    }
    const stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    if (this.#cache?.stamp === stamp) {
      this.#cache.checkedAt = now;
      return this.#cache.data;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`${this.file} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    const result = fileSchema.safeParse(parsed);
    if (!result.success) throw new ConfigError(`${this.file} is malformed: ${result.error.issues[0]?.message ?? 'unknown shape'}`);
    this.#cache = { stamp, data: result.data, checkedAt: now };
    return result.data;
  }

  #write(data: UsersFile): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.#cache = null;
  }

  /** Whether any account exists: with none, token sign-in is not configured. */
  hasAccounts(): boolean {
    return this.#read().accounts.length > 0;
  }

  accounts(): readonly Account[] {
    return this.#read().accounts;
  }

  find(name: string): Account | undefined {
    const n = normalizeName(name);
    return this.#read().accounts.find((a) => a.name === n);
  }

  /** The account holding the token with this id. */
  findToken(id: string): { account: Account; token: StoredToken } | undefined {
    for (const account of this.#read().accounts) {
      const token = account.tokens.find((t) => t.id === id);
      if (token) return { account, token };
    }
    return undefined;
  }

  /** A change counter for caches of verified secrets: it moves whenever the file changes. */
  version(): string {
    this.#read();
    return this.#cache?.stamp ?? 'none';
  }

  add(account: Account): void {
    const data = this.#read();
    if (data.accounts.some((a) => a.name === account.name)) throw new ConfigError(`An account named "${account.name}" already exists`);
    this.#write({ ...data, accounts: [...data.accounts, account] });
  }

  update(name: string, change: (a: Account) => Account): Account {
    const data = this.#read();
    const n = normalizeName(name);
    const current = data.accounts.find((a) => a.name === n);
    if (!current) throw new ConfigError(`No account named "${n}"`);
    const next = change(current);
    this.#write({ ...data, accounts: data.accounts.map((a) => (a === current ? next : a)) });
    return next;
  }

  remove(name: string): void {
    const data = this.#read();
    const n = normalizeName(name);
    if (!data.accounts.some((a) => a.name === n)) throw new ConfigError(`No account named "${n}"`);
    this.#write({ ...data, accounts: data.accounts.filter((a) => a.name !== n) });
  }
}
