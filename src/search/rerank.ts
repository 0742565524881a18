import type { PostingLists } from '../terms/postings.js';
import { passageId } from '../ingest/records.js';
import { grown } from '../terms/typed-arrays.js';
import { bm25, documentStats, idf, termWeight, type CorpusStats } from '../text/bm25.js';
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

/**
 * The position of a list's entry for a document known to hold the query's terms but not where (met
 * only in the terms' document postings): the passage shown for it is chosen when its page is.
 */
export const UNPLACED = -1;

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
 *
 * `documents.next`: documents the reading met past the best, with the least score their postings
 * give them. One with no candidate passage is listed once, at position UNPLACED, scored by its
 * document alone: the reading knows that the document holds the query's terms, not where. Without
 * them the list past the best holds only documents met among the candidate passages, a fraction of
 * those full BM25 ranks there.
 */
export function rankPassages<T extends Candidate>(
  terms: readonly string[],
  stats: CorpusStats,
  lists: ReadonlyMap<string, PostingLists>,
  hits: readonly T[],
  usePostings: boolean,
  documents?: { exact: ReadonlyMap<string, Counted>; ceiling: number; next?: ReadonlyArray<{ docId: string; lower: number }> },
  counted: readonly CountedPassage[] = [],
): Array<RankedPassage<T>> {
  const table = new PassageTable<T>(terms);
  const wanted = wantedOf(terms);
  // Meilisearch's hits are counted from their text: exact for every query term.
  for (const h of hits) {
    if (table.has(h.id)) continue;
    const title = analyse(h.title ?? '', h.lang ?? null, wanted);
    const body = analyse(`${h.heading ?? ''} ${h.text}`, h.lang ?? null, wanted, title.counts);
    table.setCounts(table.add(h.id, h.docId, h.position, title.length + body.length, h), body.counts);
  }
  for (const c of counted) if (!table.has(c.id)) table.setCounts(table.add(c.id, c.docId, c.position, c.length, null), c.counts);
  if (usePostings) {
    for (let column = 0; column < terms.length; column++) {
      const posted = lists.get(terms[column]!)?.passages ?? [];
      for (let i = 0; i < posted.length; i++) {
        const posting = posted[i]!;
        const id = passageId(posting[0], posting[1]);
        let row = table.rowOf(id);
        if (row === undefined) row = table.add(id, posting[0], posting[1], posting[3], null);
        if (!table.hits[row]) table.count(row, column, posting[2]);
      }
    }
  }

  const docStats = documentStats(stats);
  const docs = documents?.exact ?? documentsOfLists(terms, lists);
  const docScore = new Map<string, number>();
  for (const [id, d] of docs) docScore.set(id, bm25(d.counts, d.length, terms, docStats));
  // Scored from its candidate passages, a document outside the best (when they are given) is held
  // under the least of them: it is known to score no more.
  const ceiling = documents?.ceiling ?? Infinity;
  const outside = table.documentsOutside(docs);
  outside.ids.forEach((id, i) => docScore.set(id, Math.min(ceiling, table.score(outside.counts, i, outside.lengths[i]!, docStats))));
  const standIns: string[] = [];
  for (const d of documents?.next ?? []) {
    if (docScore.has(d.docId)) continue;
    docScore.set(d.docId, Math.min(ceiling, d.lower));
    standIns.push(d.docId);
  }

  const passageScores = new Float64Array(table.size);
  let bestPassage = 1e-9;
  for (let row = 0; row < table.size; row++) {
    passageScores[row] = table.score(table.counts, row, table.lengths[row]!, stats);
    bestPassage = Math.max(bestPassage, passageScores[row]!);
  }
  let bestDoc = 1e-9;
  for (const score of docScore.values()) bestDoc = Math.max(bestDoc, score);
  const ranked: Array<RankedPassage<T>> = [];
  for (let row = 0; row < table.size; row++) {
    const docId = table.docIds[row]!;
    ranked.push({
      id: table.ids[row]!,
      docId,
      position: table.positions[row]!,
      hit: table.hits[row]!,
      score:
        PASSAGE_WEIGHT * (passageScores[row]! / bestPassage) +
        DOCUMENT_WEIGHT * ((docScore.get(docId) ?? 0) / bestDoc) +
        MEILI_SCORE_WEIGHT * (table.hits[row]?._rankingScore ?? 0),
    });
  }
  for (const docId of standIns) {
    ranked.push({ id: passageId(docId, UNPLACED), docId, position: UNPLACED, hit: null, score: DOCUMENT_WEIGHT * (docScore.get(docId)! / bestDoc) });
  }
  // Equal scores are ordered by passage id, not by Meilisearch's order: that order is each node's
  // own, and one node and several must give the same list.
  return ranked.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The candidate passages of a ranking, one row each in the order they join, with each query term's
 * count in a flat array (a question ranks some two thousand passages: a Map of counts each was
 * most of what ranking allocated).
 */
class PassageTable<T> {
  readonly ids: string[] = [];
  readonly docIds: string[] = [];
  readonly positions: number[] = [];
  readonly lengths: number[] = [];
  readonly hits: Array<T | null> = [];
  readonly #rows = new Map<string, number>();
  readonly #terms: readonly string[];
  // The column of each query term; a term given twice counts in its first column, as in a Map.
  readonly #columns: number[];
  readonly #columnOf = new Map<string, number>();
  // Each term's IDF under the statistics scored with (passages' and documents'), found once.
  readonly #idfs = new Map<CorpusStats, number[]>();
  #counts = new Float64Array(0);

  constructor(terms: readonly string[]) {
    this.#terms = terms;
    for (let c = 0; c < terms.length; c++) if (!this.#columnOf.has(terms[c]!)) this.#columnOf.set(terms[c]!, c);
    this.#columns = terms.map((t) => this.#columnOf.get(t)!);
  }

  get size(): number {
    return this.ids.length;
  }

  has(id: string): boolean {
    return this.#rows.has(id);
  }

  rowOf(id: string): number | undefined {
    return this.#rows.get(id);
  }

  add(id: string, docId: string, position: number, length: number, hit: T | null): number {
    const row = this.ids.length;
    this.#rows.set(id, row);
    this.ids.push(id);
    this.docIds.push(docId);
    this.positions.push(position);
    this.lengths.push(length);
    this.hits.push(hit);
    const width = this.#terms.length;
    if ((row + 1) * width > this.#counts.length) this.#counts = grown(this.#counts, new Float64Array(Math.max(2 * this.#counts.length, 256 * width)));
    return row;
  }

  count(row: number, column: number, n: number): void {
    this.#counts[row * this.#terms.length + this.#columns[column]!] = n;
  }

  setCounts(row: number, counts: ReadonlyMap<string, number>): void {
    for (const [t, n] of counts) {
      const column = this.#columnOf.get(t);
      if (column !== undefined) this.#counts[row * this.#terms.length + column] = n;
    }
  }

  /** Every row's counts, by column: row × terms + column. */
  get counts(): Float64Array {
    return this.#counts;
  }

  /** BM25 of the counts in `row` of a table of counts by column, the query terms added in their order (as bm25 adds them). */
  score(counts: Float64Array, row: number, length: number, stats: CorpusStats): number {
    let idfs = this.#idfs.get(stats);
    if (!idfs) this.#idfs.set(stats, (idfs = this.#terms.map((t) => idf(t, stats))));
    const at = row * this.#terms.length;
    let score = 0;
    for (let i = 0; i < this.#terms.length; i++) {
      const tf = counts[at + this.#columns[i]!]!;
      if (tf) score += idfs[i]! * termWeight(tf, length, stats.avgLength);
    }
    return score;
  }

  /**
   * The documents of the passages that `docs` does not hold, counted from those passages: their
   * ids, their counts by column (one row each, as in the table) and their lengths.
   */
  documentsOutside(docs: ReadonlyMap<string, unknown>): { ids: string[]; counts: Float64Array; lengths: number[] } {
    const width = this.#terms.length;
    const index = new Map<string, number>();
    const ids: string[] = [];
    const lengths: number[] = [];
    const counts = new Float64Array(this.size * width);
    for (let row = 0; row < this.size; row++) {
      const docId = this.docIds[row]!;
      if (docs.has(docId)) continue;
      let i = index.get(docId);
      if (i === undefined) {
        i = ids.length;
        index.set(docId, i);
        ids.push(docId);
        lengths.push(0);
      }
      for (let c = 0, from = row * width, to = i * width; c < width; c++) counts[to + c]! += this.#counts[from + c]!;
      lengths[i]! += this.lengths[row]!;
    }
    return { ids, counts, lengths };
  }
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

/**
 * The passages of a document that hold a query term, counted as ranking counts a passage: its
 * title with its heading and text. A passage that holds none is no match for the query: listed
 * for its document's score alone, such passages came before other documents' matches, hundreds of
 * them for a long document. When none holds one (its counts read in part), the first passage
 * stands for the document.
 */
export function countedPassages(docId: string, d: DocumentTermCounts): CountedPassage[] {
  const counted = (p: DocumentTermCounts['passages'][number]) => ({
    id: passageId(docId, p.position),
    docId,
    position: p.position,
    counts: addCounts(new Map(d.title.counts), p.counts),
    length: d.title.length + p.length,
  });
  const titled = d.title.counts.size > 0;
  const holding = d.passages.filter((p) => titled || p.counts.size > 0).map(counted);
  return holding.length > 0 || d.passages.length === 0 ? holding : [counted(d.passages[0]!)];
}

/**
 * The passage of a document that scores best by passage-level BM25 (as the ranking scores a
 * passage), the earlier of equal ones; null when there is none.
 */
export function bestPassageOf(terms: readonly string[], stats: CorpusStats, passages: readonly CountedPassage[]): CountedPassage | null {
  let best: CountedPassage | null = null;
  let bestScore = -Infinity;
  for (const p of passages) {
    const score = bm25(p.counts, p.length, terms, stats);
    if (score > bestScore || (score === bestScore && best !== null && p.position < best.position)) {
      best = p;
      bestScore = score;
    }
  }
  return best;
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
 * past the answer is left out: which of it came back depends on the nodes. With `fill` (when the
 * hits are a ranking's only candidates, which must not come out empty), it fills the places left,
 * by id: only then may the nodes' answers differ, in that group alone.
 */
export function settledTop<T extends { id: string; _rankingScore?: number }>(hits: readonly T[], n: number, asked: number, { fill = false } = {}): T[] {
  const edge = hits.length < asked ? -Infinity : (hits[hits.length - 1]!._rankingScore ?? 0);
  return hits
    .filter((h) => fill || (h._rankingScore ?? 0) > edge)
    .sort((a, b) => (b._rankingScore ?? 0) - (a._rankingScore ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, n);
}

/** The best passage of each document, in order (a document ranks where its best passage ranks). */
export function bestPerDocument<T extends { docId: string }>(ranked: readonly T[]): T[] {
  const seen = new Set<string>();
  return ranked.filter((r) => (seen.has(r.docId) ? false : (seen.add(r.docId), true)));
}
