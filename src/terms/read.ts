import { eqAny, quote } from '../meili/filter.js';
import { documentStats, termWeight, type CorpusStats } from '../text/bm25.js';
import { frontierOf, KnownDocuments, kthLower, planReads, reachOf, type DocumentBounds, type KnownDocument, type TermCursor } from './blocks.js';
import { DocumentTable } from './document-table.js';
import {
  bestPostings,
  decodeDocumentColumns,
  decodePassagePostings,
  DOCUMENT_BLOCK,
  emptyColumns,
  passageWeight,
  POSTINGS_PER_TERM,
  type DocumentColumns,
  type DocumentPosting,
  type PostingLists,
} from './postings.js';
import { blockId, CORPUS_RECORD_ID, POSTINGS_VERSION, termId, type TermRecord } from './schema.js';

/** What ranking reads of the terms index for a query: the corpus statistics and each term's postings. */
export interface TermsRead {
  stats: CorpusStats;
  /** Each term's best passages (its documents: see postingLists). */
  lists: Map<string, PostingLists>;
  /** Each term's reading: the documents of its list read so far, and what its unread documents weigh at most. */
  cursors: Map<string, TermCursor>;
  /** The documents the cursors' postings name, by row. */
  documents: DocumentTable;
  /** Set when the index lives on one node: each cursor's received postings are its list, in order. */
  oneNode: boolean;
}

/** The search (on the terms index) that returns the first records of these terms and the corpus record. */
export function termsLookup(terms: readonly string[]): { q: string; filter: string; limit: number } {
  return { q: '', filter: `${eqAny('id', terms.map(termId))} OR id = ${quote(CORPUS_RECORD_ID)}`, limit: terms.length + 1 };
}

/**
 * The search (on the terms index) that returns, of each of these terms' first records, only what
 * says how rare the term is: to choose which terms of a long query to read (rarestTerms).
 */
export function rarityLookup(terms: readonly string[]): { q: string; filter: string; limit: number; attributesToRetrieve: string[] } {
  return { q: '', filter: eqAny('id', terms.map(termId)), limit: terms.length, attributesToRetrieve: ['term', 'df', 'ddf'] };
}

/** The documents holding each term, added up over the nodes' records that rarityLookup found. */
export function documentsHolding(records: ReadonlyArray<Pick<TermRecord, 'term' | 'df' | 'ddf'>>): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of records) out.set(r.term, (out.get(r.term) ?? 0) + (r.ddf ?? r.df));
  return out;
}

/** The search that returns the given blocks of these terms (on every node that has them). */
export function blocksLookup(reads: ReadonlyArray<{ term: string; block: number }>): { q: string; filter: string; limit: number } {
  return { q: '', filter: eqAny('id', reads.map((r) => blockId(r.term, r.block))), limit: reads.length };
}

/**
 * The statistics and postings in the records termsLookup found, or null when the index has none
 * to rank with (empty, or built before the current postings: its next indexing job recounts them).
 *
 * Over several nodes each holds the statistics of its own documents: the records of a term, and
 * the corpus records, are added up. Each term keeps the passages that weigh most under the whole
 * collection's mean lengths, equal weights by place, as one node holding everything would (the
 * indexer chose each node's passages with those same means and order). Its documents are the
 * first DOCUMENT_BLOCK of the whole list (see keepPrefix): the same on one node and on several.
 * `oneNode`: the index lives on one node, whose lists come in their order and are not checked.
 * `maxBlocks`: the blocks beyond the first the reading may add (ReadLimits), to size its table of documents.
 */
