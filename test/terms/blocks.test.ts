import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { termRecords } from '../../src/indexing/term-stats-store.js';
import { frontierOf } from '../../src/terms/blocks.js';
import type { DocumentPosting } from '../../src/terms/postings.js';
import { readDocuments, readTerms } from '../../src/terms/read.js';
import { CORPUS_RECORD_ID, POSTINGS_VERSION, type TermRecord } from '../../src/terms/schema.js';
import { bm25, documentStats, termWeight, type CorpusStats } from '../../src/text/bm25.js';

/*
 * Given a small synthetic collection whose full BM25 ranking is found by scoring every document,
 * when its postings are cut into blocks and read with the stop rule, then the k best documents,
 * counted exactly, are the brute-force k best: on one node and split over three.
 */

interface Doc {
  id: string;
  counts: Map<string, number>;
  length: number;
}

/** A seeded collection: a few common terms, many rare ones, documents of varied length. */
function collection(size: number, seed: number): Doc[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const vocabulary = Array.from({ length: 40 }, (_, i) => `w${i}`);
  return Array.from({ length: size }, (_, i) => {
    const length = 20 + Math.floor(rand() * 200);
    const counts = new Map<string, number>();
    for (let j = 0; j < length / 4; j++) {
      // Zipf-like: low-numbered terms are common.
      const t = vocabulary[Math.floor(vocabulary.length * rand() ** 2.5)]!;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    return { id: `d${String(i).padStart(4, '0')}`, counts, length };
  });
}

/** The terms index of a collection (every term's records and the corpus record), weighed with the whole collection's mean. */
function termsIndex(docs: readonly Doc[], avgDocLength: number, blockSize: number): TermRecord[] {
  const byTerm = new Map<string, DocumentPosting[]>();
  for (const d of docs) {
    for (const [t, n] of d.counts) {
      let list = byTerm.get(t);
      if (!list) byTerm.set(t, (list = []));
      list.push([d.id, n, d.length]);
    }
  }
  const records: TermRecord[] = [];
  for (const [term, list] of byTerm) records.push(...termRecords(term, { df: list.length, ddf: list.length }, [], list, avgDocLength, blockSize));
  const tokens = docs.reduce((s, d) => s + d.length, 0);
  records.push({ id: CORPUS_RECORD_ID, term: '', df: docs.length, tokens, docs: docs.length, docTokens: tokens, postings: POSTINGS_VERSION });
  return records;
}

/** Brute force: every document scored, best first, ties by id. */
function fullTop(docs: readonly Doc[], terms: readonly string[], stats: CorpusStats, k: number): string[] {
  return docs
    .map((d) => ({ id: d.id, s: bm25(d.counts, d.length, terms, stats) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((x) => x.id);
}

/**
 * Reads a question's blocks from the records of every node, counting documents from the
 * collection itself (as the search counts them from their text), and ranks what it found.
 */
async function blockedTop(
  nodes: ReadonlyArray<readonly TermRecord[]>,
  docs: readonly Doc[],
  terms: readonly string[],
  k: number,
  maxBlocks = 10_000,
  maxRounds = maxBlocks,
  maxCounted = k,
  next = 0,
) {
  const all = nodes.flat();
  const first = all.filter((r) => r.id === CORPUS_RECORD_ID || (terms.includes(r.term) && (r.block ?? 0) === 0));
  // One node's lists are taken in their order, several nodes' checked and merged.
  const read = readTerms(first, { oneNode: nodes.length === 1 })!;
  const byId = new Map(docs.map((d) => [d.id, d]));
  const io = {
    blocks: async (reads: Array<{ term: string; block: number }>) => all.filter((r) => reads.some((x) => x.term === r.term && x.block === (r.block ?? 0))),
    count: async (ids: readonly string[]) => new Map(ids.map((id) => [id, { counts: new Map(byId.get(id)!.counts), length: byId.get(id)!.length }])),
  };
  const got = await readDocuments(terms, read, io, { depth: k, maxBlocks, maxRounds, maxCounted, next });
  const docStats = documentStats(read.stats);
  const top = got.best
    .map(({ docId: id, document: d }) => ({ id, s: bm25(d.counts, d.length, terms, docStats) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1))
    .slice(0, k)
    .map((x) => x.id);
  return { top, ...got };
}

describe('postings read in blocks with the stop rule', () => {
  const docs = collection(1_500, 11);
  const tokens = docs.reduce((s, d) => s + d.length, 0);
  const avg = tokens / docs.length;
  const queries = [['w0', 'w1'], ['w0', 'w5', 'w17'], ['w2', 'w3', 'w30', 'w39'], ['w1'], ['w8', 'w9', 'w10', 'w11', 'w12'], ['w0', 'w1', 'w2', 'w3']];
  const stats: CorpusStats = { passages: docs.length, avgLength: avg, avgDocLength: avg, df: new Map() };
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const full: CorpusStats = { ...stats, df, docs: docs.length, ddf: df };

  it('finds the brute-force k best, in order, reading fewer documents than the lists hold', async () => {
    const one = [termsIndex(docs, avg, 25)];
    for (const terms of queries) {
      for (const k of [1, 10, 50]) {
        const got = await blockedTop(one, docs, terms, k);
        assert.deepEqual(got.top, fullTop(docs, terms, documentStats(full), k), `${terms.join(' ')} at ${k}`);
        assert.equal(got.capped, undefined);
        assert.ok(got.counted <= 2 * k, `${got.counted} documents counted`);
      }
    }
    // The common terms' lists are long: the stop rule leaves most of them unread.
    const common = await blockedTop(one, docs, ['w0', 'w1'], 10);
    const listed = (df.get('w0') ?? 0) + (df.get('w1') ?? 0);
    assert.ok(common.seen < listed / 2, `${common.seen} documents seen of ${listed} postings`);
  });

  it('finds the brute-force k best for a question of more terms than its table of missing reaches holds', async () => {
    const one = [termsIndex(docs, avg, 25)];
    // Fourteen terms: bounds sums what the terms a document lacks may add in a Map, not a table.
    const terms = Array.from({ length: 14 }, (_, i) => `w${i * 2}`);
    for (const k of [1, 10, 50]) {
      const got = await blockedTop(one, docs, terms, k);
      assert.deepEqual(got.top, fullTop(docs, terms, documentStats(full), k), `${terms.length} terms at ${k}`);
      assert.equal(got.capped, undefined);
    }
  });

  /** The collection split over three nodes, each with its own corpus record. */
  function threeNodes(): TermRecord[][] {
    const parts = [0, 1, 2].map((n) => docs.filter((_, i) => i % 3 === n));
    const three = parts.map((p) => termsIndex(p, avg, 25).map((r) => (r.id === CORPUS_RECORD_ID ? { ...r } : r)));
    // Each node's corpus record counts its own documents.
    three.forEach((records, n) => {
      const corpus = records.find((r) => r.id === CORPUS_RECORD_ID)!;
      const t = parts[n]!.reduce((s, d) => s + d.length, 0);
      Object.assign(corpus, { df: parts[n]!.length, docs: parts[n]!.length, tokens: t, docTokens: t });
    });
    return three;
  }

  it('ranks the same k documents on three nodes as on one', async () => {
    const three = threeNodes();
    const one = [termsIndex(docs, avg, 25)];
    for (const terms of queries) {
      const a = await blockedTop(one, docs, terms, 20);
      const b = await blockedTop(three, docs, terms, 20);
      assert.deepEqual(b.top, a.top, terms.join(' '));
    }
  });

  it('knows and ranks the same documents on three nodes as on one when the bounds stop it early', async () => {
    const three = threeNodes();
    const one = [termsIndex(docs, avg, 25)];
    let capped = 0;
    for (const terms of queries) {
      // Two rounds of at most four blocks and ten documents counted: too little to finish the common terms.
      const a = await blockedTop(one, docs, terms, 20, 4, 2, 10);
      const b = await blockedTop(three, docs, terms, 20, 4, 2, 10);
      if (a.capped) capped++;
      assert.deepEqual(b.top, a.top, terms.join(' '));
      const known = (got: typeof a) => got.best.map((x) => `${x.docId} ${[...x.document.counts].sort().join(' ')} ${x.document.length} ${x.lower.toFixed(12)}`);
      assert.deepEqual(known(b), known(a), `${terms.join(' ')}: what is known of the best documents`);
      assert.equal(b.seen, a.seen, `${terms.join(' ')}: documents met`);
    }
    assert.ok(capped >= 2, `${capped} queries stopped by the bounds`);
  });

  it('returns the documents met past the best by a floor of their score, the same on three nodes as on one', async () => {
    const three = threeNodes();
    const one = [termsIndex(docs, avg, 25)];
    const docStats = documentStats(full);
    const byId = new Map(docs.map((d) => [d.id, d]));
    let listed = 0;
    for (const terms of queries) {
      const a = await blockedTop(one, docs, terms, 20, 4, 2, 10, 200);
      const b = await blockedTop(three, docs, terms, 20, 4, 2, 10, 200);
      assert.deepEqual(b.next, a.next, terms.join(' '));
      assert.ok(a.next.length <= 200);
      listed += a.next.length;
      const best = new Set(a.best.map((x) => x.docId));
      const least = Math.min(...a.best.map((x) => x.lower));
      a.next.forEach((x, i) => {
        assert.ok(!best.has(x.docId), `${x.docId} is among the best`);
        assert.ok(x.lower > 0 && x.lower <= least, `${x.docId}: ${x.lower} past the best's least, ${least}`);
        if (i > 0) assert.ok(x.lower <= a.next[i - 1]!.lower, 'by their floors, highest first');
        const d = byId.get(x.docId)!;
        assert.ok(x.lower <= bm25(d.counts, d.length, terms, docStats) + 1e-9, `${x.docId}: a floor of its score`);
      });
      const none = await blockedTop(one, docs, terms, 20, 4, 2, 10);
      assert.deepEqual(none.next, []);
    }
    assert.ok(listed > 0, 'some documents met past the best');
  });

  it('asks for the second round without waiting for the first count, and knows the same whenever the count answers', async () => {
    const records = termsIndex(docs, avg, 25);
    const byId = new Map(docs.map((d) => [d.id, d]));
    const countOf = (ids: readonly string[]) => new Map(ids.map((id) => [id, { counts: new Map(byId.get(id)!.counts), length: byId.get(id)!.length }]));
    /**
     * The first count answers when the `release`-th request for blocks is made or answered (never
     * held for good: a reading that waited for it would still end, and the order would show it).
     */
    const run = async (terms: string[], release: { call: number; when: 'asked' | 'answered' } | null) => {
      const events: string[] = [];
      let free: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        free = resolve;
        setTimeout(resolve, 200);
      });
      let calls = 0;
      let counts = 0;
      const io = {
        blocks: async (reads: Array<{ term: string; block: number }>) => {
          const call = ++calls;
          events.push(`blocks ${call}`);
          if (release?.call === call && release.when === 'asked') free();
          const found = records.filter((r) => reads.some((x) => x.term === r.term && x.block === (r.block ?? 0)));
          await new Promise((resolve) => setImmediate(resolve));
          if (release?.call === call && release.when === 'answered') free();
          return found;
        },
        count: async (ids: readonly string[]) => {
          const n = ++counts;
          if (n === 1 && release) await held;
          events.push(`count ${n} answered`);
          return countOf(ids);
        },
      };
      const first = records.filter((r) => r.id === CORPUS_RECORD_ID || (terms.includes(r.term) && (r.block ?? 0) === 0));
      const got = await readDocuments(terms, readTerms(first)!, io, { depth: 20, maxBlocks: 8, maxRounds: 2, maxCounted: 10 });
      const known = got.best.map((x) => `${x.docId} ${[...x.document.counts].sort().join(' ')} ${x.document.length} ${x.lower.toFixed(12)}`);
      return { events, known, seen: got.seen, counted: got.counted };
    };
    let early = 0;
    for (const terms of queries) {
      const at = await run(terms, null);
      for (const release of [{ call: 2, when: 'asked' }, { call: 2, when: 'answered' }, { call: 1, when: 'answered' }] as const) {
        const late = await run(terms, release);
        assert.deepEqual(late.known, at.known, `${terms.join(' ')}, first count freed when blocks ${release.call} is ${release.when}`);
        assert.equal(late.seen, at.seen);
        assert.equal(late.counted, at.counted);
        if (release.call === 2 && late.events.includes('blocks 2')) {
          assert.ok(late.events.indexOf('blocks 2') < late.events.indexOf('count 1 answered'), `${terms.join(' ')}: ${late.events.join(', ')}`);
          early++;
        }
      }
    }
    assert.ok(early >= 2, `${early} readings went to a second round`);
  });

  it('sends the first round of blocks before the first count, which it applies later', async () => {
    const records = termsIndex(docs, avg, 25);
    const byId = new Map(docs.map((d) => [d.id, d]));
    for (const terms of queries) {
      const asked: string[] = [];
      const io = {
        blocks: async (reads: Array<{ term: string; block: number }>) => {
          asked.push('blocks');
          return records.filter((r) => reads.some((x) => x.term === r.term && x.block === (r.block ?? 0)));
        },
        count: async (ids: readonly string[]) => {
          asked.push('count');
          return new Map(ids.map((id) => [id, { counts: new Map(byId.get(id)!.counts), length: byId.get(id)!.length }]));
        },
      };
      const first = records.filter((r) => r.id === CORPUS_RECORD_ID || (terms.includes(r.term) && (r.block ?? 0) === 0));
      await readDocuments(terms, readTerms(first)!, io, { depth: 20, maxBlocks: 8, maxRounds: 2, maxCounted: 10 });
      // A reading with blocks to read asks for them first; one without counts at once.
      if (asked.includes('blocks')) assert.equal(asked[0], 'blocks', `${terms.join(' ')}: ${asked.join(', ')}`);
      assert.ok(asked.includes('count'), `${terms.join(' ')}: ${asked.join(', ')}`);
    }
  });

  it('fails with its blocks when Meilisearch fails, leaving no failure of its count unhandled', async () => {
    const records = termsIndex(docs, avg, 25);
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => void unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const terms = ['w0', 'w1'];
      const io = {
        blocks: async () => {
          await new Promise((resolve) => setImmediate(resolve));
          throw new Error('blocks failed');
        },
        count: async (): Promise<Map<string, { counts: Map<string, number>; length: number }>> => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          throw new Error('count failed');
        },
      };
      const first = records.filter((r) => r.id === CORPUS_RECORD_ID || (terms.includes(r.term) && (r.block ?? 0) === 0));
      await assert.rejects(readDocuments(terms, readTerms(first)!, io, { depth: 20, maxBlocks: 8, maxRounds: 2, maxCounted: 10 }), /blocks failed/);
      // The count fails after the reading has: its rejection must still have a handler.
      await new Promise((resolve) => setTimeout(resolve, 60));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('stops at the bound on blocks, and says so', async () => {
    const got = await blockedTop([termsIndex(docs, avg, 5)], docs, ['w0', 'w1', 'w2'], 50, 4);
    assert.equal(got.capped, 'blocks');
    assert.ok(got.blocksRead <= 4);
  });
});

describe('a block weight read under another mean length', () => {
  it('bounds every weight it stood for, whichever way the mean moved', () => {
    for (const tf of [1, 2, 5, 30]) {
      for (const length of [3, 40, 300, 3_000]) {
        for (const [was, now] of [[100, 100], [100, 150], [100, 60], [40, 400]] as const) {
          const stored = termWeight(tf, length, was);
          assert.ok(termWeight(tf, length, now) <= frontierOf(stored, was, now) + 1e-12, `tf ${tf} length ${length} mean ${was} → ${now}`);
        }
      }
    }
  });
});
