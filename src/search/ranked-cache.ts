/** Re-ranked candidate lists are kept this long, so paging through them costs one ranking. */
const RANKED_CACHE_MS = 15_000;
const RANKED_CACHE_ENTRIES = 200;

/**
 * Ranked lists by query and filters, for RANKED_CACHE_MS; the oldest entry makes room when full.
 * Small on purpose: it serves a reader paging through one answer, not repeated queries.
 */
export class RankedCache<V> {
  #entries = new Map<string, { at: number; value: V }>();

  get(key: string): V | undefined {
    const e = this.#entries.get(key);
    return e && Date.now() - e.at <= RANKED_CACHE_MS ? e.value : undefined;
  }

  set(key: string, value: V): void {
    if (!this.#entries.has(key) && this.#entries.size >= RANKED_CACHE_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { at: Date.now(), value });
  }
}
