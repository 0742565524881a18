import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Index, Meilisearch, Settings } from 'meilisearch';
import { CitableError } from '../errors.js';
import { docIdFromFile, ingestDocument } from '../ingest/ingest.js';
import { toPassageRecords, type PassageRecord } from '../ingest/records.js';
import { eqAny, quote } from '../meili/filter.js';
import { waitAll } from '../meili/tasks.js';
import { collectFiles, type Failure, type FoundFile } from './files.js';

/** Bumped when cleaning changes, so that unchanged files are re-indexed under new rules. */
export const INGEST_VERSION = '1';
/** Passages per addDocuments call; all batches are queued before waiting so Meilisearch merges them. */
export const BATCH_SIZE = 5_000;
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface IndexJobOptions {
  roots: readonly string[];
  rebuild?: boolean;
  maxFileBytes?: number;
  onProgress?: (event: { phase: 'ingest' | 'upload'; done: number; total: number }) => void;
}

export interface IndexSummary {
  documents: { indexed: number; unchanged: number; removed: number; failed: number };
  passages: number;
  failures: Failure[];
  tookMs: number;
}

export interface IngestedFile {
  file: FoundFile;
  docId: string;
  docHash: string;
  records: PassageRecord[];
}

/** Hash of a file's bytes under the current cleaning rules. */
function docHashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(INGEST_VERSION).update(bytes).digest('hex').slice(0, 20);
}

/**
 * Reads and cleans every file under the roots. Each file that cannot be read or cleaned becomes a
 * named failure; the rest go on.
 */
export async function ingestRoots(
  roots: readonly string[],
  opts: Pick<IndexJobOptions, 'maxFileBytes' | 'onProgress'> = {},
): Promise<{ ingested: IngestedFile[]; failures: Failure[]; rootIds: string[] }> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { files, failures, rootIds } = await collectFiles(roots);
  const ingested: IngestedFile[] = [];
  const usedIds = new Map<string, string>();
  let done = 0;
  for (const file of files) {
    try {
      const stat = await fs.stat(file.realPath);
      if (stat.size > maxBytes) throw new CitableError('too_large', `file of ${stat.size} bytes is over the limit of ${maxBytes} bytes`);
      const bytes = await fs.readFile(file.realPath);
      const doc = ingestDocument(file.path, bytes);
      // Two files with the same name in different folders: the second gets a suffix from its path.
      let docId = docIdFromFile(file.path);
      const owner = usedIds.get(docId);
      if (owner !== undefined && owner !== file.realPath) {
        docId = `${docId}-${createHash('sha256').update(file.realPath).digest('hex').slice(0, 8)}`;
      }
      usedIds.set(docId, file.realPath);
      const docHash = docHashOf(bytes);
      ingested.push({ file, docId, docHash, records: toPassageRecords({ ...doc, docId }, docHash, file.rootId) });
    } catch (err) {
      failures.push({ file: file.path, error: (err as Error).message });
    }
    opts.onProgress?.({ phase: 'ingest', done: ++done, total: files.length });
  }
  return { ingested, failures, rootIds };
}

/** Applies settings only where they differ from the index's current ones. */
export async function applySettings(client: Meilisearch, index: Index, wanted: Settings): Promise<boolean> {
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

async function ensureIndex(client: Meilisearch, uid: string): Promise<Index<PassageRecord>> {
  try {
    await client.getIndex(uid);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code !== 'index_not_found') throw err;
    await waitAll(client, [client.createIndex(uid, { primaryKey: 'id' })]);
  }
  return client.index<PassageRecord>(uid);
}

/** docId → docHash of every document in the index (read from each document's first passage). */
async function indexedDocuments(index: Index<PassageRecord>): Promise<Map<string, { docHash: string; rootId: string }>> {
  const out = new Map<string, { docHash: string; rootId: string }>();
  const limit = 10_000;
  for (let offset = 0; ; offset += limit) {
    const page = await index.getDocuments({ fields: ['docId', 'docHash', 'rootId'], filter: 'position = 0', limit, offset });
    for (const d of page.results) out.set(d.docId, { docHash: d.docHash, rootId: d.rootId });
    if (page.results.length < limit) break;
  }
  return out;
}

