import type { EnqueuedTask, Index, Meilisearch } from 'meilisearch';
import { quote } from '../meili/filter.js';
import { ensureIndex } from '../meili/indexes.js';
import { applySettings, TERMS_SETTINGS } from '../meili/settings.js';
import { handled } from '../promises.js';
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
import type { TermStatsDelta } from './term-stats.js';

/** Term records read per request: they carry their postings, so a few hundred keep a page small. */
const RECORDS_PER_READ = 250;
const UPSERTS_PER_TASK = 5_000;
const DELETIONS_PER_TASK = 10_000;

/**
 * Creates and configures a terms index. Done at the start of a job, while Meilisearch's queue is
 * empty: behind the queued passages, these waits would hold the statistics back to the very end.
 */
export async function prepareTermsIndex(client: Meilisearch, uid: string): Promise<Index<TermRecord>> {
  const index = await ensureIndex<TermRecord>(client, uid);
  await applySettings(client, index, TERMS_SETTINGS);
  return index;
}

/** The postings version of a terms index (undefined for one without postings, or empty). */
export async function postingsVersion(index: Index<TermRecord>): Promise<number | undefined> {
  const page = await index.getDocuments({ filter: `id = ${quote(CORPUS_RECORD_ID)}`, limit: 1 });
  return page.results[0]?.postings;
}

/**
 * Applies a change of the corpus statistics to the terms index that ranking reads: document
 * frequencies and postings per term, and the corpus totals. `fresh` means the index starts empty.
 * Returns the enqueued tasks, for the job to wait on with its others.
 */
export async function applyTermStats(index: Index<TermRecord>, delta: TermStatsDelta, fresh: boolean): Promise<Array<Promise<EnqueuedTask>>> {
  const current = new Map<string, TermRecord>();
  if (!fresh) {
    const terms = [...delta.terms.keys()];
    const wanted = [CORPUS_RECORD_ID, ...terms.map(termId)];
    for (let i = 0; i < wanted.length; i += RECORDS_PER_READ) {
      const ids = wanted.slice(i, i + RECORDS_PER_READ);
      const page = await index.getDocuments({ filter: `id IN [${ids.map((id) => quote(id)).join(', ')}]`, limit: RECORDS_PER_READ });
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
  for (let i = 0; i < upserts.length; i += UPSERTS_PER_TASK) tasks.push(handled(index.addDocuments(upserts.slice(i, i + UPSERTS_PER_TASK), { primaryKey: 'id' })));
  for (let i = 0; i < deletions.length; i += DELETIONS_PER_TASK) tasks.push(handled(index.deleteDocuments(deletions.slice(i, i + DELETIONS_PER_TASK))));
  return tasks;
}
