import { Meilisearch } from 'meilisearch';
import type { SearchTarget } from '../meili/client.js';
import { buildSearchRequest } from '../search/query.js';
import type { SearchParams } from '../search/params.js';
import { ALERT_WINDOW, savedSearchParams, withJobMatches, type MatchedPassage } from './saved-search.js';
import { SavedSearchStore } from './store.js';

const MATCH_FIELDS = ['id', 'docId', 'position', 'hash', 'title', 'publisher', 'date', 'url', 'text'];

/** A saved search's matches: its best ALERT_WINDOW passages, as Meilisearch ranks them. */
export type MatchFinder = (params: SearchParams) => Promise<MatchedPassage[]>;

/**
 * Finds matches with clients whose keys may search the passages index: one per node, the collection
 * being spread over them. Over several nodes, the best matches of all are those Meilisearch's
 * federated search would give: each node's best, merged by ranking score.
 */
export function matchFinder(clients: Meilisearch | readonly Meilisearch[], index: string): MatchFinder {
  const all: readonly Meilisearch[] = clients instanceof Meilisearch ? [clients] : clients;
  return async (params) => {
    const { facets: _facets, showRankingScore: _score, q, ...body } = buildSearchRequest(params, { highlight: false });
    const answers = await Promise.all(
      all.map((c) => c.index(index).search<MatchedPassage & { _rankingScore?: number }>(q as string, { ...body, attributesToRetrieve: MATCH_FIELDS, showRankingScore: true })),
    );
    return answers
      .flatMap((a) => a.hits)
      .sort((a, b) => (b._rankingScore ?? 0) - (a._rankingScore ?? 0))
      .slice(0, params.limit)
      .map(({ _rankingScore: _s, ...hit }) => hit);
  };
}

/** A search-key client of each node a search target names (the target itself when it names none). */
export function searchClients(target: SearchTarget, timeout?: number): Meilisearch[] {
  return (target.nodes ?? [target]).map((n) => new Meilisearch({ host: n.url, apiKey: n.key, ...(timeout ? { timeout } : {}) }));
}

export interface SavedSearchAlert {
  id: string;
  name: string;
  newMatches: number;
}

/**
 * Looks for each saved search's new matches after an indexing job, one search at a time (a job
 * ends once; the searches need not compete with users' own), and stores what each found.
 */
export async function checkSavedSearches(store: SavedSearchStore, find: MatchFinder, now = new Date()): Promise<SavedSearchAlert[]> {
  const searches = await store.all();
  const updated = [];
  for (const s of searches) {
    const matches = await find(savedSearchParams(s, ALERT_WINDOW));
    updated.push(withJobMatches(s, matches, now));
  }
  await store.put(updated);
  return updated.map((s) => ({ id: s.id, name: s.name, newMatches: s.newCount })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * After an indexing job: each saved search's new matches, checked with the job's own clients (the
 * saved searches live on the first node; matches are read from every node, the collection being
 * spread over them), as a summary (`savedSearches`: id, name and number of new matches each) and
 * lines for people.
 */
export async function afterIndexJob(clients: readonly Meilisearch[], index: string): Promise<{ summary: { savedSearches: SavedSearchAlert[] }; lines: string[] }> {
  const alerts = await checkSavedSearches(new SavedSearchStore(clients[0]!, index), matchFinder(clients, index));
  return {
    summary: { savedSearches: alerts },
    lines: alerts.map((a) => `saved search "${a.name}": ${a.newMatches} new match${a.newMatches === 1 ? '' : 'es'}`),
  };
}
