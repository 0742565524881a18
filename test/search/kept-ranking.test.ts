import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passageId } from '../../src/ingest/records.js';
import { KeptRanking } from '../../src/search/kept-ranking.js';
import type { RankedPassage } from '../../src/search/rerank.js';

/*
 * Given a ranked list as ranking gives it (entries with Meilisearch's hit, entries without), when
 * the cache keeps it in columns, then any range of it reads back as the same entries in the same
 * order, and what it is said to take grows with its hits' text.
 */

interface Hit {
  id: string;
  text: string;
}

function listOf(n: number, withText = 'x'): Array<RankedPassage<Hit>> {
  return Array.from({ length: n }, (_, i) => {
    const docId = `doc-${i % 7}`;
    const position = i * 3;
    const hit = i % 5 === 0 ? { id: passageId(docId, position), text: withText.repeat(i + 1) } : null;
    return { id: passageId(docId, position), docId, position, score: 1 / (i + 1) + (i % 3) * 1e-12, hit };
  });
}

describe('a ranked list kept in columns', () => {
  it('reads back every entry in order, hits included', () => {
    const list = listOf(200);
    const kept = new KeptRanking(list);
    assert.equal(kept.size, 200);
    assert.deepEqual(kept.slice(), list);
    assert.deepEqual(kept.slice(17, 43), list.slice(17, 43));
    assert.deepEqual(kept.slice(190, 260), list.slice(190, 260));
    assert.deepEqual(kept.slice(250, 260), []);
    assert.ok(kept.slice(5, 6)[0]!.hit, 'an entry that had a hit has it back');
    assert.equal(kept.slice(6, 7)[0]!.hit, null);
  });

  it('is said to take more memory for more text in its hits, and for more entries', () => {
    const textOf = (h: Hit) => h.text.length;
    const short = new KeptRanking(listOf(100, 'x')).bytes(textOf);
    const long = new KeptRanking(listOf(100, 'xxxxxxxxxx')).bytes(textOf);
    const more = new KeptRanking(listOf(400, 'x')).bytes(textOf);
    assert.ok(short > 0);
    assert.ok(long > short);
    assert.ok(more > short);
    assert.equal(new KeptRanking<Hit>([]).bytes(textOf), 0);
  });
});
