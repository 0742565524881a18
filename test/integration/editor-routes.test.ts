import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { UsersStore } from '../../src/accounts/users-store.js';
import { acquireJobLock } from '../../src/indexing/job-lock.js';
import { createLogger } from '../../src/log.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createApp, type CitableApp } from '../../src/server/app.js';
import { createAccess } from '../../src/server/auth/access.js';
import { indexJobs, type IndexJobStatus } from '../../src/server/index-jobs.js';
import type { WorkflowDeps } from '../../src/server/workflow-routes.js';
import { freshIndexes, openApiValidator, SEED_SYNONYMS, tempDir, testMeili, usersCli } from '../helpers.js';
import { workflowDeps } from '../workflow-helpers.js';

const STORY =
  'Harbour cranes idle\n\nDock workers in the northern port stopped the cranes for a day, and the harbour master said ' +
  'that the ships waiting outside would be unloaded by the end of the week.\n';

/** Every request that changes something, with a body where its route reads one. */
const CHANGES: ReadonlyArray<[method: 'post' | 'put' | 'patch' | 'delete', path: string, body?: object]> = [
  ['post', '/api/index', {}],
  ['post', '/api/saved', { name: 'cranes', q: 'cranes' }],
  ['delete', '/api/saved/0123456789abcdef'],
  ['put', '/api/saved/0123456789abcdef', { name: 'cranes', q: 'cranes' }],
  ['patch', '/api/saved/0123456789abcdef', { name: 'cranes' }],
  ['post', '/api/documents', {}],
  ['delete', '/api/documents/some-document'],
];

describe('what changes data is an editor’s: saved searches and indexing over HTTP', { timeout: 120_000 }, () => {
  const { url, client, masterKey } = testMeili();
  const uid = freshIndexes(client)('editor');
  const dataDir = tempDir('citable-editor-');
  const roots = [tempDir('citable-editor-docs-')];
  fs.writeFileSync(path.join(roots[0]!, 'cranes.txt'), STORY);
  const settings = indexSettings(SEED_SYNONYMS);
  let backend: SearchBackend;
  let workflow: WorkflowDeps & { close(): Promise<void> };
  let reader: string;
  let editor: string;

  function app(opts: { roots?: string[] } = {}): CitableApp {
    const access = createAccess({ store: new UsersStore(dataDir), loopback: false, proxyAuth: null, trustProxy: { kind: 'off' }, audit: null });
    const indexing = indexJobs({ dataDir, index: uid, settings, roots: opts.roots ?? roots, nodes: () => [{ name: 'meilisearch', client }] });
    return createApp({ search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent'), rateLimitPerMinute: 100_000, access, workflow, indexing });
  }
  const as = (token: string) => (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  const send = (a: CitableApp, [method, p, body]: (typeof CHANGES)[number]) => (body ? request(a)[method](p).send(body) : request(a)[method](p));
  const jobAnswer = openApiValidator('IndexJobAnswer');
  const valid = (body: unknown) => assert.ok(jobAnswer(body), JSON.stringify(jobAnswer.errors));
  const passages = async () => (await client.index(uid).getStats().catch(() => ({ numberOfDocuments: 0 }))).numberOfDocuments;

  before(async () => {
    backend = new SearchBackend(() => ({ url, key: masterKey, index: uid }), { synonyms: settings.synonyms ?? {} });
    workflow = await workflowDeps(url, client, uid);
    reader = await usersCli(dataDir, ['add', 'reed', '--role', 'reader']);
    editor = await usersCli(dataDir, ['add', 'eddie', '--role', 'editor']);
  });
  after(async () => {
    await backend.close();
    await workflow.close();
  });

  it('answers every request that changes something with a JSON 401 without credentials, and a JSON 403 for a reader', async () => {
    const a = app();
    for (const change of CHANGES) {
      const anonymous = await send(a, change);
      assert.equal(anonymous.status, 401, `${change[0]} ${change[1]}`);
      assert.equal(anonymous.body.error.code, 'unauthorized');
      const refused = await as(reader)(send(a, change));
      assert.equal(refused.status, 403, `${change[0]} ${change[1]} as a reader`);
      assert.match(refused.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(refused.body.error.code, 'forbidden');
      assert.match(refused.body.error.message, /editor/);
    }
    assert.equal((await as(reader)(request(a).get('/api/index'))).status, 403, 'a job’s state names files on the server: an editor’s');
    assert.equal(await passages(), 0, 'nothing was indexed');
    assert.deepEqual((await as(reader)(request(a).get('/api/saved'))).body.savedSearches, [], 'nothing was saved');
  });

  it('lets an editor index the configured folders with the job of `npm run index`, and shows the job', async () => {
    const a = app();
    assert.deepEqual((await as(editor)(request(a).get('/api/index'))).body, { job: null });
    const started = await as(editor)(request(a).post('/api/index'));
    assert.equal(started.status, 202);
    valid(started.body);
    assert.equal(started.headers.location, '/api/index');
    assert.equal(started.body.job.state, 'running');
    assert.deepEqual([started.body.job.startedBy, started.body.job.roots, started.body.job.rebuild], ['eddie', roots, false]);
    let job: IndexJobStatus = started.body.job;
    for (let i = 0; i < 600 && job.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await as(editor)(request(a).get('/api/index'))).body.job;
    }
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    valid({ job });
    assert.deepEqual(job.summary?.documents, { indexed: 1, unchanged: 0, removed: 0, failed: 0 });
    const found = await as(reader)(request(a).get('/api/search?q=harbour%20cranes'));
    assert.equal(found.status, 200);
    assert.match(found.body.hits[0].source.title, /Harbour cranes/, 'what the editor indexed, a reader finds');
    const batch = await as(reader)(request(a).post('/api/batch')).send({ queries: ['cranes'] });
    assert.equal(batch.status, 200, 'a batch of searches only reads: a reader’s');
  });

  it('answers 409 while another job holds the index, and 400 for a body it does not read', async () => {
    const a = app();
    const lock = await acquireJobLock(dataDir, uid);
    try {
      const busy = await as(editor)(request(a).post('/api/index')).send({ rebuild: true });
      assert.equal(busy.status, 409);
      assert.equal(busy.body.error.code, 'job_busy');
      assert.match(busy.body.error.message, new RegExp(`process ${process.pid}`));
    } finally {
      lock.release();
    }
    const bad = await as(editor)(request(a).post('/api/index')).send({ rebuild: 'yes' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.param, 'rebuild');
    assert.equal((await as(editor)(request(a).post('/api/index')).send({ roots: ['/etc'] })).body.error.param, 'roots', 'the folders are the server’s setting, never the request’s');
  });

  it('says how to set indexing up when no folders are configured', async () => {
    const off = await as(editor)(request(app({ roots: [] })).post('/api/index'));
    assert.equal(off.status, 404);
    assert.match(off.body.error.message, /INDEX_ROOTS/);
  });
});
