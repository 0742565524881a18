import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { errorCodeOf } from '../errors.js';
import { decodeTextFile } from '../ingest/formats/encoding.js';
import { sniffFile, type FileKind } from '../ingest/formats/sniff.js';
import { docIdFromFile, ingestText, type CleanDocument } from '../ingest/ingest.js';
import type { FileDocuments } from '../ingest/read-file.js';
import { toPassageRecords, type PassageRecord } from '../ingest/records.js';
import type { Retention } from '../ingest/retention.js';
import { CLEANING_VERSION } from '../ingest/version.js';
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
  /** Time and heap bounds for the readers of PDF, Word and e-mail (see BoundedIngest). */
  bounds?: BoundedIngestOptions;
  onProgress?: (event: { phase: 'ingest' | 'upload'; done: number; total: number }) => void;
}

/** A file read and cleaned: its document id, content hash and passage records. */
export interface IngestedFile {
  file: FoundFile;
  docId: string;
  docHash: string;
  records: PassageRecord[];
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

/**
 * Reads and cleans files one at a time, yielding each result as soon as it is ready, so uploads
 * can start while later files are still being cleaned. A file that cannot be read or cleaned
 * yields a named failure with its reason and code; nothing throws.
 */
export async function* ingestFiles(files: readonly FoundFile[], opts: ReadOptions = {}): AsyncGenerator<IngestedFile | Failure> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const ids = new DocIds();
  // Synchronous reads (readBytes), for the reason collectFiles gives: four pool hops a file (open,
  // stat, read, close) are slower than the reads themselves while Meilisearch keeps the cores busy.
  let done = 0;
  let turn = performance.now();
  const bounded = new BoundedIngest(opts.bounds);
  try {
    for (const file of files) {
      // Reads and cleaning never wait on I/O now: give the event loop a turn every
      // millisecond, so the uploads already queued go out while cleaning goes on (at longer
      // intervals a 5 MB batch took seconds to reach Meilisearch).
      if (performance.now() - turn > EVENT_LOOP_TURN_MS) {
        await setImmediate();
        turn = performance.now();
      }
      let read: FileDocuments | null = null;
      let bytes: Buffer;
      let docHash: string;
      let fileDocId: string;
      try {
        bytes = readBytes(file);
        docHash = docHashOf(bytes, opts.cleaningVersion);
        fileDocId = ids.assign(file);
        const kind = await sniffFile(file.path, bytes);
        // A file of one document is skipped whole when the index holds it unchanged; a message
        // file's documents have ids of their own, so it is read again.
        const single = kind !== 'email' && kind !== 'mbox';
        if (!(single && opts.isUnchanged?.(fileDocId, docHash))) read = await readDocuments(file.path, kind, bytes, bounded);
      } catch (err) {
        // A read error of the system (ENOENT…) is a failure to ingest the file.
        const code = errorCodeOf(err);
        yield { file: file.path, error: (err as Error).message, code: code === 'internal_error' ? 'ingest_failed' : code };
        opts.onProgress?.({ phase: 'ingest', done: ++done, total: files.length });
        continue;
      }
      if (read === null) {
        yield { file, docId: fileDocId, docHash, records: [], unchanged: true };
        opts.onProgress?.({ phase: 'ingest', done: ++done, total: files.length });
        continue;
      }
      for (const doc of read.documents) {
        const docId = ownId(doc, file.path, fileDocId);
        yield { file, docId, docHash, records: toPassageRecords({ ...doc, docId }, docHash, file.rootId, { path: file.realPath, rootPath: file.realRoot }), retention: doc.retention };
      }
      for (const f of read.failures) yield { file: `${file.path} (${f.part})`, error: f.error, code: 'ingest_failed' };
      opts.onProgress?.({ phase: 'ingest', done: ++done, total: files.length });
    }
  } finally {
    await bounded.close();
  }

  function readBytes(file: FoundFile): Buffer {
    return readFoundFile(file, maxBytes);
  }
}

/**
 * Text files are cleaned here; PDF, Word and e-mail go to the bounded reader, whose parsers take
 * untrusted binary input.
 */
async function readDocuments(file: string, kind: FileKind, bytes: Buffer, bounded: BoundedIngest): Promise<FileDocuments> {
  if (kind !== 'text') return bounded.run(file, bytes);
  const { text, encoding } = decodeTextFile(bytes);
  return { kind, documents: [ingestText(file, text, encoding)], failures: [] };
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
