import { bm25, documentStats, stemOf, tokens, type CorpusStats } from './bm25.js';

/*
 * Re-ranking of sentence-like queries. Meilisearch finds candidates (typos, prefixes, phrases and
 * filters applied); BM25 over the corpus statistics, at passage and at document level, orders them,
 * and Meilisearch's own score breaks ties. (A term-proximity bonus was measured too: it lowered
 * TIME MAP through this pipeline, so it is not used.)
 */
/**
 * Candidates Meilisearch returns for each telling term (and for the whole query): enough that BM25
 * sees every passage holding a rare term. Measured: 200 a term instead of 50 is worth 0.01 MAP on
 * TIME (0.574 against 0.562); on 100k passages the candidates' search, transfer and counting are
 * most of the time re-ranking adds (about 55 ms a question against 40 ms with 50).
 */
export const CANDIDATES_PER_TERM = 200;
/**
 * How the signals combine, each normalised to the best candidate (0–1): the passage's own score;
 * its document's score (a passage of a document that is about the query says more than the same
 * words in passing); Meilisearch's ranking score, as a tie-breaker. Measured on TIME (MAP): document
 * weight 1 gives 0.574, 3 gives 0.579, 5 and 8 no more; Cranfield stays at 0.309–0.310.
 */
export const PASSAGE_WEIGHT = 1;
export const DOCUMENT_WEIGHT = 3;
export const MEILI_SCORE_WEIGHT = 0.1;

export interface Candidate {
  id: string;
  docId: string;
  title: string | null;
  heading: string | null;
  text: string;
  /** Tokens of the whole document, when the index records it. */
  docTokens?: number;
  _rankingScore?: number;
}

interface Analysed {
  counts: Map<string, number>;
  length: number;
}

/**
 * Counts of the query terms in a text, and the text's length in terms. A stem keeps its word's
 * first two letters, so only words starting like a query term are stemmed: most words of a
 * passage are counted without that cost.
 */
function analyse(text: string, wanted: ReadonlySet<string>, heads: ReadonlySet<string>): Analysed {
  const ts = tokens(text);
  const counts = new Map<string, number>();
  for (const w of ts) {
    if (!heads.has(w.slice(0, 2))) continue;
    const t = stemOf(w);
    if (wanted.has(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return { counts, length: ts.length };
}

/** Candidates in their new order, each with its combined score. */
export function rerank<T extends Candidate>(candidates: readonly T[], terms: readonly string[], stats: CorpusStats): Array<T & { _combinedScore: number }> {
  const wanted = new Set(terms);
  const heads = new Set(terms.map((t) => t.slice(0, 2)));
  const passages = candidates.map((c, i) => ({ c, i, a: analyse(`${c.heading ?? ''} ${c.text}`, wanted, heads), title: analyse(c.title ?? '', wanted, heads), score: 0 }));
  for (const p of passages) {
    const counts = new Map(p.a.counts);
    for (const [t, n] of p.title.counts) counts.set(t, (counts.get(t) ?? 0) + n);
    p.score = bm25(counts, p.a.length + p.title.length, terms, stats);
  }

  const docStats = documentStats(stats);
  // Document scores from the candidate passages of each document: passages that are not
  // candidates hold none of the telling terms and only add to the document's length.
  const docs = new Map<string, { counts: Map<string, number>; length: number; docTokens?: number }>();
  for (const p of passages) {
    let d = docs.get(p.c.docId);
    if (!d) {
      // The title counts once for the document, not once per passage.
      d = { counts: new Map(p.title.counts), length: p.title.length, docTokens: p.c.docTokens };
      docs.set(p.c.docId, d);
    }
    for (const [t, n] of p.a.counts) d.counts.set(t, (d.counts.get(t) ?? 0) + n);
    d.length += p.a.length;
  }
  const docScore = new Map<string, number>();
  for (const [id, d] of docs) {
    docScore.set(id, bm25(d.counts, Math.max(d.length, d.docTokens ?? 0), terms, docStats));
  }
  const bestPassage = Math.max(1e-9, ...passages.map((p) => p.score));
  const bestDoc = Math.max(1e-9, ...docScore.values());
  return passages
    .map((p) => ({
      ...p.c,
      _combinedScore:
        PASSAGE_WEIGHT * (p.score / bestPassage) +
        DOCUMENT_WEIGHT * ((docScore.get(p.c.docId) ?? 0) / bestDoc) +
        MEILI_SCORE_WEIGHT * (p.c._rankingScore ?? 0),
      order: p.i,
    }))
    .sort((a, b) => b._combinedScore - a._combinedScore || a.order - b.order)
    .map(({ order: _order, ...rest }) => rest as unknown as T & { _combinedScore: number });
}

/** The best passage of each document, in order (a document ranks where its best passage ranks). */
export function bestPerDocument<T extends { docId: string }>(ranked: readonly T[]): T[] {
  const seen = new Set<string>();
  return ranked.filter((r) => (seen.has(r.docId) ? false : (seen.add(r.docId), true)));
}
