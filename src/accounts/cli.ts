import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config.js';
import { CitableError } from '../errors.js';
import { hashSecret, newToken } from './secrets.js';
import { ACCOUNT_NAME, normalizeName, ROLES, UsersStore, type Account } from './users-store.js';

/** Exit codes of `npm run users`. */
export const EXIT = { ok: 0, usage: 2 } as const;

/** Shorter passwords fall to guessing even through the sign-in rate limit; NIST SP 800-63B asks at least 8, we ask 12. */
export const MIN_PASSWORD_CHARS = 12;

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** Everything on standard input (for --password-stdin). */
  readStdin: () => Promise<string>;
  /** Asks for a password without echoing it. */
  promptHidden: (question: string) => Promise<string>;
}

function accountName(v: string): string {
  const n = normalizeName(v);
  if (!ACCOUNT_NAME.test(n)) throw new InvalidArgumentError('use 1-128 letters, digits and . _ @ + - (names compare without case)');
  return n;
}

function checkPassword(password: string): string {
  if ([...password].length < MIN_PASSWORD_CHARS) throw new CitableError('invalid_config', `The password must have at least ${MIN_PASSWORD_CHARS} characters`);
  return password;
}

async function readPassword(opts: { password?: boolean; passwordStdin?: boolean }, io: CliIo, name: string): Promise<string | null> {
  if (opts.passwordStdin) return checkPassword((await io.readStdin()).replace(/\r?\n$/, ''));
  if (!opts.password) return null;
  const first = await io.promptHidden(`Password for ${name}: `);
  const again = await io.promptHidden('Again: ');
  if (first !== again) throw new CitableError('invalid_config', 'The two passwords differ');
  return checkPassword(first);
}

function describe(a: Account): string {
  const tokens = a.tokens.map((t) => `${t.id}${t.label ? ` (${t.label})` : ''} ${t.created.slice(0, 10)}`);
  return [a.name, a.role, `created ${a.created.slice(0, 10)}`, a.passwordHash ? 'password' : 'no password', tokens.length ? `tokens: ${tokens.join(', ')}` : 'no tokens'].join('  ');
}

function program(store: () => UsersStore, io: CliIo): Command {
  const cmd = new Command('users')
    .description("Manage Citable's own accounts and API tokens (stored hashed in DATA_DIR/users.json).")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText('after', `\nRoles: reader (search and read), editor (also index and manage saved searches).\nExit codes: 0 done; 2 usage error or nothing to change.`);

  const passwordOptions = (c: Command) =>
    c
      .option('--password', 'ask for a password on the terminal (to sign in to the page)')
      .option('--password-stdin', 'read the password from standard input (for scripts)');

  passwordOptions(
    cmd
      .command('add')
      .description('create an account; prints its first API token once')
      .argument('<name>', 'account name (a user name or e-mail address)', accountName)
      .addOption(new Option('--role <role>', 'reader or editor').choices(ROLES).makeOptionMandatory())
      .option('--no-token', 'create no API token (page sign-in, or roles for proxy users)')
      .option('--label <text>', 'a note on what the token is for'),
  ).action(async (name: string, opts: { role: Account['role']; token: boolean; label?: string; password?: boolean; passwordStdin?: boolean }) => {
    const s = store();
    if (s.find(name)) throw new CitableError('invalid_config', `An account named "${name}" already exists`);
    const password = await readPassword(opts, io, name);
    const now = new Date().toISOString();
    const token = opts.token ? newToken() : null;
    s.add({
      name,
      role: opts.role,
      created: now,
      passwordHash: password === null ? null : await hashSecret(password),
      tokens: token ? [{ id: token.id, hash: await hashSecret(token.secret), created: now, label: opts.label ?? null }] : [],
    });
    io.stderr(`Added ${opts.role} "${name}"${password ? ' with a password' : ''}.\n`);
    if (token) {
      io.stderr('Its API token (shown only now; send it as "Authorization: Bearer <token>"):\n');
      io.stdout(`${token.token}\n`);
    }
  });

  cmd
    .command('token')
    .description('issue one more API token for an account; prints it once')
    .argument('<name>', 'account name', accountName)
    .option('--label <text>', 'a note on what the token is for')
    .action(async (name: string, opts: { label?: string }) => {
      const token = newToken();
      const hash = await hashSecret(token.secret);
      store().update(name, (a) => ({ ...a, tokens: [...a.tokens, { id: token.id, hash, created: new Date().toISOString(), label: opts.label ?? null }] }));
      io.stdout(`${token.token}\n`);
    });

  passwordOptions(cmd.command('password').description("set or replace an account's password").argument('<name>', 'account name', accountName)).action(
    async (name: string, opts: { password?: boolean; passwordStdin?: boolean }) => {
      const s = store();
      if (!s.find(name)) throw new CitableError('invalid_config', `No account named "${name}"`);
      const password = await readPassword({ password: !opts.passwordStdin, passwordStdin: opts.passwordStdin }, io, name);
      const hash = await hashSecret(password!);
      s.update(name, (a) => ({ ...a, passwordHash: hash }));
      io.stderr(`Password of "${name}" set.\n`);
    },
  );

  cmd
    .command('list')
    .description('list accounts, their roles and token ids (never a secret)')
    .option('--json', 'one JSON array on stdout')
    .action((opts: { json?: boolean }) => {
      const accounts = store().accounts();
      if (opts.json) {
        const shown = accounts.map((a) => ({ name: a.name, role: a.role, created: a.created, password: a.passwordHash !== null, tokens: a.tokens.map(({ id, created, label }) => ({ id, created, label })) }));
        io.stdout(`${JSON.stringify(shown)}\n`);
      } else if (accounts.length === 0) io.stderr('No accounts.\n');
      else for (const a of accounts) io.stdout(`${describe(a)}\n`);
    });

  cmd
    .command('revoke')
    .description('delete an account (its tokens and sessions stop working at once), or only one of its tokens')
    .argument('<name>', 'account name', accountName)
    .option('--token <id>', 'revoke only this token (ids are shown by `list`)')
    .action((name: string, opts: { token?: string }) => {
      const s = store();
      if (opts.token) {
        const id = opts.token;
        const account = s.find(name);
        if (!account?.tokens.some((t) => t.id === id)) throw new CitableError('invalid_config', `"${name}" has no token ${id}`);
        s.update(name, (a) => ({ ...a, tokens: a.tokens.filter((t) => t.id !== id) }));
        io.stderr(`Token ${id} of "${name}" revoked.\n`);
      } else {
        s.remove(name);
        io.stderr(`Account "${name}" revoked.\n`);
      }
    });
  return cmd;
}

/** `npm run users -- <command>`; returns the exit code. */
export async function main(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const store = () => new UsersStore(loadConfig(env).dataDir);
  try {
    await program(store, io).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (err instanceof CitableError) {
      io.stderr(`error: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}
