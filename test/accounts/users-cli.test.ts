import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { main, type CliIo } from '../../src/accounts/cli.js';
import { parseToken, verifySecret } from '../../src/accounts/secrets.js';
import { UsersStore, usersFile } from '../../src/accounts/users-store.js';
import { projectRoot } from '../../src/config.js';
import { tempDir } from '../helpers.js';

/** Runs the CLI in-process with captured output and a given standard input. */
async function users(dataDir: string, argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    readStdin: async () => stdin,
    promptHidden: async () => {
      throw new Error('no terminal in tests');
    },
  };
  const code = await main(argv, io, { DATA_DIR: dataDir });
  return { code, out, err };
}

describe('npm run users', { timeout: 60_000 }, () => {
  it('adds an account with a role, a hashed password and a token shown once', async () => {
    const dir = tempDir();
    const r = await users(dir, ['add', 'Ada@Example.org', '--role', 'editor', '--password-stdin'], 'a long enough passphrase\n');
    assert.equal(r.code, 0, r.err);
    const token = r.out.trim();
    const parsed = parseToken(token);
    assert.ok(parsed, `stdout is the token: ${token}`);
    const raw = fs.readFileSync(usersFile(dir), 'utf8');
    assert.ok(!raw.includes(parsed.secret), 'the token secret is not stored');
    assert.ok(!raw.includes('a long enough passphrase'), 'the password is not stored');
    assert.equal(fs.statSync(usersFile(dir)).mode & 0o777, 0o600);
    const account = new UsersStore(dir).find('ada@example.org')!;
    assert.equal(account.role, 'editor');
    assert.equal(await verifySecret('a long enough passphrase', account.passwordHash!), true);
    assert.equal(await verifySecret(parsed.secret, account.tokens[0]!.hash), true);
    assert.equal(account.tokens[0]!.id, parsed.id);
  });

  it('lists accounts with roles and token ids, never a secret', async () => {
    const dir = tempDir();
    const token = (await users(dir, ['add', 'reed', '--role', 'reader', '--label', 'nightly script'])).out.trim();
    await users(dir, ['add', 'eve', '--role', 'editor', '--no-token']);
    const r = await users(dir, ['list', '--json']);
    const listed = JSON.parse(r.out) as Array<{ name: string; role: string; password: boolean; tokens: Array<{ id: string; label: string | null }> }>;
    assert.deepEqual(
      listed.map((a) => [a.name, a.role, a.password, a.tokens.map((t) => [t.id, t.label])]),
      [
        ['reed', 'reader', false, [[parseToken(token)!.id, 'nightly script']]],
        ['eve', 'editor', false, []],
      ],
    );
    assert.ok(!r.out.includes(parseToken(token)!.secret));
  });

  it('revokes one token, then the whole account', async () => {
    const dir = tempDir();
    const first = parseToken((await users(dir, ['add', 'reed', '--role', 'reader'])).out.trim())!;
    const second = parseToken((await users(dir, ['token', 'reed'])).out.trim())!;
    assert.equal((await users(dir, ['revoke', 'reed', '--token', first.id])).code, 0);
    assert.deepEqual(new UsersStore(dir).find('reed')!.tokens.map((t) => t.id), [second.id]);
    assert.equal((await users(dir, ['revoke', 'reed'])).code, 0);
    assert.equal(new UsersStore(dir).find('reed'), undefined);
    assert.equal(new UsersStore(dir).findToken(second.id), undefined);
  });

  it('refuses bad input with exit code 2 and a message', async () => {
    const dir = tempDir();
    const cases: Array<[string[], string, RegExp]> = [
      [['add', 'ada', '--role', 'admin'], '', /reader, editor/],
      [['add', 'ada'], '', /--role/],
      [['add', 'a b', '--role', 'reader'], '', /letters, digits/],
      [['add', 'ada', '--role', 'reader', '--password-stdin'], 'short\n', /at least 12/],
      [['revoke', 'nobody'], '', /No account/],
    ];
    for (const [argv, stdin, message] of cases) {
      const r = await users(dir, argv, stdin);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.err, message, argv.join(' '));
    }
    await users(dir, ['add', 'ada', '--role', 'reader']);
    const again = await users(dir, ['add', 'ADA', '--role', 'editor']);
    assert.equal(again.code, 2);
    assert.match(again.err, /already exists/);
  });

  it('runs as `npm run users` from the script, reading DATA_DIR', () => {
    const dir = tempDir();
    const run = (args: string[], input?: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'users.ts'), ...args], { env: { ...process.env, DATA_DIR: dir }, input, encoding: 'utf8' });
    const added = run(['add', 'ada', '--role', 'editor', '--password-stdin'], 'twelve chars at least');
    assert.equal(added.status, 0, added.stderr);
    assert.ok(parseToken(added.stdout.trim()));
    const listed = run(['list']);
    assert.match(listed.stdout, /^ada {2}editor {2}created \d{4}-\d{2}-\d{2} {2}password {2}tokens: [a-f0-9]{16}/);
  });
});
