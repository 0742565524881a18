/** Re-ranked candidate lists are kept this long, so paging through them costs one ranking. */
const RANKED_CACHE_MS = 15_000;
const RANKED_CACHE_ENTRIES = 200;
/**
 * Memory the kept lists may take together. A list holds at most a few thousand candidates (see
 * QUERY_TERMS_MAX and the postings per term) and Meilisearch's few hits with their text: a few
 * hundred kilobytes at worst, so this keeps a reader's paging for dozens of questions at once.
 */
export const RANKED_CACHE_BYTES = 32 * 2 ** 20;

/**
 * Ranked lists by query and filters, for RANKED_CACHE_MS; the oldest entries make room when the
 * cache is full, by count or by the memory its lists take (as the caller estimates it).
 * Small on purpose: it serves a reader paging through one answer, not repeated queries.
 */
export class RankedCache<V> {
  #entries = new Map<string, { at: number; value: V; bytes: number }>();
  #bytes = 0;
  #maxBytes: number;

  constructor(maxBytes = RANKED_CACHE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    return e && Date.now() - e.at <= RANKED_CACHE_MS ? e.value : undefined;
  }

  /** Keeps a list that takes about `bytes` of memory; one larger than the whole cache is not kept. */
  set(key: string, value: V, bytes = 0): void {
    this.#delete(key);
    if (bytes > this.#maxBytes) return;
    while (this.#entries.size > 0 && (this.#entries.size >= RANKED_CACHE_ENTRIES || this.#bytes + bytes > this.#maxBytes)) {
      this.#delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, { at: Date.now(), value, bytes });
    this.#bytes += bytes;
  }

  /** Memory the kept lists take, as estimated when they were kept. */
  get bytes(): number {
    return this.#bytes;
  }

  #delete(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#bytes -= e.bytes;
    this.#entries.delete(key);
  }
}
