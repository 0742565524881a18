import type { Meilisearch } from 'meilisearch';
import { quote } from '../meili/filter.js';
import { DocumentBatcher, type WriteQueue } from '../meili/writer.js';
import {
  bestPostings,
  decodeDocumentPostings,
  decodePassagePostings,
  documentWeight,
  encodePostings,
  passageWeight,
  POSTINGS_PER_TERM,
  type DocumentPosting,
  type PassagePosting,
} from '../terms/postings.js';
import { CORPUS_RECORD_ID, POSTINGS_VERSION, termId, type TermRecord } from '../terms/schema.js';
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

async function storedTerms(client: Meilisearch, termsUid: string, terms: readonly string[]): Promise<Map<string, TermRecord>> {
  const out = new Map<string, TermRecord>();
  const index = client.index<TermRecord>(termsUid);
  const ids = terms.map(termId);
  for (let i = 0; i < ids.length; i += RECORDS_PER_READ) {
    const page = await index.getDocuments({ filter: `id IN [${ids.slice(i, i + RECORDS_PER_READ).map((id) => quote(id)).join(', ')}]`, limit: RECORDS_PER_READ });
    for (const r of page.results) out.set(r.id, r);
  }
  return out;
}

/**
 * Applies a job's change of the term statistics (counted in `spill`) to a terms index, one
 * partition of terms at a time: each term's stored record is read, its frequencies changed, and
 * its postings chosen again among the stored ones (less the documents removed) and the added ones.
 * Postings are weighed with the mean lengths of the whole collection (over every node), so that
 * the nodes' lists together hold what one node holding everything would. `fresh`: the index is
 * emptied and the statistics written from the spill alone.
 *
 * The corpus record is first written marked stale (postings 0); commitTermStats makes it current
 * once every other write of the job has succeeded. A job that fails or dies in between leaves the
 * statistics marked: ranking falls back to Meilisearch's, and the next job recounts them.
 */
export async function writeTermStats(
  queue: WriteQueue,
  client: Meilisearch,
  termsUid: string,
  change: { spill: TermSpill; totals: CorpusTotals; fresh: boolean; avgLength: number; avgDocLength: number },
): Promise<void> {
  const terms = client.index<TermRecord>(termsUid);
  const records = new DocumentBatcher(queue, client, termsUid);
  if (change.fresh) await queue.send(termsUid, queue.nextBatch(termsUid), 'emptying the statistics', () => terms.deleteAllDocuments());
  await records.add([{ id: CORPUS_RECORD_ID, term: '', ...change.totals, postings: 0 }]);
  await records.flush();
  const passageWeigh = passageWeight(change.avgLength);
  const documentWeigh = documentWeight(change.avgDocLength);
  const removed = change.spill.removedDocs;
  const kept = <P extends PassagePosting | DocumentPosting>(stored: P[], added: P[], weigh: (p: P) => number) =>
    bestPostings([...stored.filter((p) => !removed.has(p[0])), ...added], POSTINGS_PER_TERM, weigh);
  await change.spill.forEachPartition(async (changes: TermTotals[]) => {
    const current = change.fresh ? new Map<string, TermRecord>() : await storedTerms(client, termsUid, changes.map((c) => c.term));
    const deletions: string[] = [];
    const upserts: TermRecord[] = [];
    for (const c of changes) {
      const id = termId(c.term);
      const stored = current.get(id);
      const df = (stored?.df ?? 0) + c.df;
      const ddf = (stored?.ddf ?? 0) + c.ddf;
      if (df > 0) {
        upserts.push({
          id,
          term: c.term,
          df,
          ddf: Math.max(1, ddf),
          passages: encodePostings(kept(decodePassagePostings(stored?.passages), c.passages, passageWeigh)),
          documents: encodePostings(kept(decodeDocumentPostings(stored?.documents), c.documents, documentWeigh)),
        });
      } else if (stored) deletions.push(id);
    }
    await records.add(upserts);
    if (deletions.length > 0) {
      await queue.send(termsUid, queue.nextBatch(termsUid), `deletion of ${deletions.length} terms`, () => terms.deleteDocuments(deletions));
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

/** Marks the statistics current (see writeTermStats): the last write of a job. */
export async function commitTermStats(queue: WriteQueue, client: Meilisearch, termsUid: string, totals: CorpusTotals): Promise<void> {
  const records = new DocumentBatcher(queue, client, termsUid);
  await records.add([{ id: CORPUS_RECORD_ID, term: '', ...totals, postings: POSTINGS_VERSION }]);
  await records.flush();
}
