import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CitableApp } from '../../src/server/app.js';
import request from 'supertest';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { createLogger } from '../../src/log.js';
import { ensureSearchKey } from '../../src/meili/keys.js';
import { indexSettings } from '../../src/meili/settings.js';
import { termsIndexOf } from '../../src/meili/indexes.js';
import { SearchBackend } from '../../src/search/backend.js';
import { parseSearchParams, QUERY_MAX_CHARS } from '../../src/search/params.js';
import { MAX_URL_LENGTH } from '../../src/server/middleware/security.js';
import { createApp } from '../../src/server/app.js';
import { stemOf } from '../../src/text/stem.js';
import { words } from '../../src/text/words.js';
import { freshIndexes, openApiValidator as validator, searchBackendFor, SEED_SYNONYMS, SEEDS_DIR, testMeili, uniqueIndex } from '../helpers.js';

const settings = indexSettings(SEED_SYNONYMS);

describe('search API against the seeds', () => {
  const { url, masterKey, client } = testMeili();
  const uid = freshIndexes(client)('api');
  let app: CitableApp;
  let backend: SearchBackend;

  before(async () => {
    await runIndexJob(client, uid, settings, { roots: [SEEDS_DIR] });
    backend = await searchBackendFor({ url, client }, uid, settings);
    app = createApp({
      search: backend,
      readiness: async () => ({ ready: true, passages: await backend.passageCount() }),
      logger: createLogger('silent'),
      rateLimitPerMinute: 10_000,
    });
  });
  after(async () => {
    await backend.close();
  });

  const search = (query: Record<string, string | string[]>) => request(app).get('/api/search').query(query);

  // What each seed says and no other seed says as well: people, places, organisations, networks, figures.
  const cases: Array<[string, string, string[]]> = [
    ['Danny Manupassa', '004_cb672303a775cf7f', ['Danny', 'Manupassa']],
    ['Jannine van den Berg', '001_1320da7a75c21ba7', ['Jannine']],
    ['Aart Garssen', '002_b09c8a4e056d45ba', ['Aart Garssen']],
    ['Ferry van Veghel', '003_ae79e258a1b5c6aa', ['Ferry van Veghel']],
    ['Nijmegen', '000_89e9f66e6ae9edbb', ['Nijmegen']],
    ['Sinaloa Cartel', '002_b09c8a4e056d45ba', ['Sinaloa Cartel']],
    ['Antwerp Hamburg cocaine', '003_ae79e258a1b5c6aa', ['Antwerp', 'Hamburg']],
    ['Gendarmerie', '001_1320da7a75c21ba7', ['Gendarmerie']],
    ['Europol', '003_ae79e258a1b5c6aa', ['Europol']],
    ['High Tech Crime Team', '000_89e9f66e6ae9edbb', ['High Tech Crime Team']],
    ['IronChat', '002_b09c8a4e056d45ba', ['IronChat']],
    ['Ennetcom', '004_cb672303a775cf7f', ['Ennetcom']],
    ['Phantom Secure', '002_b09c8a4e056d45ba', ['Phantom Secure']],
    ['23,000 kilos', '003_ae79e258a1b5c6aa', ['23,000 kilos']],
    ['250,000 messages', '002_b09c8a4e056d45ba', ['250,000']],
    ['70,000 customers', '003_ae79e258a1b5c6aa', ['70,000 customers']],
    ['19 synthetic drug labs', '001_1320da7a75c21ba7', ['19 synthetic drug labs']],
    ['Manupasa', '004_cb672303a775cf7f', ['Manupassa']],
    ['Gendarmrie', '001_1320da7a75c21ba7', ['Gendarmerie']],
    ['"Pretty Good Privacy"', '000_89e9f66e6ae9edbb', ['Pretty Good Privacy']],
    ['Sky ECC', '003_ae79e258a1b5c6aa', ['Sky ECC']],
  ];
  for (const [q, docId, marked] of cases) {
    it(`"${q}" cites ${docId} first, with the words marked`, async () => {
      const res = await search({ q });
      assert.equal(res.status, 200);
      const top = res.body.hits[0];
      assert.ok(top, 'a hit');
      assert.equal(top.source.docId, docId);
      const spans = [...(top.snippet as string).matchAll(/<mark>(.*?)<\/mark>/g)].map((m) => m[1]!);
      for (const m of marked) assert.ok(spans.some((s) => s.includes(m)), `${m} marked in ${top.snippet}`);
    });
  }

  // Questions as people paste them: ranked by BM25 over the corpus statistics.
  const questions: Array<[string, string]> = [
    ['how did the Dutch police read messages sent on BlackBox IronChat cryptophones', '002_b09c8a4e056d45ba'],
    ['which Canadian provider of crypto phones with seventy thousand customers was hacked in the Argus investigation', '003_ae79e258a1b5c6aa'],
    ['what happened to the owner of the Nijmegen company selling customized phones for criminals', '000_89e9f66e6ae9edbb'],
  ];
  for (const [q, docId] of questions) {
    it(`the question "${q.slice(0, 40)}…" cites ${docId} first, its snippet marking words of the question`, async () => {
      const res = await search({ q });
      assert.equal(res.status, 200);
      const top = res.body.hits[0];
      assert.equal(top.source.docId, docId);
      const marked = [...(top.snippet as string).matchAll(/<mark>(.*?)<\/mark>/g)].flatMap((m) => words(m[1]!));
      assert.ok(marked.length > 0, top.snippet);
      const asked = new Set(words(q).map(stemOf));
      for (const w of marked) assert.ok(asked.has(stemOf(w)), `${w} marked in ${top.snippet}`);
      assert.equal(validator('SearchResponse')(res.body), true);
    });
  }

  it('keeps a question to the filtered sources, with every hit read whole', async () => {
    const q = 'how did the Dutch police read messages sent on BlackBox IronChat cryptophones';
    const res = await search({ q, source: ['000_89e9f66e6ae9edbb'], limit: '50' });
    assert.equal(res.status, 200);
    assert.ok(res.body.hits.length > 1, 'several passages of the other seed');
    for (const h of res.body.hits) {
      assert.equal(h.source.docId, '000_89e9f66e6ae9edbb');
      assert.ok(h.text.length > 0 && h.snippet.length > 0);
    }
    assert.equal(res.body.total, res.body.hits.length);
  });

  it('pages through a question’s ranking without repeats', async () => {
    const q = 'which Canadian provider of crypto phones with seventy thousand customers was hacked';
    const first = await search({ q, limit: '5' });
    const second = await search({ q, limit: '5', offset: '5' });
    const ids = [...first.body.hits, ...second.body.hits].map((h: { id: string }) => h.id);
    assert.equal(ids.length, 10);
    assert.equal(new Set(ids).size, 10);
    assert.ok(first.body.hits[4].score >= second.body.hits[0].score);
  });

  it('keeps a question’s quoted phrase: every hit holds it', async () => {
    const res = await search({ q: 'what did investigators find when they read "Sky ECC" messages of criminal groups' });
    assert.equal(res.status, 200);
    assert.ok(res.body.hits.length > 0);
    for (const h of res.body.hits) assert.match(h.text, /Sky ECC/i);
  });

  it('keeps a question’s candidates when one of its words is in no document', async () => {
    // An exclusion makes Meilisearch's hits the only candidates: a word that matches nothing must
    // not be the one word Meilisearch never drops.
    const q = 'what did investigators find when they read encrypted messages zqxvw -EncroChat';
    const res = await search({ q });
    assert.equal(res.status, 200);
    assert.ok(res.body.hits.length > 0, 'the other words still find passages');
    for (const h of res.body.hits) assert.doesNotMatch(h.text, /EncroChat/i);
  });

  it('answers with the documented shape and full citations', async () => {
    const res = await search({ q: 'Ennetcom Toronto' });
    assert.equal(validator('SearchResponse')(res.body), true);
    const hit = res.body.hits[0];
    assert.equal(hit.source.title, 'Dutch police seize encrypted communication network with 19,000 users');
    // The seed names no publisher: the site of its canonical URL stands in, as written.
    assert.equal(hit.source.publisher, 'reuters.com');
    assert.equal(hit.source.author, 'Toby Sterling');
    assert.equal(hit.source.date, '2016-04-23');
    assert.equal(hit.link, `/documents/004_cb672303a775cf7f#p-${hit.passage.position}`);
    assert.match(hit.quote, /^http:\/\/feeds\.reuters\.com\/.+#:~:text=[^#\s]+$/);
    assert.equal(typeof hit.score, 'number');
    assert.ok(hit.passage.end > hit.passage.start);
    assert.deepEqual(res.body.facets.publisher['reuters.com'] > 0, true);
  });

  it('never lets markup from the query through', async () => {
    const q = '<img src=x onerror=alert(1)> police';
    const res = await search({ q });
    assert.equal(res.status, 200);
    assert.equal(res.body.query, q);
    for (const h of res.body.hits) assert.equal(h.snippet.replace(/<\/?mark>/g, '').includes('<'), false);
  });

  it('filters by source, publisher and date range', async () => {
    const bySource = await search({ q: 'police', source: ['002_b09c8a4e056d45ba.txt'] });
    assert.ok(bySource.body.hits.length > 0);
    assert.ok(bySource.body.hits.every((h: { source: { docId: string } }) => h.source.docId === '002_b09c8a4e056d45ba'));
    const byPublisher = await search({ q: 'police', publisher: 'Police Professional' });
    assert.ok(byPublisher.body.hits.every((h: { source: { publisher: string } }) => h.source.publisher === 'Police Professional'));
    const byDate = await search({ q: 'police', from: '2016-01-01', to: '2016-12-31' });
    assert.ok(byDate.body.hits.length > 0);
    assert.ok(byDate.body.hits.every((h: { source: { date: string } }) => h.source.date.startsWith('2016')));
    const hostile = await search({ q: 'police', source: '" OR docId EXISTS OR file = "' });
    assert.equal(hostile.status, 200);
    assert.equal(hostile.body.hits.length, 0);
  });

  it('groups by document', async () => {
    const res = await search({ q: 'police', group: 'document', limit: '50' });
    const ids = res.body.hits.map((h: { source: { docId: string } }) => h.source.docId);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 5);
  });

  it('pages with limit and offset', async () => {
    const all = await search({ q: 'police', limit: '6' });
    const page2 = await search({ q: 'police', limit: '3', offset: '3' });
    assert.deepEqual(page2.body.hits.map((h: { id: string }) => h.id), all.body.hits.slice(3).map((h: { id: string }) => h.id));
  });

  it('serves a document with its passages in order', async () => {
    const res = await request(app).get('/api/documents/000_89e9f66e6ae9edbb');
    assert.equal(res.status, 200);
    assert.equal(validator('Document')(res.body), true);
    assert.deepEqual(res.body.passages.map((p: { position: number }) => p.position), res.body.passages.map((_: unknown, i: number) => i));
    assert.equal(res.body.title, 'Extensive criminal communication network brought down');
  });

  it('serves the evidence of each metadata field and what cleaning removed', async () => {
    const res = await request(app).get('/api/documents/002_b09c8a4e056d45ba');
    assert.equal(validator('Document')(res.body), true);
    assert.deepEqual(res.body.provenance.publisher, { rule: 'copyright line', source: 'Copyright © 2024 Police Professional' });
    assert.deepEqual(res.body.provenance.author, { rule: 'byline', source: 'By Tony Thompson' });
    assert.deepEqual(res.body.provenance.date, { rule: 'date line', source: 'Nov 13, 2018' });
    assert.equal(res.body.provenance.url, undefined);
    assert.ok(res.body.removed.some((r: { text: string; reason: string }) => r.text === 'Related News' && r.reason === 'furniture'));
    assert.ok(res.body.retention.wordsKept <= res.body.retention.wordsIn);
  });

  it('suggests titles and headings as one types', async () => {
    const res = await request(app).get('/api/suggest').query({ q: 'pretty go' });
    assert.equal(res.status, 200);
    assert.ok(res.body.suggestions.some((s: { text: string }) => s.text === 'Pretty Good Privacy'));
    assert.equal(validator('Suggestions')(res.body), true);
  });

  const errors: Array<[string, number, string]> = [
    ['/api/search?limit=0', 400, 'invalid_parameter'],
    ['/api/search?limit=ten', 400, 'invalid_parameter'],
    ['/api/search?offset=5000', 400, 'invalid_parameter'],
    ['/api/search?from=2020-02-31', 400, 'invalid_parameter'],
    ['/api/search?group=year', 400, 'invalid_parameter'],
    ['/api/search?q=a&q=b', 400, 'invalid_parameter'],
    ['/api/search?bogus=1', 400, 'invalid_parameter'],
    [`/api/search?q=${'x'.repeat(QUERY_MAX_CHARS + 1)}`, 400, 'invalid_parameter'],
    [`/api/search?q=${'x'.repeat(MAX_URL_LENGTH)}`, 414, 'uri_too_long'],
    ['/api/documents/nope', 404, 'document_not_found'],
    ['/api/documents/bad%20id!', 400, 'invalid_parameter'],
    ['/api/suggest?q=a&x=1', 400, 'invalid_parameter'],
    ['/api/nothing', 404, 'not_found'],
    ['/nothing/at/all', 404, 'not_found'],
  ];
  for (const [path_, status, code] of errors) {
    it(`answers ${path_.slice(0, 60)} with JSON ${status} ${code}`, async () => {
      const res = await request(app).get(path_);
      assert.equal(res.status, status);
      assert.match(res.headers['content-type'] ?? '', /json/);
      assert.equal(res.body.error.code, code);
      assert.equal(typeof res.body.error.message, 'string');
    });
  }

  it('answers malformed percent-encoding with JSON, never a 5xx', async () => {
    for (const p of ['/api/search?q=%E0%A4%A', '/api/search?q=%', '/api/documents/%E0%A4%A', '/api/search?q[]=x', '/api/search?source=']) {
      const res = await request(app).get(p);
      assert.ok(res.status < 500, `${p}: ${res.status}`);
      assert.match(res.headers['content-type'] ?? '', /json/);
    }
  });

  it('answers HEAD like GET, without a body', async () => {
    const res = await request(app).head('/api/search?q=police');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /json/);
    assert.equal(res.text, undefined);
  });

  it('sends security headers and no X-Powered-By', async () => {
    const res = await search({ q: 'police' });
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.match(res.headers['content-security-policy'] ?? '', /default-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.ok(res.headers['x-request-id']);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  it('keeps a valid request id and allows configured origins only', async () => {
    const res = await search({ q: 'police' }).set('X-Request-Id', 'trace-123');
    assert.equal(res.headers['x-request-id'], 'trace-123');
    const hostile = await search({ q: 'police' }).set('X-Request-Id', '<script>');
    assert.notEqual(hostile.headers['x-request-id'], '<script>');
    const withCors = createApp({ search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent'), corsOrigins: ['https://example.org'] });
    const allowed = await request(withCors).get('/api/search?q=police').set('Origin', 'https://example.org');
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://example.org');
    const other = await request(withCors).get('/api/search?q=police').set('Origin', 'https://evil.example');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
    const preflight = await request(withCors).options('/api/search').set('Origin', 'https://example.org').set('Access-Control-Request-Method', 'GET');
    assert.ok(preflight.status < 300);
  });

  it('rate-limits with a JSON 429', async () => {
    const limited = createApp({ search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent'), rateLimitPerMinute: 2 });
    await request(limited).get('/api/search?q=a');
    await request(limited).get('/api/search?q=a');
    const res = await request(limited).get('/api/search?q=a');
    assert.equal(res.status, 429);
    assert.equal(res.body.error.code, 'rate_limited');
  });

  it('never sends the master key', async () => {
    for (const p of ['/api/search?q=police', '/api/openapi.json', '/readyz', '/api/documents/000_89e9f66e6ae9edbb']) {
      const res = await request(app).get(p);
      assert.ok(!JSON.stringify(res.body).includes(masterKey));
    }
  });

  it('serves its OpenAPI 3.1 document', async () => {
    const res = await request(app).get('/api/openapi.json');
    assert.equal(res.body.openapi, '3.1.0');
  });

  // Searches that arrive together go to Meilisearch as one multi-search.
  const sameAnswers = async (b: SearchBackend, queries: string[]) => {
    const alone = [];
    for (const q of queries) alone.push(await b.search(parseSearchParams({ q })));
    const together = await Promise.all(queries.map((q) => b.search(parseSearchParams({ q }))));
    const view = (r: { total: number; hits: Array<{ id: string; snippet: string }> }) => ({ total: r.total, hits: r.hits.map((h) => [h.id, h.snippet]) });
    assert.deepEqual(together.map(view), alone.map(view));
    for (const r of together) assert.ok(r.hits.length > 0, `hits for ${r.query}`);
  };

  it('answers searches sent at once each with its own hits, as when sent one by one', async () => {
    await sameAnswers(backend, [...cases.map(([q]) => q), ...questions.map(([q]) => q)]);
  });

  it('answers every search of a batch in which one search fails', async () => {
    // Without its terms index, a question's read of the postings fails (and the question falls back
    // to Meilisearch's ranking); Meilisearch then fails the whole multi-search it was sent in.
    const bare = uniqueIndex('api-bare');
    await runIndexJob(client, bare, settings, { roots: [SEEDS_DIR] });
    await client.deleteIndex(termsIndexOf(bare)).waitTask();
    const key = await ensureSearchKey(client, bare);
    const bareBackend = new SearchBackend(() => ({ url, key, index: bare }), { synonyms: settings.synonyms ?? {} });
    try {
      await sameAnswers(bareBackend, ['Dutch police BlackBox IronChat', 'Ennetcom', 'Sky ECC', 'crypto phones seventy thousand customers', 'Europol']);
    } finally {
      await bareBackend.close();
      await client.deleteIndex(bare).waitTask();
    }
  });
});
