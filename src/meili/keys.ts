import type { Meilisearch } from 'meilisearch';
import { termsIndexOf } from './indexes.js';

const KEY_NAME_PREFIX = 'citable-search-';

/**
 * Returns a search-only API key scoped to `indexUid`, creating it once with the master key. The
 * proxy searches with this key, so a leak of the search path cannot write or read settings.
 */
export async function ensureSearchKey(admin: Meilisearch, indexUid: string): Promise<string> {
  const name = `${KEY_NAME_PREFIX}${indexUid}`;
  // The passages and the term statistics that ranking reads.
  const indexes = [indexUid, termsIndexOf(indexUid)];
  const { results } = await admin.getKeys({ limit: 1000 });
  const found = results.find(
    (k) =>
      k.name === name &&
      k.actions.length === 1 &&
      k.actions[0] === 'search' &&
      [...k.indexes].sort().join(',') === [...indexes].sort().join(',') &&
      (k.expiresAt === null || new Date(k.expiresAt) > new Date()),
  );
  if (found) return found.key;
  const created = await admin.createKey({
    name,
    description: `Search-only key used by the Citable API for index ${indexUid}`,
    actions: ['search'],
    indexes,
    expiresAt: null,
  });
  return created.key;
}