/**
 * Runs one indexing job against Meilisearch.
 *
 * 1. Ingest every file under the roots; failures are named and the job goes on.
 * 2. Incremental (default): skip documents whose hash is unchanged, upsert changed ones and then
 *    delete their leftover passages, delete documents gone from the roots.
 *    Rebuild: fill a fresh index and swap it in atomically, so searches never see it half-built.
 * 3. Queue every batch before waiting, so Meilisearch can merge them, then wait for every task.
 */
export async function runIndexJob(
  client: Meilisearch,
  indexUid: string,
  settings: Settings,
  opts: IndexJobOptions,
): Promise<IndexSummary> {
  const started = performance.now();
  const { ingested, failures, rootIds } = await ingestRoots(opts.roots, opts);
  const summary: IndexSummary = {
    documents: { indexed: 0, unchanged: 0, removed: 0, failed: failures.length },
    passages: 0,
    failures,
    tookMs: 0,
  };
  const upload = async (index: Index<PassageRecord>, records: PassageRecord[]) => {
    const tasks = [];
    for (let i = 0; i < records.length; i += BATCH_SIZE) tasks.push(index.addDocuments(records.slice(i, i + BATCH_SIZE), { primaryKey: 'id' }));
    opts.onProgress?.({ phase: 'upload', done: 0, total: records.length });
    return tasks;
  };

  if (opts.rebuild) {
    const live = await ensureIndex(client, indexUid);
    const tmpUid = `${indexUid}__rebuild_${Date.now().toString(36)}`;
    try {
      const tmp = await ensureIndex(client, tmpUid);
      await applySettings(client, tmp, settings);
      const records = ingested.flatMap((f) => f.records);
      await waitAll(client, await upload(tmp, records));
      await waitAll(client, [client.swapIndexes([{ indexes: [live.uid, tmpUid], rename: false }])]);
      summary.documents.indexed = ingested.length;
      summary.passages = records.length;
    } finally {
      // After a swap this holds the old passages; after a failure, the half-built new ones.
      await waitAll(client, [client.deleteIndex(tmpUid)]).catch(() => undefined);
    }
  } else {
    const index = await ensureIndex(client, indexUid);
    await applySettings(client, index, settings);
    const existing = await indexedDocuments(index);
    const changed = ingested.filter((f) => existing.get(f.docId)?.docHash !== f.docHash);
    summary.documents.unchanged = ingested.length - changed.length;
    summary.documents.indexed = changed.length;
    const records = changed.flatMap((f) => f.records);
    summary.passages = records.length;
    const tasks = await upload(index, records);
    // Leftover passages of a document that got shorter: same docId, older hash.
    for (const f of changed) {
      if (existing.has(f.docId)) {
        tasks.push(index.deleteDocuments({ filter: `${eqAny('docId', [f.docId])} AND docHash != ${quote(f.docHash)}` }));
      }
    }
    // Documents gone from the roots this job scanned. Files that failed keep their old passages.
    const present = new Set(ingested.map((f) => f.docId));
    const failedIds = new Set(failures.map((f) => docIdFromFile(f.file)));
    const scanned = new Set(rootIds);
    const gone = [...existing].filter(([docId, d]) => scanned.has(d.rootId) && !present.has(docId) && !failedIds.has(docId)).map(([docId]) => docId);
    for (let i = 0; i < gone.length; i += 500) tasks.push(index.deleteDocuments({ filter: eqAny('docId', gone.slice(i, i + 500)) }));
    summary.documents.removed = gone.length;
    await waitAll(client, tasks);
  }
  opts.onProgress?.({ phase: 'upload', done: summary.passages, total: summary.passages });
  summary.tookMs = Math.round(performance.now() - started);
  return summary;
}
