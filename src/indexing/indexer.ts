import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setImmediate } from 'node:timers/promises';
import type { EnqueuedTask, Index, Meilisearch, Settings } from 'meilisearch';
import { CitableError } from '../errors.js';
import { docIdFromFile, ingestDocument } from '../ingest/ingest.js';
import { toPassageRecords, type PassageRecord } from '../ingest/records.js';
import { eqAny, quote } from '../meili/filter.js';
import { TERMS_SETTINGS } from '../meili/settings.js';
import { waitAll } from '../meili/tasks.js';
import { handled } from '../promises.js';
import {
  accumulate,
  bestPostings,
  CORPUS_RECORD_ID,
  decodeDocumentPostings,
  decodePassagePostings,
  documentWeight,
  emptyDelta,
  encodePostings,
  passageWeight,
  POSTINGS_PER_TERM,
  POSTINGS_VERSION,
  termId,
  termsIndexOf,
  type DocumentPosting,
  type PassagePosting,
  type ScoredFields,
  type TermRecord,
  type TermStatsDelta,
} from './term-stats.js';
import { collectFiles, type Failure, type FoundFile } from './files.js';

/** Bumped when cleaning changes, so that unchanged files are re-indexed under new rules. */
export const INGEST_VERSION = '1';
/** Passages per addDocuments call; all batches are queued before waiting so Meilisearch merges them. */
export const BATCH_SIZE = 5_000;
const FIRST_BATCH_SIZE = 1_000;
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Longest stretch of cleaning between two turns of the event loop. */
const EVENT_LOOP_TURN_MS = 1;

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

/** Resolves docId collisions: two files with the same name in different folders. */
class DocIds {
  #owners = new Map<string, string>();
  assign(file: FoundFile): string {
    let docId = docIdFromFile(file.path);
    const owner = this.#owners.get(docId);
    if (owner !== undefined && owner !== file.realPath) {
      docId = `${docId}-${createHash('sha256').update(file.realPath).digest('hex').slice(0, 8)}`;
    }
    this.#owners.set(docId, file.realPath);
    return docId;
  }
}

/**
 * Reads and cleans files one at a time, yielding each result as soon as it is ready, so uploads
 * can start while later files are still being cleaned. A file that cannot be read or cleaned
 * yields a named failure; nothing throws.
 */
export async function* ingestFiles(
  files: readonly FoundFile[],
  opts: Pick<IndexJobOptions, 'maxFileBytes' | 'onProgress'> = {},
): AsyncGenerator<IngestedFile | Failure> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const ids = new DocIds();
  // Synchronous reads, for the reason collectFiles gives: four pool hops a file (open, stat, read,
  // close) are slower than the reads themselves while Meilisearch keeps the cores busy.
  const read = (file: FoundFile): Buffer => {
    const size = fs.statSync(file.realPath).size;
    if (size > maxBytes) throw new CitableError('too_large', `file of ${size} bytes is over the limit of ${maxBytes} bytes`);
    return fs.readFileSync(file.realPath);
  };
  let done = 0;
  let turn = performance.now();
  for (const file of files) {
    // Reads and cleaning never wait on I/O now: give the event loop a turn every
    // millisecond, so the uploads already queued go out while cleaning goes on (at longer
    // intervals a 5 MB batch took seconds to reach Meilisearch).
    if (performance.now() - turn > EVENT_LOOP_TURN_MS) {
      await setImmediate();
      turn = performance.now();
    }
    try {
      const bytes = read(file);
      const doc = ingestDocument(file.path, bytes);
      const docId = ids.assign(file);
      const docHash = docHashOf(bytes);
      yield { file, docId, docHash, records: toPassageRecords({ ...doc, docId }, docHash, file.rootId) };
    } catch (err) {
      yield { file: file.path, error: (err as Error).message };
    }
    opts.onProgress?.({ phase: 'ingest', done: ++done, total: files.length });
  }
}

function isFailure(x: IngestedFile | Failure): x is Failure {
  return 'error' in x;
}

