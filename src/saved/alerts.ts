import type { Meilisearch } from 'meilisearch';
import { buildSearchRequest } from '../search/query.js';
import type { SearchParams } from '../search/params.js';
import { ALERT_WINDOW, savedSearchParams, withJobMatches, type MatchedPassage } from './saved-search.js';
import { SavedSearchStore } from './store.js';

const MATCH_FIELDS = ['id', 'docId', 'position', 'hash', 'title', 'publisher', 'date', 'url', 'text'];

/** A saved search's matches: its best ALERT_WINDOW passages, as Meilisearch ranks them. */
export type MatchFinder = (params: SearchParams) => Promise<MatchedPassage[]>;

/** Finds matches with a client whose key may search the passages index. */
export function matchFinder(client: Meilisearch, index: string): MatchFinder {
  return async (params) => {
    const { facets: _facets, showRankingScore: _score, q, ...body } = buildSearchRequest(params, { highlight: false });
    const res = await client.index(index).search<MatchedPassage>(q as string, { ...body, attributesToRetrieve: MATCH_FIELDS });
    return res.hits;
  };
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
  const finders = clients.map((c) => matchFinder(c, index));
  const find: MatchFinder = async (params) => (await Promise.all(finders.map((f) => f(params)))).flat();
  const alerts = await checkSavedSearches(new SavedSearchStore(clients[0]!, index), find);
  return {
    summary: { savedSearches: alerts },
    lines: alerts.map((a) => `saved search "${a.name}": ${a.newMatches} new match${a.newMatches === 1 ? '' : 'es'}`),
  };
}
