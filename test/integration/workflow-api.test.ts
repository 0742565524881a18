import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseCsv } from 'csv-parse/sync';
import request from 'supertest';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { createLogger } from '../../src/log.js';
import { MeiliSearchClient } from '../../src/meili/client.js';
import { ensureSearchKey } from '../../src/meili/keys.js';
import { indexSettings } from '../../src/meili/settings.js';
import { BATCH_MAX_BYTES, BATCH_MAX_QUERIES } from '../../src/search/batch.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createApp, type CitableApp } from '../../src/server/app.js';
import { openApiDocument } from '../../src/server/openapi.js';
import { SEEDS_DIR, SEED_SYNONYMS, testMeili, uniqueIndex } from '../helpers.js';
import { workflowDeps } from '../workflow-helpers.js';

const settings = indexSettings(SEED_SYNONYMS);

/** Validates a body against a schema of the served OpenAPI document. */
function validator(schema: object) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  ajv.addSchema({ ...openApiDocument, $id: 'openapi.json' });
  const v = ajv.compile(schema);
  return (body: unknown) => {
    assert.ok(v(body), JSON.stringify(v.errors?.slice(0, 3)));
  };
}
const schema = (name: keyof typeof openApiDocument.components.schemas) => validator({ $ref: `openapi.json#/components/schemas/${name}` });
const errorBody = schema('Error');

function expectError(res: request.Response, status: number, code: string, param?: string) {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.match(res.headers['content-type'] ?? '', /^application\/json/);
  errorBody(res.body);
  assert.equal(res.body.error.code, code);
  if (param) assert.equal(res.body.error.param, param);
}

