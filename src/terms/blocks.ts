import { idf, termWeight, type CorpusStats } from '../text/bm25.js';
import type { DocumentPosting } from './postings.js';

/*
 * Reading a question's document postings block by block, and knowing when to stop.
 *
 * Each term keeps every document that holds it, ordered by the term's weight there, in blocks
 * (DOCUMENT_BLOCK); each block says what any later document weighs at most (its `next`). A
 * question reads the first block of every term; then, while a document not read yet could still
 * score above the k-th best score found so far (the sum over terms of their `frontier`, the most
 * an unread document can get from each), the next blocks of the terms that matter. This is the
 * threshold rule of Fagin's NRA with MaxScore's split of the terms (Turtle and Flood 1995): terms
 * whose frontiers together cannot lift an unread document to the k-th score are not read further.
 *
 * A document seen in some terms' blocks but not yet in others has only bounds: what it holds for
 * certain (lower) and at most (upper). Those that could still reach the k-th score are counted
 * from their text (resolve), so that the k best are exact whatever blocks were read: one node, or
 * several whose blocks split the same lists differently, rank the same k documents the same way.
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
  received: DocumentPosting[];
}

/** What is known of a document: the counts of the terms whose postings held it, its length. */
export interface KnownDocument {
  counts: Map<string, number>;
  length: number;
  /** True when every query term's count is known (counted from its text). */
  exact?: boolean;
}

export interface DocumentBound {
  docId: string;
  lower: number;
  upper: number;
  /** Some term's count is neither known nor known to be zero. */
  unknown: boolean;
}

/**
 * What a block's `next` weight, computed with the mean document length `weighedAt`, is worth under
 * the mean `avgDocLength`: a weight tf(k1+1)/(tf + k1(1-b+b·len/avg)) grows at most by the ratio of
 * the new mean to the old one when the mean grows, and never when it shrinks.
 */
export function frontierOf(next: number, weighedAt: number, avgDocLength: number): number {
  if (next <= 0) return 0;
  return weighedAt > 0 && avgDocLength > weighedAt ? (next * avgDocLength) / weighedAt : next;
}

/** Adds a block of a term's document postings to what is known. */
export function addPostings(docs: Map<string, KnownDocument>, term: string, postings: readonly DocumentPosting[]): void {
  for (const [docId, tf, length] of postings) {
    let d = docs.get(docId);
    if (!d) docs.set(docId, (d = { counts: new Map(), length }));
    if (!d.exact) d.counts.set(term, tf);
  }
}

/** Lower and upper bounds of every known document's BM25 (document statistics: see documentStats). */
export function documentBounds(
  terms: readonly string[],
  docs: ReadonlyMap<string, KnownDocument>,
  cursors: ReadonlyMap<string, TermCursor>,
  docStats: CorpusStats,
): DocumentBound[] {
  const idfs = terms.map((t) => idf(t, docStats));
  const reach = terms.map((t, i) => idfs[i]! * (cursors.get(t)?.frontier ?? 0));
  const out: DocumentBound[] = [];
  for (const [docId, d] of docs) {
    let lower = 0;
    let missing = 0;
    let unknown = false;
    for (let i = 0; i < terms.length; i++) {
      const tf = d.counts.get(terms[i]!);
      if (tf) lower += idfs[i]! * termWeight(tf, d.length, docStats.avgLength);
      else if (!d.exact && reach[i]! > 0) {
        missing += reach[i]!;
        unknown = true;
      }
    }
    out.push({ docId, lower, upper: lower + missing, unknown });
  }
  return out;
}

/** The k-th largest lower bound (0 when fewer than k documents are known). */
export function kthLower(bounds: readonly DocumentBound[], k: number): number {
  if (bounds.length < k) return 0;
  return bounds.map((b) => b.lower).sort((a, b) => b - a)[k - 1]!;
}

/** What to do next: the threshold, what an unread document could score, and the terms to read further. */
export interface ReadPlan {
  threshold: number;
  unseen: number;
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
export function planReads(terms: readonly string[], bounds: readonly DocumentBound[], cursors: ReadonlyMap<string, TermCursor>, docStats: CorpusStats, k: number): ReadPlan {
  const threshold = kthLower(bounds, k);
  const reaches = [...new Set(terms)]
    .map((t) => ({ t, reach: idf(t, docStats) * (cursors.get(t)?.frontier ?? 0) }))
    .filter((x) => x.reach > 0)
    // Equal reaches in term order: the plan does not depend on anything but the data.
    .sort((a, b) => a.reach - b.reach || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  const unseen = reaches.reduce((s, x) => s + x.reach, 0);
  if (unseen <= threshold) return { threshold, unseen, read: [] };
  const read: string[] = [];
  let sum = 0;
  for (const x of reaches) {
    sum += x.reach;
    if (sum > threshold) read.push(x.t);
  }
  return { threshold, unseen, read };
}

/**
 * The documents to count from their text: those with a count still unknown whose upper bound
 * reaches the threshold (they may belong to the k best), best bound first, at most `max`.
 */
export function toResolve(bounds: readonly DocumentBound[], threshold: number, max: number): string[] {
  return bounds
    .filter((b) => b.unknown && b.upper >= threshold)
    .sort((a, b) => b.upper - a.upper || (a.docId < b.docId ? -1 : 1))
    .slice(0, max)
    .map((b) => b.docId);
}
