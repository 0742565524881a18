import { idf, termWeight, type CorpusStats } from '../text/bm25.js';
import type { DocumentTable } from './document-table.js';
import { kthLargest, type DocumentColumns } from './postings.js';
import { grown } from './typed-arrays.js';

/*
 * Reading a question's document postings block by block, and knowing when to stop.
 *
 * Each term keeps every document that holds it, ordered by the term's weight there, in blocks
 * (DOCUMENT_BLOCK). A question reads the first block of every term; then, while a document not
 * read yet could still score above the k-th best score found so far (the sum over terms of their
 * reach: IDF times `frontier`, the most an unread document can get from each), the next blocks of
 * the terms that matter. This is the
 * threshold rule of Fagin's NRA with MaxScore's split of the terms (Turtle and Flood 1995): terms
 * whose frontiers together cannot lift an unread document to the k-th score are not read further.
 *
 * A document seen in some terms' blocks but not yet in others has only bounds: what it holds for
 * certain (lower) and at most (upper). Those that could still reach the k-th score are counted
 * (toResolve: every query term's count read from the document's stored counts), so that the k
 * best are exact when the reading completes. What is read is the same whichever way nodes split
 * the lists (keepPrefix in read.ts), so one node and several rank the same k documents the same
 * way, complete or not.
 */

/** A term's reading: blocks read so far, and the most a document not read yet weighs (0: all read). */
export interface TermCursor {
  /** Blocks read of each node's list; the whole list is known to blockSize × read documents. */
  read: number;
  /** Documents per block, as the indexer cut the list. */
  blockSize: number;
  /** BM25's term weight (before IDF) that no document past what is known exceeds. */
  frontier: number;
  /** Documents holding the term, over every node: the whole list's length. */
  ddf: number;
  /** The mean document length the list was ordered with. */
  weighedAt: number;
  /** Every document the nodes sent, some past what is known (see keepPrefix in read.ts). */
  received: DocumentColumns;
  /** How many of `received` are known: the first of the whole list, in its order. */
  kept: number;
  /** How many of `received` are known to be in the list's order (read.ts checks each once). */
  ordered?: number;
}

/**
 * Query terms up to which bounds keeps the sums of missing reaches in a table of 2^terms entries
 * (32 KB at 12), beyond which in a Map: a question has rarely more than a dozen content terms.
 */
const MISSING_TABLE_TERMS = 12;

/** What is known of a document: the counts of the terms whose postings held it, its length. */
export interface KnownDocument {
  counts: Map<string, number>;
  length: number;
  /** True when every query term's count is known (the document was counted). */
  exact?: boolean;
}

/**
 * What a weight computed with the mean document length `weighedAt` is worth at most under the mean
 * `avgDocLength`: a weight tf(k1+1)/(tf + k1(1-b+b·len/avg)) grows at most by the ratio of the new
 * mean to the old one when the mean grows, and never when it shrinks.
 */
export function frontierOf(weight: number, weighedAt: number, avgDocLength: number): number {
  if (weight <= 0) return 0;
  return weighedAt > 0 && avgDocLength > weighedAt ? (weight * avgDocLength) / weighedAt : weight;
}

/** The most a document not read yet can get from a term: its IDF times its frontier. */
export function reachOf(term: string, cursors: ReadonlyMap<string, TermCursor>, docStats: CorpusStats): number {
  return idf(term, docStats) * (cursors.get(term)?.frontier ?? 0);
}

/** Every known document's BM25 bounds (document statistics: see documentStats), by table row. */
export interface DocumentBounds {
  lower: Float64Array;
  upper: Float64Array;
  /** 1 where some term's count is neither known nor known to be zero. */
  unknown: Uint8Array;
}

/**
 * What a question's reading knows of the documents it met, one row a document (its row in the
 * read's DocumentTable): each query term's weight there (IDF times BM25's term weight; 0 where its
 * count is unknown or, once the document was counted, zero) and whether it was counted. Kept in
 * flat arrays: a question meets some ten thousand documents and bounds them every round.
 */
