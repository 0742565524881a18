import os from 'node:os';
import path from 'node:path';
import type { Index, Meilisearch, Settings } from 'meilisearch';
import { docIdFromFile } from '../ingest/doc-id.js';
import type { PassageRecord } from '../ingest/records.js';
import { eqAny } from '../meili/filter.js';
import { ensureIndex, termsIndexOf } from '../meili/indexes.js';
import { nodeFor } from '../meili/nodes.js';
import { applySettings, TERMS_SETTINGS } from '../meili/settings.js';
import { waitAll } from '../meili/tasks.js';
import { DocumentBatcher, WriteQueue, type WriteLimits } from '../meili/writer.js';
import { DOCUMENT_COUNTS_VERSION, documentCountsId, documentCountsRecord, POSTINGS_VERSION, type DocumentCountsRecord, type TermRecord } from '../terms/schema.js';
import { collectFiles, type Failure, type FoundFile } from './files.js';
import { proseLossFlag, type ProseLossFlag } from './loss-report.js';
import { ingestFiles, isFailure, type IngestedFile, type ReadOptions } from './read-files.js';
import { indexedDocuments, storedPassagePages, type StoredPassage } from './stored.js';
import { createSpillFolder, removeSpillFolder, removeStaleSpillFolders } from './spill-folders.js';
import { TermSpill, type SpillLimits } from './term-spill.js';
import { commitTermStats, corpusRecord, markJobPending, unmarkJobPending, writeTermStats, type PostingsShape } from './term-stats-store.js';

/** Changed documents whose old passages are read together (one filter) before their new ones go out. */
const REPLACED_PER_READ = 200;
/** Documents per deletion by filter. */
const DELETIONS_PER_FILTER = 500;
/** Passage ids per deletion by ids. */
const IDS_PER_DELETION = 10_000;
/** The first batch of a job goes out small, so that Meilisearch starts while the rest is cleaned. */
const FIRST_BATCH_DOCUMENTS = 1_000;

/** One Meilisearch the job writes to: a name (routing hashes it) and an administrative client. */
export interface JobNode {
  name: string;
  client: Meilisearch;
}

export interface IndexJobOptions extends ReadOptions {
  roots: readonly string[];
  rebuild?: boolean;
  /** Bounds of writes and of the term statistics' spill files (tests make them small). */
  writeLimits?: Partial<WriteLimits>;
  spillLimits?: Partial<SpillLimits>;
  /** Where the spill files go (a temporary folder under it, removed at the end). */
  spillDir?: string;
  /** How much of each term's postings a record holds (DOCUMENT_BLOCK, POSTINGS_PER_TERM; tests make them small). */
  postings?: PostingsShape;
}

export interface IndexSummary {
  documents: { indexed: number; unchanged: number; removed: number; failed: number };
  passages: number;
  failures: Failure[];
  /** Documents cleaned in this job whose cleaning removed most of their prose-like words. */
  flagged: ProseLossFlag[];
  tookMs: number;
}

function noteRetention(summary: IndexSummary, r: IngestedFile): void {
  const flag = r.retention ? proseLossFlag(r.file.path, r.docId, r.retention) : null;
  if (flag) summary.flagged.push(flag);
}

/** Where a document is now: which node holds it, under which hash, from which root. */
interface Held {
  node: NodeJob;
  docHash: string;
  rootId: string;
}

/** A node's part of a job: its indexes, write queue, term statistics and pending replacements. */
class NodeJob {
  readonly name: string;
  readonly client: Meilisearch;
  readonly queue: WriteQueue;
  readonly uid: string;
  readonly termsUid: string;
  readonly passages: DocumentBatcher;
  /** The documents' term counts, in the terms index (see DocumentCountsRecord). */
  readonly counts: DocumentBatcher;
  readonly spill: TermSpill;
  /** True when the statistics are counted from nothing: a new or rebuilt index, or a recount. */
  fresh = false;
  /** The corpus record as the job found it (null when fresh). */
  corpus: TermRecord | null = null;
  /** Changed documents waiting for their old passages to be read. */
  #replacing: IngestedFile[] = [];
  #replacingPassages = 0;
  /** Documents to delete whole (gone from the roots, or moved to another node). */
  #removing: string[] = [];
  /** Passages left over from documents that got shorter. */
  #leftovers: string[] = [];
  /** Counts records of documents removed, or indexed again without stored counts. */
  #uncounted: string[] = [];
  /** Documents whose passages stay as they are: what readKept reads back. */
  readonly kept = new Set<string>();
  /** True when documents the job keeps may lack their counts records (see readKept). */
  countsMissing = false;
  readonly #postings: PostingsShape | undefined;

