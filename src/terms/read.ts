import { eqAny, quote } from '../meili/filter.js';
import { documentStats, type CorpusStats } from '../text/bm25.js';
import { addPostings, documentBounds, frontierOf, planReads, type KnownDocument, type TermCursor } from './blocks.js';
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

/** What readDocumentBlocks found: each document's known counts, and how many blocks it read. */
export interface DocumentsRead {
  documents: Map<string, KnownDocument>;
  blocksRead: number;
  /** True when it stopped at `maxBlocks` with documents still unread that could rank. */
  capped: boolean;
}

/**
 * A question's documents: those of its terms' first blocks, and of further blocks read (through
 * `fetch`, one request a round) while planReads asks for them, at most `maxBlocks` blocks.
 */
export async function readDocumentBlocks(
  terms: readonly string[],
  read: TermsRead,
  fetch: (reads: Array<{ term: string; block: number }>) => Promise<readonly TermRecord[]>,
  depth: number,
  maxBlocks: number,
): Promise<DocumentsRead> {
  const docStats = documentStats(read.stats);
  const documents = new Map<string, KnownDocument>();
  for (const term of new Set(terms)) addPostings(documents, term, read.lists.get(term)?.documents ?? []);
  let blocksRead = 0;
  for (;;) {
    const plan = planReads(terms, documentBounds(terms, documents, read.cursors, docStats), read.cursors, docStats, depth);
    if (plan.read.length === 0) return { documents, blocksRead, capped: false };
    if (blocksRead + plan.read.length > maxBlocks) return { documents, blocksRead, capped: true };
    const reads = plan.read.map((term) => ({ term, block: read.cursors.get(term)!.read }));
    const records = await fetch(reads);
    blocksRead += reads.length;
    for (const [term, postings] of addBlocks(read, plan.read, records)) addPostings(documents, term, postings);
  }
}
