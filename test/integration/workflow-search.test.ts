import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { MeiliSearchClient } from '../../src/meili/client.js';
import { ensureSearchKey } from '../../src/meili/keys.js';
import { indexSettings } from '../../src/meili/settings.js';
import { batchSearcher } from '../../src/search/batch.js';
import { listDocuments, parseDocumentListParams } from '../../src/search/documents.js';
import { exportHits, parseExportParams } from '../../src/search/export.js';
import { passageById } from '../../src/search/passage.js';
import { SEEDS_DIR, SEED_SYNONYMS, testMeili, uniqueIndex } from '../helpers.js';

const settings = indexSettings(SEED_SYNONYMS);

describe('the collection list, passages by id, exports and batches against the seeds', { timeout: 120_000 }, () => {
  const { url, client } = testMeili();
  const uid = uniqueIndex('workflow');
  let meili: MeiliSearchClient;

  before(async () => {
    await runIndexJob(client, uid, settings, { roots: [SEEDS_DIR] });
    const key = await ensureSearchKey(client, uid);
    meili = new MeiliSearchClient(() => ({ url, key, index: uid }));
  });
  after(async () => {
    await meili.close();
    await client.deleteIndex(uid).waitTask();
    await client.deleteIndex(`${uid}__terms`).waitTask();
  });

  it('lists every document once, newest first, with facet counts that add up', async () => {
    const list = await listDocuments(meili, parseDocumentListParams({}));
    assert.equal(list.total, 5);
    assert.equal(list.documents.length, 5);
    assert.equal(new Set(list.documents.map((d) => d.docId)).size, 5);
    const dates = list.documents.map((d) => d.date ?? '');
    assert.deepEqual(dates, [...dates].sort().reverse());
    assert.equal(Object.values(list.facets.publisher).reduce((a, b) => a + b, 0), list.documents.filter((d) => d.publisher).length);
    const bars = list.histogram.bars.reduce((n, b) => n + b.documents, 0);
    assert.equal(bars + list.histogram.undated, 5);
    assert.ok(list.documents.every((d) => d.passages > 0 && d.link === `/documents/${d.docId}`));
  });

  it('filters by publisher, sorts by size and pages', async () => {
    // The Ennetcom seed names no publisher: the site of its canonical URL, reuters.com, stands in.
    const reuters = await listDocuments(meili, parseDocumentListParams({ publisher: 'reuters.com' }));
    assert.ok(reuters.total >= 1);
    assert.ok(reuters.documents.every((d) => d.publisher === 'reuters.com'));
    const bySize = await listDocuments(meili, parseDocumentListParams({ sort: 'passages:asc', perPage: '2', page: '2' }));
    assert.equal(bySize.documents.length, 2);
    const all = await listDocuments(meili, parseDocumentListParams({ sort: 'passages:asc' }));
    const sizes = all.documents.map((d) => d.passages);
    assert.deepEqual(sizes, [...sizes].sort((a, b) => a - b));
    assert.deepEqual(bySize.documents.map((d) => d.docId), all.documents.slice(2, 4).map((d) => d.docId));
  });

  it('reads a passage by its id, and null for one that is not there', async () => {
    const p = await passageById(meili, '004_cb672303a775cf7f-0');
    assert.equal(p?.docId, '004_cb672303a775cf7f');
    assert.equal(p?.position, 0);
    assert.equal(await passageById(meili, '004_cb672303a775cf7f-999'), null);
    assert.equal(await passageById(meili, 'no such id'), null);
  });

  it('exports the hits the search pages through, in order, a page at a time', async () => {
    const got = [];
    for await (const h of exportHits(meili, parseExportParams({ q: 'police' }), 3)) got.push(h.id);
    assert.ok(got.length > 3, 'more than one page');
    assert.equal(new Set(got).size, got.length, 'no hit twice');
    const capped = [];
    for await (const h of exportHits(meili, parseExportParams({ q: 'police', max: '4' }), 3)) capped.push(h.id);
    assert.deepEqual(capped, got.slice(0, 4));
  });

  it('counts the passages and documents in which every word of a name matches', async () => {
    const one = batchSearcher(meili, 2);
    const manupassa = await one('Danny Manupassa');
    assert.ok(manupassa.passages >= 1);
    assert.equal(manupassa.documents, 1);
    assert.ok(manupassa.hits.every((h) => h.docId === '004_cb672303a775cf7f'));
    assert.match(manupassa.hits[0]!.snippet, /<mark>[^<]*Manupassa<\/mark>/);
    const police = await one('police');
    assert.ok(police.documents >= 4 && police.passages > police.documents, JSON.stringify({ p: police.passages, d: police.documents }));
    assert.equal(police.hits.length, 2);
    const nobody = await one('Danny Zwartkop');
    assert.deepEqual([nobody.passages, nobody.documents, nobody.hits.length], [0, 0, 0]);
  });
});