  constructor(node: JobNode, uid: string, opts: IndexJobOptions, spillRoot: string) {
    this.#postings = opts.postings;
    this.name = node.name;
    this.client = node.client;
    this.queue = new WriteQueue(node.client, opts.writeLimits);
    this.uid = uid;
    this.termsUid = termsIndexOf(uid);
    this.passages = new DocumentBatcher(this.queue, node.client, uid, { firstDocuments: FIRST_BATCH_DOCUMENTS });
    this.counts = new DocumentBatcher(this.queue, node.client, this.termsUid);
    this.spill = new TermSpill(path.join(spillRoot, node.name), opts.spillLimits);
  }

  get index(): Index<PassageRecord> {
    return this.client.index<PassageRecord>(this.uid);
  }

  /**
   * A new document: counted and sent, its term counts with it. A document whose counts are not
   * stored (too long) has any it had before deleted, so that ranking counts it from its text.
   */
  async add(doc: Pick<IngestedFile, 'docId' | 'records' | 'counts'>): Promise<void> {
    this.spill.add(doc.records, 1);
    await this.passages.add(doc.records);
    if (doc.counts) await this.counts.add([doc.counts]);
    else this.#uncounted.push(documentCountsId(doc.docId));
  }

  /** A changed document this node already holds: its old passages are read first (in groups). */
  async replace(file: IngestedFile): Promise<void> {
    this.#replacing.push(file);
    this.#replacingPassages += file.records.length;
    if (this.#replacing.length >= REPLACED_PER_READ || this.#replacingPassages >= this.queue.limits.maxDocuments) await this.flushReplacements();
  }

  async flushReplacements(): Promise<void> {
    const files = this.#replacing;
    if (files.length === 0) return;
    this.#replacing = [];
    this.#replacingPassages = 0;
    const newCount = new Map(files.map((f) => [f.docId, f.records.length]));
    for await (const page of storedPassagePages(this.index, [...newCount.keys()])) {
      if (!this.fresh) this.spill.add(page, -1);
      for (const p of page) if (p.position >= (newCount.get(p.docId) ?? 0)) this.#leftovers.push(p.id);
    }
    for (const f of files) await this.add(f);
    if (this.#leftovers.length >= IDS_PER_DELETION) await this.#deleteLeftovers();
  }

  async #deleteLeftovers(): Promise<void> {
    while (this.#leftovers.length > 0) {
      const ids = this.#leftovers.splice(0, IDS_PER_DELETION);
      const index = this.index;
      await this.queue.send(this.uid, this.queue.nextBatch(this.uid), `deletion of ${ids.length} leftover passages`, () => index.deleteDocuments(ids));
    }
  }

  /** A document this node holds that must go (gone from the roots, or now routed elsewhere). */
  remove(docId: string): void {
    this.#removing.push(docId);
  }

  /** Reads the removed documents' passages for the statistics, then deletes them. */
  async flushRemovals(): Promise<number> {
    const docs = this.#removing;
    this.#removing = [];
    for (let i = 0; i < docs.length; i += DELETIONS_PER_FILTER) {
      const group = docs.slice(i, i + DELETIONS_PER_FILTER);
      if (!this.fresh) for await (const page of storedPassagePages(this.index, group)) this.spill.add(page, -1);
      const index = this.index;
      await this.queue.send(this.uid, this.queue.nextBatch(this.uid), `deletion of ${group.length} documents`, () =>
        index.deleteDocuments({ filter: eqAny('docId', group) }),
      );
      this.#uncounted.push(...group.map(documentCountsId));
    }
    await this.#deleteLeftovers();
    await this.#deleteUncounted();
    return docs.length;
  }

  /** Deletes the counts records of documents removed or counted no longer (after their new ones went out). */
  async #deleteUncounted(): Promise<void> {
    await this.counts.flush();
    while (this.#uncounted.length > 0) {
      const ids = this.#uncounted.splice(0, IDS_PER_DELETION);
      const terms = this.client.index(this.termsUid);
      await this.queue.send(this.termsUid, this.queue.nextBatch(this.termsUid), `deletion of ${ids.length} documents' term counts`, () => terms.deleteDocuments(ids));
    }
  }

