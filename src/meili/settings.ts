import fs from 'node:fs';
import type { Index, Meilisearch, Settings } from 'meilisearch';
import { ConfigError } from '../errors.js';
import { waitAll } from './tasks.js';

/**
 * Every index setting, in one place. The indexer applies it; the search path relies on it.
 *
 * - searchableAttributes: order matters to the `attribute` ranking rule; a match in the title or
 *   heading says more about a passage than one in its text, and names of people come last.
 * - filterableAttributes: what the API filters and facets on, and what the indexer selects by
 *   (docId, position); nothing more, since Meilisearch builds a facet database for each, in
 *   memory while indexing and on disk after (a unique value per document, like docHash, costs
 *   the most). sortableAttributes likewise: the document view sorts by position, and timestamp
 *   orders by date, passages orders the collection list by size. `format` (a handful of values)
 *   is the collection list's format facet.
 * - facetSearch: off. The API counts facet values but never searches within them, and
 *   Meilisearch would otherwise build a search structure over every filterable field's values.
 * - maxTotalHits: an export pages through up to 10,000 hits of one search.
 * - distinctAttribute is left unset: grouping by document is asked per search (`distinct`).
 */
export const BASE_SETTINGS = {
  searchableAttributes: ['title', 'heading', 'text', 'author', 'publisher'],
  displayedAttributes: ['*'],
  filterableAttributes: ['docId', 'file', 'publisher', 'year', 'date', 'timestamp', 'lang', 'position', 'format'],
  sortableAttributes: ['timestamp', 'position', 'passages'],
  facetSearch: false,
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  typoTolerance: {
    enabled: true,
    minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
    // Identifiers and figures must match as written.
    disableOnNumbers: true,
  },
  pagination: { maxTotalHits: 10_000 },
  faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { '*': 'count' } },
  separatorTokens: [],
  nonSeparatorTokens: [],
} satisfies Settings;

/** Reads the user-editable synonyms file; keys starting with "_" are comments. */
export function loadSynonyms(file: string): Record<string, string[]> {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith('_')) continue;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new ConfigError(`synonyms file ${file}: "${key}" must map to a list of strings`);
    }
    out[key.toLowerCase()] = value.map((v) => v.toLowerCase());
  }
  return out;
}

/** The full settings for an index: the constant part plus the synonyms file. */
export function indexSettings(synonymsFile: string): Settings {
  return { ...BASE_SETTINGS, synonyms: loadSynonyms(synonymsFile) };
}

/**
 * Settings of the term-statistics index: looked up by filter, never searched by text, so nothing
 * is made searchable and Meilisearch builds no word index for it.
 */
export const TERMS_SETTINGS = {
  searchableAttributes: [],
  filterableAttributes: ['id', 'term'],
  displayedAttributes: ['*'],
  typoTolerance: { enabled: false },
} satisfies Settings;

/** Applies settings only where they differ from the index's current ones; true when any changed. */
export async function applySettings(client: Meilisearch, index: Index<Record<string, any>>, wanted: Settings): Promise<boolean> {
  const current = (await index.getSettings()) as Record<string, unknown>;
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const ordered = ORDERED_SETTINGS.has(key);
    if (!sameSetting(current[key], value, ordered)) changed[key] = value;
  }
  if (Object.keys(changed).length === 0) return false;
  await waitAll(client, [index.updateSettings(changed as Settings)]);
  return true;
}

/** Settings whose list order means something; Meilisearch returns the others sorted. */
const ORDERED_SETTINGS = new Set(['searchableAttributes', 'rankingRules']);

function sameSetting(a: unknown, b: unknown, ordered = false): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const [x, y] = ordered ? [a, b] : [[...a].sort(), [...b].sort()];
    return x.every((v, i) => sameSetting(v, y[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    // Only the keys we set are compared; Meilisearch adds defaults for the rest.
    return Object.entries(b as Record<string, unknown>).every(([k, v]) => sameSetting((a as Record<string, unknown>)[k], v));
  }
  return a === b;
}
