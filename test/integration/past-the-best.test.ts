import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { termsIndexOf } from '../../src/meili/indexes.js';
import { indexSettings } from '../../src/meili/settings.js';
import type { SearchBackend } from '../../src/search/backend.js';
import { LIMIT_MAX, parseSearchParams } from '../../src/search/params.js';
import { decodePassagePostings } from '../../src/terms/postings.js';
import { termId, type TermRecord } from '../../src/terms/schema.js';
import { stemOf } from '../../src/text/stem.js';
import { FullBm25 } from '../../scripts/bench/candidate-recall.js';
import { freshIndexes, searchBackendFor, tempDir, testMeili } from '../helpers.js';

const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));

const QUERY = ['harbour', 'cargo', 'customs', 'smuggling', 'freighter'];
const FILLER = 'officials met in the capital to discuss a plan which would take effect next year after weeks of talks between ministers and unions'.split(' ');
/** Postings per record and best passages per term, small so that most stories have no best passage. */
const BLOCK = 5;
/** More stories than a question ranks exactly (its 100 best documents). */
const STORIES = 200;

/**
 * Stories of three sections whose query words are all in the last one, at varied counts and
 * lengths: few of them have a passage among the terms' best or Meilisearch's hits, and half rank
 * past the 100 best documents, so most of those are listed as documents met only in postings.
 */
function writeStories(dir: string) {
  const filler = (n: number, shift: number) => Array.from({ length: n }, (_, i) => FILLER[(i + shift) % FILLER.length]).join(' ');
  for (let j = 0; j < STORIES; j++) {
    const words = [QUERY[j % QUERY.length]!, ...(j % 4 === 0 ? [QUERY[(j + 2) % QUERY.length]!] : [])];
    const found = words.map((w) => `${w} `.repeat(1 + (j % 3))).join('');
    const sections = [filler(30 + (j % 7), j), filler(25 + (j % 5), j + 1), `${filler(5 + (j % 11), j + 2)} ${found}${filler(4, j)}.`];
    const body = sections.map((text, i) => `## Part ${i + 1}\n\n${text}`).join('\n\n');
    fs.writeFileSync(path.join(dir, `story-${j}.md`), `---\ntitle: Story ${j}\n---\n\n${body}\n`);
  }
}

describe('documents a question meets only in the postings of its terms', () => {
  const { url, client } = testMeili();
  const fresh = freshIndexes(client);
  const uid = fresh('past-best');
  const dir = tempDir('citable-past-best-');
  let backend: SearchBackend;
  const question = QUERY.join(' ');
  const heldWords = new Set(QUERY.map(stemOf));
  const holdsQueryWord = (text: string) => text.toLowerCase().split(/[^a-z]+/).some((w) => heldWords.has(stemOf(w)));

  before(async () => {
    writeStories(dir);
    await runIndexJob(client, uid, settings, { roots: [dir], postings: { block: BLOCK, passages: BLOCK } });
    backend = await searchBackendFor({ url, client }, uid, settings);
  });
  after(() => backend.close());

  it('are listed, each shown through a passage that holds the question’s words', async () => {
    const hits = [];
    for (let offset = 0; offset < STORIES + LIMIT_MAX; offset += LIMIT_MAX) {
      hits.push(...(await backend.search(parseSearchParams({ q: question, limit: String(LIMIT_MAX), offset: String(offset) }))).hits);
    }
    const listed = new Set(hits.map((h) => h.source.docId));
    // Documents with a candidate passage: the terms' best passages and Meilisearch's hits, and the
    // 100 best. More are listed, so some were met only in the terms' document postings.
    const terms = client.index<TermRecord>(termsIndexOf(uid));
    const posted = new Set<string>();
    for (const w of QUERY) {
      const first = (await terms.getDocuments({ filter: `id = "${termId(stemOf(w))}"`, limit: 1 })).results[0]!;
      for (const p of decodePassagePostings(first.passages)) posted.add(p[0]);
    }
    const meili = await client.index(uid).search(question, { limit: 20, matchingStrategy: 'last' });
    const all = (await client.index(uid).getDocuments({ limit: 10_000 })).results as Array<{ docId: string; title: string; heading: string | null; text: string }>;
    const docs = new Map<string, string>();
    for (const p of all) docs.set(p.docId, `${docs.get(p.docId) ?? p.title} ${p.heading ?? ''} ${p.text}`);
    const best = new FullBm25([...docs].map(([id, text]) => ({ id, text }))).top(question, 100);
    const withPassage = new Set([...posted, ...meili.hits.map((h) => h.docId as string), ...best]);
    const metOnlyInPostings = [...listed].filter((d) => !withPassage.has(d));
    assert.ok(metOnlyInPostings.length >= 5, `${listed.size} documents listed, ${metOnlyInPostings.length} of them met only in postings`);
    for (const h of hits) assert.ok(holdsQueryWord(h.text), `${h.id} (${h.source.docId}) holds none of the question’s words: ${h.text.slice(0, 80)}`);
    for (const h of hits) assert.ok(h.snippet.includes('<mark>'), `${h.id}: its snippet marks the words`);
    assert.equal(hits.length, listed.size, 'each document once: all a story’s query words are in one passage');
  });
});
