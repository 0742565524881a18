import { Agent, request, errors as undiciErrors } from 'undici';
import { MeiliApiError, SearchUnavailableError } from '../errors.js';
import { Batcher } from './batch.js';

/** Every call to Meilisearch is bounded: a stuck search must not hold a request forever. */
export const SEARCH_TIMEOUT_MS = 5_000;
/** Searches sent in one multi-search at most (Meilisearch runs a multi-search's searches one after another). */
const SEARCH_BATCH_MAX = 4;

/** Where to send searches and with which (search-only) key. Read on every call: Meilisearch may move. */
export interface SearchTarget {
  url: string;
  key: string;
  index: string;
}

/**
 * The search side of Meilisearch's HTTP API, for the service: searches, alone or batched. Uses
 * undici directly with `accept-encoding: identity`: with compression negotiated, Meilisearch
 * stalls ~40 ms on each reused connection.
 */
export class MeiliSearchClient {
  #target: () => SearchTarget;
  #agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });

  constructor(target: () => SearchTarget) {
    this.#target = target;
  }

  /** The index searches go to unless another is named. */
  get index(): string {
    return this.#target().index;
  }

  /** POSTs JSON to Meilisearch; unreachable or timed out is SearchUnavailableError, any answer is returned. */
  async #send(path: string, body: unknown): Promise<{ status: number; payload: unknown }> {
    const t = this.#target();
    let res;
    try {
      res = await request(`${t.url}${path}`, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}`, 'accept-encoding': 'identity' },
        body: JSON.stringify(body),
        headersTimeout: SEARCH_TIMEOUT_MS,
        bodyTimeout: SEARCH_TIMEOUT_MS,
      });
    } catch (err) {
      throw new SearchUnavailableError(`Meilisearch did not answer: ${(err as Error).message}`, { cause: err });
    }
    try {
      return { status: res.statusCode, payload: await res.body.json() };
    } catch (err) {
      if (err instanceof undiciErrors.BodyTimeoutError) throw new SearchUnavailableError('Meilisearch timed out', { cause: err });
      throw new SearchUnavailableError('Meilisearch sent an unreadable answer', { cause: err });
    }
  }

  /**
   * One search, sent at once (searches sent side by side to save latency use this: Meilisearch
   * runs a multi-search's searches one after another). An error answer is a MeiliApiError.
   */
  async searchNow<T>(body: unknown, index = this.#target().index): Promise<T> {
    const { status, payload } = await this.#send(`/indexes/${encodeURIComponent(index)}/search`, body);
    if (status >= 200 && status < 300) return payload as T;
    const e = payload as { code?: unknown; message?: unknown };
    const code = typeof e.code === 'string' ? e.code : null;
    throw new MeiliApiError(status, code, `Meilisearch answered ${status}: ${code ?? ''}: ${typeof e.message === 'string' ? e.message : ''}`);
  }

  /**
   * Searches that arrive in the same tick go to Meilisearch as one multi-search: under concurrent
   * load that spares both processes an HTTP exchange per search (measured on the seeds at 16
   * clients: Meilisearch answers 2,200 searches a second in batches of 2 to 4, against 1,800 one
   * by one). A lone search goes out as a plain search.
   */
  #batches = new Batcher<{ index: string; body: unknown }, unknown>((items) => this.#searchMany(items), SEARCH_BATCH_MAX);

  async #searchMany(items: ReadonlyArray<{ index: string; body: unknown }>): Promise<Array<PromiseSettledResult<unknown>>> {
    const one = () => Promise.allSettled(items.map((x) => this.searchNow(x.body, x.index)));
    if (items.length === 1) return one();
    // A transport fault fails the whole batch (resending would only wait for it again).
    const { status, payload } = await this.#send('/multi-search', { queries: items.map((x) => ({ indexUid: x.index, ...(x.body as object) })) });
    const results = (payload as { results?: unknown[] }).results;
    if (status >= 200 && status < 300 && Array.isArray(results) && results.length === items.length) {
      return results.map((value) => ({ status: 'fulfilled', value }));
    }
    // Meilisearch fails a multi-search when any of its searches fails: each is sent alone, so
    // that each gets its own answer or error.
    return one();
  }

  /** Searches an index (the configured one unless another is named), in a batch with its neighbours in time. */
  search<T>(body: unknown, index?: string): Promise<T> {
    return this.#batches.add({ index: index ?? this.#target().index, body }) as Promise<T>;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