export class KnownDocuments {
  readonly #terms: readonly string[];
  readonly #column = new Map<string, number>();
  readonly #docStats: CorpusStats;
  readonly #idfs: number[];
  readonly #table: DocumentTable;
  // Per table row, grown by doubling: whether the reading met the document (a node may have sent
  // postings past what is known of a list, whose documents the table holds but the reading has not
  // met), its length, whether it was counted; and per row and term, the count and the weight.
  #met = new Uint8Array(0);
  #metCount = 0;
  #lengths = new Float64Array(0);
  #exact = new Uint8Array(0);
  #counts = new Int32Array(0);
  #weights = new Float64Array(0);
  // Per row: the sum of its known weights (its lower bound), and a bit per term whose count is
  // known above zero (a query has at most 32 terms, QUERY_TERMS_MAX), kept as weights are set so
  // that bounding every row each round reads two numbers a row.
  #lower = new Float64Array(0);
  #present = new Int32Array(0);
  #scratch = new Int32Array(0);

  /** `terms`: the query's terms (without repeats, as analyzeQuery gives them). */
  constructor(terms: readonly string[], docStats: CorpusStats, table: DocumentTable) {
    this.#terms = terms;
    this.#terms.forEach((t, i) => this.#column.set(t, i));
    this.#docStats = docStats;
    this.#idfs = this.#terms.map((t) => idf(t, docStats));
    this.#table = table;
  }

  /** Documents met. */
  get size(): number {
    return this.#metCount;
  }

  /** Marks a table row met, with the length its first posting gives. */
  #meet(row: number, length: number): void {
    if (row >= this.#met.length) this.#grow(row + 1);
    if (this.#met[row]) return;
    this.#met[row] = 1;
    this.#metCount++;
    this.#lengths[row] = length;
  }

  #grow(rows: number): void {
    let size = Math.max(this.#met.length, 1024);
    while (size < rows) size *= 2;
    const width = this.#terms.length;
    this.#met = grown(this.#met, new Uint8Array(size));
    this.#lengths = grown(this.#lengths, new Float64Array(size));
    this.#exact = grown(this.#exact, new Uint8Array(size));
    this.#counts = grown(this.#counts, new Int32Array(size * width));
    this.#weights = grown(this.#weights, new Float64Array(size * width));
    this.#lower = grown(this.#lower, new Float64Array(size));
    this.#present = grown(this.#present, new Int32Array(size));
  }

  #set(row: number, column: number, tf: number): void {
    const at = row * this.#terms.length + column;
    this.#counts[at] = tf;
    this.#weights[at] = tf > 0 ? this.#idfs[column]! * termWeight(tf, this.#lengths[row]!, this.#docStats.avgLength) : 0;
    if (tf > 0) this.#present[row]! |= 1 << column;
    else this.#present[row]! &= ~(1 << column);
  }

  /** Sums a row's known weights again, in term order (the same sum however the row was filled). */
  #sumRow(row: number): void {
    let sum = 0;
    for (let c = 0, at = row * this.#terms.length; c < this.#terms.length; c++, at++) if (this.#counts[at]! > 0) sum += this.#weights[at]!;
    this.#lower[row] = sum;
  }

