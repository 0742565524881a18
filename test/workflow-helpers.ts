import { Meilisearch } from 'meilisearch';
import { MeiliSearchClient, type SearchTarget } from '../src/meili/client.js';
import { ensureSearchKey } from '../src/meili/keys.js';
import { matchFinder, searchClients } from '../src/saved/alerts.js';
import { ensureSavedSearchKey, SavedSearchStore } from '../src/saved/store.js';
import type { WorkflowDeps } from '../src/server/workflow-routes.js';

/**
 * The workflow routes' dependencies for an index of a Meilisearch, wired as main.ts wires them; with
 * `nodes`, over those nodes (`url` and `admin` are the first's, where saved searches live).
 */
export async function workflowDeps(url: string, admin: Meilisearch, index: string, nodes?: SearchTarget['nodes']): Promise<WorkflowDeps & { close(): Promise<void> }> {
  const searchKey = await ensureSearchKey(admin, index);
  await SavedSearchStore.ensureIndex(admin, index);
  const savedKey = await ensureSavedSearchKey(admin, index);
  const target: SearchTarget = { url, key: searchKey, index, ...(nodes ? { nodes } : {}) };
  const meili = new MeiliSearchClient(() => target);
  return {
    meili,
    saved: {
      store: new SavedSearchStore(new Meilisearch({ host: url, apiKey: savedKey }), index),
      find: matchFinder(searchClients(target), index),
    },
    close: () => meili.close(),
  };
}
