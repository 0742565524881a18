import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { errorCodeOf } from '../errors.js';
import { sniffFile } from '../ingest/formats/sniff.js';
import { docIdFromFile } from '../ingest/doc-id.js';
import type { CleanDocument } from '../ingest/ingest.js';
import type { FileDocuments } from '../ingest/read-file.js';
import { toPassageRecords, type PassageRecord } from '../ingest/records.js';
import type { Retention } from '../ingest/retention.js';
import { CLEANING_VERSION } from '../ingest/version.js';
import { documentCountsRecord, type DocumentCountsRecord } from '../terms/schema.js';
import { BoundedIngest, type BoundedIngestOptions } from './bounded-ingest.js';
import { collectFiles, readFoundFile, type Failure, type FoundFile } from './files.js';

export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Longest stretch of cleaning between two turns of the event loop. */
const EVENT_LOOP_TURN_MS = 1;

export interface ReadOptions {
  maxFileBytes?: number;
  /**
   * Asked before a file is cleaned: true when the index already holds this document with this
   * hash. The file is then yielded with no records, uncleaned (most of a job over an unchanged
   * folder is spared).
   */
  isUnchanged?: (docId: string, docHash: string) => boolean;
  /**
   * The cleaning rules' version the documents' hashes are taken under (see src/ingest/version.ts):
   * the current one, except for a test that indexes as an older release did.
   */
  cleaningVersion?: string;
  /** Time and heap bounds per file, and how many files are read at once (see BoundedIngest). */
  bounds?: BoundedIngestOptions;
  /** The pool to read with, started early by the caller, who closes it; else one of `bounds` for this call. */
  reader?: BoundedIngest;
  onProgress?: (event: { phase: 'ingest' | 'upload'; done: number; total: number }) => void;
}

/** A file read and cleaned: its document id, content hash and passage records. */
export interface IngestedFile {
  file: FoundFile;
  docId: string;
  docHash: string;
  records: PassageRecord[];
  /** The document's term counts for the terms index (null when too long to store, see documentCountsRecord; absent when unchanged). */
  counts?: DocumentCountsRecord | null;
  /** Words the document came with and kept (absent for an unchanged file, which is not cleaned). */
  retention?: Retention;
  /** Set when isUnchanged said so: the file was not cleaned and `records` is empty. */
  unchanged?: true;
}

/** Hash of a file's bytes under the current cleaning rules. */
export function docHashOf(bytes: Uint8Array, cleaningVersion = CLEANING_VERSION): string {
  return createHash('sha256').update(cleaningVersion).update('\0').update(bytes).digest('hex').slice(0, 20);
}

/** Resolves docId collisions: two files with the same name in different folders. */
class DocIds {
  #owners = new Map<string, string>();
  assign(file: FoundFile): string {
    let docId = docIdFromFile(file.path);
    const owner = this.#owners.get(docId);
    if (owner !== undefined && owner !== file.realPath) {
      docId = `${docId}-${createHash('sha256').update(file.realPath).digest('hex').slice(0, 8)}`;
    }
    this.#owners.set(docId, file.realPath);
    return docId;
  }
}

/** What reading one file came to, before its documents become records. */
type Outcome =
  | { file: FoundFile; fileDocId: string; docHash: string; read: FileDocuments | null }
  | { failure: Failure };

/**
 * Reads and cleans files, yielding each result in the files' order as soon as it is ready, so
 * uploads can start while later files are still being cleaned. Every file is cleaned in the bounded
 * reader's worker threads (time and heap bounds per file, whatever its format), a few files ahead
 * of the one being yielded so that every worker is busy. A file that cannot be read or cleaned
 * yields a named failure with its reason and code; nothing throws.
 */