  /** Adds a term's document postings, those from `from` to `to` of its columns. */
  addPostings(term: string, postings: DocumentColumns, from: number, to: number): void {
    const column = this.#column.get(term);
    if (column === undefined) return;
    // Grown once to hold every document the read names, rather than doubling as they come.
    if (this.#met.length < this.#table.size) this.#grow(this.#table.size);
    for (let i = from; i < to; i++) {
      const row = postings.rows[i]!;
      this.#meet(row, postings.lengths[i]!);
      if (this.#exact[row]) continue;
      this.#set(row, column, postings.tf[i]!);
      this.#sumRow(row);
    }
  }

  /** Sets a document's counts from its text: every query term's, exactly. */
  setExact(docId: string, counts: ReadonlyMap<string, number>, length: number): void {
    const row = this.#table.rowOf(docId);
    this.#meet(row, length);
    this.#lengths[row] = length;
    this.#exact[row] = 1;
    for (let c = 0; c < this.#terms.length; c++) this.#set(row, c, counts.get(this.#terms[c]!) ?? 0);
    this.#sumRow(row);
  }

  /** The terms of which some of these documents' counts are unknown and whose lists go on. */
  lacking(docIds: readonly string[], cursors: ReadonlyMap<string, TermCursor>): string[] {
    const width = this.#terms.length;
    const rows = docIds.map((id) => this.#table.rowOf(id));
    return this.#terms.filter((t, c) => {
      if (!((cursors.get(t)?.frontier ?? 0) > 0)) return false;
      return rows.some((row) => !this.#exact[row] && this.#counts[row * width + c] === 0);
    });
  }

  /** Lower and upper bounds of every document: unknown counts may add at most each term's reach (IDF times frontier). */
  bounds(cursors: ReadonlyMap<string, TermCursor>): DocumentBounds {
    // Rows of documents not met hold nothing: bounds 0, not unknown.
    const n = Math.min(this.#table.size, this.#met.length);
    const reach = this.#terms.map((t) => reachOf(t, cursors, this.#docStats));
    // The terms whose unread documents may still add something.
    let open = 0;
    reach.forEach((r, c) => {
      if (r > 0) open |= 1 << c;
    });
    const lower = this.#lower.slice(0, n);
    const upper = new Float64Array(n);
    const unknown = new Uint8Array(n);
    // What the open terms a row lacks may add, by the mask of those terms: summed once a mask, as
    // most rows lack the same few sets of terms (a table when the terms are few, else a Map).
    const table = this.#terms.length <= MISSING_TABLE_TERMS ? new Float64Array(1 << this.#terms.length).fill(-1) : null;
    const memo = table ? null : new Map<number, number>();
    for (let row = 0; row < n; row++) {
      if (!this.#met[row]) continue;
      let missing = 0;
      const lacking = this.#exact[row] ? 0 : open & ~this.#present[row]!;
      if (lacking !== 0) {
        missing = table ? table[lacking]! : (memo!.get(lacking) ?? -1);
        if (missing < 0) {
          missing = 0;
          // Term by term in order (lowest bit first), as a sum over the columns would add them.
          for (let m = lacking; m !== 0; m &= m - 1) missing += reach[31 - Math.clz32(m & -m)]!;
          if (table) table[lacking] = missing;
          else memo!.set(lacking, missing);
        }
      }
      upper[row] = lower[row]! + missing;
      unknown[row] = missing > 0 ? 1 : 0;
    }
    return { lower, upper, unknown };
  }

  /**
   * The rows to count: those with a count still unknown whose upper bound reaches
   * the threshold (they may belong to the k best), best bound first (equal bounds by id), at most `max`.
   */
  toResolve(b: DocumentBounds, threshold: number, max: number): string[] {
    const rows = this.#scratchRows(b.lower.length);
    let n = 0;
    for (let row = 0; row < b.lower.length; row++) if (b.unknown[row] && b.upper[row]! >= threshold) rows[n++] = row;
    return this.#ranked(rows, n, b.upper, max).map((row) => this.#table.idOf(row));
  }

  /** The ids of the `k` documents of highest lower bound (equal bounds by id), best first. */
  bestIds(b: DocumentBounds, k: number): string[] {
    return this.#bestRows(b, k).map((row) => this.#table.idOf(row));
  }

  /**
   * The `k` documents of highest lower bound (equal bounds by id), with what is known of them, best
   * first; and the `more` ranked after them, in that order, with their lower bounds: what the
   * postings read say of each for certain. One selection serves both.
   */
  best(
    b: DocumentBounds,
    k: number,
    more = 0,
  ): { best: Array<{ docId: string; lower: number; document: KnownDocument }>; next: Array<{ docId: string; lower: number }> } {
    const rows = this.#bestRows(b, k + more);
    const best = rows.slice(0, k).map((row) => {
      const docId = this.#table.idOf(row);
      const counts = new Map<string, number>();
      this.#terms.forEach((t, c) => {
        const tf = this.#counts[row * this.#terms.length + c]!;
        if (tf > 0) counts.set(t, tf);
      });
      return { docId, lower: b.lower[row]!, document: { counts, length: this.#lengths[row]!, exact: this.#exact[row] === 1 } };
    });
    const next = rows.slice(k).map((row) => ({ docId: this.#table.idOf(row), lower: b.lower[row]! }));
    return { best, next };
  }

  #bestRows(b: DocumentBounds, k: number): number[] {
    const rows = this.#scratchRows(b.lower.length);
    let n = 0;
    for (let row = 0; row < b.lower.length; row++) if (b.lower[row]! > 0) rows[n++] = row;
    return this.#ranked(rows, n, b.lower, k);
  }

  /** Room for `n` rows chosen to rank (see #ranked), kept from one choice to the next. */
  #scratchRows(n: number): Int32Array {
    if (this.#scratch.length < n) this.#scratch = new Int32Array(Math.max(n, 2 * this.#scratch.length));
    return this.#scratch;
  }

  /** The `max` of the first `n` rows of highest score, best first, equal scores by id; only those are sorted. */
  #ranked(rows: Int32Array, n: number, score: Float64Array, max: number): number[] {
    let chosen: number[] = [];
    if (n > max) {
      // Plain loops: Float64Array.from and filter with a callback cost several times as much here.
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = score[rows[i]!]!;
      const floor = kthLargest(values, max);
      for (let i = 0; i < n; i++) if (score[rows[i]!]! >= floor) chosen.push(rows[i]!);
    } else {
      for (let i = 0; i < n; i++) chosen.push(rows[i]!);
    }
    return chosen
      .sort((x, y) => score[y]! - score[x]! || this.#table.compareIds(x, y))
      .slice(0, max);
  }
}

/** The k-th largest lower bound (0 when fewer than k documents are known). */
export function kthLower(bounds: DocumentBounds, k: number): number {
  if (bounds.lower.length < k) return 0;
  return kthLargest(bounds.lower.slice(), k);
}

/** What to do next: the threshold (the k-th best score so far), and the terms to read further. */
export interface ReadPlan {
  threshold: number;
  /** Terms whose next block is to be read (none: stop). */
  read: string[];
}

/**
 * The stop rule. An unread document scores at most the sum of every term's reach (IDF times
 * frontier); once that is no more than the k-th best lower bound, no unread document can enter
 * the k best, and reading stops. Otherwise the terms are split as MaxScore splits them: those with
 * the smallest reaches, whose reaches together stay within the threshold, cannot by themselves
 * lift an unread document into the k best, so only the others are read further.
 */
export function planReads(terms: readonly string[], bounds: DocumentBounds, cursors: ReadonlyMap<string, TermCursor>, docStats: CorpusStats, k: number): ReadPlan {
  const threshold = kthLower(bounds, k);
  const reaches = terms
    .map((t) => ({ t, reach: reachOf(t, cursors, docStats) }))
    .filter((x) => x.reach > 0)
    // Equal reaches in term order: the plan does not depend on anything but the data.
    .sort((a, b) => a.reach - b.reach || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const unseen = reaches.reduce((s, x) => s + x.reach, 0);
  if (unseen <= threshold) return { threshold, read: [] };
  const read: string[] = [];
  let sum = 0;
  for (const x of reaches) {
    sum += x.reach;
    if (sum > threshold) read.push(x.t);
  }
  return { threshold, read };
}