export function readTerms(records: readonly TermRecord[], { oneNode = false, maxBlocks = 0 } = {}): TermsRead | null {
  const corpora = records.filter((h) => h.id === CORPUS_RECORD_ID);
  if (corpora.length === 0 || corpora.some((c) => c.postings !== POSTINGS_VERSION)) return null;
  const sum = (k: 'df' | 'tokens' | 'docs' | 'docTokens') => corpora.reduce((s, c) => s + (c[k] ?? 0), 0);
  const passages = sum('df');
  if (passages === 0) return null;
  const avgLength = sum('tokens') / passages;
  const docs = sum('docs');
  const avgDocLength = docs ? sum('docTokens') / docs : 0;
  const byTerm = new Map<string, TermRecord[]>();
  for (const h of records) {
    if (h.id === CORPUS_RECORD_ID || (h.block ?? 0) !== 0) continue;
    const list = byTerm.get(h.term);
    if (list) list.push(h);
    else byTerm.set(h.term, [h]);
  }
  const df = new Map<string, number>();
  const ddf = new Map<string, number>();
  const lists = new Map<string, PostingLists>();
  const cursors = new Map<string, TermCursor>();
  // The documents the reading may meet: each term's first block and `maxBlocks` more, no more than the collection holds.
  const documents = new DocumentTable(Math.min(docs, (byTerm.size + maxBlocks) * Math.max(DOCUMENT_BLOCK, ...records.map((r) => r.blockSize ?? 0))));
  for (const [term, parts] of byTerm) {
    df.set(term, parts.reduce((s, h) => s + h.df, 0));
    const termDdf = parts.reduce((s, h) => s + (h.ddf ?? h.df), 0);
    ddf.set(term, termDdf);
    const p = parts.flatMap((h) => decodePassagePostings(h.passages));
    const cursor: TermCursor = {
      read: 1,
      frontier: 0,
      ddf: termDdf,
      weighedAt: Math.max(0, ...parts.map((h) => h.weighedAt ?? 0)) || avgDocLength,
      blockSize: Math.max(...parts.map((h) => h.blockSize ?? DOCUMENT_BLOCK)),
      received: emptyColumns(),
      kept: 0,
    };
    for (const h of parts) decodeDocumentColumns(h.documents, documents, cursor.received);
    keepPrefix(cursor, documents, avgDocLength, oneNode);
    cursors.set(term, cursor);
    lists.set(term, { passages: parts.length === 1 ? p : bestPostings(p, POSTINGS_PER_TERM, passageWeight(avgLength)) });
  }
  return { stats: { passages, avgLength, avgDocLength, df, docs, ddf }, lists, cursors, documents, oneNode };
}

/** Each term's best passages and the documents of its list read so far, as postings. */
export function postingLists(read: TermsRead): Map<string, PostingLists> {
  const out = new Map<string, PostingLists>();
  for (const [term, lists] of read.lists) {
    const cursor = read.cursors.get(term);
    const documents: DocumentPosting[] = [];
    if (cursor) {
      const r = cursor.received;
      for (let i = 0; i < cursor.kept; i++) documents.push([read.documents.idOf(r.rows[i]!), r.tf[i]!, r.lengths[i]!]);
    }
    out.set(term, { ...lists, documents });
  }
  return out;
}

/**
 * The first `read` blocks' worth of a term's whole list (blockSize × read documents, by weight,
 * equal weights by id), from what every node sent of its own list: the first `kept` of its
 * received postings, which are put in that order. Sets the cursor's frontier.
 *
 * Each node sent its first `read` blocks, which hold every document of its own that is among the
 * whole list's first DOCUMENT_BLOCK × read: those are found whatever the nodes, and no more are
 * kept, so that one node and several know the same documents. What is not kept weighs at most
 * the last kept (under the mean it was weighed at: frontierOf scales it to the current mean).
 */
function keepPrefix(cursor: TermCursor, table: DocumentTable, avgDocLength: number, oneNode: boolean): void {
  const depth = cursor.blockSize * cursor.read;
  const r = cursor.received;
  // One node's blocks come in its list's order (the indexer wrote them so, and addBlocks takes
  // them in block order): only several nodes' lists are checked, and merged. (Over several nodes
  // a term held by one of them is checked too: another may answer a later read that missed the first.)
  cursor.ordered = oneNode ? r.size : orderedPrefix(r, table, cursor.weighedAt, cursor.ordered ?? 0);
  if (cursor.ordered < r.size) {
    sortPostings(r, table, cursor.weighedAt);
    cursor.ordered = r.size;
  }
  cursor.kept = Math.min(depth, r.size);
  const last = cursor.kept - 1;
  cursor.frontier = cursor.ddf > depth && last >= 0 ? frontierOf(termWeight(r.tf[last]!, r.lengths[last]!, cursor.weighedAt), cursor.weighedAt, avgDocLength) : 0;
}

