import { termWeight } from '../text/bm25.js';
import { stopWordsFor } from '../text/stop-words.js';
import { ID_HASH_SEED, idHashStep, type DocumentTable } from './document-table.js';
import { grown } from './typed-arrays.js';

/*
 * Postings: per term, the passages and documents where it weighs most. Ranking reads them in place
 * of the passages' text, so a question costs one small read however large the corpus.
 */

/** A passage holding a term: its document and position, the term's count, the passage's length in words. */
export type PassagePosting = [docId: string, position: number, tf: number, length: number];
/** A document holding a term: its id, the term's count over title and body, the document's length in words. */
export type DocumentPosting = [docId: string, tf: number, length: number];

/**
 * A term's document postings as a question reads them, by column: each posting's document (its
 * row in the question's DocumentTable), the term's count there and the document's length; the
 * first `size` of each column are filled. No array or string per posting: a question reads some
 * ten thousand of them.
 */
export interface DocumentColumns {
  rows: Int32Array;
  tf: Int32Array;
  lengths: Int32Array;
  size: number;
}

export function emptyColumns(): DocumentColumns {
  return { rows: new Int32Array(256), tf: new Int32Array(256), lengths: new Int32Array(256), size: 0 };
}

function appendPosting(c: DocumentColumns, row: number, tf: number, length: number): void {
  if (c.size === c.rows.length) {
    c.rows = grown(c.rows, new Int32Array(2 * c.size));
    c.tf = grown(c.tf, new Int32Array(2 * c.size));
    c.lengths = grown(c.lengths, new Int32Array(2 * c.size));
  }
  c.rows[c.size] = row;
  c.tf[c.size] = tf;
  c.lengths[c.size] = length;
  c.size++;
}

/** A term's postings as the terms index holds them. */
export interface PostingLists {
  passages?: readonly PassagePosting[];
  documents?: readonly DocumentPosting[];
}

/**
 * Passage postings kept per term: the passages where the term weighs most (BM25's term weight). A
 * term in fewer passages has all of them. A term's document postings are all kept (see
 * DOCUMENT_BLOCK); passages serve to show and order a document's passages, and a document whose
 * passages are not among them is read from the passages index when it ranks.
 */
export const POSTINGS_PER_TERM = 200;

/**
 * Terms without postings: the stop words query analysis drops, whose postings would never be
 * read (they are the most frequent terms, so most of the postings' cost). A query may still hold
 * one as the stem of another word ("its"): counted from text, such a term must count for nothing,
 * as in the postings.
 */
const UNPOSTED_TERMS = stopWordsFor('en');

export function hasPostings(term: string): boolean {
  return !UNPOSTED_TERMS.has(term);
}

/**
 * The order among postings of equal weight: by document id, then position. It must not depend on
 * the order the postings arrive in: one node and several, or a job and its re-run, choose the same.
 */
export function comparePlaces(a: readonly unknown[], b: readonly unknown[]): number {
  const da = a[0] as string;
  const db = b[0] as string;
  if (da !== db) return da < db ? -1 : 1;
  // A passage posting's second field is its position; a document has one posting per id.
  return a.length === 4 ? (a[1] as number) - (b[1] as number) : 0;
}

/**
 * Keeps the `keep` postings where the term weighs most, ordered by weight, equal weights by
 * comparePlaces; a list no longer than `keep` is returned whole, in that order. The threshold weight
 * is found by selection, so a term of a million passages is not sorted whole.
 */
export function bestPostings<P extends readonly unknown[]>(list: readonly P[], keep: number, weight: (p: P) => number): P[] {
  const n = list.length;
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) weights[i] = weight(list[i]!);
  const byWeight = (x: number, y: number) => weights[y]! - weights[x]! || comparePlaces(list[x]!, list[y]!);
  if (n <= keep) return Array.from(Uint32Array.from(list, (_, i) => i).sort(byWeight), (i) => list[i]!);
  const threshold = kthLargest(Float64Array.from(weights), keep);
  const chosen: number[] = [];
  const tied: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (w > threshold) chosen.push(i);
    else if (w === threshold) tied.push(i);
  }
  // Of the postings at the threshold, those first by place fill what is left.
  tied.sort(byWeight);
  chosen.push(...tied.slice(0, keep - chosen.length));
  return chosen.sort(byWeight).map((i) => list[i]!);
}

