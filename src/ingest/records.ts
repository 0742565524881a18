import { words } from '../text/words.js';
import type { CleanDocument, SourceFormat } from './ingest.js';
import type { Provenance } from './provenance.js';
import { quoteContext } from './selectors.js';
import type { RemovedBlock, Retention } from './retention.js';

/**
 * What is known of a whole document beyond its passages: the evidence for its metadata, the words
 * it came with and kept, and what cleaning left out. Stored once, on the document's first passage; never searched, never in hits.
 */
export interface DocumentDetails {
  /** For each metadata field that has a value, what the document states that gave it. */
  provenance: Provenance;
  retention: Retention;
  removed: RemovedBlock[];
  removedOmitted: number;
}

/** One passage as stored in Meilisearch. Field names are part of the API contract. */
export interface PassageRecord {
  id: string;
  docId: string;
  file: string;
  title: string | null;
  heading: string | null;
  text: string;
  position: number;
  start: number;
  end: number;
  author: string | null;
  date: string | null;
  /** Year of `date`, for faceting. */
  year: number | null;
  /** `date` as a Unix timestamp (seconds), for range filters and sorting. */
  timestamp: number | null;
  publisher: string | null;
  url: string | null;
  lang: string | null;
  hash: string;
  /** Body text just before and after the passage (TextQuoteSelector's prefix and suffix). */
  prefix: string;
  suffix: string;
  /** Text-fragment directive that quotes this passage in the page at `url`. */
  fragment: string;
  /** Content hash of the whole document, for incremental indexing. */
  docHash: string;
  /** Number of passages in the document. */
  passages: number;
  /** Tokens of the whole document (title and body), for document-level ranking. */
  docTokens: number;
  /** Which indexing root the document came from (an opaque id), to scope deletions. */
  rootId: string;
  /** What the document was written in: pdf, docx, eml, html, markdown, wordpress or text. */
  format: SourceFormat;
  /** Paged documents (PDF): the page the passage starts on and the page it ends on, 1-based. */
  page: number | null;
  pageEnd: number | null;
  /** The printed labels of those pages, where the PDF declares labels ("iv", "12"). */
  pageLabel: string | null;
  pageEndLabel: string | null;
  /** Where later pages start inside the passage's text (offsets into `text`), with their labels; null when none do. */
  pageBreaks: PassagePageBreak[] | null;
  /** Where the document sits inside another: "attachment memo.pdf of message Berth allocation". */
  partOf: string | null;
  /** On the first passage (position 0) only. */
  details?: DocumentDetails;
  /** The text encoding the file was read in (text formats), else null. */
  encoding: string | null;
  /**
   * Real path of the file read and of the root it was found under, so the service can serve the
   * original file, and only from inside its root. Never part of an API answer.
   */
  path: string | null;
  rootPath: string | null;
}

/** A page that starts inside a passage's text. */
export interface PassagePageBreak {
  offset: number;
  page: number;
  label: string | null;
}

/** Where a document's file lies, for serving the original. */
export interface FileOrigin {
  path: string;
  rootPath: string;
}

/** The passage id: the document id and the passage's position, so re-indexing is idempotent. */
export function passageId(docId: string, position: number): string {
  return `${docId}-${position}`;
}

/** Turns a clean document into the records that go to Meilisearch. */
export function toPassageRecords(doc: CleanDocument, docHash: string, rootId = '', origin: FileOrigin | null = null): PassageRecord[] {
  const docTokens = words(`${doc.title ?? ''} ${doc.body}`).length;
  const year = doc.date ? Number(doc.date.slice(0, 4)) : null;
  const timestamp = doc.date ? Math.floor(Date.parse(`${doc.date.slice(0, 10)}T00:00:00Z`) / 1000) : null;
  return doc.passages.map((p) => ({
    id: passageId(doc.docId, p.position),
    docId: doc.docId,
    file: doc.file,
    title: doc.title,
    heading: p.heading,
    text: p.text,
    position: p.position,
    start: p.start,
    end: p.end,
    author: doc.author,
    date: doc.date,
    year,
    timestamp,
    publisher: doc.publisher,
    url: doc.url,
    lang: doc.lang,
    hash: p.hash,
    ...quoteContext(doc.body, p.start, p.end),
    fragment: p.fragment,
    docHash,
    passages: doc.passages.length,
    docTokens,
    rootId,
    format: doc.format,
    page: p.page,
    pageEnd: p.pageEnd,
    pageLabel: p.page === null ? null : (doc.pageLabels[p.page - 1] ?? null),
    pageEndLabel: p.pageEnd === null ? null : (doc.pageLabels[p.pageEnd - 1] ?? null),
    pageBreaks: p.pageBreaks.length === 0 ? null : p.pageBreaks.map((b) => ({ ...b, label: doc.pageLabels[b.page - 1] ?? null })),
    partOf: doc.partOf,
    ...(p.position === 0 ? { details: { provenance: doc.provenance, retention: doc.retention, removed: doc.removed, removedOmitted: doc.removedOmitted } } : {}),
    encoding: doc.encoding,
    path: origin?.path ?? null,
    rootPath: origin?.rootPath ?? null,
  }));
}
