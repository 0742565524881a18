import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import { errorCodeOf, IngestError } from '../errors.js';
import { docIdFromFile, ingestDocument } from '../ingest/ingest.js';
import { toPassageRecords, type PassageRecord } from '../ingest/records.js';
import type { Retention } from '../ingest/retention.js';
import { CLEANING_VERSION } from '../ingest/version.js';
import { collectFiles, type Failure, type FoundFile } from './files.js';

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
  // Synchronous reads, for the reason collectFiles gives: four pool hops a file (open, stat, read,
  // close) are slower than the reads themselves while Meilisearch keeps the cores busy.
  const read = (file: FoundFile): Buffer => {
    const size = fs.statSync(file.realPath).size;
    if (size > maxBytes) throw new IngestError(`file of ${size} bytes is over the limit of ${maxBytes} bytes`, { code: 'file_too_large' });
    return fs.readFileSync(file.realPath);
  };
  let done = 0;
  let turn = performance.now();
  for (const file of files) {
    // Reads and cleaning never wait on I/O now: give the event loop a turn every
    // millisecond, so the uploads already queued go out while cleaning goes on (at longer
    // intervals a 5 MB batch took seconds to reach Meilisearch).
    if (performance.now() - turn > EVENT_LOOP_TURN_MS) {
      await setImmediate();
      turn = performance.now();
    }
    try {
      const bytes = read(file);
      const docId = ids.assign(file);
      const docHash = docHashOf(bytes, opts.cleaningVersion);
      if (opts.isUnchanged?.(docId, docHash)) yield { file, docId, docHash, records: [], unchanged: true };
      else {
        const doc = ingestDocument(file.path, bytes);
        yield { file, docId, docHash, records: toPassageRecords({ ...doc, docId }, docHash, file.rootId), retention: doc.retention };
      }
    } catch (err) {
      // A read error of the system (ENOENT…) is a failure to ingest the file.
      const code = errorCodeOf(err);
      yield { file: file.path, error: (err as Error).message, code: code === 'internal_error' ? 'ingest_failed' : code };
    }
    opts.onProgress?.({ phase: 'ingest', done: ++done, total: files.length });
  }
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