/**
 * Document postings per block. A term's documents are all kept, ordered by weight, in blocks of
 * this many; a question reads each term's first block, and further blocks only while an unread
 * document could still rank (see src/terms/blocks.ts). 200 documents of about 20 bytes each keep a
 * block record near 4 KB, and the first block as large as the lists kept before blocks existed,
 * so an ordinary question costs what it did.
 */
export const DOCUMENT_BLOCK = 200;

/**
 * Every posting, by weight (highest first), equal weights by comparePlaces: the order in which a
 * term's document postings are cut into blocks.
 */
export function impactOrder<P extends readonly unknown[]>(list: readonly P[], weight: (p: P) => number): P[] {
  return bestPostings(list, list.length, weight);
}

/** The k-th largest value (k from 1), by quickselect; reorders `a`. */
export function kthLargest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

export const passageWeight = (avgLength: number) => (p: PassagePosting) => termWeight(p[2], p[3], avgLength);
export const documentWeight = (avgLength: number) => (p: DocumentPosting) => termWeight(p[1], p[2], avgLength);

/*
 * Postings as stored: "docId,position,tf,length docId,…" (document ids are Meilisearch-safe, so
 * never hold a comma or a space). Measured on 27k terms of 101k passages: Meilisearch indexes
 * these strings in 0.9 s against 4.0 s for the same postings as JSON arrays, and returns a
 * question's terms in 1.4 ms against 2.8 ms.
 */
export function encodePostings(list: ReadonlyArray<PassagePosting | DocumentPosting>): string {
  return list.map((p) => p.join(',')).join(' ');
}

/**
 * Calls `visit` for each posting of an encoded list, with where its id lies in `encoded` and its
 * `fields` numbers (the last ends at a space, the others at a comma). One pass over the
 * characters, no string made: a question reads some ten thousand postings.
 */
const COMMA = 44;
const SPACE = 32;

function scanPostings(encoded: string, fields: 2 | 3, visit: (idStart: number, idEnd: number, a: number, b: number, c: number) => void): void {
  const n = encoded.length;
  let i = 0;
  while (i < n) {
    const comma = encoded.indexOf(',', i);
    if (comma < 0) break;
    let j = comma;
    let a = 0;
    let b = 0;
    let c = 0;
    for (let f = 0; f < fields; f++) {
      const stop = f === fields - 1 ? SPACE : COMMA;
      let v = 0;
      for (let ch = encoded.charCodeAt(++j); ch !== stop && j < n; ch = encoded.charCodeAt(++j)) v = v * 10 + (ch - 48);
      if (f === 0) a = v;
      else if (f === 1) b = v;
      else c = v;
    }
    visit(i, comma, a, b, c);
    i = j + 1;
  }
}

/** Decoded postings; none for a record without them or from an older encoding. */
export function decodePassagePostings(encoded: unknown): PassagePosting[] {
  const out: PassagePosting[] = [];
  if (typeof encoded === 'string') scanPostings(encoded, 3, (from, to, position, tf, length) => out.push([encoded.slice(from, to), position, tf, length]));
  return out;
}

/**
 * Appends encoded document postings to a term's columns, naming each document by its row in
 * `table` (decodeDocumentPostings' reading, without a string or an array per posting).
 */
export function decodeDocumentColumns(encoded: unknown, table: DocumentTable, into: DocumentColumns): void {
  if (typeof encoded !== 'string') return;
  // scanPostings' reading, with each id hashed as it is scanned: a question decodes some ten
  // thousand postings, nearly all of documents it meets for the first time.
  const n = encoded.length;
  let i = 0;
  while (i < n) {
    let hash = ID_HASH_SEED;
    let j = i;
    for (let ch = encoded.charCodeAt(j); ch !== COMMA && j < n; ch = encoded.charCodeAt(++j)) hash = idHashStep(hash, ch);
    if (j >= n) break;
    const idEnd = j;
    let tf = 0;
    for (let ch = encoded.charCodeAt(++j); ch !== COMMA && j < n; ch = encoded.charCodeAt(++j)) tf = tf * 10 + (ch - 48);
    let length = 0;
    for (let ch = encoded.charCodeAt(++j); ch !== SPACE && j < n; ch = encoded.charCodeAt(++j)) length = length * 10 + (ch - 48);
    appendPosting(into, table.rowAtHashed(encoded, i, idEnd, hash), tf, length);
    i = j + 1;
  }
}

export function decodeDocumentPostings(encoded: unknown): DocumentPosting[] {
  const out: DocumentPosting[] = [];
  if (typeof encoded === 'string') scanPostings(encoded, 2, (from, to, tf, length) => out.push([encoded.slice(from, to), tf, length]));
  return out;
}
