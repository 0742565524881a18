import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeQuery, candidateQuery } from '../../src/search/analyze.js';
import { bm25, idf, termCounts, type CorpusStats } from '../../src/text/bm25.js';
import { stemOf } from '../../src/text/stem.js';
import { bestPassageOf, bestPerDocument, countedPassages, rankPassages, settledTop, UNPLACED } from '../../src/search/rerank.js';
import type { PostingLists } from '../../src/terms/postings.js';
import { cropAndHighlight, MARK_END as E, MARK_START as S } from '../../src/search/snippet.js';

const stats = (df: Record<string, number>, passages = 100): CorpusStats => ({ passages, avgLength: 20, avgDocLength: 40, df: new Map(Object.entries(df)) });

describe('query analysis', () => {
  it('drops stop words, keeps phrases and exclusions, stems terms', () => {
    const a = analyzeQuery('What did the "Sky ECC" servers reveal about cocaine -Belgium shipments');
    assert.deepEqual(a.phrases, ['Sky ECC']);
    assert.deepEqual(a.negated, ['Belgium']);
    assert.deepEqual(a.words, ['servers', 'reveal', 'cocaine', 'shipments']);
    assert.deepEqual(a.terms, ['server', 'reveal', 'cocain', 'shipment']);
    assert.equal(a.long, true);
  });
  it('calls a query of three or more content words sentence-like', () => {
    assert.equal(analyzeQuery('how did police read the encrypted messages of criminal gangs').long, true);
    assert.equal(analyzeQuery('police seized encrypted phones').long, true);
    assert.equal(analyzeQuery('police seized the phones').long, true);
    assert.equal(analyzeQuery('the phones police').long, false);
    assert.equal(analyzeQuery('Danny Manupassa').long, false);
  });
  it('sends Meilisearch the most telling words first, within the ten it reads', () => {
    const a = analyzeQuery('alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu');
    const rarity: Record<string, number> = { mu: 9, lambda: 8 };
    const q = candidateQuery(a, (t) => rarity[t] ?? 0);
    assert.equal(q.split(' ').length, 10);
    assert.ok(q.startsWith('mu lambda'));
  });

  it('puts words the collection does not hold after those it does, so that they cannot empty the candidates', () => {
    const a = analyzeQuery('xqzzy smugglers used encrypted phones');
    const df: Record<string, number> = { smuggler: 3, us: 50, encrypt: 5, phone: 20 };
    const q = candidateQuery(a, (t) => (df[t] ? 10 / df[t]! : 99), (t) => t in df);
    assert.equal(q.split(' ').at(-1), 'xqzzy');
    assert.equal(q.split(' ')[0], 'smugglers');
  });
});

