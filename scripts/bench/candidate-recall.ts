import { analyzeQuery } from '../../src/search/analyze.js';
import { bm25, type CorpusStats } from '../../src/text/bm25.js';
import { terms as termsOf } from '../../src/text/stem.js';

/*
 * Candidate recall: of the documents that full BM25 ranks in its top k, the share that the API's
 * ranked list holds at all. A document missing from that list can never be shown, however the
 * candidates are then ordered. "Full" means every document scored, with the search's own analysis
 * (stems, stop words dropped from the query) and BM25's standard k1 1.2, b 0.75 over whole
 * documents (title and text).
 */

/** Whole-document BM25 over every document, through an inverted index. */
export class FullBm25 {
  #postings = new Map<string, Array<[doc: number, tf: number]>>();
  #lengths: number[] = [];
  #ids: string[] = [];
  #stats: CorpusStats;

  constructor(docs: Iterable<{ id: string; text: string }>) {
    let total = 0;
    for (const d of docs) {
      const i = this.#ids.push(d.id) - 1;
      const ts = termsOf(d.text);
      this.#lengths.push(ts.length);
      total += ts.length;
      const counts = new Map<string, number>();
      for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, n] of counts) {
        let list = this.#postings.get(t);
        if (!list) this.#postings.set(t, (list = []));
        list.push([i, n]);
      }
    }
    const n = this.#ids.length;
    const df = new Map([...this.#postings].map(([t, l]) => [t, l.length]));
    this.#stats = { passages: n, avgLength: total / Math.max(1, n), avgDocLength: total / Math.max(1, n), df };
  }

  get size(): number {
    return this.#ids.length;
  }

  /** The query's k best documents, best first; ties in document order. */
  top(query: string, k: number): string[] {
    const terms = analyzeQuery(query).terms;
    const counts = new Map<number, Map<string, number>>();
    for (const t of terms) {
      for (const [d, tf] of this.#postings.get(t) ?? []) {
        let c = counts.get(d);
        if (!c) counts.set(d, (c = new Map()));
        c.set(t, tf);
      }
    }
    return [...counts]
      .map(([d, c]) => ({ d, s: bm25(c, this.#lengths[d]!, terms, this.#stats) }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || a.d - b.d)
      .slice(0, k)
      .map((x) => this.#ids[x.d]!);
  }
}

/** The share of `reference` found anywhere in `candidates` (1 when the reference is empty). */
export function recallOf(reference: readonly string[], candidates: ReadonlySet<string>): number {
  if (reference.length === 0) return 1;
  return reference.filter((d) => candidates.has(d)).length / reference.length;
}

/** Mean reciprocal rank of each query's known item (0 where it is not ranked). */
export function meanReciprocalRank(runs: ReadonlyMap<string, readonly string[]>, known: ReadonlyMap<string, string>): number {
  let sum = 0;
  for (const [q, doc] of known) {
    const i = runs.get(q)?.indexOf(doc) ?? -1;
    if (i >= 0) sum += 1 / (i + 1);
  }
  return known.size === 0 ? 0 : sum / known.size;
}
