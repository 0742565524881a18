import type { Meilisearch } from 'meilisearch';
import { waitAll } from '../meili/tasks.js';

/** Indexes a rebuild of `indexUid` fills before swapping them in (the passages and their terms). */
export function rebuildPrefix(indexUid: string): string {
  return `${indexUid}__rebuild_`;
}

/**
 * Deletes the temporary indexes a rebuild of `indexUid` left behind when its job was killed before
 * it could remove them (a rebuild that ends, however it ends, removes its own). Call it holding the
 * index's job lock, so that no live rebuild's indexes are taken. Returns the names removed.
 */
export async function removeStrayRebuilds(client: Meilisearch, indexUid: string): Promise<string[]> {
  const prefix = rebuildPrefix(indexUid);
  const stray: string[] = [];
  const limit = 1_000;
  for (let offset = 0; ; offset += limit) {
    const page = await client.getIndexes({ limit, offset });
    for (const i of page.results) if (i.uid.startsWith(prefix)) stray.push(i.uid);
    if (page.results.length < limit) break;
  }
  if (stray.length > 0) await waitAll(client, stray.map((uid) => client.deleteIndex(uid)));
  return stray;
}
