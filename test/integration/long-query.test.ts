import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import request from 'supertest';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { createLogger } from '../../src/log.js';
import { indexSettings } from '../../src/meili/settings.js';
import { analyzeQuery, QUERY_TERMS_MAX } from '../../src/search/analyze.js';
import type { SearchBackend } from '../../src/search/backend.js';
import { QUERY_MAX_CHARS } from '../../src/search/params.js';
import { createApp, type CitableApp } from '../../src/server/app.js';
import { FullBm25 } from '../../scripts/bench/candidate-recall.js';
import { freshIndexes, searchBackendFor, tempDir, testMeili } from '../helpers.js';

const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));

/** Made-up words of consonants after the prefix, which no stemmer or stop list touches: "qorbb", "qorbc"… */
const CONSONANTS = 'bcdfgklmnprtvwxz';
const madeUp = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${CONSONANTS[Math.floor(i / CONSONANTS.length)]}${CONSONANTS[i % CONSONANTS.length]}`);
/** Words every general story holds: a pasted paragraph's common words. */
const COMMON = madeUp('qor', 40);
/** Words only the target story holds. */
const RARE = madeUp('zyx', 6);
/** A pasted paragraph: its common words first, its telling words last, with a reader's stop words between. */
const PARAGRAPH = [...COMMON, ...RARE].map((w, i) => `${i % 2 ? 'which of the' : 'and then a'} ${w}`).join(' ');

/**
 * Given general stories holding every common word once, dense stories holding the first 32 common
 * words twice, and one target story holding the rare words: a paragraph of more than
 * QUERY_TERMS_MAX terms whose rare words come last. Ranked by its first 32 terms, the target
 * would match none of them; ranked by its rarest, it is first, as full BM25 over every term ranks it.
 */
describe('a pasted paragraph longer than the terms a question is ranked with', () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('longq');
  const dir = tempDir('citable-longq-');
  let backend: SearchBackend;
  let app: CitableApp;
  const docs: Array<{ name: string; title: string; body: string }> = [];

  before(async () => {
    for (let j = 0; j < 30; j++) docs.push({ name: `general-${j}`, title: `General ${j}`, body: COMMON.join(' ') });
    for (let j = 0; j < 5; j++) docs.push({ name: `dense-${j}`, title: `Dense ${j}`, body: [...COMMON.slice(0, QUERY_TERMS_MAX), ...COMMON.slice(0, QUERY_TERMS_MAX)].join(' ') });
    docs.push({ name: 'target', title: 'Target', body: `${RARE.join(' ')} ${RARE.join(' ')}` });
    for (const d of docs) fs.writeFileSync(path.join(dir, `${d.name}.md`), `---\ntitle: ${d.title}\n---\n\n${d.body}.\n`);
    await runIndexJob(client, uid, settings, { roots: [dir] });
    backend = await searchBackendFor({ url, client }, uid, settings);
    app = createApp({ search: backend, readiness: async () => ({ ready: true, passages: 0 }), logger: createLogger('silent'), rateLimitPerMinute: 10_000 });
  });
  after(() => backend.close());

  it('is longer than the old limit of 512 characters, within the query limit, and holds more terms than are ranked', () => {
    assert.ok(PARAGRAPH.length > 512 && PARAGRAPH.length <= QUERY_MAX_CHARS, `${PARAGRAPH.length} characters`);
    assert.equal(analyzeQuery(PARAGRAPH).terms.length, COMMON.length + RARE.length);
    assert.ok(COMMON.length + RARE.length > QUERY_TERMS_MAX);
  });

  it('reads the quotations it holds as its text: no passage holds two of them, yet it finds the story', async () => {
    // One quotation from the target, one from the general stories: as phrases, no passage would hold both.
    const quoted = PARAGRAPH.replace(`${RARE[1]}`, `"${RARE[1]} and then a ${RARE[2]}"`).replace(`${COMMON[0]}`, `"${COMMON[0]} ${COMMON[1]}"`);
    const res = await request(app).get('/api/search').query({ q: quoted, limit: '5' });
    assert.equal(res.status, 200);
    const titles = (res.body.hits as Array<{ source: { title: string } }>).map((h) => h.source.title);
    assert.equal(titles[0], 'Target', titles.join(', '));
  });

  it('finds first the story full BM25 over all its terms ranks first', async () => {
    const full = new FullBm25(docs.map((d) => ({ id: d.name, text: `${d.title} ${d.body}` })));
    assert.equal(full.top(PARAGRAPH, 1)[0], 'target');
    const res = await request(app).get('/api/search').query({ q: PARAGRAPH, limit: '5' });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
    const titles = (res.body.hits as Array<{ source: { title: string } }>).map((h) => h.source.title);
    assert.equal(titles[0], 'Target', titles.join(', '));
  });
});
