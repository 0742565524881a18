import type { PostingLists } from '../terms/postings.js';
import { passageId } from '../ingest/records.js';
import { bm25, documentStats, type CorpusStats } from '../text/bm25.js';
import { normalizeWord } from '../text/normalise.js';
import { stemmerFor } from '../text/stem.js';
import type { DocumentTermCounts } from '../text/term-counts.js';
import { asciiHead, words, wordsByHead } from '../text/words.js';

/*
 * Ranking of sentence-like queries. The indexer keeps, per term, the passages and documents where
 * it weighs most (its postings); BM25 over those and the corpus statistics, at passage and at
 * document level, orders the passages. Meilisearch's own hits for the query join them, counted
 * from their text, so that what only Meilisearch finds (typos, prefixes, phrases) is ranked too,
 * and its score breaks ties. (A term-proximity bonus was measured too: it lowered TIME MAP through
 * this pipeline, so it is not used.)
 */
/**
 * How the signals combine, each normalised to the best candidate (0–1): the passage's own score;
 * its document's score (a passage of a document that is about the query says more than the same
 * words in passing); Meilisearch's ranking score, as a tie-breaker. Measured on TIME (MAP): document
 * weight 1 gives 0.574, 3 gives 0.579, 5 and 8 no more; Cranfield stays at 0.309–0.310.
 */
export const PASSAGE_WEIGHT = 1;
export const DOCUMENT_WEIGHT = 3;
export const MEILI_SCORE_WEIGHT = 0.1;

/** A passage Meilisearch found, with its text. */
export interface Candidate {
  id: string;
  docId: string;
  position: number;
  title: string | null;
  heading: string | null;
  text: string;
  /** The document's language, whose rules stemmed its terms in the index. */
  lang?: string | null;
  _rankingScore?: number;
}

/** A ranked passage: where it is, its combined score, and Meilisearch's hit when it was one. */
export interface RankedPassage<T> {
  id: string;
  docId: string;
  position: number;
  score: number;
  hit: T | null;
}

export interface Counted {
  counts: Map<string, number>;
  length: number;
}

/** A word's first two letters without accents: a stem keeps them (German's drops an umlaut). */
const headOf = (word: string) => normalizeWord(word.slice(0, 2));

/** The query terms a text is counted for, and how their words begin (see analyse). */
interface Wanted {
  terms: ReadonlySet<string>;
  heads: ReadonlySet<string>;
  asciiHeads: ReadonlySet<number>;
}

function wantedOf(terms: readonly string[]): Wanted {
  const heads = new Set(terms.map(headOf));
  const asciiHeads = new Set([...heads].flatMap((h) => asciiHead(h) ?? []));
  return { terms: new Set(terms), heads, asciiHeads };
}

/**
 * Counts of the query terms in a text, stemmed in its language, and the text's length in terms.
 * Only words starting like a query term are stemmed: most words of a passage are counted without
 * that cost (and, in a text whose letters are all ASCII, without a string of their own).
 */
function analyse(text: string, lang: string | null, wanted: Wanted, into = new Map<string, number>()): Counted {
  const stemOf = stemmerFor(lang);
  const add = (w: string) => {
    const t = stemOf(w);
    if (wanted.terms.has(t)) into.set(t, (into.get(t) ?? 0) + 1);
  };
  const ascii = wordsByHead(text, wanted.asciiHeads);
  if (ascii) {
    for (const w of ascii.picked) add(w);
    return { counts: into, length: ascii.count };
  }
  const ts = words(text);
  for (const w of ts) if (wanted.heads.has(headOf(w))) add(w);
  return { counts: into, length: ts.length };
}

/**
 * Ranks the passages of the query terms' postings (when `usePostings`; not when the query's
 * phrases or exclusions restrict the candidates to Meilisearch's hits) together with Meilisearch's
 * hits, best first. Documents are scored from the terms' document postings, or, when `documents`
 * is given, those it holds from their exact counts and every other from its candidate passages,
 * no higher than `documents.ceiling`: what is known of a document beyond the best depends on which
 * blocks were read, and one node and several must give the same scores. `counted`: passages
 * counted already (from their documents' stored counts) that join the candidates without a hit.
 */
