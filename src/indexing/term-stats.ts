import { termWeight } from '../text/bm25.js';
import { terms } from '../text/stem.js';
import { bestPostings, documentWeight, hasPostings, passageWeight, POSTINGS_PER_TERM, type DocumentPosting, type PassagePosting } from '../terms/postings.js';

/** The text of a passage that ranking reads: its title, heading and text. */
export interface ScoredFields {
  docId?: string;
  title: string | null;
  heading: string | null;
  text: string;
  position?: number;
  docTokens?: number;
  /** The document's language: its words are stemmed by that language's rules. */
  lang?: string | null;
}

/**
 * A term's postings while passages are counted: the best so far (at most twice the number kept),
 * and `floor`, the weight the last trim kept, under which a new posting cannot make the cut (a tie
 * keeps the posting seen first). Weights use the mean length seen so far; the final choice
 * (applyTermStats, with bestPostings) uses the corpus's.
 */
export interface PostingBuffer<P extends PassagePosting | DocumentPosting> {
  items: P[];
  floor: number;
}

/**
 * Adds a posting whose weight the caller found above the buffer's floor (and built only then: most
 * postings of a common term cannot make the cut), trimming the buffer to its best once doubled.
 */
function keepPosting<P extends PassagePosting | DocumentPosting>(buffer: PostingBuffer<P>, posting: P, weight: (p: P) => number) {
  buffer.items.push(posting);
  if (buffer.items.length >= 2 * POSTINGS_PER_TERM) {
    buffer.items = bestPostings(buffer.items, POSTINGS_PER_TERM, weight);
    buffer.floor = weight(buffer.items[buffer.items.length - 1]!);
  }
}

/** What one set of passages changes for one term. */
export interface TermDelta {
  /** Change in the passages and the documents containing the term. */
  df: number;
  ddf: number;
  /** Postings of the passages and documents added; null for terms without postings. */
  passages: PostingBuffer<PassagePosting> | null;
  documents: PostingBuffer<DocumentPosting> | null;
}

/** What one set of passages adds to the corpus statistics. */
export interface TermStatsDelta {
  passages: number;
  tokens: number;
  docs: number;
  docTokens: number;
  /** Per term: one entry, so that counting a passage's term costs one lookup. */
  terms: Map<string, TermDelta>;
  /** Documents removed or replaced: their stored postings are withdrawn. */
  removedDocs: Set<string>;
}

export function emptyDelta(): TermStatsDelta {
  return { passages: 0, tokens: 0, docs: 0, docTokens: 0, terms: new Map(), removedDocs: new Set() };
}

function termDelta(delta: TermStatsDelta, term: string): TermDelta {
  let e = delta.terms.get(term);
  if (!e) {
    const queried = hasPostings(term);
    delta.terms.set(term, (e = { df: 0, ddf: 0, passages: queried ? { items: [], floor: 0 } : null, documents: queried ? { items: [], floor: 0 } : null }));
  }
  return e;
}

function countsOf(ts: readonly string[], into = new Map<string, number>()): Map<string, number> {
  for (const t of ts) into.set(t, (into.get(t) ?? 0) + 1);
  return into;
}

/**
 * Adds (sign 1) or removes (sign -1) passages' contribution to a delta. Added passages bring their
 * postings; removed ones withdraw their documents' stored postings.
 *
 * This count holds every term in memory, so the indexing job counts with TermSpill (term-spill.ts)
 * instead; this one stays as the independent count the spill and the stored statistics are
 * checked against in the tests.
 */
export function accumulate(delta: TermStatsDelta, passages: readonly ScoredFields[], sign: 1 | -1): TermStatsDelta {
  // A document's counts: its title once, and the heading and text of each of its passages; kept by
  // term entry, so that the document's terms are not looked up by name a second time.
  const perDoc = new Map<string, { counts: Map<TermDelta, number>; length: number; tokens?: number }>();
  const avgLength = delta.passages > 0 ? delta.tokens / delta.passages : 0;
  const passageWeigh = passageWeight(avgLength);
  let title: { text: string | null; lang: string | null; terms: string[]; counts: Map<string, number> } | null = null;
  for (const p of passages) {
    const docId = p.docId ?? '';
    const position = p.position ?? 0;
    // Passages of a document share its title: split into terms once.
    const lang = p.lang ?? null;
    if (!title || title.text !== p.title || title.lang !== lang) {
      const ts = terms(p.title ?? '', lang);
      title = { text: p.title, lang, terms: ts, counts: countsOf(ts) };
    }
    const titleCounts = title.counts;
    const bodyTerms = terms(`${p.heading ?? ''} ${p.text}`, lang);
    const length = title.terms.length + bodyTerms.length;
    delta.passages += sign;
    delta.tokens += sign * length;
    if (p.position === 0) {
      delta.docs += sign;
      delta.docTokens += sign * (p.docTokens ?? 0);
    }
    let doc = perDoc.get(docId);
    const first = !doc;
    if (!doc) perDoc.set(docId, (doc = { counts: new Map(), length: title.terms.length, tokens: p.docTokens }));
    doc.length += bodyTerms.length;
    const docCounts = doc.counts;
    // forEach, not for…of: entries are not allocated, which is much of the cost on a large corpus.
    countsOf(bodyTerms, new Map(titleCounts)).forEach((n, t) => {
      const e = termDelta(delta, t);
      e.df += sign;
      if (sign === 1 && e.passages && termWeight(n, length, avgLength) > e.passages.floor) {
        keepPosting(e.passages, [docId, position, n, length], passageWeigh);
      }
      // The document counts the title with its first passage only.
      const added = first ? n : n - (titleCounts.get(t) ?? 0);
      if (added > 0) docCounts.set(e, (docCounts.get(e) ?? 0) + added);
    });
  }
  const avgDocLength = delta.docs > 0 ? delta.docTokens / delta.docs : 0;
  const documentWeigh = documentWeight(avgDocLength);
  for (const [docId, doc] of perDoc) {
    const length = doc.tokens ?? doc.length;
    doc.counts.forEach((n, e) => {
      e.ddf += sign;
      if (sign === 1 && e.documents && termWeight(n, length, avgDocLength) > e.documents.floor) {
        keepPosting(e.documents, [docId, n, length], documentWeigh);
      }
    });
    if (sign === -1) delta.removedDocs.add(docId);
  }
  return delta;
}
