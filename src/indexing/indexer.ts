import type { EnqueuedTask, Meilisearch, Settings } from 'meilisearch';
import { docIdFromFile } from '../ingest/ingest.js';
import type { PassageRecord } from '../ingest/records.js';
import { eqAny, quote } from '../meili/filter.js';
import { ensureIndex, termsIndexOf } from '../meili/indexes.js';
import { applySettings } from '../meili/settings.js';
import { waitAll } from '../meili/tasks.js';
import { handled } from '../promises.js';
import { POSTINGS_VERSION } from '../terms/schema.js';
import { collectFiles, type Failure, type FoundFile } from './files.js';
import { ingestFiles, isFailure, type IngestedFile, type ReadOptions } from './read-files.js';
import { indexedDocuments, storedPassages } from './stored.js';
import { accumulate, emptyDelta } from './term-stats.js';
import { applyTermStats, postingsVersion, prepareTermsIndex } from './term-stats-store.js';
import { BatchUploader } from './uploader.js';

/** Documents per deletion by filter. */
const DELETIONS_PER_FILTER = 500;

export interface IndexJobOptions extends ReadOptions {
  roots: readonly string[];
  rebuild?: boolean;
}

export interface IndexSummary {
  documents: { indexed: number; unchanged: number; removed: number; failed: number };
  passages: number;
  failures: Failure[];
  tookMs: number;
}

/**
 * Runs one indexing job against Meilisearch.
 *
 * 1. List the files under the roots (files.ts).
 * 2. Clean them one by one (read-files.ts); each full batch of passages is enqueued at once
 *    (uploader.ts), so Meilisearch indexes while later files are cleaned, and all batches are
 *    queued before anything is awaited. The term statistics are counted on the way (term-stats.ts).
 *    - Rebuild (rebuildIndex): everything goes to a fresh index, swapped in atomically once
 *      complete, so searches never see it half-built and a failure leaves the live index serving.
 *    - Incremental (updateIndex): unchanged documents are skipped; changed ones are upserted and
 *      then their leftover passages deleted; documents gone from the roots are deleted.
 * 3. Apply the change of term statistics to the terms index (term-stats-store.ts).
 * 4. Wait for every task; a failed task fails the job with Meilisearch's message.
 */
export async function runIndexJob(client: Meilisearch, indexUid: string, settings: Settings, opts: IndexJobOptions): Promise<IndexSummary> {
  const started = performance.now();
  const { files, failures, rootIds } = await collectFiles(opts.roots);
  const summary: IndexSummary = {
    documents: { indexed: 0, unchanged: 0, removed: 0, failed: 0 },
    passages: 0,
    failures,
    tookMs: 0,
  };
  const live = await ensureIndex<PassageRecord>(client, indexUid);
  if (opts.rebuild) await rebuildIndex(client, live.uid, settings, files, summary, opts);
  else await updateIndex(client, live.uid, settings, files, rootIds, summary, opts);
  summary.documents.failed = failures.length;
  opts.onProgress?.({ phase: 'upload', done: summary.passages, total: summary.passages });
  summary.tookMs = Math.round(performance.now() - started);
  return summary;
}

/** Builds the index afresh beside the live one, then swaps both it and its terms index in. */
async function rebuildIndex(
  client: Meilisearch,
  indexUid: string,
  settings: Settings,
  files: readonly FoundFile[],
  summary: IndexSummary,
  opts: ReadOptions,
): Promise<void> {
  const tmpUid = `${indexUid}__rebuild_${Date.now().toString(36)}`;
  try {
    const tmp = await ensureIndex<PassageRecord>(client, tmpUid);
    await applySettings(client, tmp, settings);
    const tmpTerms = await prepareTermsIndex(client, termsIndexOf(tmpUid));
    const uploader = new BatchUploader(tmp);
    const delta = emptyDelta();
    for await (const r of ingestFiles(files, opts)) {
      if (isFailure(r)) summary.failures.push(r);
      else {
        uploader.add(r.records);
        accumulate(delta, r.records, 1);
        summary.documents.indexed++;
      }
    }
    uploader.flush();
    opts.onProgress?.({ phase: 'upload', done: 0, total: uploader.uploaded });
    const statsTasks = await applyTermStats(tmpTerms, delta, true);
    await waitAll(client, [...uploader.tasks, ...statsTasks]);
    await ensureIndex(client, termsIndexOf(indexUid));
    await waitAll(client, [
      client.swapIndexes([
        { indexes: [indexUid, tmpUid], rename: false },
        { indexes: [termsIndexOf(indexUid), termsIndexOf(tmpUid)], rename: false },
      ]),
    ]);
    summary.passages = uploader.uploaded;
  } finally {
    // After a swap these hold the old passages and statistics; after a failure, the half-built new ones.
    await waitAll(client, [client.deleteIndex(tmpUid), client.deleteIndex(termsIndexOf(tmpUid))]).catch(() => undefined);
  }
}

