import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { USERS_RECHECK_MS, UsersStore } from '../../src/accounts/users-store.js';
import { projectRoot, type Config } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { createLogger } from '../../src/log.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createApp, type CitableApp } from '../../src/server/app.js';
import { AuditLog } from '../../src/server/audit/audit-log.js';
import { createAccess } from '../../src/server/auth/access.js';
import type { WorkflowDeps } from '../../src/server/workflow-routes.js';
import { freshIndexes, searchBackendFor, SEEDS_DIR, tempDir, testMeili, usersCli as cli } from '../helpers.js';
import { workflowDeps } from '../workflow-helpers.js';

const DOC = '002_b09c8a4e056d45ba';
const PASSWORD = 'a passphrase long enough';

function setCookieOf(res: request.Response): string {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  assert.ok(header?.length === 1, `one Set-Cookie: ${JSON.stringify(header)}`);
  return header[0]!;
}

const cookiePair = (setCookie: string) => setCookie.split(';')[0]!;

describe('access control over HTTP', { timeout: 180_000 }, () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('access');
  const dataDir = tempDir('citable-access-');
  let backend: SearchBackend;
  let workflow: WorkflowDeps & { close(): Promise<void> };
  let readerToken: string;
  let editorToken: string;
  const audit = new AuditLog(dataDir, { rotateBytes: 1024 * 1024 });
  const logFile = path.join(dataDir, 'request.log');
  const logger = createLogger('info', logFile);
  const apps: CitableApp[] = [];

  /** The service as main builds it off loopback, with this data folder's accounts. */
  function app(opts: { loopback?: boolean; proxyAuth?: Config['proxyAuth']; trustProxy?: Config['trustProxy']; limits?: { perAccount: number; perAddress: number }; dir?: string } = {}): CitableApp {
    const access = createAccess({
      store: new UsersStore(opts.dir ?? dataDir),
      loopback: opts.loopback ?? false,
      proxyAuth: opts.proxyAuth ?? null,
      trustProxy: opts.trustProxy ?? { kind: 'off' },
      audit,
      attemptLimits: opts.limits,
    });
    const a = createApp({ search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger, rateLimitPerMinute: 100_000, access, workflow });
    apps.push(a);
    return a;
  }

  before(async () => {
    const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));
    await runIndexJob(client, uid, settings, { roots: [SEEDS_DIR] });
    backend = await searchBackendFor({ url, client }, uid, settings);
    workflow = await workflowDeps(url, client, uid);
    readerToken = await cli(dataDir, ['add', 'reed', '--role', 'reader', '--password-stdin'], PASSWORD);
    editorToken = await cli(dataDir, ['add', 'eddie@example.org', '--role', 'editor']);
  });
  after(async () => {
    await backend.close();
    await workflow.close();
    await audit.close();
  });

  it('answers every API route without credentials with a JSON 401, never a document', async () => {
    const a = app();
    const tries = [
      request(a).get('/api/search?q=Sinaloa'),
      request(a).get(`/api/documents/${DOC}`),
      request(a).get(`/api/documents/${DOC}/file`),
      request(a).get('/api/suggest?q=Sin'),
      request(a).get('/api/openapi.json'),
      request(a).get('/api/no-such-route'),
      request(a).post('/api/search'),
      request(a).post('/api/saved').send({ name: 'Sinaloa', q: 'Sinaloa' }),
      request(a).delete('/api/saved/0123456789abcdef'),
      request(a).get(`/p/${DOC}.0123456789abcdef`).set('Accept', 'application/json'),
      request(a).get('/api/search?q=Sinaloa').set('Authorization', 'Basic cmVlZDpwYXNz'),
      request(a).get('/api/search?q=Sinaloa').set('Cookie', 'citable_session=made-up'),
    ];
    for (const [i, res] of (await Promise.all(tries)).entries()) {
      assert.equal(res.status, 401, `request ${i}`);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(res.body.error.code, 'unauthorized');
      assert.match(res.headers['www-authenticate'] ?? '', /^Bearer/);
      assert.ok(!res.text.includes('Sinaloa Cartel'), 'no document text');
    }
  });

  it("lets a reader's token from `npm run users` search and read documents", async () => {
    const a = app();
    const found = await request(a).get('/api/search?q=Sinaloa').set('Authorization', `Bearer ${readerToken}`);
    assert.equal(found.status, 200);
    assert.equal(found.body.hits[0].source.docId, DOC);
    const doc = await request(a).get(`/api/documents/${DOC}`).set('Authorization', `Bearer ${readerToken}`);
    assert.equal(doc.status, 200);
    const who = await request(a).get('/api/session').set('Authorization', `Bearer ${readerToken}`);
    assert.deepEqual(who.body, { access: 'signed_in', user: { name: 'reed', role: 'reader', via: 'token' } });
    const editor = await request(a).get('/api/session').set('Authorization', `bearer ${editorToken}`);
    assert.deepEqual(editor.body.user, { name: 'eddie@example.org', role: 'editor', via: 'token' });
  });

  it("lets readers read saved searches and the collection, but only editors save and delete them (tokens made by `npm run users`)", async () => {
    const a = app();
    const asReader = (r: request.Test) => r.set('Authorization', `Bearer ${readerToken}`);
    const asEditor = (r: request.Test) => r.set('Authorization', `Bearer ${editorToken}`);
    const search = { name: 'Sinaloa', q: 'Sinaloa' };

    const refused = await asReader(request(a).post('/api/saved')).send(search);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'forbidden');
    assert.match(refused.body.error.message, /editor/);
    assert.deepEqual((await asReader(request(a).get('/api/saved'))).body.savedSearches, [], 'the refused save stored nothing');

    const created = await asEditor(request(a).post('/api/saved')).send(search);
    assert.equal(created.status, 201);
    const listed = await asReader(request(a).get('/api/saved'));
    assert.deepEqual(listed.body.savedSearches.map((x: { id: string }) => x.id), [created.body.id], 'a reader reads what an editor saved');
    assert.equal((await asReader(request(a).get(`/api/saved/${created.body.id}`))).status, 200);
    assert.equal((await asReader(request(a).get('/api/documents'))).status, 200);

    assert.equal((await asReader(request(a).delete(`/api/saved/${created.body.id}`))).status, 403);
    assert.equal((await asEditor(request(a).delete(`/api/saved/${created.body.id}`))).status, 204);
    assert.equal((await request(a).get(`/feeds/saved/${created.body.id}.atom`)).status, 401, 'feeds need credentials too');
  });

  it('refuses malformed, unknown and altered tokens', async () => {
    const a = app();
    const last = readerToken.at(-1) === 'A' ? 'B' : 'A';
    for (const token of ['nonsense', `ctk_${'0'.repeat(16)}_${'a'.repeat(43)}`, `${readerToken.slice(0, -1)}${last}`]) {
      const res = await request(a).get('/api/search?q=police').set('Authorization', `Bearer ${token}`);
      assert.equal(res.status, 401, token);
      assert.equal(res.body.error.code, 'unauthorized');
    }
  });

  it('stops a revoked token within a second', async () => {
    const dir = tempDir();
    const token = await cli(dir, ['add', 'temp', '--role', 'reader']);
    const a = app({ dir });
    assert.equal((await request(a).get('/api/search?q=police').set('Authorization', `Bearer ${token}`)).status, 200);
    await cli(dir, ['revoke', 'temp']);
    // The service looks at the users file at most once per USERS_RECHECK_MS.
    await new Promise((r) => setTimeout(r, USERS_RECHECK_MS + 100));
    assert.equal((await request(a).get('/api/search?q=police').set('Authorization', `Bearer ${token}`)).status, 401);
  });

  it('signs in with a password into a session cookie, rotated at each sign-in, and signs out', async () => {
    const a = app();
    const wrong = await request(a).post('/api/session').send({ name: 'reed', password: 'not the password' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);

    const first = await request(a).post('/api/session').send({ name: 'Reed', password: PASSWORD });
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.user, { name: 'reed', role: 'reader', via: 'session' });
    const cookie = setCookieOf(first);
    assert.match(cookie, /^citable_session=[A-Za-z0-9_-]{43};/);
    for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/', 'Max-Age=43200']) assert.ok(cookie.split('; ').includes(attr), `${attr} in ${cookie}`);
    assert.ok(!/; Secure/i.test(cookie), 'not Secure over plain HTTP');
    assert.equal((await request(a).get('/api/search?q=police').set('Cookie', cookiePair(cookie))).status, 200);

    const second = await request(a).post('/api/session').set('Cookie', cookiePair(cookie)).send({ name: 'reed', password: PASSWORD });
    const rotated = setCookieOf(second);
    assert.notEqual(cookiePair(rotated), cookiePair(cookie));
    assert.equal((await request(a).get('/api/search?q=police').set('Cookie', cookiePair(cookie))).status, 401, 'the old session ended');
    assert.equal((await request(a).get('/api/search?q=police').set('Cookie', cookiePair(rotated))).status, 200);

    const out = await request(a).delete('/api/session').set('Cookie', cookiePair(rotated));
    assert.equal(out.status, 204);
    assert.match(setCookieOf(out), /^citable_session=;.*Max-Age=0/);
    assert.equal((await request(a).get('/api/search?q=police').set('Cookie', cookiePair(rotated))).status, 401);
  });

  it('takes a sign-in form as well as JSON, and refuses one posted from another origin', async () => {
    const a = app();
    const form = await request(a).post('/api/session').type('form').send({ name: 'reed', password: PASSWORD });
    assert.equal(form.status, 200);
    const foreign = await request(a).post('/api/session').set('Origin', 'https://evil.example').send({ name: 'reed', password: PASSWORD });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'forbidden');
    const missing = await request(a).post('/api/session').send({ name: 'reed' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.param, 'password');
  });

  it('marks the cookie Secure when a trusted proxy says the request came over TLS, and only then', async () => {
    const trusted = app({ trustProxy: { kind: 'addresses', addresses: ['loopback'] } });
    const overTls = await request(trusted).post('/api/session').set('X-Forwarded-Proto', 'https').send({ name: 'reed', password: PASSWORD });
    assert.match(setCookieOf(overTls), /; Secure/);
    const untrusted = app();
    const claimed = await request(untrusted).post('/api/session').set('X-Forwarded-Proto', 'https').send({ name: 'reed', password: PASSWORD });
    assert.ok(!/; Secure/.test(setCookieOf(claimed)));
  });

  it('limits failed sign-ins per account, even with the right password afterwards', async () => {
    const a = app({ trustProxy: { kind: 'hops', hops: 1 }, limits: { perAccount: 3, perAddress: 100 } });
    // From three addresses, so that only the per-account limit can be what stops the fourth try.
    for (const from of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      const res = await request(a).post('/api/session').set('X-Forwarded-For', from).send({ name: 'reed', password: 'wrong password' });
      assert.equal(res.status, 401);
    }
    const blocked = await request(a).post('/api/session').set('X-Forwarded-For', '198.51.100.4').send({ name: 'reed', password: PASSWORD });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'too_many_attempts');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    const other = await request(a).post('/api/session').set('X-Forwarded-For', '198.51.100.4').send({ name: 'eddie@example.org', password: 'wrong password' });
    assert.equal(other.status, 401, 'another account is not locked');
  });

  it('limits failed sign-ins and bad tokens per address', async () => {
    const a = app({ trustProxy: { kind: 'hops', hops: 1 }, limits: { perAccount: 100, perAddress: 3 } });
    const from = '203.0.113.7';
    assert.equal((await request(a).post('/api/session').set('X-Forwarded-For', from).send({ name: 'nobody', password: 'x' })).status, 401);
    assert.equal((await request(a).post('/api/session').set('X-Forwarded-For', from).send({ name: 'reed', password: 'x' })).status, 401);
    assert.equal((await request(a).get('/api/search?q=x').set('X-Forwarded-For', from).set('Authorization', 'Bearer wrong')).status, 401);
    const blocked = await request(a).get('/api/search?q=x').set('X-Forwarded-For', from).set('Authorization', `Bearer ${readerToken}`);
    assert.equal(blocked.status, 429);
    const elsewhere = await request(a).get('/api/search?q=x').set('X-Forwarded-For', '203.0.113.8').set('Authorization', `Bearer ${readerToken}`);
    assert.equal(elsewhere.status, 200);
  });

  it('believes the single-sign-on header only from the proxy, with the role of the account of that name', async () => {
    const behind = app({ proxyAuth: { header: 'x-forwarded-user', addresses: ['127.0.0.1', '::1', '::ffff:127.0.0.1'] } });
    const editor = await request(behind).get('/api/session').set('X-Forwarded-User', 'Eddie@Example.org');
    assert.deepEqual(editor.body.user, { name: 'eddie@example.org', role: 'editor', via: 'proxy' });
    const newcomer = await request(behind).get('/api/search?q=police').set('X-Forwarded-User', 'someone@example.org');
    assert.equal(newcomer.status, 200);
    assert.deepEqual((await request(behind).get('/api/session').set('X-Forwarded-User', 'someone@example.org')).body.user, { name: 'someone@example.org', role: 'reader', via: 'proxy' });
    assert.equal((await request(behind).get('/api/search?q=police')).status, 401, 'no header, no entry');
    assert.deepEqual((await request(behind).get('/api/session')).body, { access: 'signed_out', user: null });

    const elsewhere = app({ proxyAuth: { header: 'x-forwarded-user', addresses: ['10.9.9.9'] } });
    assert.equal((await request(elsewhere).get('/api/search?q=police').set('X-Forwarded-User', 'eddie@example.org')).status, 401, 'the header from a client that is not the proxy counts for nothing');
  });

  it('stays open on loopback with nothing configured, and closes once an account exists', async () => {
    const dir = tempDir();
    const open = app({ loopback: true, dir });
    assert.equal((await request(open).get('/api/search?q=police')).status, 200);
    assert.deepEqual((await request(open).get('/api/session')).body, { access: 'open', user: null });
    await cli(dir, ['add', 'first', '--role', 'editor', '--no-token']);
    await new Promise((r) => setTimeout(r, USERS_RECHECK_MS + 100));
    assert.equal((await request(open).get('/api/search?q=police')).status, 401);
  });

  it('keeps who searched what and opened which document in the audit trail, and no query text in the request log', async () => {
    const a = app({ trustProxy: { kind: 'hops', hops: 1 } });
    const marker = 'Garssen';
    await request(a).get(`/api/search?q=${marker}&limit=3`).set('Authorization', `Bearer ${editorToken}`).set('X-Forwarded-For', '192.0.2.44').expect(200);
    await request(a).get(`/api/documents/${DOC}`).set('Authorization', `Bearer ${editorToken}`).set('X-Forwarded-For', '192.0.2.44').expect(200);
    await request(a).get(`/api/documents/${DOC}/file`).set('Authorization', `Bearer ${editorToken}`).set('X-Forwarded-For', '192.0.2.44').expect(200);
    await audit.flush();
    const lines = fs.readFileSync(audit.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const searched = lines.find((l) => l.action === 'search' && (l.params as { q?: string } | undefined)?.q === marker);
    assert.ok(searched, 'the search is in the trail');
    assert.deepEqual([searched.user, searched.via, searched.address, searched.status, (searched.params as { limit: string }).limit], ['eddie@example.org', 'token', '192.0.2.44', 200, '3']);
    const opened = lines.filter((l) => l.action === 'open_document').slice(-2);
    assert.deepEqual(opened.map((l) => [l.user, l.docId, l.address, l.path]), [
      ['eddie@example.org', DOC, '192.0.2.44', `/api/documents/${DOC}`],
      ['eddie@example.org', DOC, '192.0.2.44', `/api/documents/${DOC}/file`],
    ]);
    assert.ok(lines.some((l) => l.action === 'sign_in' && l.user === 'reed'), 'sign-ins are in the trail');
    assert.ok(lines.some((l) => l.action === 'sign_in_failed'), 'failed sign-ins too');
    logger.flush();
    await new Promise((r) => setTimeout(r, 200));
    const log = fs.readFileSync(logFile, 'utf8');
    assert.match(log, /"url":"\/api\/search\?q&limit"/, 'the request log keeps the path and parameter names');
    assert.ok(!log.includes(marker), 'but not what was searched');
  });
});
