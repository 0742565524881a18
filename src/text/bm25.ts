import { terms } from './stem.js';

/*
 * Okapi BM25 over passages, with corpus statistics the indexer keeps. The usual constants: term
 * frequency saturates at k1, and b sets how much a long passage is discounted.
 */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** What BM25 needs to know about the whole collection. */
export interface CorpusStats {
  /** Number of passages. */
  passages: number;
  /** Mean passage length in words. */
  avgLength: number;
  /** Passages containing each term (terms not listed are taken as rare). */
  df: ReadonlyMap<string, number>;
  /** Mean document length in words (0 when unknown). */
  avgDocLength: number;
  /** Number of documents, and documents containing each term, for document-level scores. */
  docs?: number;
  ddf?: ReadonlyMap<string, number>;
}

/** The same statistics seen at document level: documents as the unit, where recorded. */
export function documentStats(stats: CorpusStats): CorpusStats {
  if (!stats.docs || !stats.ddf) return { ...stats, avgLength: stats.avgDocLength || stats.avgLength };
  return { passages: stats.docs, avgLength: stats.avgDocLength || stats.avgLength, avgDocLength: stats.avgDocLength, df: stats.ddf };
}

/** Robertson–Spärck Jones IDF, floored at zero so that very common terms never count against. */
export function idf(term: string, stats: CorpusStats): number {
  const n = stats.df.get(term) ?? 1;
  return Math.max(0, Math.log(1 + (stats.passages - n + 0.5) / (n + 0.5)));
}

/**
 * BM25's weight of a term occurring `tf` times in a text of `length` words, before IDF: it
 * saturates with repeats and discounts texts longer than the mean.
 */
export function termWeight(tf: number, length: number, avgLength: number): number {
  return (tf * (BM25_K1 + 1)) / (tf + BM25_K1 * (1 - BM25_B + (BM25_B * length) / (avgLength || 1)));
}

/** BM25 of one passage (its term counts and length in words) for the query terms. */
export function bm25(counts: ReadonlyMap<string, number>, length: number, terms: readonly string[], stats: CorpusStats): number {
  let score = 0;
  for (const t of terms) {
    const tf = counts.get(t);
    if (tf) score += idf(t, stats) * termWeight(tf, length, stats.avgLength);
  }
  return score;
}

/** Term counts and length (in words) of a text. */
export function termCounts(text: string): { counts: Map<string, number>; length: number } {
  const counts = new Map<string, number>();
  const ts = terms(text);
  for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
  return { counts, length: ts.length };
}
