import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { findPassage, quoteContext } from '../../src/ingest/selectors.js';
import { createLogger } from '../../src/log.js';
import { BASE_SETTINGS } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createApp } from '../../src/server/app.js';
import { freshIndexes, searchBackendFor, tempDir, testMeili } from '../helpers.js';

const P = [
  'The harbour council voted on Tuesday to close the old swing bridge for repairs, after inspectors found that several of its steel supports had rusted through over the past winter and could no longer carry the weight of the lorries and buses that cross it every morning on their way into the town centre.',
  'Engineers said the work would take at least four months and that ferries would carry commuters across the river in the meantime, at no extra cost to those who hold a monthly pass, while cyclists and pedestrians would be allowed onto the ferries for free until the bridge opens again in the spring.',
  'Residents who live near the bridge told reporters that they had complained about the noise and the state of the railings for years, and that they were glad something was finally being done before the whole structure gave way completely, perhaps with people on it.',
];
const LEAD = 'A new opening paragraph, added when the story was updated, tells readers that the council met again on Thursday night and confirmed the closure date after a long and heated debate about the cost of the ferries and about who should pay for the repairs in the end.';

describe('permalinks survive re-indexing', () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('permalink');
  const dir = tempDir();
  const file = path.join(dir, 'swing-bridge.txt');
  let backend: SearchBackend;
  let app: ReturnType<typeof createApp>;
  const write = (paragraphs: string[]) => fs.writeFileSync(file, `Swing bridge closes\n\n${paragraphs.join('\n\n')}\n`);
  const reindex = () => runIndexJob(client, uid, BASE_SETTINGS, { roots: [dir] });

  before(async () => {
    write(P);
    await reindex();
    backend = await searchBackendFor({ url, client }, uid);
    app = createApp({ search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent'), rateLimitPerMinute: 100_000 });
  });
  after(async () => {
    await backend.close();
  });

  it('hits carry quote and position selectors, and a permalink', async () => {
    const res = await request(app).get('/api/search').query({ q: 'residents railings' });
    const hit = res.body.hits[0];
    const [quote, position] = hit.selector;
    assert.equal(quote.type, 'TextQuoteSelector');
    assert.equal(quote.exact, hit.text);
    assert.equal(position.type, 'TextPositionSelector');
    assert.deepEqual([position.start, position.end], [hit.passage.start, hit.passage.end]);
    assert.match(hit.permalink, /^\/p\/swing-bridge\.[0-9a-f]{16}\?start=/);
  });

  it('a permalink taken before a re-index that shifts the passage still opens the same passage', async () => {
    const before = (await request(app).get('/api/search').query({ q: 'residents railings' })).body.hits[0];
    write([LEAD, ...P]);
    const job = await reindex();
    assert.equal(job.documents.indexed, 1);
    const res = await request(app).get(before.permalink).set('Accept', 'application/json');
    assert.equal(res.status, 200);
    assert.equal(res.body.match, 'hash');
    assert.equal(res.body.passage.text, before.text);
    assert.ok(res.body.passage.start > before.passage.start, 'the passage moved');
    // A browser is sent to the passage in its document view.
    const page = await request(app).get(before.permalink).set('Accept', 'text/html');
    assert.equal(page.status, 302);
    assert.equal(page.headers.location, res.body.passage.link);
  });

  it('falls back to the quote when the passage\'s text changed, and says so', async () => {
    const before = (await request(app).get('/api/search').query({ q: 'residents railings' })).body.hits[0];
    write([LEAD, P[0]!, P[1]!, P[2]!.replace('the noise', 'the constant noise')]);
    await reindex();
    const res = await request(app).get(before.permalink).set('Accept', 'application/json');
    assert.equal(res.status, 200);
    assert.equal(res.body.match, 'quote');
    assert.match(res.body.passage.text, /constant noise/);
  });

  it('says so when the passage is gone, and when the document is', async () => {
    const before = (await request(app).get('/api/search').query({ q: 'residents railings' })).body.hits[0];
    write([LEAD, P[0]!, P[1]!]);
    await reindex();
    const gone = await request(app).get(before.permalink).set('Accept', 'application/json');
    assert.equal(gone.status, 410);
    assert.equal(gone.body.error.code, 'passage_gone');
    const noDoc = await request(app).get('/p/no-such-doc.0123456789abcdef');
    assert.equal(noDoc.status, 404);
    const bad = await request(app).get('/p/not a key');
    assert.equal(bad.status, 400);
  });
});

describe('finding a passage again', () => {
  const passages = [
    { text: 'First passage about the bridge and the river.', hash: 'a' },
    { text: 'Second passage, where the council votes to close it for the winter months.', hash: 'b' },
  ];
  it('by hash, then by the quote\'s start and end, else not at all', () => {
    assert.equal(findPassage(passages, 'b', {})?.match, 'hash');
    assert.equal(findPassage(passages, 'x', { start: 'Second passage, where', end: 'winter months.' })?.passage.hash, 'b');
    assert.equal(findPassage(passages, 'x', { start: 'Nothing like it', end: 'at all' }), null);
  });
  it('quotes a little of the text around a passage, cut at word edges', () => {
    const body = 'One two three four five six seven eight nine ten. The passage itself. Eleven twelve thirteen fourteen fifteen sixteen seventeen.';
    const start = body.indexOf('The passage');
    const { prefix, suffix } = quoteContext(body, start, start + 'The passage itself.'.length);
    assert.ok(body.slice(0, start).endsWith(prefix));
    assert.ok(body.slice(start + 19).startsWith(suffix));
    assert.match(prefix, /^\S/);
  });
});