/**
 * How many of a term's first postings are in the order impactOrder puts them in (weight, then id),
 * checked from `from` on (the first `from` are known to be): a term's list is checked as it grows,
 * each posting once.
 */
function orderedPrefix(r: DocumentColumns, table: DocumentTable, weighedAt: number, from: number): number {
  let previous = from > 0 ? termWeight(r.tf[from - 1]!, r.lengths[from - 1]!, weighedAt) : Infinity;
  for (let i = from; i < r.size; i++) {
    const w = termWeight(r.tf[i]!, r.lengths[i]!, weighedAt);
    // Equal weights by id (comparePlaces of document postings, inlined: most of a list's weights tie).
    if (w > previous || (w === previous && table.compareIds(r.rows[i - 1]!, r.rows[i]!) > 0)) return i;
    previous = w;
  }
  return r.size;
}

/** Puts a term's postings in impactOrder's order (several nodes' lists, merged). */
function sortPostings(r: DocumentColumns, table: DocumentTable, weighedAt: number): void {
  const weights = new Float64Array(r.size);
  for (let i = 0; i < r.size; i++) weights[i] = termWeight(r.tf[i]!, r.lengths[i]!, weighedAt);
  const order = Array.from({ length: r.size }, (_, i) => i).sort((x, y) => weights[y]! - weights[x]! || table.compareIds(r.rows[x]!, r.rows[y]!));
  const rows = order.map((i) => r.rows[i]!);
  const tf = order.map((i) => r.tf[i]!);
  const lengths = order.map((i) => r.lengths[i]!);
  r.rows.set(rows);
  r.tf.set(tf);
  r.lengths.set(lengths);
}

/**
 * Adds the blocks blocksLookup found to a read: each term's documents, read to its new depth.
 * Returns where each term's known postings (its cursor's first `kept`) start and end that this
 * adds. A node without a block (its list ended earlier) has nothing more for the term.
 */
export function addBlocks(read: TermsRead, depths: ReadonlyMap<string, number>, records: readonly TermRecord[]): Map<string, { from: number; to: number }> {
  const added = new Map<string, { from: number; to: number }>();
  // In block order, so that one node's list arrives in its own order.
  for (const r of [...records].sort((a, b) => (a.block ?? 0) - (b.block ?? 0))) {
    const cursor = read.cursors.get(r.term);
    if (cursor && depths.has(r.term)) decodeDocumentColumns(r.documents, read.documents, cursor.received);
  }
  for (const [term, depth] of depths) {
    const cursor = read.cursors.get(term);
    if (!cursor) continue;
    const from = cursor.kept;
    cursor.read = depth;
    keepPrefix(cursor, read.documents, read.stats.avgDocLength, read.oneNode);
    // The whole list's order does not change as it is read further: the new documents follow the old.
    added.set(term, { from, to: cursor.kept });
  }
  return added;
}

/** What readDocuments found: the best documents with what is known of them, and what reading them cost. */
export interface DocumentsRead {
  /** The `depth` documents of highest score known (lower bound: exact for those counted), best first. */
  best: Array<{ docId: string; lower: number; document: KnownDocument }>;
  /** The documents met after them (at most `limits.next`), by lower bound: the postings read are all that is known of them. */
  next: Array<{ docId: string; lower: number }>;
  /** Documents met. */
  seen: number;
  /** Blocks read beyond the terms' first (on each node). */
  blocksRead: number;
  /** Requests for further blocks. */
  rounds: number;
  /** Documents counted (their every term's count read, see DocumentReaders.count). */
  counted: number;
  /** Set when a bound on the work stopped the reading before the best `depth` documents were certain. */
  capped?: 'blocks' | 'counted';
}

