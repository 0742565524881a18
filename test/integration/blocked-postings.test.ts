import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { termsIndexOf } from '../../src/meili/indexes.js';
import { indexSettings } from '../../src/meili/settings.js';
import type { SearchBackend } from '../../src/search/backend.js';
import { parseSearchParams } from '../../src/search/params.js';
import { decodeDocumentPostings, decodePassagePostings } from '../../src/terms/postings.js';
import { documentCountsId, termId, type TermRecord } from '../../src/terms/schema.js';
import { stemOf } from '../../src/text/stem.js';
import { FullBm25 } from '../../scripts/bench/candidate-recall.js';
import { freshIndexes, searchBackendFor, tempDir, testMeili } from '../helpers.js';

const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));

const QUERY = ['harbour', 'cargo', 'customs', 'smuggling', 'freighter'];
const FILLER = 'officials met in the capital to discuss a plan which would take effect next year after weeks of talks between ministers and unions'.split(' ');
/** Postings per record, small so that a collection of a hundred stories spans several blocks. */
const BLOCK = 5;

/**
 * Given stories that hold one query word many times (they fill every term's first block and its
 * best passages), stories that hold three query words once (they fill Meilisearch's own best
 * hits), and one story of five short sections, each about one query word: it is the best
 * document by BM25, yet no first block, best passage or Meilisearch hit holds it. When the
 * question is asked, then that story is ranked, first.
 */
function writeStories(dir: string) {
  const filler = (n: number, shift: number) => Array.from({ length: n }, (_, i) => FILLER[(i + shift) % FILLER.length]).join(' ');
  const write = (name: string, title: string, body: string) => fs.writeFileSync(path.join(dir, `${name}.md`), `---\ntitle: ${title}\n---\n\n${body}\n`);
  QUERY.forEach((w, i) => {
    for (let j = 0; j < 8; j++) write(`heavy-${i}-${j}`, `Report ${i} ${j}`, `${filler(4, j)} ${`${w} `.repeat(6)}${filler(2, i)}.`);
  });
  for (let j = 0; j < 25; j++) {
    const words = [0, 1, 2].map((k) => QUERY[(j + k * 2) % QUERY.length]);
    write(`decoy-${j}`, `Notes ${j}`, `${filler(20, j)} ${words.join(' ')} ${filler(25, j + 3)}.`);
  }
  for (let j = 0; j < 20; j++) write(`filler-${j}`, `Minutes ${j}`, `${filler(50, j)}.`);
  write('target', 'Dossier', QUERY.map((w, i) => `## Part ${i + 1}\n\n${w} ${filler(6, i)} ${w} ${filler(5, i + 1)} ${w}.`).join('\n\n'));
}

describe('a document outside every first block of postings', () => {
  const { url, client } = testMeili();
  const fresh = freshIndexes(client);
  const uid = fresh('blocked');
  const dir = tempDir('citable-blocked-');
  let backend: SearchBackend;
  let target = '';
  const question = QUERY.join(' ');

  before(async () => {
    writeStories(dir);
    await runIndexJob(client, uid, settings, { roots: [dir], postings: { block: BLOCK, passages: BLOCK } });
    backend = await searchBackendFor({ url, client }, uid, settings);
    const passages = (await client.index(uid).getDocuments<{ docId: string; title: string }>({ limit: 1000 })).results;
    target = passages.find((p) => p.title === 'Dossier')!.docId;
  });
  after(() => backend.close());

  it('is in no first block, best passage or Meilisearch hit, and is the best document by BM25', async () => {
    const terms = client.index<TermRecord>(termsIndexOf(uid));
    for (const w of QUERY) {
      const first = (await terms.getDocuments({ filter: `id = "${termId(stemOf(w))}"`, limit: 1 })).results[0]!;
      assert.ok((first.blocks ?? 1) > 1, `${w}: ${first.blocks} blocks`);
      assert.ok(!decodeDocumentPostings(first.documents).some((p) => p[0] === target), `${w}: first block`);
      assert.ok(!decodePassagePostings(first.passages).some((p) => p[0] === target), `${w}: best passages`);
    }
    const meili = await client.index(uid).search(question, { limit: 20, matchingStrategy: 'frequency' });
    assert.ok(!meili.hits.some((h) => h.docId === target), 'Meilisearch hit');
    const all = (await client.index(uid).getDocuments({ limit: 1000 })).results as Array<{ docId: string; title: string; heading: string | null; text: string }>;
    const docs = new Map<string, string>();
    for (const p of all) docs.set(p.docId, `${docs.get(p.docId) ?? p.title} ${p.heading ?? ''} ${p.text}`);
    const full = new FullBm25([...docs].map(([id, text]) => ({ id, text })));
    assert.equal(full.top(question, 1)[0], target);
  });

  it('is ranked first when the question is asked', async () => {
    const r = await backend.search(parseSearchParams({ q: question, limit: '10' }));
    assert.ok(r.hits[0]?.id.startsWith(`${target}-`), `first: ${r.hits.map((h) => h.id).join(' ')}`);
    assert.equal(r.incomplete, undefined);
  });

  it('is ranked the same from the text of its passages in an index without stored counts', async () => {
    const ask = async (b: SearchBackend) => {
      const r = await b.search(parseSearchParams({ q: question, limit: '50' }));
      return { ids: r.hits.map((h) => h.id), total: r.total, incomplete: r.incomplete };
    };
    const stored = await ask(backend);
    assert.ok(stored.ids[0]?.startsWith(`${target}-`));
    // An index built before documents had counts records: the same index without them.
    const terms = client.index(termsIndexOf(uid));
    const counted = (await terms.getDocuments<Record<string, unknown>>({ filter: 'term NOT EXISTS', limit: 1000 })).results;
    assert.ok(counted.length > 0 && counted.every((r) => typeof r.termCounts === 'string' && r.id === documentCountsId(String(r.docId))));
    await terms.deleteDocuments(counted.map((r) => String(r.id))).waitTask();
    assert.equal((await terms.getDocuments({ filter: 'term NOT EXISTS', limit: 1 })).results.length, 0);
    const fromText = await searchBackendFor({ url, client }, uid, settings);
    try {
      assert.deepEqual(await ask(fromText), stored);
    } finally {
      await fromText.close();
    }
  });
});
