import type { Meilisearch } from 'meilisearch';
import { quote } from '../meili/filter.js';
import { DocumentBatcher, type WriteQueue } from '../meili/writer.js';
import {
  bestPostings,
  decodeDocumentPostings,
  decodePassagePostings,
  DOCUMENT_BLOCK,
  documentWeight,
  encodePostings,
  impactOrder,
  passageWeight,
  POSTINGS_PER_TERM,
  type DocumentPosting,
  type PassagePosting,
} from '../terms/postings.js';
import { blockId, CORPUS_RECORD_ID, DOCUMENT_COUNTS_VERSION, POSTINGS_VERSION, termId, type TermRecord } from '../terms/schema.js';
import type { TermSpill, TermTotals } from './term-spill.js';

/** Term records read per request: they carry their postings, so a few hundred keep a page small. */
const RECORDS_PER_READ = 250;

/** Corpus totals: passages (df), their words, documents, their words. */
export type CorpusTotals = Required<Pick<TermRecord, 'df' | 'tokens' | 'docs' | 'docTokens'>>;

/** The corpus record of a terms index, or null when it has none. */
export async function corpusRecord(client: Meilisearch, termsUid: string): Promise<TermRecord | null> {
  const page = await client.index<TermRecord>(termsUid).getDocuments({ filter: `id = ${quote(CORPUS_RECORD_ID)}`, limit: 1 });
  return page.results[0] ?? null;
}

/** How much of a term's postings its records hold: documents per block, best passages kept. */
export interface PostingsShape {
  block?: number;
  passages?: number;
}

/** A term's stored records: its first (frequencies, passages, first block) and its later blocks. */
interface StoredTerm {
  first: TermRecord;
  documents: DocumentPosting[];
}

async function recordsById(index: ReturnType<Meilisearch['index']>, ids: readonly string[]): Promise<TermRecord[]> {
  const out: TermRecord[] = [];
  for (let i = 0; i < ids.length; i += RECORDS_PER_READ) {
    const page = await index.getDocuments<TermRecord>({ filter: `id IN [${ids.slice(i, i + RECORDS_PER_READ).map((id) => quote(id)).join(', ')}]`, limit: RECORDS_PER_READ });
    out.push(...page.results);
  }
  return out;
}

/** The stored records of these terms, with every block of their documents, by term id. */
async function storedTerms(client: Meilisearch, termsUid: string, terms: readonly string[]): Promise<Map<string, StoredTerm>> {
  const out = new Map<string, StoredTerm>();
  const index = client.index(termsUid);
  for (const r of await recordsById(index, terms.map(termId))) out.set(r.id, { first: r, documents: decodeDocumentPostings(r.documents) });
  const later: string[] = [];
  for (const t of out.values()) for (let b = 1; b < (t.first.blocks ?? 1); b++) later.push(blockId(t.first.term, b));
  for (const r of await recordsById(index, later)) out.get(termId(r.term))?.documents.push(...decodeDocumentPostings(r.documents));
  return out;
}

/**
 * A term's records: the first carries its frequencies, its best passages and its first block of
 * documents; each later one a block. Documents are ordered by weight, equal weights by id, under
 * the mean length each block records.
 */
export function termRecords(
  term: string,
  counts: { df: number; ddf: number },
  passages: readonly PassagePosting[],
  documents: readonly DocumentPosting[],
  avgDocLength: number,
  blockSize = DOCUMENT_BLOCK,
): TermRecord[] {
  const weigh = documentWeight(avgDocLength);
  const ordered = impactOrder(documents, weigh);
  const blocks = Math.max(1, Math.ceil(ordered.length / blockSize));
  const records: TermRecord[] = [];
  for (let b = 0; b < blocks; b++) {
    const block = { documents: encodePostings(ordered.slice(b * blockSize, (b + 1) * blockSize)), weighedAt: avgDocLength };
    records.push(
      b === 0
        ? { id: termId(term), term, df: counts.df, ddf: counts.ddf, passages: encodePostings(passages), block: 0, blocks, blockSize, ...block }
        : { id: blockId(term, b), term, df: 0, block: b, ...block },
    );
  }
  return records;
}