/** How a question reads more than its terms' first blocks. */
export interface DocumentReaders {
  /** The records of these blocks, on every node that has them. */
  blocks: (reads: Array<{ term: string; block: number }>) => Promise<readonly TermRecord[]>;
  /**
   * The query terms' counts in these documents, as the indexer counts them; a document it could not
   * read whole is left out. `alongside`, on the last count: the best documents known then, which the
   * caller may read in the same request (it shows documents through their passages); not counted.
   */
  count: (docIds: readonly string[], alongside?: readonly string[]) => Promise<ReadonlyMap<string, { counts: Map<string, number>; length: number }>>;
}

/** Bounds on a question's work: the documents it ranks exactly, and what it may read to find them. */
export interface ReadLimits {
  depth: number;
  /** Blocks beyond each term's first, over all rounds. */
  maxBlocks: number;
  /** Requests for further blocks. */
  maxRounds: number;
  /** Documents counted in one request at the end. */
  maxCounted: number;
  /** Documents met beyond the `depth` best to return by what their postings say (none when absent). */
  next?: number;
}

/** A count's answer: the documents asked about, and the counts of those read whole. */
interface Counts {
  docIds: readonly string[];
  counted: ReadonlyMap<string, { counts: Map<string, number>; length: number }>;
}

/**
 * A question's documents, the best `depth` of them with exact counts when the reading completes
 * within its limits, as many as the limits allow otherwise:
 * 1. the documents of its terms' first blocks;
 * 2. further blocks of the terms MaxScore calls essential (planReads), or of the terms the
 *    documents that could still rank lack, in at most `maxRounds` requests of several blocks each
 *    (the budget is spread over the rounds left, so that a question costs a few round trips);
 * 3. the documents that could still rank counted from their text, best bound first, in one request.
 * Every choice depends only on the whole lists' prefixes (keepPrefix), never on how the nodes split
 * them or on which answer comes first: one node and several read, count and rank the same
 * documents, complete or not.
 */
