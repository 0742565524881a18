import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { createLogger } from '../../src/log.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createApp, type CitableApp } from '../../src/server/app.js';
import { freshIndexes, openApiValidator, searchBackendFor, tempDir, testMeili } from '../helpers.js';
import { workflowDeps } from '../workflow-helpers.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'formats');
const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));

const validator = openApiValidator;

describe('the API on PDF, Word, e-mail and legacy-encoded files', () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('formatsapi');
  const dir = tempDir('citable-formats-api-');
  const outside = tempDir('citable-outside-');
  let app: CitableApp;
  let backend: SearchBackend;
  let closeWorkflow: () => Promise<void>;

  before(async () => {
    for (const f of ['harbour-report.pdf', 'tide-gauges.docx', 'berth-allocation.eml', 'pilots.mbox', 'windows-1252.txt']) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'page.html'), '<!doctype html><html><head><title>Harbour page</title></head><body><p>The harbour page tells visitors where the ferry leaves from and how long the crossing to the island takes in good weather.</p><script>alert(1)</script></body></html>');
    fs.writeFileSync(path.join(dir, 'changing.txt'), 'Changing notice\n\nThis notice about the lock gates will be changed after it has been indexed, and must then not be served.');
    fs.writeFileSync(path.join(outside, 'moved.txt'), 'Moved notice\n\nThis notice about the swing bridge lies outside the indexed folder and must never be served from there.');
    fs.copyFileSync(path.join(outside, 'moved.txt'), path.join(dir, 'moved.txt'));
    await runIndexJob(client, uid, settings, { roots: [dir] });
    // After indexing: one file changes, one becomes a link to a file outside the folder.
    fs.appendFileSync(path.join(dir, 'changing.txt'), ' Changed.');
    fs.rmSync(path.join(dir, 'moved.txt'));
    fs.symlinkSync(path.join(outside, 'moved.txt'), path.join(dir, 'moved.txt'));
    backend = await searchBackendFor({ url, client }, uid, settings);
    const workflow = await workflowDeps(url, client, uid);
    closeWorkflow = workflow.close;
    app = createApp({ search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent'), rateLimitPerMinute: 10_000, workflow });
  });
  after(async () => {
    await backend.close();
    await closeWorkflow();
  });

  it('gives a PDF hit its format, page, printed label and a link to the page', async () => {
    const res = await request(app).get('/api/search').query({ q: 'quokka emblem' }).expect(200);
    assert.ok(validator('SearchResponse')(res.body), JSON.stringify(validator('SearchResponse').errors));
    const hit = (res.body as { hits: Array<{ source: { format: string }; passage: { page: number; pageEnd: number; pageLabel: string }; original: string }> }).hits[0]!;
    assert.equal(hit.source.format, 'pdf');
    assert.deepEqual([hit.passage.page, hit.passage.pageEnd, hit.passage.pageLabel], [3, 3, '1']);
    assert.equal(hit.original, '/api/documents/harbour-report/file#page=3');
  });

  const hits = async (query: Record<string, string | string[]>) => {
    const res = await request(app).get('/api/search').query(query).expect(200);
    return (res.body as { hits: Array<{ id: string; source: { docId: string; format: string; partOf: string | null }; passage: { page: number | null; pageEnd: number | null; pageLabel: string | null; pageEndLabel: string | null } }> }).hits;
  };

  it('cites the page known for each sentence of the report, through the search API', async () => {
    // Where the fixture's script wrote each sentence: [words, page, printed label]. A passage may
    // hold paragraphs of two pages: it then names both, and the sentence's page is one of them.
    const known: Array<[string, number, string]> = [
      ['lighthouse keepers northern breakwater', 1, 'i'],
      ['archivist records office customs ledgers', 2, 'ii'],
      ['fisheries officers mesh rules trawlers', 3, '1'],
      ['cormorants nesting old pier', 4, '2'],
      ['carved walrus retiring harbour master', 5, '3'],
    ];
    for (const [q, page, label] of known) {
      const hit = (await hits({ q, format: 'pdf' }))[0];
      assert.ok(hit, q);
      const p = hit.passage;
      assert.equal(hit.source.docId, 'harbour-report', q);
      assert.ok(p.page !== null && p.pageEnd !== null && p.page <= page && page <= p.pageEnd, `${q}: p. ${page} within ${p.page}–${p.pageEnd}`);
      assert.equal(page === p.page ? p.pageLabel : p.pageEndLabel, label, q);
    }
    // The paragraph that runs over the break from page 4 to page 5.
    const across = (await hits({ q: 'pelicans dolphin piling rigs' }))[0]!.passage;
    assert.deepEqual([across.page, across.pageEnd, across.pageLabel, across.pageEndLabel], [4, 5, '2', '3']);
  });

  it('finds each format by its words, and says which format it is', async () => {
    const found: Array<[string, string]> = [
      ['stilling well', 'docx'],
      ['objections allocation tide tables', 'eml'],
      ['radar beacon outer mole', 'eml'],
      ['berthing fee gross tonne', 'text'],
      ['ferry crossing island', 'html'],
    ];
    for (const [q, format] of found) assert.equal((await hits({ q }))[0]?.source.format, format, q);
  });

  it('filters by format, one or several', async () => {
    const pdf = await hits({ q: '', format: 'pdf', limit: '50' });
    assert.ok(pdf.length > 0);
    assert.ok(pdf.every((h) => h.source.format === 'pdf'));
    const two = await hits({ q: '', format: ['docx', 'eml'], limit: '50' });
    assert.deepEqual([...new Set(two.map((h) => h.source.format))].sort(), ['docx', 'eml']);
  });

  it('answers 400 JSON for an unknown format, and never lets one reach the filter', async () => {
    for (const format of ['exe', 'pdf" OR format != "x', 'PDF']) {
      const res = await request(app).get('/api/search').query({ q: 'harbour', format }).expect(400);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      const body = res.body as { error: { code: string; param: string } };
      assert.deepEqual([body.error.code, body.error.param], ['invalid_parameter', 'format']);
    }
  });

  it('cites a PDF passage by its printed page in every citation format', async () => {
    const hit = (await hits({ q: 'quokka emblem' }))[0]!;
    const cite = async (format: string) => (await request(app).get(`/api/passages/${hit.id}/cite`).query({ format }).buffer(true).expect(200)).text;
    const csl = JSON.parse(await cite('csl')) as Array<{ page?: string; note: string }>;
    assert.equal(csl[0]!.page, '1');
    assert.match(csl[0]!.note, /\(page 1\)$/);
    assert.match(await cite('bibtex'), /^\s*pages = \{1\},$/m);
    assert.match(await cite('ris'), /^SP {2}- 1$/m);
    assert.match(await cite('apa'), /, p\. 1\)\n$/);
  });

  it('says which message an attachment belongs to', async () => {
    const res = await request(app).get('/api/search').query({ q: 'second tug station narrows' }).expect(200);
    assert.equal((res.body as { hits: Array<{ source: { partOf: string } }> }).hits[0]!.source.partOf, 'attachment berth-memo.pdf of message Berth allocation for the spring season');
  });

  it('serves a document with its format and the pages of its passages', async () => {
    const res = await request(app).get('/api/documents/harbour-report').expect(200);
    const check = validator('Document');
    assert.ok(check(res.body), JSON.stringify(check.errors));
    const doc = res.body as { format: string; passages: Array<{ page: number; pageEnd: number }> };
    assert.equal(doc.format, 'pdf');
    assert.ok(doc.passages.some((p) => p.page === 4 && p.pageEnd === 5));
  });

  it('serves the original PDF inline, as it was indexed', async () => {
    const res = await request(app).get('/api/documents/harbour-report/file').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.match(res.headers['content-disposition']!, /^inline; filename="?harbour-report\.pdf"?$/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok((res.body as Buffer).equals(fs.readFileSync(path.join(FIXTURES, 'harbour-report.pdf'))));
  });

  it('serves a Word file as a download', async () => {
    const res = await request(app).get('/api/documents/tide-gauges/file').expect(200);
    assert.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    assert.match(res.headers['content-disposition']!, /^attachment; filename="?tide-gauges\.docx"?$/);
  });

  it('never serves HTML inline', async () => {
    const res = await request(app).get('/api/documents/page/file').expect(200);
    assert.match(res.headers['content-disposition']!, /^attachment/);
    assert.match(res.headers['content-security-policy']!, /sandbox/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('serves legacy-encoded text with its charset', async () => {
    const res = await request(app).get('/api/documents/windows-1252/file').expect(200);
    assert.equal(res.headers['content-type'], 'text/plain; charset=windows-1252');
  });

  it('refuses a file that changed since it was indexed', async () => {
    const res = await request(app).get('/api/documents/changing/file').expect(404);
    assert.match((res.body as { error: { message: string } }).error.message, /changed since it was indexed/);
  });

  it('refuses a file that now lies outside the indexed folder', async () => {
    const res = await request(app).get('/api/documents/moved/file').expect(404);
    assert.match((res.body as { error: { message: string } }).error.message, /no longer inside the folder/);
  });

  it('answers 404 for an unknown document and 400 for a malformed id', async () => {
    await request(app).get('/api/documents/nothing-here/file').expect(404);
    const bad = await request(app).get('/api/documents/..%2Fetc/file').expect(400);
    assert.equal((bad.body as { error: { code: string } }).error.code, 'invalid_parameter');
  });
});