describe('the workflow API against the seeds', { timeout: 120_000 }, () => {
  const { url, client } = testMeili();
  const uid = uniqueIndex('wapi');
  let app: CitableApp;
  let deadApp: CitableApp;
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    await runIndexJob(client, uid, settings, { roots: [SEEDS_DIR] });
    const key = await ensureSearchKey(client, uid);
    const backend = new SearchBackend(() => ({ url, key, index: uid }), { synonyms: settings.synonyms ?? {} });
    const workflow = await workflowDeps(url, client, uid);
    const dead = new MeiliSearchClient(() => ({ url: 'http://127.0.0.1:9', key, index: uid }));
    closers.push(() => backend.close(), workflow.close, () => dead.close());
    const common = { search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent'), rateLimitPerMinute: 100_000 };
    app = createApp({ ...common, workflow });
    deadApp = createApp({ ...common, workflow: { meili: dead, saved: null } });
  });
  after(async () => {
    for (const c of closers) await c();
    for (const i of [uid, `${uid}__terms`, `${uid}__saved`]) await client.deleteIndex(i).waitTask();
  });

  describe('GET /api/documents', () => {
    it('answers the collection as the contract says', async () => {
      const res = await request(app).get('/api/documents').query({ sort: 'date:asc', perPage: '3' });
      assert.equal(res.status, 200);
      schema('DocumentList')(res.body);
      assert.equal(res.body.total, 5);
      assert.equal(res.body.documents.length, 3);
    });
    for (const [query, param] of [
      [{ sort: 'random' }, 'sort'],
      [{ perPage: '101' }, 'perPage'],
      [{ page: '0' }, 'page'],
      [{ page: '200', perPage: '100' }, 'page'],
      [{ year: '16' }, 'year'],
      [{ from: '2020-02-30' }, 'from'],
      [{ q: 'police' }, 'q'],
    ] as const) {
      it(`refuses ${JSON.stringify(query)} naming ${param}`, async () => {
        expectError(await request(app).get('/api/documents').query(query), 400, 'invalid_parameter', param);
      });
    }
    it('answers 503 with Retry-After when Meilisearch is unreachable', async () => {
      const res = await request(deadApp).get('/api/documents');
      expectError(res, 503, 'search_unavailable');
      assert.ok(res.headers['retry-after']);
    });
  });

  describe('GET /api/passages/:id/cite', () => {
    const id = '004_cb672303a775cf7f-1';
    it('serves CSL-JSON by default, as the contract says', async () => {
      const res = await request(app).get(`/api/passages/${id}/cite`);
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'] ?? '', /^application\/vnd\.citationstyles\.csl\+json/);
      const items = JSON.parse(res.text) as Array<Record<string, unknown>>;
      schema('CslItems')(items);
      assert.equal(items[0]!.title, 'Dutch police seize encrypted communication network with 19,000 users');
    });
    for (const [format, type] of [
      ['bibtex', /^application\/x-bibtex/],
      ['ris', /^application\/x-research-info-systems/],
      ['apa', /^text\/plain/],
      ['chicago', /^text\/plain/],
      ['harvard', /^text\/plain/],
      ['vancouver', /^text\/plain/],
    ] as const) {
      it(`serves ${format}, inline or as a named download`, async () => {
        const res = await request(app).get(`/api/passages/${id}/cite`).query({ format });
        assert.equal(res.status, 200);
        assert.match(res.headers['content-type'] ?? '', type);
        assert.match(res.text, /Sterling/);
        assert.equal(res.headers['content-disposition'], undefined);
        const file = await request(app).get(`/api/passages/${id}/cite`).query({ format, download: '1' });
        assert.match(file.headers['content-disposition'] ?? '', new RegExp(`^attachment; filename="?citable-${id}[-a-z]*\\.(bib|ris|txt)"?$`));
      });
    }
    it('refuses a format it does not have, a malformed id and unknown parameters', async () => {
      expectError(await request(app).get(`/api/passages/${id}/cite`).query({ format: 'mla' }), 400, 'invalid_parameter', 'format');
      expectError(await request(app).get('/api/passages/no%20such/cite'), 400, 'invalid_parameter', 'id');
      expectError(await request(app).get(`/api/passages/${id}/cite`).query({ style: 'apa' }), 400, 'invalid_parameter', 'style');
      expectError(await request(app).get(`/api/passages/${id}/cite`).query({ download: 'yes' }), 400, 'invalid_parameter', 'download');
    });
    it('answers 404 for a passage that is not there', async () => {
      expectError(await request(app).get('/api/passages/004_cb672303a775cf7f-999/cite'), 404, 'passage_not_found');
    });
  });

  describe('GET /api/search/export', () => {
    it('streams the hits as a CSV download named after the query', async () => {
      const res = await request(app).get('/api/search/export').query({ q: 'police', format: 'csv' }).buffer(true).parse((r, cb) => {
        let data = '';
        r.on('data', (c: Buffer) => (data += c.toString()));
        r.on('end', () => cb(null, data));
      });
      assert.equal(res.status, 200);
      assert.match(res.headers['content-type'] ?? '', /^text\/csv/);
      assert.match(res.headers['content-disposition'] ?? '', /^attachment; filename="?citable-police-\d{4}-\d{2}-\d{2}\.csv"?$/);
      const rows = parseCsv(res.body as string, { columns: true, bom: true }) as Array<Record<string, string>>;
      const search = await request(app).get('/api/search').query({ q: 'police', limit: '50' });
      assert.equal(rows.length, Math.min(search.body.total, 10_000));
    });
    it('streams JSON and NDJSON rows that follow the contract, up to max', async () => {
      const json = await request(app).get('/api/search/export').query({ q: 'police', format: 'json', max: '3' });
      assert.equal(json.status, 200);
      validator({ type: 'array', items: { $ref: 'openapi.json#/components/schemas/ExportRow' } })(json.body);
      assert.equal(json.body.length, 3);
      const nd = await request(app).get('/api/search/export').query({ q: 'police', format: 'ndjson', max: '3' }).buffer(true).parse((r, cb) => {
        let data = '';
        r.on('data', (c: Buffer) => (data += c.toString()));
        r.on('end', () => cb(null, data));
      });
      // Each request runs on its own port, so the links differ; the rows are otherwise the same.
      const withoutLink = ({ link: _link, ...rest }: Record<string, unknown>) => rest;
      const rows = (nd.body as string).trim().split('\n').map((l) => withoutLink(JSON.parse(l) as Record<string, unknown>));
      assert.deepEqual(rows, (json.body as Array<Record<string, unknown>>).map(withoutLink));
    });
    for (const [query, param] of [
      [{ q: 'x', format: 'xlsx' }, 'format'],
      [{ q: 'x', max: '10001' }, 'max'],
      [{ q: 'x', limit: '5' }, 'limit'],
      [{ q: 'x', year: 'soon' }, 'year'],
    ] as const) {
      it(`refuses ${JSON.stringify(query)} naming ${param}`, async () => {
        expectError(await request(app).get('/api/search/export').query(query), 400, 'invalid_parameter', param);
      });
    }
    it('answers 503 before any download starts when Meilisearch is unreachable', async () => {
      const res = await request(deadApp).get('/api/search/export').query({ q: 'police' });
      expectError(res, 503, 'search_unavailable');
      assert.equal(res.headers['content-disposition'], undefined);
    });
  });

  describe('POST /api/batch', () => {
    const names = ['Danny Manupassa', 'Ennetcom', 'Zwartkop Vissermans'];
    it('answers a JSON list in its order, as the contract says', async () => {
      const res = await request(app).post('/api/batch').send({ queries: names });
      assert.equal(res.status, 200);
      schema('BatchResponse')(res.body);
      assert.deepEqual(res.body.results.map((r: { query: string }) => r.query), names);
      assert.deepEqual(res.body.results.map((r: { documents: number }) => r.documents > 0), [true, true, false]);
    });
    it('reads plain text and CSV uploads, and answers CSV and NDJSON', async () => {
      const text = await request(app).post('/api/batch').set('content-type', 'text/plain').send(names.join('\n'));
      assert.deepEqual(text.body.results.map((r: { query: string }) => r.query), names);
      const csv = await request(app).post('/api/batch?format=csv&hits=1').set('content-type', 'text/csv').send('"Manupassa, Danny",x\nEnnetcom,y\n');
      assert.equal(csv.status, 200);
      assert.match(csv.headers['content-disposition'] ?? '', /^attachment; filename="?citable-batch-\d{4}-\d{2}-\d{2}\.csv"?$/);
      const rows = parseCsv(csv.text, { columns: true, bom: true }) as Array<Record<string, string>>;
      assert.deepEqual(rows.map((r) => r.query), ['Manupassa, Danny', 'Ennetcom']);
      assert.deepEqual(Object.keys(rows[0]!), ['query', 'passages', 'documents', 'hit_1_title', 'hit_1_link']);
      const nd = await request(app).post('/api/batch?format=ndjson').send({ queries: names });
      const lines = nd.text.trim().split('\n').map((l) => JSON.parse(l) as { index: number; of: number; result: { query: string } });
      assert.deepEqual(lines.map((l) => l.of), [3, 3, 3]);
      assert.deepEqual(lines.sort((a, b) => a.index - b.index).map((l) => l.result.query), names);
    });
    it('enforces its limits with clear errors', async () => {
      expectError(await request(app).post('/api/batch').send({ queries: [] }), 400, 'invalid_parameter', 'queries');
      expectError(await request(app).post('/api/batch').send({ queries: Array.from({ length: BATCH_MAX_QUERIES + 1 }, (_, i) => `q${i}`) }), 400, 'invalid_parameter', 'queries');
      expectError(await request(app).post('/api/batch').send({ queries: ['x'.repeat(600)] }), 400, 'invalid_parameter', 'queries');
      expectError(await request(app).post('/api/batch').send({ queries: 'Ennetcom' }), 400, 'invalid_parameter', 'queries');
      expectError(await request(app).post('/api/batch').send({ queries: ['a'], extra: 1 }), 400, 'invalid_parameter', 'extra');
      expectError(await request(app).post('/api/batch?hits=11').send({ queries: ['a'] }), 400, 'invalid_parameter', 'hits');
      expectError(await request(app).post('/api/batch?format=xml').send({ queries: ['a'] }), 400, 'invalid_parameter', 'format');
      expectError(await request(app).post('/api/batch').set('content-type', 'text/plain').send('x\n'.repeat(BATCH_MAX_BYTES)), 413, 'payload_too_large');
      expectError(await request(app).post('/api/batch').set('content-type', 'application/xml').send('<q/>'), 415, 'unsupported_media_type');
      expectError(await request(app).post('/api/batch').set('content-type', 'application/json').send('{"queries": ['), 400, 'bad_request');
    });
  });

  describe('saved searches and their feeds', () => {
    it('saves, lists, reads, feeds and deletes a search, as the contract says', async () => {
      const created = await request(app).post('/api/saved').send({ name: 'Sky ECC in Reuters', q: 'Sky ECC', publisher: ['Reuters'] });
      assert.equal(created.status, 201);
      schema('SavedSearchDetail')(created.body);
      assert.equal(created.headers.location, `/api/saved/${created.body.id}`);
      assert.equal(created.body.newCount, 0, 'what matches when saved is not new');
      const list = await request(app).get('/api/saved');
      schema('SavedSearchList')(list.body);
      assert.ok(list.body.savedSearches.some((s: { id: string }) => s.id === created.body.id));
      const one = await request(app).get(`/api/saved/${created.body.id}`);
      schema('SavedSearchDetail')(one.body);
      const feed = await request(app).get(created.body.feed);
      assert.equal(feed.status, 200);
      assert.match(feed.headers['content-type'] ?? '', /^application\/atom\+xml/);
      assert.match(feed.text, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
      assert.equal((await request(app).delete(`/api/saved/${created.body.id}`)).status, 204);
      expectError(await request(app).get(`/api/saved/${created.body.id}`), 404, 'saved_search_not_found');
      expectError(await request(app).delete(`/api/saved/${created.body.id}`), 404, 'saved_search_not_found');
      expectError(await request(app).get(created.body.feed), 404, 'saved_search_not_found');
    });
    it('refuses a search without a name or without query and filters, and malformed ids', async () => {
      expectError(await request(app).post('/api/saved').send({ q: 'x' }), 400, 'invalid_parameter', 'name');
      expectError(await request(app).post('/api/saved').send({ name: 'everything' }), 400, 'invalid_parameter', 'q');
      expectError(await request(app).post('/api/saved').send({ name: 'n', q: 'x', colour: 'red' }), 400, 'invalid_parameter', 'colour');
      expectError(await request(app).get('/api/saved/../../etc'), 404, 'not_found');
      expectError(await request(app).get('/api/saved/XYZ'), 404, 'saved_search_not_found');
      expectError(await request(app).get('/feeds/saved/nothing.rss'), 404, 'not_found');
    });
  });
});
