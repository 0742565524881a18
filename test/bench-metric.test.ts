import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pageCounts, score, shingles } from '../scripts/bench/extraction-metric.js';

describe('the article-extraction metric', () => {
  it('counts 4-token shingles as a multiset, case kept', () => {
    assert.equal(shingles('a b c d e').size, 2);
    assert.equal(shingles('a b c d a b c d').get('a\u0001b\u0001c\u0001d'), 2);
    assert.equal(shingles('A b c d').has('a\u0001b\u0001c\u0001d'), false);
  });
  it('normalises a page by TP+FP+FN', () => {
    assert.deepEqual(pageCounts('a b c d e', 'a b c d'), { tp: 0.5, fp: 0, fn: 0.5 });
  });
  it('scores a perfect page 1 and an empty prediction 0 recall', () => {
    assert.deepEqual(score([{ truth: 'one two three four five', prediction: 'one two three four five' }]), { precision: 1, recall: 1, f1: 1 });
    const s = score([{ truth: 'one two three four five', prediction: '' }]);
    assert.equal(s.recall, 0);
  });
});
