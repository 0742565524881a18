import { eqAny, quote } from '../meili/filter.js';
import type { CorpusStats } from '../text/bm25.js';
import { decodeDocumentPostings, decodePassagePostings, type PostingLists } from './postings.js';
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
 */
export function readTerms(records: readonly TermRecord[]): TermsRead | null {
  const corpus = records.find((h) => h.id === CORPUS_RECORD_ID);
  if (!corpus || corpus.df === 0 || corpus.postings !== POSTINGS_VERSION) return null;
  const termHits = records.filter((h) => h.id !== CORPUS_RECORD_ID);
  return {
    stats: {
      passages: corpus.df,
      avgLength: (corpus.tokens ?? 0) / corpus.df,
      avgDocLength: corpus.docs ? (corpus.docTokens ?? 0) / corpus.docs : 0,
      df: new Map(termHits.map((h) => [h.term, h.df])),
      docs: corpus.docs,
      ddf: new Map(termHits.map((h) => [h.term, h.ddf ?? h.df])),
    },
    lists: new Map(termHits.map((h) => [h.term, { passages: decodePassagePostings(h.passages), documents: decodeDocumentPostings(h.documents) }])),
  };
}
