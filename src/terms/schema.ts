import { createHash } from 'node:crypto';

/*
 * The terms index: beside each passages index, one record per term (its document frequencies and
 * postings) and one for the corpus totals. The indexer writes it; ranking reads it. Its name is
 * termsIndexOf (meili/indexes.ts); its settings TERMS_SETTINGS (meili/settings.ts).
 */

/**
 * Marks, on the corpus record, terms indexes whose every term record carries its postings in the
 * current encoding (version 1 stored them as JSON arrays).
 */
export const POSTINGS_VERSION = 2;

/** A document of the terms index: one per term, and one for the corpus totals. */
export interface TermRecord {
  id: string;
  term: string;
  df: number;
  /** Documents containing the term (on the corpus record: unused). */
  ddf?: number;
  /** Only on the corpus record: total words of all passages, documents, their words. */
  tokens?: number;
  docs?: number;
  docTokens?: number;
  /** Only on the corpus record: POSTINGS_VERSION when every term record carries postings. */
  postings?: number;
  /**
   * Only on the corpus record: set while a job changes the passages, cleared when it marks the
   * statistics current. Found set, it tells the next job that one died part-way.
   */
  pending?: boolean;
  /** The passages and documents where the term weighs most (see POSTINGS_PER_TERM), encoded. */
  passages?: string;
  documents?: string;
}

export const CORPUS_RECORD_ID = 'corpus';

/** Meilisearch ids allow only [A-Za-z0-9_-]; terms are any letters, so the id is a hash. */
export function termId(term: string): string {
  return `t${createHash('sha1').update(term).digest('hex').slice(0, 24)}`;
}
