import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeQuery, candidateQuery } from '../../src/search/analyze.js';
import { bm25, idf, stemOf, termCounts, type CorpusStats } from '../../src/search/bm25.js';
import { bestPerDocument, rerank } from '../../src/search/rerank.js';
import { cropAndHighlight, MARK_END as E, MARK_START as S } from '../../src/search/snippet.js';

const stats = (df: Record<string, number>, passages = 100): CorpusStats => ({ passages, avgLength: 20, avgDocLength: 40, df: new Map(Object.entries(df)) });

describe('query analysis', () => {
  it('drops stop words, keeps phrases and exclusions, stems terms', () => {
    const a = analyzeQuery('What did the "Sky ECC" servers reveal about cocaine -Belgium shipments');
    assert.deepEqual(a.phrases, ['Sky ECC']);
    assert.deepEqual(a.negated, ['Belgium']);
    assert.deepEqual(a.words, ['servers', 'reveal', 'cocaine', 'shipments']);
    assert.deepEqual(a.terms, ['server', 'reveal', 'cocain', 'shipment']);
    assert.equal(a.long, false);
  });
  it('calls a query of more than four content words sentence-like', () => {
    assert.equal(analyzeQuery('how did police read the encrypted messages of criminal gangs').long, true);
    assert.equal(analyzeQuery('Danny Manupassa').long, false);
  });
  it('sends Meilisearch the most telling words first, within the ten it reads', () => {
    const a = analyzeQuery('alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu');
    const rarity: Record<string, number> = { mu: 9, lambda: 8 };
    const q = candidateQuery(a, (t) => rarity[t] ?? 0);
    assert.equal(q.split(' ').length, 10);
    assert.ok(q.startsWith('mu lambda'));
  });
});

describe('BM25', () => {
  it('weighs rare terms more and saturates repeats', () => {
    const s = stats({ rare: 1, common: 90 });
    assert.ok(idf('rare', s) > idf('common', s));
    const once = bm25(termCounts('rare word').counts, 20, ['rare'], s);
    const many = bm25(termCounts('rare rare rare rare').counts, 20, ['rare'], s);
    assert.ok(many > once && many < 4 * once);
  });
  it('folds inflections to one term', () => assert.equal(stemOf('missiles'), stemOf('missile')));
});

describe('re-ranking', () => {
  const c = (id: string, docId: string, text: string, score = 0.5) => ({ id, docId, title: null, heading: null, text, _rankingScore: score });
  it('orders candidates by BM25, not by Meilisearch’s order', () => {
    const ranked = rerank(
      [c('a', 'd1', 'police said something else entirely'), c('b', 'd2', 'encrypted phones seized by police in raids on encrypted networks')],
      ['encrypt', 'phone', 'polic'],
      stats({ encrypt: 5, phone: 5, polic: 50 }),
    );
    assert.deepEqual(ranked.map((r) => r.id), ['b', 'a']);
  });
  it('keeps the best passage of each document once', () => {
    assert.deepEqual(bestPerDocument([{ docId: 'x', n: 1 }, { docId: 'y', n: 2 }, { docId: 'x', n: 3 }]).map((r) => r.n), [1, 2]);
  });
});

describe('own snippets for re-ranked hits', () => {
  it('crop around the densest matches and mark every inflection', () => {
    const text = 'One two three four five six seven. The missiles were moved; a missile stayed. Eight nine ten.';
    const out = cropAndHighlight(text, new Set([stemOf('missile')]), 8, stemOf);
    assert.ok(out.includes(`${S}missiles${E}`) && out.includes(`${S}missile${E}`), out);
    assert.ok(out.startsWith('…') && out.endsWith('…'), out);
  });
});
