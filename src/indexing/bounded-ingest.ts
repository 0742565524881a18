import { Worker } from 'node:worker_threads';
import { IngestError } from '../errors.js';
import type { FileDocuments } from '../ingest/read-file.js';
import type { IngestReply } from './ingest-worker.js';

/*
 * Bounds on reading one untrusted file with a parser of binary formats (PDF, Word, e-mail). The
 * parsers run in a worker thread: a file that takes too long is stopped by ending the worker, and a
 * file that needs more heap than the limit ends its worker with an out-of-memory error, not the job.
 */
/** Wall time one file may take, worker start included. A 19 MB report takes a few seconds. */
export const INGEST_TIMEOUT_MS = 120_000;
/** Heap one file may fill. pdf.js keeps a large document's objects in the heap while it reads. */
export const INGEST_MAX_HEAP_MB = 1_024;

export interface BoundedIngestOptions {
  timeoutMs?: number;
  maxHeapMb?: number;
}

const workerUrl = new URL(`./ingest-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Starts the worker. Run from TypeScript sources (tsx), the worker loads its module through tsx's
 * API: worker threads do not inherit the loader hooks of their parent.
 */
function startWorker(maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb, maxYoungGenerationSizeMb: 64 };
  if (workerUrl.pathname.endsWith('.js')) return new Worker(workerUrl, { resourceLimits });
  const load = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(load, { eval: true, resourceLimits });
}

/**
 * Reads files into documents in a worker thread, one file at a time, within a time and heap bound
 * per file. A file past a bound is refused with an IngestError naming the bound; the worker is
 * replaced and the next file goes on.
 */
export class BoundedIngest {
  readonly #timeoutMs: number;
  readonly #maxHeapMb: number;
  #worker: Worker | null = null;
  #next = 0;

  constructor(opts: BoundedIngestOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? INGEST_TIMEOUT_MS;
    this.#maxHeapMb = opts.maxHeapMb ?? INGEST_MAX_HEAP_MB;
  }

  async run(file: string, bytes: Uint8Array): Promise<FileDocuments> {
    const worker = (this.#worker ??= startWorker(this.#maxHeapMb));
    const id = ++this.#next;
    worker.ref();
    try {
      return await new Promise<FileDocuments>((resolve, reject) => {
        const fail = (err: IngestError) => {
          cleanup();
          // A worker that overran or died is not reused: its state is unknown.
          void this.#stop(worker);
          reject(err);
        };
        const timer = setTimeout(() => fail(new IngestError(`reading the file took longer than ${this.#timeoutMs / 1000} s; stopped`)), this.#timeoutMs);
        const onMessage = (reply: IngestReply) => {
          if (reply.id !== id) return;
          cleanup();
          if ('error' in reply) reject(new IngestError(reply.error, { code: reply.code === 'file_too_large' ? 'file_too_large' : 'ingest_failed' }));
          else resolve(reply.result);
        };
        const onError = (err: Error & { code?: string }) =>
          fail(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new IngestError(`reading the file needed more than ${this.#maxHeapMb} MB of memory; stopped`, { cause: err })
              : new IngestError(`the reader failed: ${err.message}`, { cause: err }),
          );
        const onExit = (code: number) => fail(new IngestError(`the reader stopped (exit code ${code})`));
        const cleanup = () => {
          clearTimeout(timer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        // A copy goes to the worker: the caller keeps its bytes (it hashes them).
        worker.postMessage({ id, file, bytes: new Uint8Array(bytes) });
      });
    } finally {
      // An idle worker does not keep the process alive.
      if (this.#worker === worker) worker.unref();
    }
  }

  async #stop(worker: Worker): Promise<void> {
    if (this.#worker === worker) this.#worker = null;
    await worker.terminate().catch(() => undefined);
  }

  /** Ends the worker; a later run starts a new one. */
  async close(): Promise<void> {
    if (this.#worker) await this.#stop(this.#worker);
  }
}
