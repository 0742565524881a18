import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FullBm25, meanReciprocalRank, recallOf } from '../scripts/bench/candidate-recall.js';
import { sampleQueries, seededRandom } from '../scripts/bench/synthetic-queries.js';

describe('candidate recall against full BM25', () => {
  const full = new FullBm25([
    { id: 'a', text: 'missile defence missile treaty' },
    { id: 'b', text: 'the treaty was signed' },
    { id: 'c', text: 'weather report for the coast' },
  ]);
  it('scores every document holding a query term, best first, and none without', () => {
    assert.deepEqual(full.top('missiles and the treaty', 10), ['a', 'b']);
  });
  it('counts the share of the reference found among the candidates', () => {
    assert.equal(recallOf(['a', 'b'], new Set(['b', 'z'])), 0.5);
    assert.equal(recallOf([], new Set()), 1);
  });
  it('takes the reciprocal rank of each known item, 0 where it is missing', () => {
    const runs = new Map([['q1', ['x', 'a']], ['q2', ['y']]]);
    assert.equal(meanReciprocalRank(runs, new Map([['q1', 'a'], ['q2', 'a']])), 0.25);
  });
});

describe('synthetic known-item queries', () => {
  const docs = [
    { id: 'd1', text: 'grain exports rose as wheat prices fell in the port of rotterdam' },
    { id: 'd2', text: 'oil output rose while crude prices fell and opec met in vienna' },
  ];
  const split = (t: string) => t.split(' ');
  const stop = (w: string) => ['the', 'as', 'in', 'of', 'and', 'while'].includes(w);
  const options = { count: 5, seed: 7, minWords: 3, maxWords: 4 };
  it('are the same for the same seed', () => {
    assert.deepEqual(sampleQueries(docs, split, stop, options), sampleQueries(docs, split, stop, options));
    assert.notDeepEqual(seededRandom(1)(), seededRandom(2)());
  });
  it('draw distinct content words from their own document, never stop words', () => {
    for (const q of sampleQueries(docs, split, stop, options)) {
      const words = q.text.split(' ');
      const source = docs.find((d) => d.id === q.docId)!.text.split(' ');
      assert.ok(words.length >= 3 && words.length <= 4);
      assert.equal(new Set(words).size, words.length);
      for (const w of words) {
        assert.ok(source.includes(w), w);
        assert.ok(!stop(w), w);
      }
    }
  });
});