describe('settled Meilisearch candidates', () => {
  const hit = (id: string, score: number) => ({ id, _rankingScore: score });
  it('takes a tied group only when all of it came back, broken by passage id', () => {
    // Asked for 4: the group at 0.5 may run past the answer, so it is left out.
    const answer = [hit('c', 0.9), hit('b', 0.7), hit('a', 0.7), hit('z', 0.5)];
    assert.deepEqual(settledTop(answer, 3, 4).map((h) => h.id), ['c', 'a', 'b']);
    assert.deepEqual(settledTop(answer, 2, 4).map((h) => h.id), ['c', 'a']);
    // The same hits in another node order give the same candidates.
    assert.deepEqual(settledTop([hit('c', 0.9), hit('a', 0.7), hit('b', 0.7), hit('y', 0.5)], 3, 4).map((h) => h.id), ['c', 'a', 'b']);
  });
  it('keeps every hit of an answer that held all the matches', () => {
    assert.deepEqual(settledTop([hit('b', 0.5), hit('a', 0.5)], 5, 10).map((h) => h.id), ['a', 'b']);
  });
  it('leaves out a tie that runs through the whole answer', () => {
    assert.deepEqual(settledTop([hit('a', 0.5), hit('b', 0.5), hit('c', 0.5)], 2, 3), []);
  });
  it('with fill, fills the places the settled groups leave from the tie at the edge, by id', () => {
    assert.deepEqual(settledTop([hit('c', 0.5), hit('a', 0.5), hit('b', 0.5)], 2, 3, { fill: true }).map((h) => h.id), ['a', 'b']);
    const answer = [hit('c', 0.9), hit('z', 0.5), hit('y', 0.5), hit('x', 0.5)];
    assert.deepEqual(settledTop(answer, 3, 4, { fill: true }).map((h) => h.id), ['c', 'x', 'y']);
    // Settled groups come first, and without need of filling nothing changes.
    assert.deepEqual(settledTop(answer, 1, 4, { fill: true }).map((h) => h.id), ['c']);
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

describe('ranking sentence-like queries', () => {
  const c = (id: string, docId: string, text: string, score = 0.5) => ({ id, docId, position: Number(id.split('-')[1] ?? 0), title: null, heading: null, text, _rankingScore: score });
  const terms = ['encrypt', 'phone', 'polic'];
  const s = stats({ encrypt: 5, phone: 5, polic: 50 });
  it('orders Meilisearch’s hits by BM25, not by Meilisearch’s order', () => {
    const ranked = rankPassages(terms, s, new Map(), [c('a-0', 'a', 'police said something else entirely'), c('b-0', 'b', 'encrypted phones seized by police in raids on encrypted networks')], true);
    assert.deepEqual(ranked.map((r) => r.id), ['b-0', 'a-0']);
    assert.equal(ranked[0]!.hit?.id, 'b-0');
  });
  it('orders passages of equal score by id, whatever order Meilisearch (or each node) gave them in', () => {
    const copy = (id: string) => c(id, id.split('-')[0]!, 'encrypted phones seized by police');
    const forward = rankPassages(terms, s, new Map(), [copy('b-0'), copy('c-0'), copy('a-0')], true);
    const backward = rankPassages(terms, s, new Map(), [copy('a-0'), copy('c-0'), copy('b-0')], true);
    assert.equal(new Set(forward.map((r) => r.score)).size, 1);
    assert.deepEqual(forward.map((r) => r.id), ['a-0', 'b-0', 'c-0']);
    assert.deepEqual(backward.map((r) => r.id), ['a-0', 'b-0', 'c-0']);
  });
  it('ranks passages known only from the postings, without their text', () => {
    const lists = new Map<string, PostingLists>([
      ['encrypt', { passages: [['d', 3, 2, 20]], documents: [['d', 2, 60]] }],
      ['phone', { passages: [['d', 3, 1, 20]], documents: [['d', 1, 60]] }],
    ]);
    const ranked = rankPassages(terms, s, lists, [c('a-0', 'a', 'police said something else entirely')], true);
    assert.deepEqual(ranked.map((r) => [r.id, r.docId, r.position, r.hit]), [['d-3', 'd', 3, null], ['a-0', 'a', 0, ranked[1]!.hit]]);
    assert.ok(ranked[0]!.score > ranked[1]!.score);
  });
  it('leaves the postings out when phrases or exclusions restrict the candidates to the hits', () => {
    const lists = new Map<string, PostingLists>([['encrypt', { passages: [['d', 3, 2, 20]] }]]);
    assert.deepEqual(rankPassages(terms, s, lists, [c('a-0', 'a', 'police')], false).map((r) => r.id), ['a-0']);
  });
  it('prefers, of two equal passages, the one whose document is about the query', () => {
    const lists = new Map<string, PostingLists>([
      ['encrypt', { passages: [['x', 0, 1, 20], ['y', 0, 1, 20]], documents: [['x', 9, 100], ['y', 1, 100]] }],
    ]);
    assert.deepEqual(rankPassages(terms, s, lists, [], true).map((r) => r.docId), ['x', 'y']);
  });
  it('lists documents met past the best once, unplaced, by what their postings say, under the ceiling and after what their passages show', () => {
    const lists = new Map<string, PostingLists>([['encrypt', { passages: [['x', 2, 3, 20]] }]]);
    const exact = new Map([['x', { counts: new Map([['encrypt', 3], ['phone', 2]]), length: 40 }]]);
    // 'x' is among the best; 'm' and 'n' were only met in blocks ('n' above the ceiling it is held
    // under); 'x' again in `next` is already listed through its passage.
    const next = [{ docId: 'n', lower: 99 }, { docId: 'm', lower: 0.5 }, { docId: 'x', lower: 0.1 }];
    const ceiling = 1;
    const ranked = rankPassages(terms, s, lists, [], true, { exact, ceiling, next });
    assert.deepEqual(ranked.map((r) => [r.id, r.docId, r.position, r.hit]), [
      ['x-2', 'x', 2, null],
      [`n-${UNPLACED}`, 'n', UNPLACED, null],
      [`m-${UNPLACED}`, 'm', UNPLACED, null],
    ]);
    const score = (docId: string) => ranked.find((r) => r.docId === docId)!.score;
    assert.ok(score('n') > score('m'), 'by their postings, the higher first');
    assert.ok(score('n') < score('x'), 'held under the ceiling, and without a passage of their own');
    // Without `next`, they are not listed at all.
    assert.deepEqual(rankPassages(terms, s, lists, [], true, { exact, ceiling }).map((r) => r.docId), ['x']);
  });
  it('counts, of a document, the passages that hold a query term, or its first when none does', () => {
    const part = (position: number, counts: Array<[string, number]>, length = 10) => ({ position, length, counts: new Map(counts) });
    const doc = { title: { length: 2, counts: new Map<string, number>() }, passages: [part(0, []), part(1, [['encrypt', 2]]), part(2, []), part(3, [['phone', 1]])] };
    assert.deepEqual(countedPassages('d', doc).map((p) => [p.id, p.position, p.length, [...p.counts]]), [
      ['d-1', 1, 12, [['encrypt', 2]]],
      ['d-3', 3, 12, [['phone', 1]]],
    ]);
    // A term in the title counts in every passage: each holds it.
    const titled = { ...doc, title: { length: 2, counts: new Map([['polic', 1]]) } };
    assert.deepEqual(countedPassages('d', titled).map((p) => p.position), [0, 1, 2, 3]);
    assert.deepEqual([...countedPassages('d', titled)[1]!.counts].sort(), [['encrypt', 2], ['polic', 1]]);
    const none = { ...doc, passages: [part(4, []), part(5, [])] };
    assert.deepEqual(countedPassages('d', none).map((p) => p.id), ['d-4']);
  });
  it('picks the passage of a document that scores best by passage BM25, the earlier of equals', () => {
    const p = (position: number, counts: Array<[string, number]>, length = 20) => ({ id: `d-${position}`, docId: 'd', position, length, counts: new Map(counts) });
    // The rare term outweighs the common one repeated; a shorter passage outweighs a longer one.
    assert.equal(bestPassageOf(terms, s, [p(0, [['polic', 3]]), p(1, [['encrypt', 1]]), p(2, [['encrypt', 1]], 60)])?.position, 1);
    assert.equal(bestPassageOf(terms, s, [p(5, [['phone', 1]]), p(2, [['encrypt', 1]]), p(7, [['encrypt', 1]])])?.position, 2);
    assert.equal(bestPassageOf(terms, s, []), null);
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
