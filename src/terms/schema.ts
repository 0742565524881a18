import { createHash } from 'node:crypto';
import { encodeTermCounts } from '../text/term-counts.js';

/*
 * The terms index: beside each passages index, one record per term (its document frequencies and
 * postings), one per document (its term counts: DocumentCountsRecord) and one for the corpus
 * totals. The indexer writes it; ranking reads it. Its name is
 * termsIndexOf (meili/indexes.ts); its settings TERMS_SETTINGS (meili/settings.ts).
 */

/**
 * Marks, on the corpus record, terms indexes whose every term record carries its postings in the
 * current form: version 1 stored them as JSON arrays, version 2 only the 200 best documents of a
 * term; version 3 keeps every document, in blocks by weight. An index marked otherwise is
 * recounted by its next indexing job.
 */
export const POSTINGS_VERSION = 3;

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
   * Only on the corpus record: DOCUMENT_COUNTS_VERSION when every document has its counts record
   * (or is too long to have one). An index built before they existed lacks it: its next job writes
   * them for the documents it keeps.
   */
  counts?: number;
  /**
   * Only on the corpus record: set while a job changes the passages, cleared when it marks the
   * statistics current. Found set, it tells the next job that one died part-way.
   */
  pending?: boolean;
  /** The passages where the term weighs most (see POSTINGS_PER_TERM), encoded; on a term's first record only. */
  passages?: string;
  /** One block of the term's documents (see DOCUMENT_BLOCK), encoded: the first on its first record. */
  documents?: string;
  /** The block this record holds: 0 (or absent) on a term's first record, which carries df and ddf. */
  block?: number;
  /** On a term's first record: how many blocks of documents it has (on this node). */
  blocks?: number;
  /** On a term's first record: documents per block (DOCUMENT_BLOCK when absent). */
  blockSize?: number;
  /**
   * The mean document length the weights were computed with (the order of the blocks). Read with
   * another mean, a weight can grow at most by the ratio of the new mean to this one (see frontierOf).
   */
  weighedAt?: number;
}

export const CORPUS_RECORD_ID = 'corpus';

/** Meilisearch ids allow only [A-Za-z0-9_-]; terms are any letters, so the id is a hash. */
export function termId(term: string): string {
  return `t${createHash('sha1').update(term).digest('hex').slice(0, 24)}`;
}

/** The id of a term's record holding its block `block` of documents (block 0: the term's own record). */
export function blockId(term: string, block: number): string {
  return block === 0 ? termId(term) : `${termId(term)}-${block}`;
}

/**
 * A document's term counts (encodeTermCounts: its title's and each passage's), which ranking reads
 * in place of the text of its passages: the forward index beside the terms' postings. Kept in the
 * terms index rather than on the document's first passage because Meilisearch returns a record of
 * this small index for a fraction of what a passage record costs it: measured on the 1.19M-passage
 * index, 50 documents' counts read at random cost 5-6 ms from their first passages against under
 * 1 ms from records like these. Term records are told apart by their `term`, which this lacks.
 */
export interface DocumentCountsRecord {
  id: string;
  docId: string;
  /** The document's length in words (title and body), as its first passage records it. */
  docTokens: number;
  termCounts: string;
}

/** Marks, on the corpus record, an index whose every document has its counts record (see TermRecord.counts). */
export const DOCUMENT_COUNTS_VERSION = 1;

/** The id of a document's counts: no term id ("t…") nor the corpus id starts with "d_". */
export function documentCountsId(docId: string): string {
  return `d_${docId}`;
}

/**
 * A document's counts record, or null when its counts are longer than is stored
 * (TERM_COUNTS_MAX_CHARS): such a document is counted from its text.
 */
export function documentCountsRecord(
  doc: { docId: string; title: string | null; lang: string | null; passages: ReadonlyArray<{ position: number; heading: string | null; text: string }> },
  docTokens: number,
): DocumentCountsRecord | null {
  const termCounts = encodeTermCounts(doc.title, doc.passages, doc.lang);
  return termCounts === null ? null : { id: documentCountsId(doc.docId), docId: doc.docId, docTokens, termCounts };
}
