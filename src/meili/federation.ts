/*
 * One search over several nodes, as Meilisearch's remote federated search runs it: a multi-search
 * sent to any node, with the same query once per node (`federationOptions.remote`); that node asks
 * the others and merges their hits by ranking score, their facet counts, and their totals. Paging
 * and facets belong to the federation, not to its queries.
 */

/** A search body as one index takes it (`POST /indexes/:uid/search`), paged by offset and limit or by page and hitsPerPage. */
export type SearchBody = Record<string, unknown> & { limit?: number; offset?: number; facets?: string[] };

/**
 * The federated multi-search that runs `body` on `index` of every node in `remotes`.
 * `limitPerNode`: the body's limit is what each node may return (a lookup that wants every
 * matching record, from wherever it lives), not the merged total.
 */
export function federatedSearch(index: string, body: SearchBody, remotes: readonly string[], opts: { limitPerNode?: boolean } = {}) {
  const { limit, offset, facets, page, hitsPerPage, ...query } = body;
  // A federation pages by offset and limit only: page N of a page size is the same slice of the merged list.
  const total = typeof hitsPerPage === 'number' ? hitsPerPage : (limit ?? 20);
  const from = typeof page === 'number' ? (Math.max(page, 1) - 1) * total : (offset ?? 0);
  return {
    federation: {
      limit: opts.limitPerNode ? total * remotes.length : total,
      offset: from,
      ...(facets && facets.length > 0 ? { facetsByIndex: { [index]: facets }, mergeFacets: {} } : {}),
    },
    queries: remotes.map((remote) => ({ indexUid: index, ...query, federationOptions: { remote } })),
  };
}

/** A remote's error as a federated answer lists it. */
interface RemoteError {
  code?: string;
  message?: string;
}

/** A federated answer as Meilisearch sends it. */
export interface FederatedAnswer {
  hits: Array<Record<string, unknown> & { _federation?: unknown }>;
  processingTimeMs?: number;
  estimatedTotalHits?: number;
  totalHits?: number;
  facetDistribution?: Record<string, Record<string, number>>;
  remoteErrors?: Record<string, RemoteError>;
}

/**
 * A federated answer in the shape of one index's answer, and the nodes that did not answer (their
 * hits are missing: the answer is partial).
 */
export function fromFederated<T>(payload: FederatedAnswer): { answer: T; unanswered: string[] } {
  const { remoteErrors, hits, ...rest } = payload;
  const answer = {
    ...rest,
    hits: hits.map(({ _federation, ...hit }) => hit),
    totalHits: payload.totalHits ?? payload.estimatedTotalHits ?? 0,
  };
  return { answer: answer as T, unanswered: Object.keys(remoteErrors ?? {}).sort() };
}
