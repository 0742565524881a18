import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { parseSearchParams } from '../../src/search/params.js';
import { seededRandom } from '../../scripts/bench/synthetic-queries.js';
import { freshIndexes, searchBackendFor, tempDir, testMeili } from '../helpers.js';

const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));

/** Words every generated story is padded with; none is a query word. */
const FILLER = (
  'the report said on monday that officials met in the capital to discuss a plan which would take effect next year ' +
  'after weeks of talks between ministers and unions over wages pensions and working hours in several regions ' +
  'where local leaders have asked for more money to build roads schools and hospitals before the winter arrives'
).split(' ');
/** The question's words: each story holds a few of them. */
const QUERY_WORDS = [
  'harbour', 'cargo', 'vessel', 'customs', 'container', 'smuggling', 'cocaine', 'inspection',
  'shipment', 'seized', 'antwerp', 'rotterdam', 'dockworkers', 'scanner', 'crates', 'freighter',
];

/**
 * Writes `weak` stories of the first publisher and a few of a second, each with three query words
 * among filler, then `strong` stories holding many query words, several times each. The strong
 * ones come last in file order, where a filter check capped at Meilisearch's maxTotalHits would
 * drop them.
 */
function writeStories(dir: string, weak: number, strong: number) {
  const random = seededRandom(2000);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const story = (queryWords: string[]) => {
    const words = Array.from({ length: 50 }, () => pick(FILLER));
    for (const w of queryWords) words.splice(Math.floor(random() * words.length), 0, w);
    return `${words.join(' ')}.`;
  };
  const write = (name: string, publisher: string, text: string) =>
    fs.writeFileSync(path.join(dir, `${name}.md`), `---\ntitle: Story ${name}\npublisher: ${publisher}\n---\n\n${text}\n`);
  for (let i = 0; i < weak; i++) {
    write(`a-${String(i).padStart(5, '0')}`, i % 15 === 0 ? 'Beta' : 'Alpha', story([pick(QUERY_WORDS), pick(QUERY_WORDS), pick(QUERY_WORDS)]));
  }
  for (let i = 0; i < strong; i++) {
    const words = QUERY_WORDS.filter(() => random() < 0.6).flatMap((w) => [w, w]);
    write(`z-${String(i).padStart(3, '0')}`, i % 3 === 0 ? 'Beta' : 'Alpha', story(words));
  }
}

describe('a question with a filter that more than 2,000 documents pass', () => {
  const { url, client } = testMeili();
  const uid = freshIndexes(client)('filtered');
  let backend: SearchBackend;
  const question = QUERY_WORDS.join(' ');

  before(async () => {
    const dir = tempDir('citable-filtered-');
    writeStories(dir, 2_200, 40);
    await runIndexJob(client, uid, settings, { roots: [dir] });
    backend = await searchBackendFor({ url, client }, uid, settings);
  });
  after(async () => {
    await backend.close();
  });

  it('has more than 2,000 documents passing the filter', async () => {
    // Facet counts are exact; hit counts stop at maxTotalHits.
    const raw = await client.index(uid).search('', { filter: 'position = 0', facets: ['publisher'], limit: 0 });
    assert.ok((raw.facetDistribution?.publisher?.Alpha ?? 0) > 2_000, JSON.stringify(raw.facetDistribution));
  });

  it('ranks the same top 10 as the unfiltered ranking restricted to those documents', async () => {
    const unfiltered: string[] = [];
    for (let offset = 0; unfiltered.length < 10 && offset <= 1000; offset += 50) {
      const res = await backend.search(parseSearchParams({ q: question, group: 'document', limit: '50', offset: String(offset) }));
      unfiltered.push(...res.hits.filter((h) => h.source.publisher === 'Alpha').map((h) => h.source.docId));
      if (res.hits.length < 50) break;
    }
    const filtered = await backend.search(parseSearchParams({ q: question, group: 'document', limit: '10', publisher: 'Alpha' }));
    assert.equal(filtered.hits.length, 10);
    assert.deepEqual(
      filtered.hits.map((h) => h.source.docId),
      unfiltered.slice(0, 10),
    );
    // The strong stories, written last, are the ones a capped filter check would lose.
    assert.ok(filtered.hits.every((h) => h.source.docId.startsWith('z-')), filtered.hits.map((h) => h.source.docId).join(' '));
  });

  it('pages through the filtered answer without repeating a document', async () => {
    const seen = new Set<string>();
    for (let offset = 0; offset < 200; offset += 50) {
      const res = await backend.search(parseSearchParams({ q: question, group: 'document', limit: '50', offset: String(offset), publisher: 'Alpha' }));
      for (const h of res.hits) {
        assert.equal(h.source.publisher, 'Alpha');
        assert.ok(!seen.has(h.source.docId), h.source.docId);
        seen.add(h.source.docId);
      }
    }
    assert.equal(seen.size, 200);
  });
});
