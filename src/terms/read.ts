import { eqAny, quote } from '../meili/filter.js';
import type { CorpusStats } from '../text/bm25.js';
import { bestPostings, decodeDocumentPostings, decodePassagePostings, documentWeight, passageWeight, POSTINGS_PER_TERM, type PostingLists } from './postings.js';
import { CORPUS_RECORD_ID, POSTINGS_VERSION, type TermRecord } from './schema.js';

/** What ranking reads of the terms index for a query: the corpus statistics and each term's postings. */
export interface TermsRead {
  stats: CorpusStats;
  lists: Map<string, PostingLists>;
}

/** The search (on the terms index) that returns the records of these terms and the corpus record. */
export function termsLookup(terms: readonly string[]): { q: string; filter: string; limit: number } {
  return { q: '', filter: `${eqAny('term', terms)} OR id = ${quote(CORPUS_RECORD_ID)}`, limit: terms.length + 1 };
}

/**
 * The statistics and postings in the records termsLookup found, or null when the index has none
 * to rank with (empty, or built before postings existed: its next indexing job recounts them).
 *
 * Over several nodes each holds the statistics of its own documents: the records of a term, and
 * the corpus records, are added up, and each term keeps the postings that weigh most under the
 * whole collection's mean lengths, as one node holding everything would (the indexer chose each
 * node's postings with those same means).
 */
export function readTerms(records: readonly TermRecord[]): TermsRead | null {
  const corpora = records.filter((h) => h.id === CORPUS_RECORD_ID);
  if (corpora.length === 0 || corpora.some((c) => c.postings !== POSTINGS_VERSION)) return null;
  const sum = (k: 'df' | 'tokens' | 'docs' | 'docTokens') => corpora.reduce((s, c) => s + (c[k] ?? 0), 0);
  const passages = sum('df');
  if (passages === 0) return null;
  const avgLength = sum('tokens') / passages;
  const docs = sum('docs');
  const avgDocLength = docs ? sum('docTokens') / docs : 0;
  const byTerm = new Map<string, TermRecord[]>();
  for (const h of records) {
    if (h.id === CORPUS_RECORD_ID) continue;
    const list = byTerm.get(h.term);
    if (list) list.push(h);
    else byTerm.set(h.term, [h]);
  }
  const df = new Map<string, number>();
  const ddf = new Map<string, number>();
  const lists = new Map<string, PostingLists>();
  for (const [term, parts] of byTerm) {
    df.set(term, parts.reduce((s, h) => s + h.df, 0));
    ddf.set(term, parts.reduce((s, h) => s + (h.ddf ?? h.df), 0));
    const p = parts.flatMap((h) => decodePassagePostings(h.passages));
    const d = parts.flatMap((h) => decodeDocumentPostings(h.documents));
    lists.set(
      term,
      parts.length === 1
        ? { passages: p, documents: d }
        : { passages: bestPostings(p, POSTINGS_PER_TERM, passageWeight(avgLength)), documents: bestPostings(d, POSTINGS_PER_TERM, documentWeight(avgDocLength)) },
    );
  }
  return { stats: { passages, avgLength, avgDocLength, df, docs, ddf }, lists };
}
