import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { indexSettings } from '../../src/meili/settings.js';
import { INDEX_MATCH_SETTINGS, queryMatcher } from '../../src/search/highlight.js';
import { normalizeWord } from '../../src/text/normalise.js';
import { MARK_END, MARK_START } from '../../src/search/snippet.js';
import { SEEDS_DIR, SEED_SYNONYMS, testMeili, uniqueIndex } from '../helpers.js';

const settings = indexSettings(SEED_SYNONYMS);
const WORD = /[\p{L}\p{N}]+/gu;

/** Start offsets of the words Meilisearch marked in a text it highlighted whole (no crop). */
function meiliMarkedWords(highlighted: string): Set<number> {
  const marked: Array<[number, number]> = [];
  let plain = 0;
  let open = -1;
  for (const ch of highlighted) {
    if (ch === MARK_START) open = plain;
    else if (ch === MARK_END) {
      if (open >= 0) marked.push([open, plain]);
      open = -1;
    } else plain += ch.length;
  }
  const text = highlighted.replaceAll(MARK_START, '').replaceAll(MARK_END, '');
  const out = new Set<number>();
  for (const m of text.matchAll(WORD)) {
    const end = m.index + m[0].length;
    if (marked.some(([s, e]) => s < end && e > m.index)) out.add(m.index);
  }
  return out;
}

/**
 * Queries of every kind a search box gets, made from the seeds' own words: single words, pairs,
 * phrases, exclusions, typos (a swap of neighbours; a dropped and a changed letter on long words),
 * prefixes while typing, and the synonyms' keys.
 */
function queriesFrom(texts: readonly string[]): string[] {
  const words = [...new Set(texts.flatMap((t) => t.match(WORD) ?? []))];
  const pick = <T,>(xs: T[], every: number) => xs.filter((_, i) => i % every === 0);
  const long = words.filter((w) => w.length >= 5 && /^\p{L}+$/u.test(w));
  const pairs = texts.flatMap((t) => [...t.matchAll(/([\p{L}]{3,}) ([\p{L}]{3,})/gu)].map((m) => [m[1]!, m[2]!] as const));
  const swap = (w: string) => w.slice(0, 2) + w[3] + w[2] + w.slice(4);
  const twoTypos = (w: string) => w.slice(0, 3) + w.slice(4, 6) + (w[6] === 'x' ? 'y' : 'x') + w.slice(7);
  return [
    ...pick(words, 9),
    ...pick(long, 11).map(swap),
    ...pick(long.filter((w) => w.length >= 9), 3).map(twoTypos),
    ...pick(long.filter((w) => w.length >= 7), 7).map((w) => w.slice(0, 5)),
    ...pick(pairs, 23).map(([a, b]) => `${a} ${b}`),
    ...pick(pairs, 29).map(([a, b]) => `"${a} ${b}"`),
    ...pick(pairs, 31).map(([a, b]) => `${a} -${b}`),
    ...Object.keys(settings.synonyms ?? {}),
  ];
}

describe('snippet marks agree with Meilisearch', () => {
  const { client } = testMeili();
  const uid = uniqueIndex('marks');

  before(async () => {
    await runIndexJob(client, uid, settings, { roots: [SEEDS_DIR] });
  });
  after(async () => {
    await client.deleteIndex(uid).waitTask();
  });

  it('marks the words Meilisearch marks, for queries of every kind', async () => {
    const all = await client.index(uid).search<{ text: string }>('', { limit: 1000, attributesToRetrieve: ['text'] });
    const queries = queriesFrom(all.hits.map((h) => h.text));
    let agree = 0;
    let union = 0;
    const misses: string[] = [];
    for (const q of queries) {
      const matcher = queryMatcher(q, { ...INDEX_MATCH_SETTINGS, synonyms: settings.synonyms ?? {} });
      assert.ok(matcher, q);
      const res = await client.index(uid).search<{ text: string; _formatted: { text: string } }>(q, {
        limit: 20,
        attributesToRetrieve: ['text'],
        attributesToHighlight: ['text'],
        highlightPreTag: MARK_START,
        highlightPostTag: MARK_END,
        matchingStrategy: 'frequency',
      });
      for (const h of res.hits) {
        const theirs = meiliMarkedWords(h._formatted.text);
        const ours = new Set(matcher.find(h.text).map((m) => m.start));
        for (const s of new Set([...theirs, ...ours])) {
          union += 1;
          if (theirs.has(s) && ours.has(s)) agree += 1;
          else if (misses.length < 40) {
            const word = /[\p{L}\p{N}]+/u.exec(h.text.slice(s))![0];
            misses.push(`${JSON.stringify(q)}: "${word}" (${normalizeWord(word)}) marked by ${theirs.has(s) ? 'Meilisearch' : 'us'}`);
          }
        }
      }
    }
    const agreement = agree / union;
    process.stdout.write(`# ${queries.length} queries, ${union} marked words, agreement ${agreement.toFixed(3)}\n`);
    assert.ok(queries.length > 100 && union > 1000, `${queries.length} queries, ${union} marked words`);
    assert.ok(agreement >= 0.99, `agreement ${agreement.toFixed(3)}:\n${misses.join('\n')}`);
  });

  it('leaves queries in scripts written without spaces to Meilisearch', () => {
    assert.equal(queryMatcher('加密电话', { ...INDEX_MATCH_SETTINGS, synonyms: {} }), null);
    assert.ok(queryMatcher('Кирилл café', { ...INDEX_MATCH_SETTINGS, synonyms: {} }));
  });
});
