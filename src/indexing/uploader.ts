import type { EnqueuedTask, Index } from 'meilisearch';
import type { PassageRecord } from '../ingest/records.js';
import { handled } from '../promises.js';

/** Passages per addDocuments call; all batches are queued before waiting so Meilisearch merges them. */
export const BATCH_SIZE = 5_000;
/** The first batch goes out small, so that Meilisearch starts while the rest is cleaned. */
const FIRST_BATCH_SIZE = 1_000;

/** Collects records and enqueues a batch whenever BATCH_SIZE of them are ready. */
export class BatchUploader {
  #index: Index<PassageRecord>;
  #pending: PassageRecord[] = [];
  readonly tasks: Array<Promise<EnqueuedTask>> = [];
  uploaded = 0;

  constructor(index: Index<PassageRecord>) {
    this.#index = index;
  }

  add(records: readonly PassageRecord[]) {
    this.#pending.push(...records);
    // Meilisearch merges the batches queued behind the first on its own.
    if (this.#pending.length >= (this.tasks.length === 0 ? FIRST_BATCH_SIZE : BATCH_SIZE)) this.flush();
  }

  flush() {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.uploaded += batch.length;
    this.tasks.push(handled(this.#index.addDocuments(batch, { primaryKey: 'id' })));
  }
}
