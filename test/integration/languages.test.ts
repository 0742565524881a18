import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { parseSearchParams } from '../../src/search/params.js';
import { freshIndexes, searchBackendFor, SEEDS_DIR, testMeili } from '../helpers.js';

const LANGUAGES_DIR = path.join(projectRoot, 'test', 'fixtures', 'languages');
const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));

describe('questions in Dutch and French, over a collection mostly in English', () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('languages');
  let backend: SearchBackend;

  before(async () => {
    await runIndexJob(client, uid, settings, { roots: [SEEDS_DIR, LANGUAGES_DIR] });
    backend = await searchBackendFor({ url, client }, uid, settings);
  });
  after(async () => {
    await backend.close();
  });

  const top = async (q: string) => (await backend.search(parseSearchParams({ q, limit: '3' }))).hits;

  it('indexes each fixture in the language it is written in', async () => {
    const raw = await client.index(uid).search('', { facets: ['lang'], limit: 0 });
    assert.ok((raw.facetDistribution?.lang?.nl ?? 0) >= 2, JSON.stringify(raw.facetDistribution));
    assert.ok((raw.facetDistribution?.lang?.fr ?? 0) >= 2, JSON.stringify(raw.facetDistribution));
  });

  it('ranks first the Dutch passage that answers a Dutch question', async () => {
    const hits = await top('Hoeveel klanten betaalden voor een toestel van Ennetcom?');
    assert.match(hits[0]!.text, /negentienduizend toestellen/, hits.map((h) => h.text.slice(0, 60)).join(' | '));
  });

  it('ranks first the French passage that answers a French question', async () => {
    const hits = await top("Combien d'appareils actifs comptait le réseau Sky ECC lors de l'opération ?");
    assert.match(hits[0]!.text, /soixante-dix mille appareils/, hits.map((h) => h.text.slice(0, 60)).join(' | '));
  });

  it('marks the question’s words in the answer by the answer’s own language', async () => {
    const hits = await top('Hoeveel klanten betaalden voor een toestel van Ennetcom?');
    // The question asks about "klanten" who "betaalden"; the answer says "klant" and "betaalde".
    // Dutch stemming joins each pair; English rules leave "klanten" and "betaalden" whole.
    assert.match(hits[0]!.snippet, /<mark>klant betaalde<\/mark>/);
  });
});
