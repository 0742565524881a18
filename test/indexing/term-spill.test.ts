import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ingestRoots } from '../../src/indexing/read-files.js';
import { accumulate, emptyDelta } from '../../src/indexing/term-stats.js';
import { bestPostings, passageWeight, type PassagePosting } from '../../src/terms/postings.js';
import { TermSpill, type TermTotals } from '../../src/indexing/term-spill.js';
import { stemOf } from '../../src/text/stem.js';
import { SEEDS_DIR, tempDir } from '../helpers.js';

const passage = (docId: string, position: number, text: string, title: string | null = null, docTokens?: number) => ({ docId, position, title, heading: null, text, docTokens });

async function collect(spill: TermSpill): Promise<Map<string, TermTotals>> {
  const out = new Map<string, TermTotals>();
  await spill.forEachPartition((terms) => {
    for (const t of terms) {
      assert.ok(!out.has(t.term), `${t.term} reported twice`);
      out.set(t.term, t);
    }
  });
  return out;
}

describe('term statistics spilled to disk', () => {
  it('lists each passage and document holding a term, the title once per document', async () => {
    const spill = new TermSpill(path.join(tempDir(), 'spill'));
    spill.add([passage('a', 0, 'Phones seized. More phones.', 'Phones'), passage('a', 1, 'Nothing here.', 'Phones'), passage('b', 0, 'One phone.')], 1);
    const phone = (await collect(spill)).get(stemOf('phones'))!;
    assert.deepEqual(phone.passages, [['a', 0, 3, 5], ['a', 1, 1, 3], ['b', 0, 1, 2]]);
    assert.deepEqual(phone.documents, [['a', 3, 7], ['b', 1, 2]]);
    assert.equal(phone.df, 3);
    assert.equal(phone.ddf, 2);
    spill.close();
  });

  it('counts the seeds exactly as the in-memory count does, and partitions split alike', async () => {
    const { ingested } = await ingestRoots([SEEDS_DIR]);
    const records = ingested.flatMap((f) => f.records);
    const delta = accumulate(emptyDelta(), records, 1);
    // Tiny partitions force the split path.
    for (const limits of [{}, { partitions: 3, maxPartitionBytes: 20_000, splitInto: 4, bufferBytes: 500 }]) {
      const spill = new TermSpill(path.join(tempDir(), 'spill'), limits);
      // Given one document at a time, as the job does.
      for (const f of ingested) spill.add(f.records, 1);
      assert.deepEqual([spill.passages, spill.tokens, spill.docs, spill.docTokens], [delta.passages, delta.tokens, delta.docs, delta.docTokens]);
      const got = await collect(spill);
      assert.equal(got.size, delta.terms.size);
      for (const [term, e] of delta.terms) {
        const s = got.get(term);
        assert.ok(s, term);
        assert.equal(s.df, e.df, term);
        assert.equal(s.ddf, e.ddf, term);
        assert.equal(s.queried, e.passages !== null, term);
        // The seeds are small: the in-memory count kept every posting.
        if (e.passages) {
          assert.deepEqual(s.passages, e.passages.items, term);
          assert.deepEqual(s.documents, e.documents!.items, term);
        }
      }
      spill.close();
    }
  });

  it('cancels out when the same passages are removed', async () => {
    const { ingested } = await ingestRoots([SEEDS_DIR]);
    const spill = new TermSpill(path.join(tempDir(), 'spill'));
    for (const f of ingested) spill.add(f.records, 1);
    // Removed in pages that cut documents apart, as stored passages are read.
    const all = ingested.flatMap((f) => f.records);
    for (let i = 0; i < all.length; i += 7) spill.add(all.slice(i, i + 7), -1);
    assert.deepEqual([spill.passages, spill.tokens, spill.docs, spill.docTokens], [0, 0, 0, 0]);
    assert.deepEqual([...spill.removedDocs].sort(), ingested.map((f) => f.docId).sort());
    for (const t of (await collect(spill)).values()) {
      assert.equal(t.df, 0, `${t.term} df ${t.df}`);
      if (t.queried) assert.equal(t.ddf, 0, `${t.term} ddf ${t.ddf}`);
    }
    spill.close();
  });
});

/** The choice bestPostings makes, by sorting the whole list: weight, then document id, then position. */
function sortedBest(list: PassagePosting[], keep: number, weight: (p: PassagePosting) => number): PassagePosting[] {
  const w = new Map(list.map((p) => [p, weight(p)]));
  const place = (p: PassagePosting) => `${p[0]}\u0000${String(p[1]).padStart(9, '0')}`;
  return [...list].sort((x, y) => w.get(y)! - w.get(x)! || (place(x) < place(y) ? -1 : place(x) > place(y) ? 1 : 0)).slice(0, keep);
}

describe('best postings', () => {
  it('chooses as a full sort does, equal weights by document and position', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 5, 200, 201, 1000, 5000]) {
      // Few distinct counts and lengths: many ties.
      // Documents in no particular order, several passages each, so that order and ties both matter.
      const list: PassagePosting[] = Array.from({ length: n }, (_, i) => [`d${(i * 7919) % 1009}`, Math.floor(i / 1009), 1 + Math.floor(rand() * 4), 20 + Math.floor(rand() * 3) * 10]);
      for (const keep of [1, 200]) {
        assert.deepEqual(bestPostings(list, keep, passageWeight(30)), sortedBest(list, keep, passageWeight(30)), `n ${n} keep ${keep}`);
        // The order postings arrive in (one node's, or several nodes' lists put together) changes nothing.
        assert.deepEqual(bestPostings([...list].reverse(), keep, passageWeight(30)), bestPostings(list, keep, passageWeight(30)), `n ${n} keep ${keep} reversed`);
      }
    }
  });
});