/** Reads and cleans every file under the roots (for dry runs and benchmarks). */
export async function ingestRoots(
  roots: readonly string[],
  opts: Pick<IndexJobOptions, 'maxFileBytes' | 'onProgress'> = {},
): Promise<{ ingested: IngestedFile[]; failures: Failure[]; rootIds: string[] }> {
  const { files, failures, rootIds } = await collectFiles(roots);
  const ingested: IngestedFile[] = [];
  for await (const r of ingestFiles(files, opts)) {
    if (isFailure(r)) failures.push(r);
    else ingested.push(r);
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

/** The title, heading and text of every passage of the given documents, as the index holds them. */
async function storedPassages(index: Index<PassageRecord>, docIds: readonly string[]): Promise<ScoredFields[]> {
  const out: ScoredFields[] = [];
  for (let i = 0; i < docIds.length; i += 200) {
    const filter = eqAny('docId', docIds.slice(i, i + 200));
    for (let offset = 0; ; offset += 10_000) {
      const page = await index.getDocuments({ fields: ['docId', 'title', 'heading', 'text', 'position', 'docTokens'], filter, limit: 10_000, offset });
      out.push(...page.results);
      if (page.results.length < 10_000) break;
    }
  }
  return out;
}

/**
 * Creates and configures a terms index. Done at the start of a job, while Meilisearch's queue is
 * empty: behind the queued passages, these waits would hold the statistics back to the very end.
 */
async function prepareTermsIndex(client: Meilisearch, uid: string): Promise<Index<TermRecord>> {
  const index = await ensureIndex(client, uid);
  await applySettings(client, index, TERMS_SETTINGS);
  return index as unknown as Index<TermRecord>;
}

/** The postings version of a terms index (undefined for one without postings, or empty). */
async function postingsVersion(index: Index<TermRecord>): Promise<number | undefined> {
  const page = await index.getDocuments({ filter: `id = ${quote(CORPUS_RECORD_ID)}`, limit: 1 });
  return page.results[0]?.postings;
}

/**
 * Applies a change of the corpus statistics to the terms index that ranking reads: document
 * frequencies and postings per term, and the corpus totals. `fresh` means the index starts empty.
 */
async function applyTermStats(index: Index<TermRecord>, delta: TermStatsDelta, fresh: boolean): Promise<Array<Promise<EnqueuedTask>>> {
  const current = new Map<string, TermRecord>();
  if (!fresh) {
    const terms = [...delta.terms.keys()];
    const wanted = [CORPUS_RECORD_ID, ...terms.map(termId)];
    // Term records carry their postings: a few hundred at a time keeps each page small.
    for (let i = 0; i < wanted.length; i += 250) {
      const page = await index.getDocuments({ filter: `id IN [${wanted.slice(i, i + 250).map((id) => quote(id)).join(', ')}]`, limit: 250 });
      for (const r of page.results) current.set(r.id, r);
    }
  }
  const corpus = current.get(CORPUS_RECORD_ID);
  const totals: TermRecord = {
    id: CORPUS_RECORD_ID,
    term: '',
    df: Math.max(0, (corpus?.df ?? 0) + delta.passages),
    tokens: Math.max(0, (corpus?.tokens ?? 0) + delta.tokens),
    docs: Math.max(0, (corpus?.docs ?? 0) + delta.docs),
    docTokens: Math.max(0, (corpus?.docTokens ?? 0) + delta.docTokens),
    // Every job leaves postings in the current form: an index whose statistics are older or
    // missing is recounted whole (fresh), and the others were already current.
    postings: POSTINGS_VERSION,
  };
  const passageWeigh = passageWeight(totals.df > 0 ? totals.tokens! / totals.df : 0);
  const documentWeigh = documentWeight(totals.docs! > 0 ? totals.docTokens! / totals.docs! : 0);
  const kept = <P extends PassagePosting | DocumentPosting>(stored: P[], added: P[] | undefined, weigh: (p: P) => number) =>
    bestPostings([...stored.filter((p) => !delta.removedDocs.has(p[0])), ...(added ?? [])], POSTINGS_PER_TERM, weigh);
  const upserts: TermRecord[] = [totals];
  const deletions: string[] = [];
  for (const [term, change] of delta.terms) {
    const id = termId(term);
    const stored = current.get(id);
    const df = (stored?.df ?? 0) + change.df;
    const ddf = (stored?.ddf ?? 0) + change.ddf;
    if (df > 0) {
      upserts.push({
        id,
        term,
        df,
        ddf: Math.max(1, ddf),
        passages: encodePostings(kept(decodePassagePostings(stored?.passages), change.passages?.items, passageWeigh)),
        documents: encodePostings(kept(decodeDocumentPostings(stored?.documents), change.documents?.items, documentWeigh)),
      });
    } else if (stored) deletions.push(id);
  }
  const tasks: Array<Promise<EnqueuedTask>> = [];
  // Statistics left from an index that has since been emptied must not count.
  if (fresh) tasks.push(handled(index.deleteAllDocuments()));
  for (let i = 0; i < upserts.length; i += 5_000) tasks.push(handled(index.addDocuments(upserts.slice(i, i + 5_000), { primaryKey: 'id' })));
  for (let i = 0; i < deletions.length; i += 10_000) tasks.push(handled(index.deleteDocuments(deletions.slice(i, i + 10_000))));
  return tasks;
}

/** Collects records and enqueues a batch whenever BATCH_SIZE of them are ready. */
class BatchUploader {
  #index: Index<PassageRecord>;
  #pending: PassageRecord[] = [];
  readonly tasks: Array<Promise<EnqueuedTask>> = [];
  uploaded = 0;

  constructor(index: Index<PassageRecord>) {
    this.#index = index;
  }

  add(records: readonly PassageRecord[]) {
    this.#pending.push(...records);
    // The first batch goes out small, so Meilisearch starts while the rest is cleaned; it merges
    // the batches queued behind it on its own.
    if (this.#pending.length >= (this.tasks.length === 0 ? FIRST_BATCH_SIZE : BATCH_SIZE)) this.flush();
  }

  flush() {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.uploaded += batch.length;
    this.tasks.push(handled(this.#index.addDocuments(batch, { primaryKey: 'id' })));
  }
}

/**
 * Runs one indexing job against Meilisearch.
 *
 * 1. List the files under the roots; read which documents the index holds (incremental mode).
 * 2. Clean files one by one; enqueue each full batch of passages at once, so Meilisearch indexes
 *    while later files are cleaned, and all batches are queued before anything is awaited.
 *    Incremental (default): unchanged documents are skipped; changed ones are upserted and then
 *    their leftover passages deleted; documents gone from the roots are deleted.
 *    Rebuild: everything goes to a fresh index, swapped in atomically once complete, so searches
 *    never see it half-built and a failure leaves the live index serving.
 * 3. Wait for every task; a failed task fails the job with Meilisearch's message.
 */
export async function runIndexJob(
  client: Meilisearch,
  indexUid: string,
  settings: Settings,
  opts: IndexJobOptions,
): Promise<IndexSummary> {
  const started = performance.now();
  const { files, failures, rootIds } = await collectFiles(opts.roots);
  const summary: IndexSummary = {
    documents: { indexed: 0, unchanged: 0, removed: 0, failed: 0 },
    passages: 0,
    failures,
    tookMs: 0,
  };
  const live = await ensureIndex(client, indexUid);

  if (opts.rebuild) {
    const tmpUid = `${indexUid}__rebuild_${Date.now().toString(36)}`;
    try {
      const tmp = await ensureIndex(client, tmpUid);
      await applySettings(client, tmp, settings);
      const tmpTerms = await prepareTermsIndex(client, termsIndexOf(tmpUid));
      const uploader = new BatchUploader(tmp);
      const delta = emptyDelta();
      for await (const r of ingestFiles(files, opts)) {
        if (isFailure(r)) failures.push(r);
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
          { indexes: [live.uid, tmpUid], rename: false },
          { indexes: [termsIndexOf(indexUid), termsIndexOf(tmpUid)], rename: false },
        ]),
      ]);
      summary.passages = uploader.uploaded;
    } finally {
      // After a swap these hold the old passages and statistics; after a failure, the half-built new ones.
      await waitAll(client, [client.deleteIndex(tmpUid), client.deleteIndex(termsIndexOf(tmpUid))]).catch(() => undefined);
    }
  } else {
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
        failures.push(r);
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
    const failedIds = new Set(failures.map((f) => docIdFromFile(f.file)));
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
    for (let i = 0; i < gone.length; i += 500) tasks.push(handled(live.deleteDocuments({ filter: eqAny('docId', gone.slice(i, i + 500)) })));
    summary.documents.removed = gone.length;
    tasks.push(...(await applyTermStats(terms, delta, existing.size === 0 || recount)));
    opts.onProgress?.({ phase: 'upload', done: 0, total: summary.passages });
    await waitAll(client, tasks);
  }
  summary.documents.failed = failures.length;
  opts.onProgress?.({ phase: 'upload', done: summary.passages, total: summary.passages });
  summary.tookMs = Math.round(performance.now() - started);
  return summary;
}
