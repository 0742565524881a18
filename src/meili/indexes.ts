import type { Index, Meilisearch } from 'meilisearch';
import { MeiliApiError } from '../errors.js';
import { waitAll } from './tasks.js';

/** The name of the index holding an index's term statistics (see terms/schema.ts). */
export function termsIndexOf(indexUid: string): string {
  return `${indexUid}__terms`;
}

/**
 * Meilisearch's own error code (`index_not_found`…) of an error from the meilisearch client or
 * from Citable's client; null for anything else.
 */
export function meiliCodeOf(err: unknown): string | null {
  if (err instanceof MeiliApiError) return err.meiliCode;
  // meilisearch-js: MeiliSearchApiError keeps the answer's body as its cause.
  const code = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof code === 'string' ? code : null;
}

/** The index, created (with `id` as primary key) when missing. */
export async function ensureIndex<T extends Record<string, any>>(client: Meilisearch, uid: string): Promise<Index<T>> {
  try {
    await client.getIndex(uid);
  } catch (err) {
    if (meiliCodeOf(err) !== 'index_not_found') throw err;
    await waitAll(client, [client.createIndex(uid, { primaryKey: 'id' })]);
  }
  return client.index<T>(uid);
}
