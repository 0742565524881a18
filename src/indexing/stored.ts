import type { Index } from 'meilisearch';
import type { PassageRecord } from '../ingest/records.js';
import { eqAny } from '../meili/filter.js';
import type { ScoredFields } from './term-stats.js';

/** Documents read per page, and document ids per filter. */
const PAGE = 10_000;
const IDS_PER_FILTER = 200;

/** docId → docHash and root of every document in the index (read from each document's first passage). */
export async function indexedDocuments(index: Index<PassageRecord>): Promise<Map<string, { docHash: string; rootId: string }>> {
  const out = new Map<string, { docHash: string; rootId: string }>();
  for (let offset = 0; ; offset += PAGE) {
    const page = await index.getDocuments({ fields: ['docId', 'docHash', 'rootId'], filter: 'position = 0', limit: PAGE, offset });
    for (const d of page.results) out.set(d.docId, { docHash: d.docHash, rootId: d.rootId });
    if (page.results.length < PAGE) break;
  }
  return out;
}

/** Fields of a stored passage that the term statistics, counts records and leftover deletions read. */
const STORED_FIELDS = ['id', 'docId', 'docHash', 'title', 'heading', 'text', 'position', 'docTokens', 'lang', 'passages'] as const;
export type StoredPassage = ScoredFields & { id: string; docId: string; docHash: string; position: number; passages: number };

/**
 * The stored passages of the given documents (all documents when `docIds` is null), a page at a
 * time, so that reading them costs one page of memory however many there are.
 */
export async function* storedPassagePages(index: Index<PassageRecord>, docIds: readonly string[] | null): AsyncGenerator<StoredPassage[]> {
  const filters = docIds === null ? [undefined] : Array.from({ length: Math.ceil(docIds.length / IDS_PER_FILTER) }, (_, i) => eqAny('docId', docIds.slice(i * IDS_PER_FILTER, (i + 1) * IDS_PER_FILTER)));
  for (const filter of filters) {
    for (let offset = 0; ; offset += PAGE) {
      const page = await index.getDocuments({ fields: [...STORED_FIELDS], ...(filter ? { filter } : {}), limit: PAGE, offset });
      if (page.results.length > 0) yield page.results as unknown as StoredPassage[];
      if (page.results.length < PAGE) break;
    }
  }
}
