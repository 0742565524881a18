import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ingestDocument } from '../../src/ingest/ingest.js';
import { bodyText, PASSAGE_MAX_WORDS, sentenceRanges, splitPassages, type BodyItem } from '../../src/ingest/passages.js';
import { textFragmentFor } from '../../src/ingest/text-fragment.js';
import { proseWords as words } from '../../src/text/prose.js';
import { SEEDS_DIR, seedFiles } from '../helpers.js';

const sentence = (i: number) => `Sentence number ${i} tells the reader one more thing about the matter at hand.`;

/** Passage invariants that must hold for any body. */
function checkInvariants(items: BodyItem[]) {
  const body = bodyText(items);
  const passages = splitPassages(items);
  let last = 0;
  for (const p of passages) {
    assert.equal(body.slice(p.start, p.end), p.text, 'text is its range of the body');
    assert.ok(p.start >= last, 'in order, not overlapping');
    last = p.end;
  }
  // What the passages leave out is only separators and headings.
  let rest = body;
  for (const p of [...passages].reverse()) rest = rest.slice(0, p.start) + rest.slice(p.end);
  const headings = items.filter((i) => i.kind === 'heading').map((i) => i.text);
  assert.equal(rest.split(/\n\n/).filter((s) => s.trim() !== '').join('|'), headings.join('|'));
  assert.deepEqual(passages.map((p) => p.position), passages.map((_, i) => i));
  return passages;
}

describe('passages', () => {
  it('merge-small-paragraphs: short paragraphs of a section share a passage', () => {
    const items: BodyItem[] = [1, 2, 3].map((i) => ({ kind: 'paragraph', text: sentence(i) }));
    const passages = checkInvariants(items);
    assert.equal(passages.length, 1);
  });

  it('split-long-paragraphs: at sentence ends, within the word limit, never mid-sentence', () => {
    const long = Array.from({ length: 40 }, (_, i) => sentence(i)).join(' ');
    const passages = checkInvariants([{ kind: 'paragraph', text: long }]);
    assert.ok(passages.length > 1);
    for (const p of passages) {
      assert.ok(words(p.text).length <= PASSAGE_MAX_WORDS, `${words(p.text).length} words`);
      assert.match(p.text, /^Sentence number \d+/);
      assert.match(p.text, /at hand\.$/);
    }
  });

  it('headings: a passage never crosses one and carries the nearest', () => {
    const items: BodyItem[] = [
      { kind: 'paragraph', text: sentence(1) },
      { kind: 'heading', text: 'Second part' },
      { kind: 'paragraph', text: sentence(2) },
    ];
    const passages = checkInvariants(items);
    assert.deepEqual(passages.map((p) => p.heading), [null, 'Second part']);
  });

  it('abbreviations do not end sentences', () => {
    const text = 'Mr. Garssen met Dr. Smith in the U.S. on Monday. They talked.';
    assert.deepEqual(sentenceRanges(text).map(([s, e]) => text.slice(s, e)), ['Mr. Garssen met Dr. Smith in the U.S. on Monday.', 'They talked.']);
  });

  it('hold for every seed, with a stable content hash', () => {
    for (const f of seedFiles()) {
      const bytes = fs.readFileSync(path.join(SEEDS_DIR, f));
      const doc = ingestDocument(f, bytes);
      checkInvariants(doc.items);
      assert.deepEqual(ingestDocument(f, bytes).passages.map((p) => p.hash), doc.passages.map((p) => p.hash));
    }
  });
});

describe('text fragments', () => {
  it('quote a passage with a unique start and its last words, percent-encoded', () => {
    const body = 'Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu.';
    assert.equal(textFragmentFor(body, 0, body.length), 'Alpha%20beta%20gamma%20delta,iota%20kappa%20lambda%20mu.');
  });
  it('lengthen the start until it is unique in the document', () => {
    const body = 'The police said one thing here today. The police said another thing there too, and more.';
    const start = body.indexOf('The police said another');
    const frag = textFragmentFor(body, start, body.length);
    assert.ok(frag.startsWith('The%20police%20said%20another'), frag);
  });
  it('escape the characters that are syntax in a text directive', () => {
    const body = 'Fish-and-chips, mushy peas & tea.';
    assert.equal(textFragmentFor(body, 0, body.length), 'Fish%2Dand%2Dchips%2C%20mushy%20peas%20%26%20tea.');
  });
});
