import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findRanges } from '../../src/web/find.js';

const found = (text: string, needle: string) => findRanges(text, needle).map(([s, e]) => text.slice(s, e));

describe('findRanges', () => {
  it('finds every occurrence, ignoring case', () => {
    assert.deepEqual(found('Sky ECC users; sky ecc servers; SKY ECC.', 'sky ecc'), ['Sky ECC', 'sky ecc', 'SKY ECC']);
  });

  it('ignores accents both ways and keeps the original text’s offsets', () => {
    assert.deepEqual(found('Police in Zürich and Zurich; café, CAFE', 'zurich'), ['Zürich', 'Zurich']);
    assert.deepEqual(found('café, CAFE', 'café'), ['café', 'CAFE']);
    // A decomposed accent (e + combining acute) is still one letter of the original.
    assert.deepEqual(found('cafe\u0301 noir', 'café'), ['cafe\u0301']);
  });

  it('matches across line breaks and runs of spaces', () => {
    assert.deepEqual(found('Danny\n  Manupassa said', 'danny manupassa'), ['Danny\n  Manupassa']);
  });

  it('does not overlap, and finds nothing for blank words', () => {
    assert.deepEqual(findRanges('aaaa', 'aa'), [[0, 2], [2, 4]]);
    assert.deepEqual(findRanges('text', '   '), []);
  });

  it('keeps characters outside the basic plane whole', () => {
    assert.deepEqual(found('a 𝒳 b 𝒳', '𝒳'), ['𝒳', '𝒳']);
  });
});
