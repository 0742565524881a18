import { termWeight } from '../text/bm25.js';

/*
 * Postings: per term, the passages and documents where it weighs most. Ranking reads them in place
 * of the passages' text, so a question costs one small read however large the corpus.
 */

/** A passage holding a term: its document and position, the term's count, the passage's length in words. */
export type PassagePosting = [docId: string, position: number, tf: number, length: number];
/** A document holding a term: its id, the term's count over title and body, the document's length in words. */
export type DocumentPosting = [docId: string, tf: number, length: number];

/** A term's postings as the terms index holds them. */
export interface PostingLists {
  passages?: readonly PassagePosting[];
  documents?: readonly DocumentPosting[];
}

/**
 * Postings kept per term, the passages and the documents where the term weighs most (BM25's term
 * weight). A term in fewer places than this has all of them; for a common term, the places left
 * out are those where its weight, and its IDF, count least.
 */
export const POSTINGS_PER_TERM = 200;

/** Keeps the `keep` postings where the term weighs most; of equal weights, the earlier in the list. */
export function bestPostings<P extends PassagePosting | DocumentPosting>(list: P[], keep: number, weight: (p: P) => number): P[] {
  if (list.length <= keep) return list;
  const weights = list.map(weight);
  return list
    .map((_, i) => i)
    .sort((x, y) => weights[y]! - weights[x]! || x - y)
    .slice(0, keep)
    .map((i) => list[i]!);
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

/** Decoded postings; none for a record without them or from an older encoding. */
export function decodePassagePostings(encoded: unknown): PassagePosting[] {
  if (typeof encoded !== 'string' || encoded === '') return [];
  return encoded.split(' ').map((p) => {
    const [docId, position, tf, length] = p.split(',');
    return [docId!, Number(position), Number(tf), Number(length)];
  });
}

export function decodeDocumentPostings(encoded: unknown): DocumentPosting[] {
  if (typeof encoded !== 'string' || encoded === '') return [];
  return encoded.split(' ').map((p) => {
    const [docId, tf, length] = p.split(',');
    return [docId!, Number(tf), Number(length)];
  });
}
