import { stemmerFor } from '../text/stem.js';
import { stopWordsFor } from '../text/stop-words.js';
import { words as wordsOf } from '../text/words.js';

/**
 * Meilisearch reads only the first ten words of a query and ranks in buckets made for short
 * keyword queries. A query with more content words than this is treated as a sentence or a
 * question, and BM25 ranks it (with Meilisearch's hits among the candidates). Measured on two
 * collections by cutting each judged query to its first n content words (`bench:relevance
 * --threshold`, MAP at depth 100, Meilisearch's path / BM25's): at three words TIME 0.171 / 0.281,
 * Cranfield 0.076 / 0.110, and more words widen the gap; at two TIME 0.116 / 0.182 but Cranfield
 * 0.063 / 0.064; at one 0.085 / 0.094 and 0.028 / 0.028. From three words BM25 is better on both;
 * one and two words, the keyword searches (names, words being typed) where Meilisearch's typo and
 * prefix matching serve and the judgments measure no loss, keep Meilisearch's ranking.
 */
export const LONG_QUERY_TERMS = 2;
/** Words Meilisearch reads of a query. */
export const MEILI_QUERY_WORDS = 10;
/**
 * Ranking terms a query is ranked with. Each costs a read of its postings and a pass over them, so
 * a pasted paragraph must not cost a hundred; 32 keeps every judged query of TIME (at most 18
 * terms) and Cranfield (at most 22) whole, and no question a person types reaches it. A longer
 * query (a pasted abstract) keeps its rarest terms (see rarestTerms): BM25 adds one bounded share per
 * term, at most IDF × (k1 + 1), so the terms left out are those that could change a score least.
 */
export const QUERY_TERMS_MAX = 32;
/**
 * Distinct terms analysis keeps of a query, the first in query order: the terms whose rarity is
 * looked up to choose QUERY_TERMS_MAX of them, in one read well under the terms index's 1,000-hit
 * limit. A query of QUERY_MAX_CHARS characters holds some 400 words at most, and fewer distinct
 * content words, so this bounds only a query made to be costly.
 */
export const QUERY_TERMS_READ = 256;

export interface AnalyzedQuery {
  /**
   * Content words, lower-cased, stop words removed, in query order, without repeats (at most
   * QUERY_TERMS_READ: rarestTerms keeps at most QUERY_TERMS_MAX to rank with).
   */
  words: string[];
  /** Their ranking terms (stems), in the same order, without repeats. */
  terms: string[];
  /** Quoted phrases, kept whole. */
  phrases: string[];
  /** Words to exclude (`-word`). */
  negated: string[];
  /** A sentence-like query that BM25 should rank. */
  long: boolean;
}

/**
 * Splits a query into phrases, negations and content terms. Stop words are dropped from the terms
 * only (a quoted phrase keeps them); stop words and stems are those of the query's language.
 *
 * A query of more distinct terms than QUERY_TERMS_MAX is text pasted, not typed (no question a
 * person types reaches it): its quotation marks and dashes are the text's own, not search syntax,
 * and are read as words. Read as phrases, the quotations of a pasted news paragraph, which its
 * source holds in different passages, would each have to be found in one passage, and nothing is.
 */
export function analyzeQuery(q: string, lang: string | null = 'en'): AnalyzedQuery {
  const stop = stopWordsFor(lang);
  const stemOf = stemmerFor(lang);
  const phrases: string[] = [];
  const negated: string[] = [];
  const rest = q
    .replace(/"([^"]*)"/g, (_, p: string) => {
      if (p.trim() !== '') phrases.push(p.trim());
      return ' ';
    })
    .replace(/(?:^|\s)-([\p{L}\p{N}][^\s]*)/gu, (_, w: string) => {
      negated.push(w);
      return ' ';
    });
  // Without phrases or exclusions the text is read once: pasted or typed, its words are the same.
  if (phrases.length + negated.length > 0) {
    const pasted = contentTerms(q, stop, stemOf);
    if (pasted.terms.length > QUERY_TERMS_MAX) return { ...pasted, phrases: [], negated: [], long: true };
  }
  const { words, terms } = contentTerms(rest, stop, stemOf);
  return { words, terms, phrases, negated, long: terms.length > LONG_QUERY_TERMS };
}

/** A text's content words and their terms, in order, without repeats, at most QUERY_TERMS_READ. */
function contentTerms(text: string, stop: ReadonlySet<string>, stemOf: (word: string) => string): { words: string[]; terms: string[] } {
  const seen = new Set<string>();
  const words: string[] = [];
  const terms: string[] = [];
  for (const t of wordsOf(text)) {
    const stem = stemOf(t);
    if (stop.has(t) || seen.has(stem)) continue;
    if (terms.length === QUERY_TERMS_READ) break;
    seen.add(stem);
    words.push(t);
    terms.push(stem);
  }
  return { words, terms };
}

/**
 * The query with at most QUERY_TERMS_MAX terms: all of them when it has no more, else the rarest
 * (by `documentsWith`, the documents holding a term; a term the collection does not hold counts
 * for nothing in BM25 and comes last), equal rarity in query order; without `documentsWith` (no
 * statistics to ask) the first in query order. The kept terms stay in query order.
 */
export function rarestTerms(a: AnalyzedQuery, documentsWith?: (term: string) => number | undefined): AnalyzedQuery {
  if (a.terms.length <= QUERY_TERMS_MAX) return a;
  const rank = (i: number) => documentsWith?.(a.terms[i]!) || Infinity;
  const order = a.terms.map((_, i) => i);
  if (documentsWith) order.sort((x, y) => rank(x) - rank(y) || x - y);
  const kept = order.slice(0, QUERY_TERMS_MAX).sort((x, y) => x - y);
  return { ...a, words: kept.map((i) => a.words[i]!), terms: kept.map((i) => a.terms[i]!) };
}

/**
 * The query Meilisearch gets for candidates of a long query: phrases and negations as written,
 * then the most telling terms (highest IDF first when known) up to the words it reads. Words the
 * collection does not hold (`held`, when known) go last: under QUESTION_MATCHING_STRATEGY the first
 * word is never dropped, and a word that matches nothing (a misspelling, a name the collection never
 * mentions) would leave no candidate at all; last, it still finds what it matches with a typo.
 */
export function candidateQuery(a: AnalyzedQuery, idfOf?: (term: string) => number, held?: (term: string) => boolean): string {
  const room = Math.max(1, MEILI_QUERY_WORDS - phraseWords(a));
  const rarest = idfOf ? byRarity(a, idfOf) : a.words.map((word, i) => ({ word, term: a.terms[i]! }));
  const ranked = held ? [...rarest.filter((x) => held(x.term)), ...rarest.filter((x) => !held(x.term))] : rarest;
  return [...a.phrases.map((p) => `"${p}"`), ...ranked.slice(0, room).map((x) => x.word), ...a.negated.map((n) => `-${n}`)].join(' ');
}

function phraseWords(a: AnalyzedQuery): number {
  return a.phrases.reduce((n, p) => n + p.split(/\s+/).length, 0);
}

/** The query's words with their terms, most telling (highest IDF) first. */
export function byRarity(a: AnalyzedQuery, idfOf: (term: string) => number): Array<{ word: string; term: string }> {
  return a.words.map((word, i) => ({ word, term: a.terms[i]! })).sort((x, y) => idfOf(y.term) - idfOf(x.term));
}
