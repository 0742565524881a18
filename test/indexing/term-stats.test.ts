import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accumulate, emptyDelta } from '../../src/indexing/term-stats.js';
import {
  bestPostings,
  decodeDocumentPostings,
  decodePassagePostings,
  encodePostings,
  passageWeight,
  POSTINGS_PER_TERM,
  type PassagePosting,
} from '../../src/terms/postings.js';
import { stemOf } from '../../src/text/stem.js';

const passage = (docId: string, position: number, text: string, title: string | null = null) => ({ docId, position, title, heading: null, text });

describe('term postings', () => {
  it('lists each passage and document holding a term, the title once per document', () => {
    const d = accumulate(emptyDelta(), [passage('a', 0, 'Phones seized. More phones.', 'Phones'), passage('a', 1, 'Nothing here.', 'Phones'), passage('b', 0, 'One phone.')], 1);
    const phone = stemOf('phones');
    // Passages count their title: a-0 holds the term three times (title and twice in the text).
    assert.deepEqual(d.terms.get(phone)?.passages?.items, [['a', 0, 3, 5], ['a', 1, 1, 3], ['b', 0, 1, 2]]);
    // Documents count it once from the title and then from each passage's text.
    assert.deepEqual(d.terms.get(phone)?.documents?.items, [['a', 3, 7], ['b', 1, 2]]);
    assert.equal(d.terms.get(phone)?.df, 3);
    assert.equal(d.terms.get(phone)?.ddf, 2);
  });

  it('withdraws removed documents instead of listing them', () => {
    const d = accumulate(emptyDelta(), [passage('a', 0, 'phones'), passage('a', 1, 'more phones')], -1);
    assert.deepEqual([...d.removedDocs], ['a']);
    assert.ok([...d.terms.values()].every((e) => (e.passages?.items.length ?? 0) === 0 && (e.documents?.items.length ?? 0) === 0));
    assert.equal(d.terms.get(stemOf('phones'))?.df, -2);
  });

  it('keeps, for a common term, the places where it weighs most', () => {
    // Passage i holds the term (i % 7) + 1 times in a text of 30 tokens.
    const many = Array.from({ length: 3 * POSTINGS_PER_TERM }, (_, i) => passage(`d${i}`, 0, `${'term '.repeat((i % 7) + 1)}${'filler '.repeat(29 - (i % 7))}`));
    const d = accumulate(emptyDelta(), many, 1);
    const list = d.terms.get('term')!.passages!.items;
    assert.ok(list.length < 2 * POSTINGS_PER_TERM, `${list.length} kept while counting`);
    const best = bestPostings(list, POSTINGS_PER_TERM, passageWeight(30));
    assert.equal(best.length, POSTINGS_PER_TERM);
    // 600 passages, about 86 at each count from 1 to 7: the 200 kept are those with 7, 6 and some 5.
    assert.ok(best.every((p) => p[2] >= 5), 'only the heaviest places');
    assert.deepEqual(bestPostings(best, 2, passageWeight(30)).map((p: PassagePosting) => p[2]), [7, 7]);
  });

  it('stores postings compactly and reads them back', () => {
    const passages: PassagePosting[] = [['doc_a-1', 3, 2, 40], ['b', 0, 1, 7]];
    assert.equal(encodePostings(passages), 'doc_a-1,3,2,40 b,0,1,7');
    assert.deepEqual(decodePassagePostings(encodePostings(passages)), passages);
    assert.deepEqual(decodeDocumentPostings(encodePostings([['x', 4, 90]])), [['x', 4, 90]]);
    const documents: Array<[string, number, number]> = [['d-1_a', 12, 3045], ['b', 1, 0], ['c9', 307, 7]];
    assert.deepEqual(decodeDocumentPostings(encodePostings(documents)), documents);
    // Records without postings, or from the earlier encoding, read as none.
    assert.deepEqual(decodePassagePostings(undefined), []);
    assert.deepEqual(decodePassagePostings([['x', 0, 1, 2]]), []);
  });
});