export async function readDocuments(terms: readonly string[], read: TermsRead, io: DocumentReaders, limits: ReadLimits): Promise<DocumentsRead> {
  const docStats = documentStats(read.stats);
  const unique = [...new Set(terms)];
  const known = new KnownDocuments(unique, docStats, read.documents);
  for (const term of unique) {
    const cursor = read.cursors.get(term);
    if (cursor) known.addPostings(term, cursor.received, 0, cursor.kept);
  }
  const out = { blocksRead: 0, rounds: 0, counted: 0, capped: undefined as DocumentsRead['capped'] };
  // `last`: the current bounds, on the last count, to pick the best documents to read alongside.
  // A count's answer changes what is known only where `apply` is called, never as it arrives: what
  // the reading plans must not depend on which answer came first.
  const ask = (docIds: readonly string[], last?: DocumentBounds): Promise<Counts | null> => {
    const alongside = last ? known.bestIds(last, limits.depth) : [];
    if (docIds.length === 0 && alongside.length === 0) return Promise.resolve(null);
    return io.count(docIds, alongside).then((counted) => ({ docIds, counted }));
  };
  const apply = (answer: Counts | null) => {
    if (!answer) return;
    out.counted += answer.docIds.length;
    for (const [docId, d] of answer.counted) known.setExact(docId, d.counts, d.length);
    if (answer.counted.size < answer.docIds.length) out.capped = 'counted';
  };
  // The documents that could score most are counted first, as Fagin's TA does with random access,
  // so that the threshold is an exact score and the reading stops sooner. The count is sent just
  // after the first round of blocks (or when first awaited): the reading waits on that round, and
  // applies the count only once the second is asked for. `first`: the count, sent when called, of
  // the documents of highest bound before any block was read (`before`).
  let before: DocumentBounds | null = null;
  let firstAsked: Promise<Counts | null> | null = null;
  let first: (() => Promise<Counts | null>) | null = () => {
    if (firstAsked) return firstAsked;
    firstAsked = ask(known.toResolve(before!, 0, Math.min(limits.depth, limits.maxCounted)));
    // Its failure is thrown where it is awaited. Until then it must not go unhandled (the service
    // stops on an unhandled rejection): a reading whose blocks fail first never awaits it.
    firstAsked.catch(() => {});
    return firstAsked;
  };
  for (;;) {
    const bounds = known.bounds(read.cursors);
    before ??= bounds;
    const plan = planReads(unique, bounds, read.cursors, docStats, limits.depth);
    let wanted = plan.read;
    if (wanted.length === 0 && !first) {
      const uncertain = known.toResolve(bounds, plan.threshold, Infinity);
      if (uncertain.length <= limits.maxCounted) {
        apply(await ask(uncertain, bounds));
        break;
      }
      // Too many to count: the terms they lack are read further, which lowers their bounds.
      wanted = known.lacking(uncertain, read.cursors);
    }
    const depths = blockShares(wanted, read, docStats, Math.ceil((limits.maxBlocks - out.blocksRead) / Math.max(1, limits.maxRounds - out.rounds)));
    if (first && depths.size === 0) {
      apply(await first());
      first = null;
      continue;
    }
    if (depths.size === 0 || out.rounds >= limits.maxRounds) {
      // A count still out may change what is known; else the bounds and threshold just made hold.
      const pending = first !== null;
      if (first) apply(await first());
      first = null;
      out.capped ??= 'blocks';
      const last = pending ? known.bounds(read.cursors) : bounds;
      apply(await ask(known.toResolve(last, pending ? kthLower(last, limits.depth) : plan.threshold, limits.maxCounted), last));
      break;
    }
    const reads: Array<{ term: string; block: number }> = [];
    for (const [term, depth] of depths) for (let b = read.cursors.get(term)!.read; b < depth; b++) reads.push({ term, block: b });
    const added = io.blocks(reads).then((records) => {
      for (const [term, { from, to }] of addBlocks(read, depths, records)) known.addPostings(term, read.cursors.get(term)!.received, from, to);
    });
    const firstCount = first?.();
    // The first count is applied once the second round is asked for: that round is planned from
    // the first round's blocks alone, so it goes out as soon as they come rather than when the
    // slower count does (the count reads whole records of the documents of highest bound).
    // bench:postings measured the same candidate recall either way. Blocks and count are each
    // taken in as they come: what is known once both are in is the same in either order (a
    // counted document's counts replace whatever its postings said, and postings leave a counted
    // document as it is).
    const counted = firstCount && out.rounds > 0 ? firstCount.then(apply) : null;
    await Promise.all([added, counted]);
    if (counted) first = null;
    out.rounds++;
    out.blocksRead += reads.length;
  }
  const { capped, ...rest } = out;
  return {
    ...known.best(known.bounds(read.cursors), limits.depth, limits.next ?? 0),
    seen: known.size,
    ...rest,
    ...(capped ? { capped } : {}),
  };
}

/**
 * How far each of these terms is read in the next round, in blocks (its new depth): `budget`
 * blocks dealt one at a time to the terms in turn, in order of reach (IDF times frontier),
 * skipping a term once its list is read to the end. Only terms that still have blocks appear.
 */
function blockShares(terms: readonly string[], read: TermsRead, docStats: CorpusStats, budget: number): Map<string, number> {
  const open = terms.flatMap((t) => {
    const cursor = read.cursors.get(t);
    const reach = reachOf(t, read.cursors, docStats);
    return cursor && reach > 0 ? [{ t, cursor, reach }] : [];
  });
  open.sort((a, b) => b.reach - a.reach || (a.t < b.t ? -1 : 1));
  const depths = new Map<string, number>();
  let left = budget;
  while (left > 0) {
    let dealt = false;
    for (const x of open) {
      const depth = depths.get(x.t) ?? x.cursor.read;
      if (left === 0 || depth * x.cursor.blockSize >= x.cursor.ddf) continue;
      depths.set(x.t, depth + 1);
      left--;
      dealt = true;
    }
    if (!dealt) break;
  }
  return depths;
}