  /**
   * Reads back the documents kept as they are, in one pass over the stored passages, for what the
   * job needs of them:
   * - a recount (`fresh`): their passages are added to the statistics. A passage of an older
   *   version of its document (another hash than the document's first passage) was left by a job
   *   that died before deleting it: it is deleted, not counted;
   * - their counts records, in an index built before documents had them (`countsMissing`: its
   *   corpus record lacks DOCUMENT_COUNTS_VERSION). A document's passages are gathered until every
   *   one of them has come, whatever the pages' order.
   */
  async readKept(currentHash: (docId: string) => string | undefined): Promise<void> {
    const recount = this.fresh;
    const count = this.countsMissing;
    if ((!recount && !count) || this.kept.size === 0) return;
    const gathering = new Map<string, StoredPassage[]>();
    for await (const page of storedPassagePages(this.index, null)) {
      const kept: StoredPassage[] = [];
      for (const p of page) {
        if (!this.kept.has(p.docId)) continue;
        if (p.docHash !== currentHash(p.docId)) {
          if (recount) this.#leftovers.push(p.id);
          continue;
        }
        kept.push(p);
        const record = count ? gatherCounts(gathering, p) : null;
        if (record) await this.counts.add([record]);
      }
      if (recount && kept.length > 0) this.spill.add(kept, 1);
    }
    if (recount) await this.#deleteLeftovers();
    if (count) await this.counts.flush();
  }

  /** The corpus totals once this job's change is applied. */
  totals(): Required<Pick<TermRecord, 'df' | 'tokens' | 'docs' | 'docTokens'>> {
    const c = this.corpus;
    return {
      df: Math.max(0, (c?.df ?? 0) + this.spill.passages),
      tokens: Math.max(0, (c?.tokens ?? 0) + this.spill.tokens),
      docs: Math.max(0, (c?.docs ?? 0) + this.spill.docs),
      docTokens: Math.max(0, (c?.docTokens ?? 0) + this.spill.docTokens),
    };
  }

