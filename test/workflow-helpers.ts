import { Meilisearch } from 'meilisearch';
import { MeiliSearchClient } from '../src/meili/client.js';
import { ensureSearchKey } from '../src/meili/keys.js';
import { matchFinder } from '../src/saved/alerts.js';
import { ensureSavedSearchKey, SavedSearchStore } from '../src/saved/store.js';
import type { WorkflowDeps } from '../src/server/workflow-routes.js';

/** The workflow routes' dependencies for an index of the suite's Meilisearch, wired as main.ts wires them. */
export async function workflowDeps(url: string, admin: Meilisearch, index: string): Promise<WorkflowDeps & { close(): Promise<void> }> {
  const searchKey = await ensureSearchKey(admin, index);
  await SavedSearchStore.ensureIndex(admin, index);
  const savedKey = await ensureSavedSearchKey(admin, index);
  const meili = new MeiliSearchClient(() => ({ url, key: searchKey, index }));
  return {
    meili,
    saved: {
      store: new SavedSearchStore(new Meilisearch({ host: url, apiKey: savedKey }), index),
      find: matchFinder(new Meilisearch({ host: url, apiKey: searchKey }), index),
    },
    close: () => meili.close(),
  };
}
