import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { IngestError } from '../errors.js';
import type { FileDocuments } from '../ingest/read-file.js';
import type { IngestReply, ReadyMessage } from './ingest-worker.js';

/*
 * Bounds on reading one untrusted file, whatever its format: every reader (text, HTML, Markdown,
 * PDF, Word, e-mail) runs in a worker thread. A file that takes too long is stopped by ending its
 * worker, and a file that needs more heap than the limit ends its worker with an out-of-memory
 * error, not the job. Workers are kept and reused from file to file: starting one costs far more
 * than cleaning a small file.
 */
/** Wall time one file may take, from when a worker takes it. A 19 MB report takes a few seconds. */
export const INGEST_TIMEOUT_MS = 120_000;
/**
 * Wall time a worker may take to load its readers, which is not the file's: under tsx, on a machine
 * whose cores are busy, measured at up to 8 s.
 */
export const READER_START_TIMEOUT_MS = 60_000;
/** Heap one file may fill. pdf.js keeps a large document's objects in the heap while it reads. */
export const INGEST_MAX_HEAP_MB = 1_024;
/**
 * Workers reading at once: one core is left to the job's own thread (hashing, records, uploads)
 * and to Meilisearch, which indexes while files are read; at most four, since each may fill its
 * heap bound.
 */
export const INGEST_WORKERS = Math.max(1, Math.min(4, os.availableParallelism() - 1));

export interface BoundedIngestOptions {
  timeoutMs?: number;
  maxHeapMb?: number;
  workers?: number;
}

