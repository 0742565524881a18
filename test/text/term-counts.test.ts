import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { documentCounts, termCountsOfText } from '../../src/search/rerank.js';
import { terms } from '../../src/text/stem.js';
import { countTermsIn, decodeTermCounts, encodeTermCounts, TERM_COUNTS_MAX_CHARS, termCountsLength } from '../../src/text/term-counts.js';
import { words } from '../../src/text/words.js';

/** Counts of each term in a text, by stemming every word (the terms index's own count). */
function countAll(text: string, lang: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of terms(text, lang)) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}

/** A fixture text cut into passages of about 60 words, with a heading on every third. */
function passagesOf(text: string): Array<{ position: number; heading: string | null; text: string }> {
  const all = text.split(/\s+/).filter(Boolean);
  const out = [];
  for (let i = 0, position = 0; i < all.length; i += 60, position++) {
    out.push({ position, heading: position % 3 === 0 ? `Part ${position}` : null, text: all.slice(i, i + 60).join(' ') });
  }
  return out;
}

const fixtures = [
  { file: 'nl-ennetcom.txt', lang: 'nl' },
  { file: 'fr-skyecc.txt', lang: 'fr' },
];

describe("a document's stored term counts", () => {
  it('are not stored past their bound: such a document is counted from its text', () => {
    // Passages of ninety words each, no word twice: their counts are about as long as their text.
    const passages = Array.from({ length: 2_000 }, (_, position) => ({
      position,
      heading: null,
      text: Array.from({ length: 90 }, (_, i) => `w${position * 90 + i}`).join(' '),
    }));
    assert.equal(encodeTermCounts('A long register', passages, 'en'), null);
    const stored = encodeTermCounts('A long register', passages.slice(0, 1_000), 'en');
    assert.ok(stored !== null && stored.length <= TERM_COUNTS_MAX_CHARS && stored.length > TERM_COUNTS_MAX_CHARS / 2, String(stored?.length));
    assert.equal(decodeTermCounts(stored, ['w0'])!.passages.length, 1_000);
  });

  it('give every term the count and every part the length that stemming its words gives', () => {
    for (const { file, lang } of fixtures) {
      const text = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'languages', file), 'utf8');
      const passages = passagesOf(text);
      const title = text.split('\n')[0]!;
      const vocabulary = [...new Set(terms(`${title} ${passages.map((p) => `${p.heading ?? ''} ${p.text}`).join(' ')}`, lang))];
      const decoded = decodeTermCounts(encodeTermCounts(title, passages, lang), vocabulary);
      assert.ok(decoded, file);
      assert.equal(decoded.title.length, words(title).length);
      assert.deepEqual(decoded.title.counts, countAll(title, lang));
      assert.equal(decoded.passages.length, passages.length);
      passages.forEach((p, i) => {
        const body = `${p.heading ?? ''} ${p.text}`;
        assert.equal(decoded.passages[i]!.position, p.position);
        assert.equal(decoded.passages[i]!.length, words(body).length);
        assert.deepEqual(decoded.passages[i]!.counts, countAll(body, lang), `${file} passage ${p.position}`);
      });
    }
  });

  it('agree with counting the passages from their text, for a document and for each passage', () => {
    const text = fs.readFileSync(path.join(projectRoot, 'seeds', fs.readdirSync(path.join(projectRoot, 'seeds')).sort()[0]!), 'utf8');
    const passages = passagesOf(text);
    const title = 'Police crack encrypted phone network';
    // Query-like terms: some frequent in the text, some rare, one absent.
    const vocabulary = [...new Set(terms(text, 'en'))];
    const query = [...vocabulary.slice(0, 4), ...vocabulary.slice(-3), 'zzyzx'];
    const stored = decodeTermCounts(encodeTermCounts(title, passages, 'en'), query)!;
    const fromText = termCountsOfText(query, passages.map((p) => ({ ...p, id: `d-${p.position}`, docId: 'd', title, lang: 'en' }))).get('d')!;
    assert.deepEqual(stored, fromText);
    const doc = documentCounts(stored, undefined, query);
    for (const t of query) {
      const expected = countAll(title, 'en').get(t) ?? 0;
      const inBodies = passages.reduce((sum, p) => sum + (countAll(`${p.heading ?? ''} ${p.text}`, 'en').get(t) ?? 0), 0);
      assert.equal(doc.counts.get(t) ?? 0, expected + inBodies, t);
    }
    assert.equal(doc.length, words(title).length + passages.reduce((sum, p) => sum + words(`${p.heading ?? ''} ${p.text}`).length, 0));
    assert.equal(documentCounts(stored, 1234, query).length, 1234);
    // Read whole, without its parts: the same counts and length.
    const encoded = encodeTermCounts(title, passages, 'en')!;
    assert.deepEqual({ counts: countTermsIn(encoded, query), length: termCountsLength(encoded) }, doc);
  });

  it('add up over a whole document as their parts add up, for fixtures in other languages too', () => {
    for (const { file, lang } of fixtures) {
      const text = fs.readFileSync(path.join(projectRoot, 'test', 'fixtures', 'languages', file), 'utf8');
      const encoded = encodeTermCounts('Titel titel', passagesOf(text), lang)!;
      const query = [...new Set(terms(text, lang))].filter((_, i) => i % 7 === 0);
      assert.deepEqual({ counts: countTermsIn(encoded, query), length: termCountsLength(encoded) }, documentCounts(decodeTermCounts(encoded, query)!, undefined, query), file);
    }
  });

  it('find a term only as a whole term, numbers included', () => {
    const encoded = encodeTermCounts('Soil', [{ position: 0, heading: null, text: 'soil soil oil 1987 19870' }], 'en');
    const decoded = decodeTermCounts(encoded, ['oil', 'soil', '1987', '987', 'il'])!;
    assert.deepEqual(decoded.title.counts, new Map([['soil', 1]]));
    assert.deepEqual(decoded.passages[0]!.counts, new Map([['soil', 2], ['oil', 1], ['1987', 1]]));
    assert.deepEqual(countTermsIn(encoded!, ['oil', 'soil', '1987', '987', 'il']), new Map([['oil', 1], ['soil', 3], ['1987', 1]]));
  });

  it('are null where a record holds none, or something else', () => {
    for (const value of [undefined, null, '', 42, 'oil:3', 'x 1 oil:2', '3 oil:1\nx 2 oil:1', '3 oil:1\n4', '3\n\n0 2 oil:1']) {
      assert.equal(decodeTermCounts(value, ['oil']), null, String(value));
      assert.equal(termCountsLength(value), null, String(value));
    }
    assert.deepEqual(decodeTermCounts('0', ['oil']), { title: { length: 0, counts: new Map() }, passages: [] });
  });
});