export async function* ingestFiles(files: readonly FoundFile[], opts: ReadOptions = {}): AsyncGenerator<IngestedFile | Failure> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const ids = new DocIds();
  const bounded = opts.reader ?? new BoundedIngest(opts.bounds);
  /** Files being read ahead: twice the workers, so a worker never waits for the next file. */
  const ahead = bounded.size * 8;
  const pending: Array<Promise<Outcome>> = [];
  let next = 0;
  let done = 0;
  let turn = performance.now();

  /** Reads, hashes and names a file here (ids in file order), then has the pool clean it. */
  const start = async (file: FoundFile): Promise<Outcome> => {
    try {
      // Synchronous reads, for the reason collectFiles gives: four pool hops a file (open, stat,
      // read, close) are slower than the reads themselves while Meilisearch keeps the cores busy.
      const bytes = readFoundFile(file, maxBytes);
      const docHash = docHashOf(bytes, opts.cleaningVersion);
      const fileDocId = ids.assign(file);
      const kind = await sniffFile(file.path, bytes);
      // A file of one document is skipped whole when the index holds it unchanged; a message
      // file's documents have ids of their own, so it is read again.
      const single = kind !== 'email' && kind !== 'mbox';
      if (single && opts.isUnchanged?.(fileDocId, docHash)) return { file, fileDocId, docHash, read: null };
      return { file, fileDocId, docHash, read: await bounded.run(file.path, bytes) };
    } catch (err) {
      // A read error of the system (ENOENT…) is a failure to ingest the file.
      const code = errorCodeOf(err);
      return { failure: { file: file.path, error: (err as Error).message, code: code === 'internal_error' ? 'ingest_failed' : code } };
    }
  };

  try {
    while (next < files.length || pending.length > 0) {
      while (next < files.length && pending.length < ahead) pending.push(start(files[next++]!));
      // Unchanged files resolve without waiting on a worker: give the event loop a turn every
      // millisecond, so the uploads already queued go out meanwhile (at longer intervals a 5 MB
      // batch took seconds to reach Meilisearch).
      if (performance.now() - turn > EVENT_LOOP_TURN_MS) {
        await setImmediate();
        turn = performance.now();
      }
      const outcome = await pending.shift()!;
      if ('failure' in outcome) yield outcome.failure;
      else if (outcome.read === null) yield { file: outcome.file, docId: outcome.fileDocId, docHash: outcome.docHash, records: [], unchanged: true };
      else {
        const { file, fileDocId, docHash, read } = outcome;
        for (const doc of read.documents) {
          const named = { ...doc, docId: ownId(doc, file.path, fileDocId) };
          const docId = named.docId;
          const records = toPassageRecords(named, docHash, file.rootId, { path: file.realPath, rootPath: file.realRoot });
          const counts = records[0] ? documentCountsRecord(named, records[0].docTokens) : null;
          yield { file, docId, docHash, records, counts, retention: doc.retention };
        }
        for (const f of read.failures) yield { file: `${file.path} (${f.part})`, error: f.error, code: 'ingest_failed' };
      }
      opts.onProgress?.({ phase: 'ingest', done: ++done, total: files.length });
    }
  } finally {
    if (!opts.reader) await bounded.close();
    // Reads still under way when the caller stopped early end with the pool, or finish unread.
    for (const p of pending) p.catch(() => undefined);
  }
}

/**
 * A document's id: the file's (collisions resolved) for the file itself and its parts (messages
 * without a Message-ID, attachments), the id a message's Message-ID gives otherwise.
 */
function ownId(doc: CleanDocument, file: string, fileDocId: string): string {
  const base = docIdFromFile(file);
  return doc.docId === base || doc.docId.startsWith(`${base}-`) ? `${fileDocId}${doc.docId.slice(base.length)}` : doc.docId;
}

export function isFailure(x: IngestedFile | Failure): x is Failure {
  return 'error' in x;
}

/** Reads and cleans every file under the roots (for dry runs and benchmarks). */
export async function ingestRoots(
  roots: readonly string[],
  opts: ReadOptions = {},
): Promise<{ ingested: IngestedFile[]; failures: Failure[]; rootIds: string[] }> {
  const { files, failures, rootIds } = await collectFiles(roots);
  const ingested: IngestedFile[] = [];
  for await (const r of ingestFiles(files, opts)) {
    if (isFailure(r)) failures.push(r);
    else ingested.push(r);
  }
  return { ingested, failures, rootIds };
}