/**
 * Applies a job's change of the term statistics (counted in `spill`) to a terms index, one
 * partition of terms at a time: each term's stored record is read, its frequencies changed, and
 * its postings chosen again among the stored ones (less the documents removed) and the added ones:
 * the best passages, and every document, in blocks by weight (termRecords). Postings are weighed with the mean lengths of the whole collection (over every node), so that
 * the nodes' lists together hold what one node holding everything would. `fresh`: the statistics
 * are emptied and written from the spill alone.
 *
 * The corpus record is first written marked stale (postings 0); commitTermStats makes it current
 * once every other write of the job has succeeded. A job that fails or dies in between leaves the
 * statistics marked: ranking falls back to Meilisearch's, and the next job recounts them.
 */
export async function writeTermStats(
  queue: WriteQueue,
  client: Meilisearch,
  termsUid: string,
  change: { spill: TermSpill; totals: CorpusTotals; fresh: boolean; avgLength: number; avgDocLength: number; postings?: PostingsShape },
): Promise<void> {
  const terms = client.index<TermRecord>(termsUid);
  const records = new DocumentBatcher(queue, client, termsUid);
  // The term and corpus records only (they have a `term`): the documents' counts stay, as their passages do.
  if (change.fresh) await queue.send(termsUid, queue.nextBatch(termsUid), 'emptying the statistics', () => terms.deleteDocuments({ filter: 'term EXISTS' }));
  await records.add([{ id: CORPUS_RECORD_ID, term: '', ...change.totals, postings: 0 }]);
  await records.flush();
  const passageWeigh = passageWeight(change.avgLength);
  const removed = change.spill.removedDocs;
  const kept = <P extends PassagePosting | DocumentPosting>(stored: P[], added: P[]) => [...stored.filter((p) => !removed.has(p[0])), ...added];
  await change.spill.forEachPartition(async (changes: TermTotals[]) => {
    const current = change.fresh ? new Map<string, StoredTerm>() : await storedTerms(client, termsUid, changes.map((c) => c.term));
    const deletions: string[] = [];
    const upserts: TermRecord[] = [];
    for (const c of changes) {
      const id = termId(c.term);
      const stored = current.get(id);
      const df = (stored?.first.df ?? 0) + c.df;
      const ddf = (stored?.first.ddf ?? 0) + c.ddf;
      const storedBlocks = stored?.first.blocks ?? (stored ? 1 : 0);
      let blocks = 0;
      if (df > 0) {
        const passages = bestPostings(kept(decodePassagePostings(stored?.first.passages), c.passages), change.postings?.passages ?? POSTINGS_PER_TERM, passageWeigh);
        const written = termRecords(c.term, { df, ddf: Math.max(1, ddf) }, passages, kept(stored?.documents ?? [], c.documents), change.avgDocLength, change.postings?.block);
        blocks = written.length;
        upserts.push(...written);
      }
      for (let b = blocks; b < storedBlocks; b++) deletions.push(blockId(c.term, b));
    }
    await records.add(upserts);
    if (deletions.length > 0) {
      await queue.send(termsUid, queue.nextBatch(termsUid), `deletion of ${deletions.length} term records`, () => terms.deleteDocuments(deletions));
    }
  });
  await records.flush();
}

/**
 * Marks a job under way, before it changes any passage (ranking still reads the statistics): a job
 * killed before commitTermStats leaves the mark, and the next job, finding it, recounts the
 * statistics and deletes the passages the dead job left behind.
 */
export async function markJobPending(queue: WriteQueue, client: Meilisearch, termsUid: string, corpus: TermRecord): Promise<void> {
  const records = new DocumentBatcher(queue, client, termsUid);
  await records.add([{ ...corpus, pending: true }]);
  await records.flush();
  await queue.wait();
}

/** Puts back the statistics as a job found them, before markJobPending: a job that changed nothing. */
export async function unmarkJobPending(queue: WriteQueue, client: Meilisearch, termsUid: string, corpus: TermRecord): Promise<void> {
  const { pending: _, ...found } = corpus;
  const records = new DocumentBatcher(queue, client, termsUid);
  await records.add([found]);
  await records.flush();
}

/**
 * Marks the statistics current (see writeTermStats), and every document as having its counts
 * record (the job wrote those its documents lacked): the last write of a job.
 */
export async function commitTermStats(queue: WriteQueue, client: Meilisearch, termsUid: string, totals: CorpusTotals): Promise<void> {
  const records = new DocumentBatcher(queue, client, termsUid);
  await records.add([{ id: CORPUS_RECORD_ID, term: '', ...totals, postings: POSTINGS_VERSION, counts: DOCUMENT_COUNTS_VERSION }]);
  await records.flush();
}