  /** Writes this job's change of the term statistics (see writeTermStats). */
  async writeTerms(averages: { avgLength: number; avgDocLength: number }): Promise<void> {
    // A job that changed nothing on this node leaves its statistics as they are (and current).
    if (!this.fresh && !this.spill.touched) return;
    await writeTermStats(this.queue, this.client, this.termsUid, {
      spill: this.spill,
      totals: this.totals(),
      fresh: this.fresh,
      ...averages,
      ...(this.#postings ? { postings: this.#postings } : {}),
    });
  }

  /** Marks the statistics current: the last write of a job whose every other write succeeded. */
  async commitTerms(): Promise<void> {
    if (!this.fresh && !this.spill.touched) {
      // Nothing changed here: the statistics stay as they were, without the mark this job set (and
      // with every document's counts record, which readKept wrote if some lacked them).
      if (this.corpus) await unmarkJobPending(this.queue, this.client, this.termsUid, { ...this.corpus, counts: DOCUMENT_COUNTS_VERSION });
      return;
    }
    await commitTermStats(this.queue, this.client, this.termsUid, this.totals());
  }

  async readCorpus(): Promise<void> {
    this.corpus = await corpusRecord(this.client, this.termsUid);
  }
}

/**
 * Adds a stored passage to its document's gathered passages; once all have come, the document's
 * counts record (null when too long to store, or not yet complete).
 */
function gatherCounts(gathering: Map<string, StoredPassage[]>, p: StoredPassage): DocumentCountsRecord | null {
  let parts = gathering.get(p.docId);
  if (!parts) gathering.set(p.docId, (parts = []));
  parts.push(p);
  if (parts.length < p.passages) return null;
  gathering.delete(p.docId);
  parts.sort((a, b) => a.position - b.position);
  const first = parts[0]!;
  return documentCountsRecord({ docId: p.docId, title: first.title, lang: first.lang ?? null, passages: parts }, first.docTokens ?? 0);
}

/** The mean passage and document lengths over every node, after the job. */
function collectionAverages(nodes: readonly NodeJob[]): { avgLength: number; avgDocLength: number } {
  const t = nodes.map((n) => n.totals());
  const sum = (k: 'df' | 'tokens' | 'docs' | 'docTokens') => t.reduce((s, x) => s + x[k], 0);
  return { avgLength: sum('df') > 0 ? sum('tokens') / sum('df') : 0, avgDocLength: sum('docs') > 0 ? sum('docTokens') / sum('docs') : 0 };
}

/**
 * Runs one indexing job against one Meilisearch, or several (each document, with all its
 * passages, goes to the node rendezvous hashing picks for its id).
 *
 * 1. List the files under the roots; read which documents each node holds (incremental mode).
 * 2. Read each file and hash it; an unchanged document is not even cleaned. Changed and new ones
 *    are cleaned, counted into the term statistics (spilled to disk, see term-spill.ts) and sent
 *    in batches bounded by bytes and count, at most a few requests at a time (meili/writer.ts):
 *    the job's memory does not grow with the collection.
 *    Incremental (default): changed documents replace their passages (their old ones are read
 *    first, in groups, for the statistics, and leftovers deleted by id); documents gone from the
 *    roots, or now routed to another node, are deleted.
 *    Rebuild: everything goes to fresh indexes beside the live ones, swapped in on every node
 *    once every node has all of it; a failure before or during the swaps leaves (or puts) every
 *    node back on its old index.
 * 3. Write each node's term statistics, partition by partition; wait for every task. A failed
 *    write throws an IndexWriteError naming its index, batch and Meilisearch's code.
 */
export async function runIndexJob(target: Meilisearch | readonly JobNode[], indexUid: string, settings: Settings, opts: IndexJobOptions): Promise<IndexSummary> {
  const started = performance.now();
  const targets: readonly JobNode[] = Array.isArray(target) ? target : [{ name: 'meilisearch', client: target as Meilisearch }];
  const { files, failures, rootIds } = await collectFiles(opts.roots);
  const summary: IndexSummary = { documents: { indexed: 0, unchanged: 0, removed: 0, failed: 0 }, passages: 0, failures, flagged: [], tookMs: 0 };
  const spillParent = opts.spillDir ?? os.tmpdir();
  removeStaleSpillFolders(spillParent);
  const spillRoot = createSpillFolder(spillParent);
  try {
    if (opts.rebuild) await rebuild(targets, indexUid, settings, files, summary, opts, spillRoot);
    else await update(targets, indexUid, settings, files, rootIds, summary, opts, spillRoot);
  } finally {
    removeSpillFolder(spillRoot);
  }
  summary.documents.failed = failures.length;
  opts.onProgress?.({ phase: 'upload', done: summary.passages, total: summary.passages });
  summary.tookMs = Math.round(performance.now() - started);
  return summary;
}

async function prepare(node: NodeJob, settings: Settings): Promise<void> {
  await applySettings(node.client, await ensureIndex<PassageRecord>(node.client, node.uid), settings);
  await applySettings(node.client, await ensureIndex<TermRecord>(node.client, node.termsUid), TERMS_SETTINGS);
}

/** Writes every node's statistics, waits for all their writes, then marks the statistics current. */
async function finish(nodes: readonly NodeJob[], opts: IndexJobOptions): Promise<void> {
  for (const n of nodes) await n.passages.flush();
  for (const n of nodes) await n.counts.flush();
  const averages = collectionAverages(nodes);
  for (const n of nodes) await n.writeTerms(averages);
  opts.onProgress?.({ phase: 'upload', done: 0, total: nodes.reduce((s, n) => s + n.passages.sent, 0) });
  await Promise.all(nodes.map((n) => n.queue.wait()));
  for (const n of nodes) await n.commitTerms();
  await Promise.all(nodes.map((n) => n.queue.wait()));
}

async function rebuild(
  targets: readonly JobNode[],
  indexUid: string,
  settings: Settings,
  files: readonly FoundFile[],
  summary: IndexSummary,
  opts: IndexJobOptions,
  spillRoot: string,
): Promise<void> {
  const tmpUid = `${indexUid}__rebuild_${Date.now().toString(36)}`;
  const nodes = targets.map((t) => new NodeJob(t, tmpUid, opts, spillRoot));
  const swapped: NodeJob[] = [];
  const swap = (n: NodeJob) =>
    waitAll(n.client, [
      n.client.swapIndexes([
        { indexes: [indexUid, tmpUid], rename: false },
        { indexes: [termsIndexOf(indexUid), termsIndexOf(tmpUid)], rename: false },
      ]),
    ]);
  try {
    for (const n of nodes) {
      n.fresh = true;
      await prepare(n, settings);
      // The live indexes must exist for the swap.
      await ensureIndex(n.client, indexUid);
      await ensureIndex(n.client, termsIndexOf(indexUid));
    }
    for await (const r of ingestFiles(files, opts)) {
      if (isFailure(r)) summary.failures.push(r);
      else {
        await nodeFor(r.docId, nodes).add(r);
        summary.documents.indexed++;
        noteRetention(summary, r);
      }
    }
    await finish(nodes, opts);
    summary.passages = nodes.reduce((s, n) => s + n.passages.sent, 0);
    try {
      for (const n of nodes) {
        await swap(n);
        swapped.push(n);
      }
    } catch (err) {
      // Swapping twice restores: the nodes already swapped go back to the old index.
      for (const n of swapped) await swap(n).catch(() => undefined);
      throw err;
    }
  } finally {
    // After the swaps these hold the old passages and statistics; after a failure, the half-built new ones.
    for (const n of nodes) {
      n.spill.close();
      await waitAll(n.client, [n.client.deleteIndex(tmpUid), n.client.deleteIndex(termsIndexOf(tmpUid))]).catch(() => undefined);
    }
  }
}

async function update(
  targets: readonly JobNode[],
  indexUid: string,
  settings: Settings,
  files: readonly FoundFile[],
  rootIds: readonly string[],
  summary: IndexSummary,
  opts: IndexJobOptions,
  spillRoot: string,
): Promise<void> {
  const nodes = targets.map((t) => new NodeJob(t, indexUid, opts, spillRoot));
  const held = new Map<string, Held>();
  for (const n of nodes) {
    await prepare(n, settings);
    for (const [docId, d] of await indexedDocuments(n.index)) held.set(docId, { node: n, ...d });
    await n.readCorpus();
    n.countsMissing = n.corpus?.counts !== DOCUMENT_COUNTS_VERSION;
    // Statistics missing, stale (a job failed or died before marking them current), or kept by
    // an older release are recounted whole: from the passages kept and those this job brings.
    n.fresh = n.corpus?.postings !== POSTINGS_VERSION || n.corpus?.pending === true;
    if (n.fresh) n.corpus = null;
    else await markJobPending(n.queue, n.client, n.termsUid, n.corpus!);
  }
  const present = new Set<string>();
  const isUnchanged = (docId: string, docHash: string) => {
    const h = held.get(docId);
    return h !== undefined && h.docHash === docHash && h.node === nodeFor(docId, nodes);
  };
  try {
    for await (const r of ingestFiles(files, { ...opts, isUnchanged })) {
      if (isFailure(r)) {
        summary.failures.push(r);
        continue;
      }
      present.add(r.docId);
      const h = held.get(r.docId);
      if (r.unchanged) {
        summary.documents.unchanged++;
        h!.node.kept.add(r.docId);
        continue;
      }
      summary.documents.indexed++;
      noteRetention(summary, r);
      const owner = nodeFor(r.docId, nodes);
      if (h?.node === owner) await owner.replace(r);
      else {
        // A document routed to another node than the one holding it (the nodes changed) moves.
        if (h) h.node.remove(r.docId);
        await owner.add(r);
      }
    }
    // Documents gone from the roots this job scanned. Files that failed keep their old passages.
    const failedIds = new Set(summary.failures.map((f) => docIdFromFile(f.file)));
    const scanned = new Set(rootIds);
    for (const [docId, h] of held) {
      if (present.has(docId)) continue;
      if (scanned.has(h.rootId) && !failedIds.has(docId)) h.node.remove(docId);
      else h.node.kept.add(docId);
    }
    for (const n of nodes) {
      await n.flushReplacements();
      summary.documents.removed += await n.flushRemovals();
      await n.readKept((docId) => held.get(docId)?.docHash);
    }
    // A document moved between nodes was counted as removed once: it is not gone.
    summary.documents.removed -= [...present].filter((d) => held.has(d) && held.get(d)!.node !== nodeFor(d, nodes)).length;
    await finish(nodes, opts);
    summary.passages = nodes.reduce((s, n) => s + n.passages.sent, 0);
  } finally {
    for (const n of nodes) n.spill.close();
  }
}
