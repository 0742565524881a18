import { Agent, request, errors as undiciErrors } from 'undici';
import { MeiliApiError, SearchUnavailableError } from '../errors.js';
import { Batcher } from './batch.js';
import { federatedSearch, fromFederated, type FederatedAnswer, type SearchBody } from './federation.js';

/** Every call to Meilisearch is bounded: a stuck search must not hold a request forever. */
export const SEARCH_TIMEOUT_MS = 5_000;
/** Searches sent in one multi-search at most (Meilisearch runs a multi-search's searches one after another). */
const SEARCH_BATCH_MAX = 4;

/** Where to send searches and with which (search-only) key. Read on every call: Meilisearch may move. */
export interface SearchTarget {
  url: string;
  key: string;
  index: string;
  /**
   * With several Meilisearch nodes (MEILI_NODES): each node's name (its name in the network), URL
   * and search-only key. Every search is then one federated multi-search over all of them, sent
   * to each node in turn, and to the next when one does not answer.
   */
  nodes?: ReadonlyArray<{ name: string; url: string; key: string }>;
}

/** Set on an answer some nodes did not contribute to: the names of those nodes. */
export interface PartialAnswer {
  partial?: { unanswered: string[] };
}

/** Options of one search. */
export interface SearchOptions {
  /** Over several nodes, the body's limit is per node (a lookup of records wherever they live). */
  limitPerNode?: boolean;
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

  /** Whether every search goes to one Meilisearch (no nodes, or one). */
  get oneNode(): boolean {
    return (this.#target().nodes?.length ?? 0) <= 1;
  }

  /** POSTs JSON to Meilisearch; unreachable or timed out is SearchUnavailableError, any answer is returned. */
  async #send(path: string, body: unknown, to: { url: string; key: string } = this.#target()): Promise<{ status: number; payload: unknown }> {
    let res;
    try {
      res = await request(`${to.url}${path}`, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${to.key}`, 'accept-encoding': 'identity' },
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
  async searchNow<T>(body: unknown, index = this.#target().index, opts: SearchOptions = {}): Promise<T> {
    const nodes = this.#target().nodes;
    if (nodes && nodes.length > 1) return this.#federated<T>(nodes, body as SearchBody, index, opts);
    const { status, payload } = await this.#send(`/indexes/${encodeURIComponent(index)}/search`, body);
    if (status >= 200 && status < 300) return payload as T;
    throw apiError(status, payload);
  }

  #nextEntry = 0;

  /**
   * One search over every node, through Meilisearch's remote federated search, sent to the nodes
   * in turn (each merges in its turn). A node that does not answer is skipped for the next; a
   * node that answers without some remotes gives a partial answer that names them. Only when no
   * node answers is search unavailable.
   */
  async #federated<T>(nodes: NonNullable<SearchTarget['nodes']>, body: SearchBody, index: string, opts: SearchOptions): Promise<T> {
    const request = federatedSearch(index, body, nodes.map((n) => n.name), opts);
    const first = this.#nextEntry++ % nodes.length;
    let unavailable: unknown = null;
    for (let k = 0; k < nodes.length; k++) {
      const entry = nodes[(first + k) % nodes.length]!;
      let answer;
      try {
        answer = await this.#send('/multi-search', request, entry);
      } catch (err) {
        if (!(err instanceof SearchUnavailableError)) throw err;
        unavailable = err;
        continue;
      }
      const { status, payload } = answer;
      if (status >= 200 && status < 300) {
        const { answer: merged, unanswered } = fromFederated<T & PartialAnswer>(payload as FederatedAnswer);
        if (unanswered.length > 0) merged.partial = { unanswered };
        return merged;
      }
      const error = apiError(status, payload);
      if (error.code !== 'search_unavailable') throw error;
      unavailable = error;
    }
    throw unavailable ?? new SearchUnavailableError('no Meilisearch node answered');
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

  /**
   * How many records a search matches, exactly (Meilisearch's `totalHits`, up to its maxTotalHits).
   * Over several nodes, each node counts its own and the counts add up: a document's passages all
   * live on one node, so a count distinct by document adds up too. (A federated search cannot give
   * this: it estimates its total, and counts passages where a count distinct by document is asked.)
   * A node that does not answer makes the count unavailable rather than short.
   */
  async count(body: SearchBody, index = this.#target().index): Promise<number> {
    const counting = { ...body, page: 1, hitsPerPage: 0 };
    const nodes = this.#target().nodes;
    if (!nodes || nodes.length <= 1) return (await this.search<{ totalHits?: number }>(counting, index)).totalHits ?? 0;
    const counts = await Promise.all(
      nodes.map(async (node) => {
        const { status, payload } = await this.#send(`/indexes/${encodeURIComponent(index)}/search`, counting, node);
        if (status < 200 || status >= 300) throw apiError(status, payload);
        return (payload as { totalHits?: number }).totalHits ?? 0;
      }),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Searches an index (the configured one unless another is named), in a batch with its neighbours in time. */
  search<T>(body: unknown, index?: string): Promise<T> {
    // A federated search is one multi-search already.
    if (!this.oneNode) return this.searchNow<T>(body, index);
    return this.#batches.add({ index: index ?? this.#target().index, body }) as Promise<T>;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** Meilisearch's error answer as a MeiliApiError. */
function apiError(status: number, payload: unknown): MeiliApiError {
  const e = (payload ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : null;
  return new MeiliApiError(status, code, `Meilisearch answered ${status}: ${code ?? ''}: ${typeof e.message === 'string' ? e.message : ''}`);
}
