import { MeiliSearchApiError, MeiliSearchRequestError, type EnqueuedTask, type Meilisearch } from 'meilisearch';
import { IndexWriteError } from '../errors.js';
import { waitForTask } from './tasks.js';

/**
 * Bounds on every write to Meilisearch.
 *
 * - maxDocuments and maxBytes: a request carries at most this many documents and bytes of NDJSON.
 *   Meilisearch refuses a payload over its --http-payload-size-limit (100 MB by default) and reads a
 *   whole payload into its queue before answering, so a request of a few MB is accepted in well
 *   under a second even while it indexes on every core; it merges consecutive additions into one
 *   indexing batch on its own, so small requests do not mean small indexing batches.
 * - inFlight: requests being sent at once. The job waits for a free slot before cleaning more
 *   files, so the indexer never holds more than inFlight × maxBytes of unsent documents.
 * - retries: a request that got no answer (connection reset, timeout) or a 5xx/429 is sent again
 *   after a pause; additions and deletions are idempotent, so a request that did arrive the first
 *   time changes nothing the second.
 */
export const WRITE_LIMITS = {
  maxDocuments: 5_000,
  maxBytes: 8 * 1024 * 1024,
  inFlight: 2,
  retries: 3,
  retryPauseMs: 1_000,
} as const;

export type WriteLimits = { [K in keyof typeof WRITE_LIMITS]: number };

interface SentTask {
  taskUid: number;
  index: string;
  batch: number;
  what: string;
}

function transient(err: unknown): boolean {
  if (err instanceof MeiliSearchRequestError) return true;
  if (err instanceof MeiliSearchApiError) {
    const status = err.response?.status ?? 0;
    return status >= 500 || status === 429;
  }
  return false;
}