export function rankPassages<T extends Candidate>(
  terms: readonly string[],
  stats: CorpusStats,
  lists: ReadonlyMap<string, PostingLists>,
  hits: readonly T[],
  usePostings: boolean,
  documents?: { exact: ReadonlyMap<string, Counted>; ceiling: number },
  counted: readonly CountedPassage[] = [],
): Array<RankedPassage<T>> {
  const passages = new Map<string, Counted & { docId: string; position: number; hit: T | null }>();
  const wanted = wantedOf(terms);
  // Meilisearch's hits are counted from their text: exact for every query term.
  for (const h of hits) {
    if (passages.has(h.id)) continue;
    const title = analyse(h.title ?? '', h.lang ?? null, wanted);
    const body = analyse(`${h.heading ?? ''} ${h.text}`, h.lang ?? null, wanted, title.counts);
    passages.set(h.id, { counts: body.counts, length: title.length + body.length, docId: h.docId, position: h.position, hit: h });
  }
  for (const c of counted) if (!passages.has(c.id)) passages.set(c.id, { counts: new Map(c.counts), length: c.length, docId: c.docId, position: c.position, hit: null });
  if (usePostings) {
    for (const term of terms) {
      const posted = lists.get(term)?.passages ?? [];
      for (let i = 0; i < posted.length; i++) {
        const posting = posted[i]!;
        const id = passageId(posting[0], posting[1]);
        let p = passages.get(id);
        if (!p) passages.set(id, (p = { counts: new Map(), length: posting[3], docId: posting[0], position: posting[1], hit: null }));
        if (!p.hit) p.counts.set(term, posting[2]);
      }
    }
  }

  const docStats = documentStats(stats);
  const docs = documents?.exact ?? documentsOfLists(terms, lists);
  // A document outside every list (a typo match, say) is scored from its candidate passages.
  const fallback = new Map<string, Counted>();
  for (const p of passages.values()) {
    if (docs.has(p.docId)) continue;
    let d = fallback.get(p.docId);
    if (!d) fallback.set(p.docId, (d = { counts: new Map(), length: 0 }));
    for (const [t, n] of p.counts) d.counts.set(t, (d.counts.get(t) ?? 0) + n);
    d.length += p.length;
  }
  const docScore = new Map<string, number>();
  for (const [id, d] of docs) docScore.set(id, bm25(d.counts, d.length, terms, docStats));
  // Scored from its candidate passages, a document outside the best (when they are given) is held
  // under the least of them: it is known to score no more.
  const ceiling = documents?.ceiling ?? Infinity;
  for (const [id, d] of fallback) docScore.set(id, Math.min(ceiling, bm25(d.counts, d.length, terms, docStats)));

  const scored = [...passages].map(([id, p]) => ({ id, p, passage: bm25(p.counts, p.length, terms, stats) }));
  const bestPassage = Math.max(1e-9, ...scored.map((s) => s.passage));
  const bestDoc = Math.max(1e-9, ...docScore.values());
  return scored
    .map(({ id, p, passage }) => ({
      id,
      docId: p.docId,
      position: p.position,
      hit: p.hit,
      score:
        PASSAGE_WEIGHT * (passage / bestPassage) +
        DOCUMENT_WEIGHT * ((docScore.get(p.docId) ?? 0) / bestDoc) +
        MEILI_SCORE_WEIGHT * (p.hit?._rankingScore ?? 0),
    }))
    // Equal scores are ordered by passage id, not by Meilisearch's order: that order is each node's
    // own, and one node and several must give the same list.
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What the terms' document postings say of each document they hold. */
function documentsOfLists(terms: readonly string[], lists: ReadonlyMap<string, PostingLists>): Map<string, Counted> {
  const docs = new Map<string, Counted>();
  for (const term of terms) {
    for (const [docId, tf, length] of lists.get(term)?.documents ?? []) {
      let d = docs.get(docId);
      if (!d) docs.set(docId, (d = { counts: new Map(), length }));
      d.counts.set(term, tf);
    }
  }
  return docs;
}

/** A passage counted before ranking, from its document's stored counts: it joins the candidates without a hit. */
export interface CountedPassage extends Counted {
  id: string;
  docId: string;
  position: number;
}

function addCounts(into: Map<string, number>, from: ReadonlyMap<string, number>): Map<string, number> {
  for (const [t, n] of from) into.set(t, (into.get(t) ?? 0) + n);
  return into;
}

/** Every passage of a document as ranking counts a passage: its title with its heading and text. */
export function countedPassages(docId: string, d: DocumentTermCounts): CountedPassage[] {
  return d.passages.map((p) => ({
    id: passageId(docId, p.position),
    docId,
    position: p.position,
    counts: addCounts(new Map(d.title.counts), p.counts),
    length: d.title.length + p.length,
  }));
}

/**
 * A document's counts of `terms` as the indexer counts them: the title once, the heading and text
 * of every passage; its length is docTokens when recorded, else the sum of its parts.
 */
export function documentCounts(d: DocumentTermCounts, docTokens: number | undefined, terms: readonly string[]): Counted {
  const counts = new Map<string, number>();
  for (const t of terms) {
    let n = d.title.counts.get(t) ?? 0;
    for (const p of d.passages) n += p.counts.get(t) ?? 0;
    if (n > 0) counts.set(t, n);
  }
  return { counts, length: docTokens ?? d.passages.reduce((sum, p) => sum + p.length, d.title.length) };
}

/**
 * Documents' counts of the query terms read from the text of their passages, in the shape of their
 * stored counts (for documents indexed before those were stored). Every passage of each document
 * must be among `passages`.
 */
export function termCountsOfText(terms: readonly string[], passages: readonly Candidate[]): Map<string, DocumentTermCounts> {
  const wanted = wantedOf(terms);
  const out = new Map<string, DocumentTermCounts>();
  for (const p of passages) {
    let d = out.get(p.docId);
    if (!d) out.set(p.docId, (d = { title: analyse(p.title ?? '', p.lang ?? null, wanted), passages: [] }));
    d.passages.push({ position: p.position, ...analyse(`${p.heading ?? ''} ${p.text}`, p.lang ?? null, wanted) });
  }
  return out;
}

/**
 * The `n` best of Meilisearch's hits, the same whichever node order broke its ties: `hits` is its
 * answer to a limit of `asked` (more than n). Hits of equal score come in an order of each node's
 * own; so a group of equal scores is taken only when all of it is known (its score is above the
 * last hit's, or the answer held every match), and ties are broken by passage id. A group that runs
 * past the answer is left out: which of it came back depends on the nodes.
 */
export function settledTop<T extends { id: string; _rankingScore?: number }>(hits: readonly T[], n: number, asked: number): T[] {
  const edge = hits.length < asked ? -Infinity : (hits[hits.length - 1]!._rankingScore ?? 0);
  return hits
    .filter((h) => (h._rankingScore ?? 0) > edge)
    .sort((a, b) => (b._rankingScore ?? 0) - (a._rankingScore ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, n);
}

/** The best passage of each document, in order (a document ranks where its best passage ranks). */
export function bestPerDocument<T extends { docId: string }>(ranked: readonly T[]): T[] {
  const seen = new Set<string>();
  return ranked.filter((r) => (seen.has(r.docId) ? false : (seen.add(r.docId), true)));
}
