import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundedDistance, INDEX_MATCH_SETTINGS, queryMatcher, type MatchSettings } from '../../src/search/highlight.js';
import { CROP_MARKER, cropToMatches, MARK_END as E, MARK_START as S, renderSnippet } from '../../src/search/snippet.js';

const settings: MatchSettings = { ...INDEX_MATCH_SETTINGS, synonyms: { pgp: ['pretty good privacy'], 'crypto phone': ['cryptophone'] } };

/** The words a query marks in a text. */
function marked(q: string, text: string): string[] {
  return queryMatcher(q, settings)!.find(text).map((m) => text.slice(m.start, m.end));
}

describe('edit distance, bounded', () => {
  it('counts insertions, deletions, substitutions and swaps of neighbours as one', () => {
    assert.equal(boundedDistance('police', 'polices', 2, false), 1);
    assert.equal(boundedDistance('police', 'polce', 2, false), 1);
    assert.equal(boundedDistance('police', 'polise', 2, false), 1);
    assert.equal(boundedDistance('police', 'plonce', 2, false), 2);
    assert.equal(boundedDistance('police', 'ploice', 2, false), 1);
  });
  it('reports anything past the bound as the bound plus one', () => {
    assert.equal(boundedDistance('police', 'justice', 1, false), 2);
    assert.equal(boundedDistance('ab', 'abcdef', 2, false), 3);
  });
  it('measures to the closest start of the text word for a prefix', () => {
    assert.equal(boundedDistance('manupas', 'manupassa', 1, true), 0);
    assert.equal(boundedDistance('manupsa', 'manupassa', 1, true), 1);
    assert.equal(boundedDistance('manupsa', 'manupassa', 1, false), 2);
  });
});

describe('query matcher, by the rules Meilisearch matches with', () => {
  it('allows no typo under five letters, one from five, two from nine', () => {
    assert.deepEqual(marked('cell', 'a cel and a cell'), ['cell']);
    assert.deepEqual(marked('arrest ', 'arest, arrests and arrestt'), ['arest', 'arrests', 'arrestt']);
    assert.deepEqual(marked('encryption ', 'encyrpton and encrypted'), ['encyrpton']);
  });
  it('counts a wrong first letter as two typos', () => {
    assert.deepEqual(marked('billion ', 'a million or a billion'), ['billion']);
    assert.deepEqual(marked('laundering ', 'maundering laundering'), ['maundering', 'laundering']);
  });
  it('matches figures exactly', () => {
    assert.deepEqual(marked('12345 ', '12345 12346 123456'), ['12345']);
  });
  it('reads only the last word as a prefix, and only while it is being typed', () => {
    assert.deepEqual(marked('sky enc', 'Sky ECC and skyline encryption'), ['Sky', 'encryption']);
    assert.deepEqual(marked('sky enc ', 'Sky ECC and skyline'), ['Sky']);
  });
  it('folds case and diacritics', () => {
    assert.deepEqual(marked('cafe ', 'Le Café du Commerce'), ['Café']);
    assert.deepEqual(marked('CAFÉ ', 'un cafe'), ['cafe']);
  });
  it('marks a phrase only where its words stand together, and never across a sentence', () => {
    assert.deepEqual(marked('"sky ecc"', 'Sky phones. ECC keys. The Sky ECC network'), ['Sky', 'ECC']);
    assert.deepEqual(marked('"sky ecc"', 'the blue sky. ECC was'), []);
  });
  it('never marks an excluded word', () => {
    assert.deepEqual(marked('police -dutch', 'Dutch police'), ['police']);
    assert.deepEqual(marked('police -"dutch police"', 'Dutch police and police'), ['police', 'police']);
  });
  it('marks synonyms, however many words they have', () => {
    assert.deepEqual(marked('pgp ', 'Pretty Good Privacy (PGP) phones'), ['Pretty', 'Good', 'Privacy', 'PGP']);
    assert.deepEqual(marked('crypto phone ', 'a cryptophone'), ['cryptophone']);
  });
  it('finds words written as one that the query writes as two', () => {
    assert.deepEqual(marked('iron phone', 'the IronPhones'), ['IronPhones']);
  });
  it('leaves scripts written without spaces to Meilisearch', () => {
    assert.equal(queryMatcher('加密 phone', settings), null);
  });
});

describe('crop around the matches', () => {
  const text = Array.from({ length: 60 }, (_, i) => `w${i}`).join(' ');
  const at = (word: string, part: number) => {
    const start = text.indexOf(`${word} `);
    return { start, end: start + word.length, part };
  };
  it('keeps the window with the most distinct parts of the query, a little before them', () => {
    const out = cropToMatches(text, [at('w5', 0), at('w40', 0), at('w44', 1)], 12);
    assert.ok(out.startsWith(`${CROP_MARKER}w37 `), out);
    assert.ok(out.includes(`${S}w40${E}`) && out.includes(`${S}w44${E}`) && !out.includes('w5 '), out);
    assert.ok(out.endsWith(`w48${CROP_MARKER}`), out);
  });
  it('starts at the beginning when nothing matches, with no marker before', () => {
    const out = cropToMatches(text, [], 10);
    assert.ok(out.startsWith('w0 ') && out.endsWith(`w9${CROP_MARKER}`), out);
  });
  it('renders to escaped HTML with only the marks', () => {
    const t = '<b>Sky</b> & ECC';
    const html = renderSnippet(cropToMatches(t, queryMatcher('sky ecc', settings)!.find(t), 32));
    assert.equal(html, '&lt;b&gt;<mark>Sky</mark>&lt;/b&gt; &amp; <mark>ECC</mark>');
  });
});
