import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Meilisearch } from 'meilisearch';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { ensureSearchKey } from '../../src/meili/keys.js';
import { indexSettings } from '../../src/meili/settings.js';
import { checkSavedSearches, matchFinder } from '../../src/saved/alerts.js';
import { newSavedSearch, savedSearchParams, ALERT_WINDOW } from '../../src/saved/saved-search.js';
import { ensureSavedSearchKey, SavedSearchStore, savedIndexOf } from '../../src/saved/store.js';
import { SEEDS_DIR, SEED_SYNONYMS, tempDir, testMeili, uniqueIndex } from '../helpers.js';

const settings = indexSettings(SEED_SYNONYMS);

describe('saved searches against a real Meilisearch', { timeout: 120_000 }, () => {
  const { url, client } = testMeili();
  const uid = uniqueIndex('saved');
  const docs = tempDir('citable-saved-');
  let store: SavedSearchStore;
  let searchClient: Meilisearch;

  before(async () => {
    for (const f of fs.readdirSync(SEEDS_DIR)) fs.copyFileSync(path.join(SEEDS_DIR, f), path.join(docs, f));
    await runIndexJob(client, uid, settings, { roots: [docs] });
    await SavedSearchStore.ensureIndex(client, uid);
    store = new SavedSearchStore(new Meilisearch({ host: url, apiKey: await ensureSavedSearchKey(client, uid) }), uid);
    searchClient = new Meilisearch({ host: url, apiKey: await ensureSearchKey(client, uid) });
  });
  after(async () => {
    for (const i of [uid, `${uid}__terms`, savedIndexOf(uid)]) await client.deleteIndex(i).waitTask();
  });

  it('stores, lists, reads and deletes saved searches with a key limited to their index', async () => {
    const s = newSavedSearch({ name: 'Ennetcom', q: 'Ennetcom', filters: { sources: [], publishers: [], years: [], from: null, to: null } }, [], new Date());
    await store.put([s]);
    assert.deepEqual((await store.list()).map((x) => x.id), [s.id]);
    assert.equal((await store.get(s.id))?.name, 'Ennetcom');
    assert.equal(await store.count(), 1);
    assert.equal(await store.remove(s.id), true);
    assert.equal(await store.remove(s.id), false);
    assert.equal(await store.get(s.id), null);
    const limited = new Meilisearch({ host: url, apiKey: await ensureSavedSearchKey(client, uid) });
    await assert.rejects(limited.index(uid).search('police'), 'the saved-search key cannot read the passages');
  });

  it('reports, after an indexing job, only the passages that are new and match', async () => {
    const find = matchFinder(searchClient, uid);
    const filters = { sources: [], publishers: [], years: [], from: null, to: null };
    const input = { name: 'Vessel watch', q: 'Marjolein trawler', filters };
    const before = await find(savedSearchParams({ q: input.q, filters }, ALERT_WINDOW));
    const watched = newSavedSearch(input, before, new Date());
    const quiet = newSavedSearch({ name: 'Sky ECC', q: 'Sky ECC', filters }, await find(savedSearchParams({ q: 'Sky ECC', filters }, ALERT_WINDOW)), new Date());
    await store.put([watched, quiet]);

    fs.writeFileSync(
      path.join(docs, 'trawler.txt'),
      'Customs seize trawler Marjolein\n\nCustoms officers boarded the trawler Marjolein in the port of Vlissingen on Tuesday and found 200 kilos of cocaine hidden in the hold, the public prosecutor said.\n',
    );
    await runIndexJob(client, uid, settings, { roots: [docs] });
    const alerts = await checkSavedSearches(store, find, new Date('2026-12-02T10:00:00Z'));

    assert.deepEqual(alerts, [
      { id: quiet.id, name: 'Sky ECC', newMatches: 0 },
      { id: watched.id, name: 'Vessel watch', newMatches: 1 },
    ]);
    const stored = await store.get(watched.id);
    assert.equal(stored?.newMatches[0]?.docId, 'trawler');
    assert.equal(stored?.checkedAt, '2026-12-02T10:00:00.000Z');
    const again = await checkSavedSearches(store, find);
    assert.equal(again.find((a) => a.id === watched.id)?.newMatches, 0, 'a match is new once');
  });
});
