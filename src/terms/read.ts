import { eqAny, quote } from '../meili/filter.js';
import { documentStats, type CorpusStats } from '../text/bm25.js';
import { addPostings, documentBounds, frontierOf, planReads, toResolve, type KnownDocument, type TermCursor } from './blocks.js';
import { bestPostings, decodeDocumentPostings, decodePassagePostings, passageWeight, POSTINGS_PER_TERM, type DocumentPosting, type PostingLists } from './postings.js';
import { blockId, CORPUS_RECORD_ID, POSTINGS_VERSION, termId, type TermRecord } from './schema.js';

/** What ranking reads of the terms index for a query: the corpus statistics and each term's postings. */
export interface TermsRead {
  stats: CorpusStats;
  /** Each term's best passages, and the documents of the blocks read so far. */
  lists: Map<string, PostingLists>;
  /** Each term's blocks read, and what its unread documents weigh at most. */
  cursors: Map<string, TermCursor>;
}

/** The search (on the terms index) that returns the first records of these terms and the corpus record. */
export function termsLookup(terms: readonly string[]): { q: string; filter: string; limit: number } {
  return { q: '', filter: `${eqAny('id', terms.map(termId))} OR id = ${quote(CORPUS_RECORD_ID)}`, limit: terms.length + 1 };
}

/** The search that returns the given block of each of these terms (on every node that has it). */
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
 * indexer chose each node's passages with those same means and order); its documents are every
 * node's first block, and what it has unread weighs at most the highest of the nodes' next weights.
 */
export function readTerms(records: readonly TermRecord[]): TermsRead | null {
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
  for (const [term, parts] of byTerm) {
    df.set(term, parts.reduce((s, h) => s + h.df, 0));
    ddf.set(term, parts.reduce((s, h) => s + (h.ddf ?? h.df), 0));
    const p = parts.flatMap((h) => decodePassagePostings(h.passages));
    const d = parts.flatMap((h) => decodeDocumentPostings(h.documents));
    lists.set(term, { passages: parts.length === 1 ? p : bestPostings(p, POSTINGS_PER_TERM, passageWeight(avgLength)), documents: d });
    cursors.set(term, { read: 1, frontier: frontierAfter(parts, avgDocLength) });
  }
  return { stats: { passages, avgLength, avgDocLength, df, docs, ddf }, lists, cursors };
}

/** What the unread documents of a term weigh at most, after these records (one per node) were read. */
function frontierAfter(records: readonly TermRecord[], avgDocLength: number): number {
  return Math.max(0, ...records.map((r) => frontierOf(r.next ?? 0, r.weighedAt ?? 0, avgDocLength)));
}

/**
 * Adds the blocks blocksLookup found to a read: each term's documents, one block further. A node
 * without the block (its list ended earlier) has nothing more for the term.
 */
export function addBlocks(read: TermsRead, terms: readonly string[], records: readonly TermRecord[]): Map<string, DocumentPosting[]> {
  const byTerm = new Map<string, TermRecord[]>(terms.map((t) => [t, []]));
  for (const r of records) byTerm.get(r.term)?.push(r);
  const added = new Map<string, DocumentPosting[]>();
  for (const [term, parts] of byTerm) {
    const cursor = read.cursors.get(term);
    if (!cursor) continue;
    const d = parts.flatMap((h) => decodeDocumentPostings(h.documents));
    added.set(term, d);
    const list = read.lists.get(term);
    read.lists.set(term, { passages: list?.passages ?? [], documents: [...(list?.documents ?? []), ...d] });
    read.cursors.set(term, { read: cursor.read + 1, frontier: frontierAfter(parts, read.stats.avgDocLength) });
  }
  return added;
}

/** What readDocuments found: each document's known counts, and what reading them cost. */
export interface DocumentsRead {
  documents: Map<string, KnownDocument>;
  /** Blocks read beyond the terms' first. */
  blocksRead: number;
  /** Documents counted from their text. */
  counted: number;
  /** Set when a bound on the work stopped the reading before the best `depth` documents were certain. */
  capped?: 'blocks' | 'counted';
}

/** How a question reads more than its terms' first blocks. */
export interface DocumentReaders {
  /** The records of these blocks, on every node that has them. */
  blocks: (reads: Array<{ term: string; block: number }>) => Promise<readonly TermRecord[]>;
  /** The query terms' counts in these documents, as the indexer counts them; a document it could not read whole is left out. */
  count: (docIds: readonly string[]) => Promise<ReadonlyMap<string, { counts: Map<string, number>; length: number }>>;
}

/** Bounds on a question's work: the documents it ranks exactly, blocks and documents counted it may read. */
export interface ReadLimits {
  depth: number;
  maxBlocks: number;
  maxCounted: number;
}

/**
 * A question's documents, the best `depth` of them with exact counts:
 * 1. the documents of its terms' first blocks;
 * 2. the `depth` that could score most counted at once from their text, so that the threshold
 *    is an exact score, as Fagin's TA has it with random access, and the reading stops sooner;
 * 3. further blocks, one request a round, while planReads asks for them, or while more documents
 *    could still rank than `maxCounted` (reading lowers what their unknown counts can add);
 * 4. the documents that could still rank counted from their text.
 * At most `maxBlocks` blocks beyond the first and 2 × `maxCounted` documents counted.
 */
export async function readDocuments(terms: readonly string[], read: TermsRead, io: DocumentReaders, limits: ReadLimits): Promise<DocumentsRead> {
  const docStats = documentStats(read.stats);
  const documents = new Map<string, KnownDocument>();
  for (const term of new Set(terms)) addPostings(documents, term, read.lists.get(term)?.documents ?? []);
  const out: DocumentsRead = { documents, blocksRead: 0, counted: 0 };
  const bounds = () => documentBounds(terms, documents, read.cursors, docStats);
  const count = async (docIds: readonly string[]) => {
    if (docIds.length === 0) return;
    const counted = await io.count(docIds);
    out.counted += docIds.length;
    for (const [docId, d] of counted) documents.set(docId, { counts: d.counts, length: d.length, exact: true });
    if (counted.size < docIds.length) out.capped = 'counted';
  };
  await count(toResolve(bounds(), 0, Math.min(limits.depth, limits.maxCounted)));
  for (;;) {
    const b = bounds();
    const plan = planReads(terms, b, read.cursors, docStats, limits.depth);
    let next = plan.read;
    const uncertain = toResolve(b, plan.threshold, Infinity);
    if (next.length === 0) {
      if (uncertain.length <= limits.maxCounted) {
        await count(uncertain);
        return out;
      }
      // Too many to count: the terms they lack are read further, which lowers their bounds.
      const lacking = new Set<string>();
      for (const id of uncertain) for (const t of terms) if (!documents.get(id)!.counts.has(t) && (read.cursors.get(t)?.frontier ?? 0) > 0) lacking.add(t);
      next = [...lacking];
    }
    if (next.length === 0 || out.blocksRead + next.length > limits.maxBlocks) {
      out.capped ??= 'blocks';
      await count(uncertain.slice(0, limits.maxCounted));
      return out;
    }
    const records = await io.blocks(next.map((term) => ({ term, block: read.cursors.get(term)!.read })));
    out.blocksRead += next.length;
    for (const [term, postings] of addBlocks(read, next, records)) addPostings(documents, term, postings);
  }
}
