import type { Meilisearch } from 'meilisearch';
import { buildSearchRequest } from '../search/query.js';
import type { SearchParams } from '../search/params.js';
import { ALERT_WINDOW, savedSearchParams, withJobMatches, type MatchedPassage } from './saved-search.js';
import type { SavedSearchStore } from './store.js';

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
