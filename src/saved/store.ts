import { MeiliSearchApiError, type Meilisearch } from 'meilisearch';
import { SearchUnavailableError } from '../errors.js';
import { waitAll } from '../meili/tasks.js';
import { SAVED_MAX, type SavedSearch } from './saved-search.js';

/**
 * Saved searches are documents of their own Meilisearch index beside the passages
 * (`<INDEX>__saved`). Meilisearch is already the durable store that the service and the indexing
 * job share (they may run in different processes or containers), that deployments back up with
 * snapshots and dumps, and that needs no native module: an embedded database file would need a
 * shared volume, locking between the two processes and its own backups.
 */
export function savedIndexOf(index: string): string {
  return `${index}__saved`;
}

/** Looked up by id, never searched by text: no word index is built. */
export const SAVED_SETTINGS = {
  searchableAttributes: [],
  filterableAttributes: ['id'],
  displayedAttributes: ['*'],
  typoTolerance: { enabled: false },
};

/** What the list shows; the seen digests and the feed history stay in the store. */
const SUMMARY_FIELDS = ['id', 'name', 'q', 'filters', 'createdAt', 'checkedAt', 'newCount'];

function unavailable(err: unknown): never {
  if (err instanceof MeiliSearchApiError) throw err;
  throw new SearchUnavailableError(`Meilisearch did not answer: ${(err as Error).message}`, { cause: err });
}

export class SavedSearchStore {
  readonly #client: Meilisearch;
  readonly #uid: string;

  /** @param client a client whose key may read and write the saved-search index (see ensureSavedSearchKey). */
  constructor(client: Meilisearch, index: string) {
    this.#client = client;
    this.#uid = savedIndexOf(index);
  }

  /** Creates the index and applies its settings (needs the master key). */
  static async ensureIndex(admin: Meilisearch, index: string): Promise<void> {
    const uid = savedIndexOf(index);
    try {
      await admin.getIndex(uid);
    } catch (err) {
      if (!(err instanceof MeiliSearchApiError) || err.cause?.code !== 'index_not_found') throw err;
      await waitAll(admin, [admin.createIndex(uid, { primaryKey: 'id' })]);
    }
    await waitAll(admin, [admin.index(uid).updateSettings(SAVED_SETTINGS)]);
  }

  async list(): Promise<Array<Pick<SavedSearch, 'id' | 'name' | 'q' | 'filters' | 'createdAt' | 'checkedAt' | 'newCount'>>> {
    const page = await this.#client
      .index(this.#uid)
      .getDocuments<SavedSearch>({ limit: SAVED_MAX, fields: SUMMARY_FIELDS as Array<keyof SavedSearch> })
      .catch((err: unknown) => (isMissingIndex(err) ? { results: [] } : unavailable(err)));
    return page.results.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Every saved search, whole (for the job that checks them). */
  async all(): Promise<SavedSearch[]> {
    const page = await this.#client
      .index(this.#uid)
      .getDocuments<SavedSearch>({ limit: SAVED_MAX })
      .catch((err: unknown) => (isMissingIndex(err) ? { results: [] } : unavailable(err)));
    return page.results;
  }

  async get(id: string): Promise<SavedSearch | null> {
    try {
      return await this.#client.index(this.#uid).getDocument<SavedSearch>(id);
    } catch (err) {
      if (err instanceof MeiliSearchApiError && (err.cause?.code === 'document_not_found' || err.cause?.code === 'index_not_found')) return null;
      return unavailable(err);
    }
  }

  async count(): Promise<number> {
    const page = await this.#client
      .index(this.#uid)
      .getDocuments({ limit: 1, fields: ['id'] })
      .catch((err: unknown) => (isMissingIndex(err) ? { total: 0 } : unavailable(err)));
    return page.total;
  }

  /** Writes saved searches and waits until reads see them. */
  async put(searches: readonly SavedSearch[]): Promise<void> {
    if (searches.length === 0) return;
    await waitAll(this.#client, [this.#client.index(this.#uid).addDocuments([...searches], { primaryKey: 'id' })]).catch(unavailableUnlessTask);
  }

  /** Deletes a saved search; false when there was none. */
  async remove(id: string): Promise<boolean> {
    if (!(await this.get(id))) return false;
    await waitAll(this.#client, [this.#client.index(this.#uid).deleteDocument(id)]).catch(unavailableUnlessTask);
    return true;
  }
}

function isMissingIndex(err: unknown): boolean {
  return err instanceof MeiliSearchApiError && err.cause?.code === 'index_not_found';
}

function unavailableUnlessTask(err: unknown): never {
  if ((err as { code?: string }).code === 'task_failed') throw err;
  return unavailable(err);
}

const SAVED_KEY_PREFIX = 'citable-saved-';
const SAVED_KEY_ACTIONS = ['documents.get', 'documents.add', 'documents.delete', 'tasks.get'];

/**
 * A key that may read and write the saved-search index and nothing else, created once with the
 * master key: the HTTP service stores saved searches with it, never with the master key.
 */
export async function ensureSavedSearchKey(admin: Meilisearch, index: string): Promise<string> {
  const uid = savedIndexOf(index);
  const name = `${SAVED_KEY_PREFIX}${uid}`;
  const { results } = await admin.getKeys({ limit: 1000 });
  const found = results.find(
    (k) =>
      k.name === name &&
      [...k.actions].sort().join(',') === [...SAVED_KEY_ACTIONS].sort().join(',') &&
      k.indexes.length === 1 &&
      k.indexes[0] === uid &&
      (k.expiresAt === null || new Date(k.expiresAt) > new Date()),
  );
  if (found) return found.key;
  const created = await admin.createKey({
    name,
    description: `Saved searches of the Citable index ${index}`,
    actions: SAVED_KEY_ACTIONS as never,
    indexes: [uid],
    expiresAt: null,
  });
  return created.key;
}
