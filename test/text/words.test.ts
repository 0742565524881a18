import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proseWords } from '../../src/text/prose.js';
import { words, wordSpans } from '../../src/text/words.js';

describe('one definition of a word', () => {
  const sample = "Sky-ECC's 70,000 users — don't ask: Zoë, Ærø, Łódź, 北京, 𝒳yz, and l'été.";

  it('gives the same words by scan and by pattern', () => {
    const { starts, ends } = wordSpans(sample);
    const scanned = starts.map((s, i) => sample.slice(s, ends[i]).toLowerCase());
    assert.deepEqual(words(sample), scanned);
  });

  it('splits at apostrophes, hyphens and separators in numbers', () => {
    assert.deepEqual(words("Sky-ECC's 70,000 don't"), ['sky', 'ecc', 's', '70', '000', 'don', 't']);
  });

  it('keeps letters of any script whole', () => {
    assert.deepEqual(words('Zoë Łódź l’été'), ['zoë', 'łódź', 'l', 'été']);
  });

  it('names the prose word, which keeps inner apostrophes and hyphens, differently', () => {
    assert.deepEqual(proseWords("Sky-ECC's users don't"), ["Sky-ECC's", 'users', "don't"]);
  });
});
