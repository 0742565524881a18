import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { proseWords } from '../../src/text/prose.js';
import { asciiHead, words, wordsByHead, wordSpans } from '../../src/text/words.js';

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

describe('words picked by how they begin', () => {
  const heads = (...ws: string[]) => new Set(ws.map((w) => asciiHead(w)!));
  it('finds what words finds, and counts every word', () => {
    const text = 'Police READ 70,000 messages — “Sky-ECC” phones; po a PO.\tpolicing';
    const picked = wordsByHead(text, heads('po', 'a', 'sk'));
    assert.deepEqual(picked?.picked, ['police', 'sky', 'po', 'a', 'po', 'policing']);
    assert.equal(picked?.count, words(text).length);
  });
  it('agrees with words on random ASCII-worded texts', () => {
    const alphabet = 'abAB zZ09 .,-’“é—\n\t';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      const got = wordsByHead(text, heads('ab', 'b', 'z0'));
      if (/é/.test(text)) {
        assert.equal(got, null, 'a letter outside ASCII leaves the text to words');
        continue;
      }
      const all = words(text);
      assert.deepEqual(got?.picked, all.filter((w) => ['ab', 'b', 'z0'].includes(w.slice(0, 2))), text);
      assert.equal(got?.count, all.length, text);
    }
  });
});