function describe(err: unknown): { code: string; detail: string } {
  if (err instanceof MeiliSearchApiError) {
    return { code: err.cause?.code ?? `http_${err.response?.status ?? 'error'}`, detail: err.cause?.message ?? err.message };
  }
  if (err instanceof MeiliSearchRequestError) {
    const cause = err.cause as Error | undefined;
    return { code: 'request_failed', detail: `${err.message}${cause?.message ? ` (${cause.message})` : ''}` };
  }
  return { code: 'request_failed', detail: (err as Error).message ?? String(err) };
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends writes to Meilisearch with at most `inFlight` requests at a time, retrying transient
 * failures, and keeps the enqueued tasks so that `wait` can name the batch of a task that failed.
 * `send` resolves once the request has a slot (not when it is answered): the caller goes on
 * producing while at most `inFlight` requests are out.
 */
export class WriteQueue {
  readonly #client: Meilisearch;
  readonly #limits: WriteLimits;
  #active = 0;
  #slotFreed: Array<() => void> = [];
  #requests = new Set<Promise<void>>();
  #failure: IndexWriteError | null = null;
  readonly #tasks: SentTask[] = [];
  readonly #batches = new Map<string, number>();

  constructor(client: Meilisearch, limits: Partial<WriteLimits> = {}) {
    this.#client = client;
    this.#limits = { ...WRITE_LIMITS, ...limits };
  }

  get limits(): Readonly<WriteLimits> {
    return this.#limits;
  }

  /** Tasks enqueued so far. */
  get taskCount(): number {
    return this.#tasks.length;
  }

  /** The next batch number for an index (1, 2, …). */
  nextBatch(index: string): number {
    const n = (this.#batches.get(index) ?? 0) + 1;
    this.#batches.set(index, n);
    return n;
  }

  /** Throws the first failure of a request sent so far. */
  check(): void {
    if (this.#failure) throw this.#failure;
  }

  /**
   * Sends one write (`request` enqueues a Meilisearch task) once a slot is free; resolves when it
   * has been handed a slot. A failure is thrown by a later `send`, `check` or `drain`.
   */
  async send(index: string, batch: number, what: string, request: () => Promise<EnqueuedTask>): Promise<void> {
    this.check();
    while (this.#active >= this.#limits.inFlight) await new Promise<void>((r) => this.#slotFreed.push(r));
    this.check();
    this.#active++;
    const done = this.#attempt(index, batch, what, request).finally(() => {
      this.#active--;
      this.#requests.delete(done);
      this.#slotFreed.shift()?.();
    });
    this.#requests.add(done);
  }

  async #attempt(index: string, batch: number, what: string, request: () => Promise<EnqueuedTask>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const task = await request();
        this.#tasks.push({ taskUid: task.taskUid, index, batch, what });
        return;
      } catch (err) {
        if (transient(err) && attempt < this.#limits.retries) {
          await pause(this.#limits.retryPauseMs * 2 ** attempt);
          continue;
        }
        const { code, detail } = describe(err);
        this.#failure ??= new IndexWriteError({ index, batch, meiliCode: code, detail: `${what}: ${detail}` }, { cause: err });
        return;
      }
    }
  }

  /** Waits until every request sent has been answered; throws the first failure. */
  async drain(): Promise<void> {
    while (this.#requests.size > 0) await Promise.all([...this.#requests]);
    this.check();
  }

  /**
   * Drains, then waits for every task enqueued to finish, in order; throws an IndexWriteError
   * naming the index and batch of the first task that failed, with Meilisearch's error code.
   */
  async wait(opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
    await this.drain();
    for (const t of this.#tasks) {
      const task = await waitForTask(this.#client, t.taskUid, { timeoutMs: opts.timeoutMs ?? 60 * 60_000, intervalMs: opts.intervalMs ?? 200 });
      if (task.status !== 'succeeded') {
        throw new IndexWriteError({
          index: t.index,
          batch: t.batch,
          meiliCode: task.error?.code ?? task.status,
          detail: `${t.what}: Meilisearch task ${task.uid} ${task.status}${task.error ? `: ${task.error.message}` : ''}`,
        });
      }
    }
    this.#tasks.length = 0;
  }
}

/**
 * Collects documents for one index and sends them as NDJSON in batches bounded by count and by
 * bytes (each document is serialised once, which also measures it). The first batch of a job can
 * be smaller, so that Meilisearch starts indexing while the rest is being prepared.
 */
export class DocumentBatcher {
  readonly #queue: WriteQueue;
  readonly #client: Meilisearch;
  readonly #index: string;
  #lines: string[] = [];
  #bytes = 0;
  #firstDocuments: number;
  /** Documents handed to Meilisearch so far. */
  sent = 0;

  constructor(queue: WriteQueue, client: Meilisearch, index: string, opts: { firstDocuments?: number } = {}) {
    this.#queue = queue;
    this.#client = client;
    this.#index = index;
    this.#firstDocuments = opts.firstDocuments ?? queue.limits.maxDocuments;
  }

  /** Adds documents; resolves once any full batch has been handed to the queue. */
  async add(docs: Iterable<object>): Promise<void> {
    const { maxBytes } = this.#queue.limits;
    for (const doc of docs) {
      const line = JSON.stringify(doc);
      // Byte length of the UTF-8 encoding, plus its newline.
      const size = Buffer.byteLength(line) + 1;
      if (this.#lines.length > 0 && this.#bytes + size > maxBytes) await this.flush();
      this.#lines.push(line);
      this.#bytes += size;
      if (this.#lines.length >= this.#firstDocuments) await this.flush();
    }
  }

  /** Sends what has been collected, if anything. */
  async flush(): Promise<void> {
    if (this.#lines.length === 0) return;
    const body = this.#lines.join('\n');
    const count = this.#lines.length;
    const bytes = this.#bytes;
    this.#lines = [];
    this.#bytes = 0;
    this.#firstDocuments = this.#queue.limits.maxDocuments;
    this.sent += count;
    const index = this.#client.index(this.#index);
    const batch = this.#queue.nextBatch(this.#index);
    await this.#queue.send(this.#index, batch, `${count} documents, ${(bytes / 1024 / 1024).toFixed(1)} MB`, () =>
      index.addDocumentsFromString(body, 'application/x-ndjson', { primaryKey: 'id' }),
    );
  }
}
