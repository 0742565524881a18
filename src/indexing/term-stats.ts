import { createHash } from 'node:crypto';
import { termWeight, terms } from '../search/bm25.js';

/** The text of a passage that ranking reads: its title, heading and text. */
export interface ScoredFields {
  docId?: string;
  title: string | null;
  heading: string | null;
  text: string;
  position?: number;
  docTokens?: number;
}

/** A passage holding a term: its document and position, the term's count, the passage's tokens. */
export type PassagePosting = [docId: string, position: number, tf: number, length: number];
/** A document holding a term: its id, the term's count over title and body, the document's tokens. */
export type DocumentPosting = [docId: string, tf: number, length: number];

/**
 * Postings kept per term, the passages and the documents where the term weighs most (BM25's term
 * weight). A term in fewer places than this has all of them; for a common term, the places left
 * out are those where its weight, and its IDF, count least. Ranking reads these in place of the
 * passages' text, so a question costs one small read however large the corpus.
 */
export const POSTINGS_PER_TERM = 200;
/** Marks, on the corpus record, terms indexes whose every term record carries its postings. */
export const POSTINGS_VERSION = 1;

/** What one set of passages adds to the corpus statistics. */
export interface TermStatsDelta {
  passages: number;
  tokens: number;
  docs: number;
  docTokens: number;
  /** Passages containing each term. */
  df: Map<string, number>;
  /** Documents containing each term. */
  ddf: Map<string, number>;
  /** Postings of the passages and documents added, per term (at most twice POSTINGS_PER_TERM). */
  passagePostings: Map<string, PassagePosting[]>;
  documentPostings: Map<string, DocumentPosting[]>;
  /** Documents removed or replaced: their stored postings are withdrawn. */
  removedDocs: Set<string>;
}

export function emptyDelta(): TermStatsDelta {
  return {
    passages: 0,
    tokens: 0,
    docs: 0,
    docTokens: 0,
    df: new Map(),
    ddf: new Map(),
    passagePostings: new Map(),
    documentPostings: new Map(),
    removedDocs: new Set(),
  };
}

/** Keeps the `keep` postings where the term weighs most; ties go to the earlier document. */
export function bestPostings<P extends PassagePosting | DocumentPosting>(list: P[], keep: number, weight: (p: P) => number): P[] {
  if (list.length <= keep) return list;
  return list
    .map((p) => ({ p, w: weight(p) }))
    .sort((a, b) => b.w - a.w || (a.p[0] < b.p[0] ? -1 : a.p[0] > b.p[0] ? 1 : (a.p[1] as number) - (b.p[1] as number)))
    .slice(0, keep)
    .map((x) => x.p);
}

export const passageWeight = (avgLength: number) => (p: PassagePosting) => termWeight(p[2], p[3], avgLength);
export const documentWeight = (avgLength: number) => (p: DocumentPosting) => termWeight(p[1], p[2], avgLength);

function countsOf(ts: readonly string[], into = new Map<string, number>()): Map<string, number> {
  for (const t of ts) into.set(t, (into.get(t) ?? 0) + 1);
  return into;
}

/** Appends a posting, trimming the list back to its best when it has grown to twice the size kept. */
function addPosting<P extends PassagePosting | DocumentPosting>(lists: Map<string, P[]>, term: string, posting: P, weight: (p: P) => number) {
  let list = lists.get(term);
  if (!list) lists.set(term, (list = []));
  list.push(posting);
  if (list.length >= 2 * POSTINGS_PER_TERM) lists.set(term, bestPostings(list, POSTINGS_PER_TERM, weight));
}

/**
 * Adds (sign 1) or removes (sign -1) passages' contribution to a delta. Added passages bring their
 * postings; removed ones withdraw their documents' stored postings.
 */
export function accumulate(delta: TermStatsDelta, passages: readonly ScoredFields[], sign: 1 | -1): TermStatsDelta {
  // A document's counts: its title once, and the heading and text of each of its passages.
  const perDoc = new Map<string, { counts: Map<string, number>; length: number; tokens?: number }>();
  const passageWeigh = passageWeight(delta.passages > 0 ? delta.tokens / delta.passages : 0);
  for (const p of passages) {
    const docId = p.docId ?? '';
    const titleTerms = terms(p.title ?? '');
    const bodyTerms = terms(`${p.heading ?? ''} ${p.text}`);
    const length = titleTerms.length + bodyTerms.length;
    delta.passages += sign;
    delta.tokens += sign * length;
    if (p.position === 0) {
      delta.docs += sign;
      delta.docTokens += sign * (p.docTokens ?? 0);
    }
    const counts = countsOf(bodyTerms, countsOf(titleTerms));
    for (const t of counts.keys()) delta.df.set(t, (delta.df.get(t) ?? 0) + sign);
    let doc = perDoc.get(docId);
    if (!doc) perDoc.set(docId, (doc = { counts: countsOf(titleTerms), length: titleTerms.length, tokens: p.docTokens }));
    countsOf(bodyTerms, doc.counts);
    doc.length += bodyTerms.length;
    if (sign === 1) for (const [t, n] of counts) addPosting(delta.passagePostings, t, [docId, p.position ?? 0, n, length], passageWeigh);
  }
  const documentWeigh = documentWeight(delta.docs > 0 ? delta.docTokens / delta.docs : 0);
  for (const [docId, doc] of perDoc) {
    for (const [t, n] of doc.counts) {
      delta.ddf.set(t, (delta.ddf.get(t) ?? 0) + sign);
      if (sign === 1) addPosting(delta.documentPostings, t, [docId, n, doc.tokens ?? doc.length], documentWeigh);
    }
    if (sign === -1) delta.removedDocs.add(docId);
  }
  return delta;
}

/** A document of the terms index: one per term, and one for the corpus totals. */
export interface TermRecord {
  id: string;
  term: string;
  df: number;
  /** Documents containing the term (on the corpus record: unused). */
  ddf?: number;
  /** Only on the corpus record: total tokens of all passages, documents, their tokens. */
  tokens?: number;
  docs?: number;
  docTokens?: number;
  /** Only on the corpus record: POSTINGS_VERSION when every term record carries postings. */
  postings?: number;
  /** The passages and documents where the term weighs most (see POSTINGS_PER_TERM). */
  passages?: PassagePosting[];
  documents?: DocumentPosting[];
}

export const CORPUS_RECORD_ID = 'corpus';

/** Meilisearch ids allow only [A-Za-z0-9_-]; terms are any letters, so the id is a hash. */
export function termId(term: string): string {
  return `t${createHash('sha1').update(term).digest('hex').slice(0, 24)}`;
}

/** The name of the index holding an index's term statistics. */
export function termsIndexOf(indexUid: string): string {
  return `${indexUid}__terms`;
}