const workerUrl = new URL(`./ingest-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Starts a worker. Run from TypeScript sources (tsx), the worker loads its module through tsx's
 * API: worker threads do not inherit the loader hooks of their parent.
 */
function startWorker(maxHeapMb: number): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: maxHeapMb };
  if (workerUrl.pathname.endsWith('.js')) return new Worker(workerUrl, { resourceLimits });
  const load = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(load, { eval: true, resourceLimits });
}

interface Task {
  file: string;
  bytes: Uint8Array;
  resolve: (r: FileDocuments) => void;
  reject: (err: unknown) => void;
}

/** A worker, and when its readers are loaded. */
interface Reader {
  worker: Worker;
  ready: Promise<void>;
}

function startReader(maxHeapMb: number): Reader {
  const worker = startWorker(maxHeapMb);
  const ready = new Promise<void>((resolve, reject) => {
    const done = () => {
      worker.off('message', onMessage);
      worker.off('error', reject);
      worker.off('exit', onExit);
    };
    const onMessage = (m: ReadyMessage | IngestReply) => {
      if (!('ready' in m)) return;
      done();
      resolve();
    };
    const onExit = (code: number) => {
      done();
      reject(new Error(`exit code ${code}`));
    };
    worker.on('message', onMessage);
    worker.once('error', (err) => {
      done();
      reject(err);
    });
    worker.on('exit', onExit);
  });
  // Whoever waits for it sees the failure; nobody else needs to.
  ready.catch(() => undefined);
  return { worker, ready };
}

/**
 * Reads files into documents in a pool of worker threads, each file within a time and heap bound
 * of its own. A file past a bound is refused with an IngestError naming the bound; its worker is
 * replaced and the other files go on. Files wait in order for a free worker; the time bound starts
 * when a worker with its readers loaded takes the file.
 */
export class BoundedIngest {
  readonly #timeoutMs: number;
  readonly #maxHeapMb: number;
  readonly #size: number;
  /** Started workers that are not reading a file. */
  #idle: Reader[] = [];
  /** Workers reading a file. */
  #active = new Set<Worker>();
  #queue: Task[] = [];
  #next = 0;
  #closed = false;

  constructor(opts: BoundedIngestOptions = {}) {
    this.#timeoutMs = opts.timeoutMs ?? INGEST_TIMEOUT_MS;
    this.#maxHeapMb = opts.maxHeapMb ?? INGEST_MAX_HEAP_MB;
    this.#size = Math.max(1, opts.workers ?? INGEST_WORKERS);
  }

  /** How many files it reads at once. */
  get size(): number {
    return this.#size;
  }

  /**
   * Starts every worker now, so that they load their readers while the job does other things
   * (starting Meilisearch, listing the files): loading takes seconds under tsx.
   */
  warm(): this {
    while (!this.#closed && this.#idle.length + this.#active.size < this.#size) this.#idle.push(startReader(this.#maxHeapMb));
    // Idle workers do not keep the process alive.
    for (const r of this.#idle) r.worker.unref();
    return this;
  }

  /** Reads one file's bytes (copied: the caller keeps its own) into documents, within the bounds. */
  run(file: string, bytes: Uint8Array): Promise<FileDocuments> {
    if (this.#closed) return Promise.reject(new IngestError('the job is ending; the file was not read'));
    return new Promise<FileDocuments>((resolve, reject) => {
      this.#queue.push({ file, bytes, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && this.#active.size < this.#size) {
      const task = this.#queue.shift()!;
      const reader = this.#idle.pop() ?? startReader(this.#maxHeapMb);
      this.#active.add(reader.worker);
      void this.#read(reader, task);
    }
  }

  #memoryError(err: Error & { code?: string }, what: string): IngestError {
    return err.code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? new IngestError(`${what} needed more than ${this.#maxHeapMb} MB of memory; stopped`, { cause: err })
      : new IngestError(`the reader failed: ${err.message}`, { cause: err });
  }

  async #read(reader: Reader, task: Task): Promise<void> {
    const { worker } = reader;
    worker.ref();
    const release = (reusable: boolean) => {
      this.#active.delete(worker);
      if (reusable && !this.#closed) {
        // An idle worker does not keep the process alive.
        worker.unref();
        this.#idle.push(reader);
      } else {
        // A worker that overran or died is not reused: its state is unknown.
        void worker.terminate().catch(() => undefined);
      }
      this.#dispatch();
    };
    // Loading the readers is bounded too, but not counted against the file.
    let startTimer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        reader.ready,
        new Promise<never>((_, reject) => {
          startTimer = setTimeout(() => reject(new Error(`no reader started within ${READER_START_TIMEOUT_MS / 1000} s`)), READER_START_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      release(false);
      task.reject(this.#memoryError(err as Error, 'starting the reader'));
      return;
    } finally {
      clearTimeout(startTimer);
    }

    const id = ++this.#next;
    const finish = (outcome: { ok: FileDocuments } | { err: unknown }, reusable: boolean) => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      release(reusable);
      if ('ok' in outcome) task.resolve(outcome.ok);
      else task.reject(outcome.err);
    };
    const timer = setTimeout(() => finish({ err: new IngestError(`reading the file took longer than ${this.#timeoutMs / 1000} s; stopped`) }, false), this.#timeoutMs);
    const onMessage = (reply: ReadyMessage | IngestReply) => {
      if ('ready' in reply || reply.id !== id) return;
      if ('error' in reply) finish({ err: new IngestError(reply.error, { code: reply.code === 'file_too_large' ? 'file_too_large' : 'ingest_failed' }) }, true);
      else finish({ ok: reply.result }, true);
    };
    const onError = (err: Error & { code?: string }) => finish({ err: this.#memoryError(err, 'reading the file') }, false);
    const onExit = (code: number) => finish({ err: new IngestError(`the reader stopped (exit code ${code})`) }, false);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id, file: task.file, bytes: new Uint8Array(task.bytes) });
  }

  /** Ends every worker, refusing the files being read and those still waiting. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#queue.splice(0)) t.reject(new IngestError('the job is ending; the file was not read'));
    await Promise.all([...this.#idle.splice(0).map((r) => r.worker), ...this.#active].map((w) => w.terminate().catch(() => undefined)));
  }
}