/** Brings the live index in line with the files: adds, replaces and removes documents in place. */
async function updateIndex(
  client: Meilisearch,
  indexUid: string,
  settings: Settings,
  files: readonly FoundFile[],
  rootIds: readonly string[],
  summary: IndexSummary,
  opts: ReadOptions,
): Promise<void> {
  const live = client.index<PassageRecord>(indexUid);
  await applySettings(client, live, settings);
  const terms = await prepareTermsIndex(client, termsIndexOf(indexUid));
  const existing = await indexedDocuments(live);
  // Statistics kept by an older release (without postings) are recounted whole, from the
  // passages the index holds and those this job brings.
  const recount = existing.size > 0 && (await postingsVersion(terms)) !== POSTINGS_VERSION;
  const uploader = new BatchUploader(live);
  const delta = emptyDelta();
  const present = new Set<string>();
  const changed: IngestedFile[] = [];
  // New passages of documents already indexed wait until their old passages have been read
  // for the term statistics; new documents go straight out.
  const deferred: PassageRecord[][] = [];
  for await (const r of ingestFiles(files, opts)) {
    if (isFailure(r)) {
      summary.failures.push(r);
      continue;
    }
    present.add(r.docId);
    if (existing.get(r.docId)?.docHash === r.docHash) {
      summary.documents.unchanged++;
      continue;
    }
    summary.documents.indexed++;
    changed.push({ ...r, records: [] });
    accumulate(delta, r.records, 1);
    if (existing.has(r.docId)) deferred.push(r.records);
    else uploader.add(r.records);
  }
  // Documents gone from the roots this job scanned. Files that failed keep their old passages.
  const failedIds = new Set(summary.failures.map((f) => docIdFromFile(f.file)));
  const scanned = new Set(rootIds);
  const gone = [...existing]
    .filter(([docId, d]) => scanned.has(d.rootId) && !present.has(docId) && !failedIds.has(docId))
    .map(([docId]) => docId);
  const replaced = changed.filter((f) => existing.has(f.docId)).map((f) => f.docId);
  if (recount) {
    const outgoing = new Set([...replaced, ...gone]);
    accumulate(delta, await storedPassages(live, [...existing.keys()].filter((id) => !outgoing.has(id))), 1);
  } else accumulate(delta, await storedPassages(live, [...replaced, ...gone]), -1);
  for (const records of deferred) uploader.add(records);
  uploader.flush();
  summary.passages = uploader.uploaded;
  const tasks: Array<Promise<EnqueuedTask>> = [...uploader.tasks];
  // Leftover passages of a document that got shorter: same docId, older hash.
  for (const f of changed) {
    if (existing.has(f.docId)) {
      tasks.push(handled(live.deleteDocuments({ filter: `${eqAny('docId', [f.docId])} AND docHash != ${quote(f.docHash)}` })));
    }
  }
  for (let i = 0; i < gone.length; i += DELETIONS_PER_FILTER) {
    tasks.push(handled(live.deleteDocuments({ filter: eqAny('docId', gone.slice(i, i + DELETIONS_PER_FILTER)) })));
  }
  summary.documents.removed = gone.length;
  tasks.push(...(await applyTermStats(terms, delta, existing.size === 0 || recount)));
  opts.onProgress?.({ phase: 'upload', done: 0, total: summary.passages });
  await waitAll(client, tasks);
}
