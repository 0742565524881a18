import { BASE_SETTINGS } from '../meili/settings.js';
import { normalizeWord } from '../text/normalise.js';
import { wordSpans, type WordSpans } from '../text/words.js';
import type { TextMatch } from './snippet.js';

/**
 * Finds, in a passage, the words a keyword query matches, by the rules Meilisearch matches them
 * with (typo tolerance, prefix search on the last word, phrases, exclusions, synonyms), so that the
 * API marks its snippets itself. Asking Meilisearch to highlight costs it about a third of its CPU
 * per search (measured on the 101k-passage corpus: 1.45 ms a search with crop and highlight, 0.99
 * without); finding the words again here costs the proxy a few microseconds a hit. Checked against
 * Meilisearch's own marks on the seeds, for queries of every kind, in
 * test/integration/highlight.test.ts.
 *
 * Not done: splitting a query word in two ("newyork" finding "new york"), which Meilisearch tries
 * and which is rare in what people type.
 */

/** A word or a sequence of words to find, and which part of the query it stands for. */
interface Unit {
  /** Normalised words, in order. */
  words: string[];
  /** Typos allowed on a single word; phrases and synonyms match exactly. */
  typos: number;
  /** The last word may be only the start of a text word. */
  prefix: boolean;
  /** Query parts are counted once each when choosing where to crop; a synonym counts as its word. */
  part: number;
}

/** What the matcher needs to know of the index's settings. */
export interface MatchSettings {
  /** Lower-cased synonyms, as the index has them: a word or words to the words that also find them. */
  synonyms: Readonly<Record<string, readonly string[]>>;
  minWordSizeForTypos: { oneTypo: number; twoTypos: number };
  disableOnNumbers: boolean;
}

export const INDEX_MATCH_SETTINGS: Omit<MatchSettings, 'synonyms'> = {
  minWordSizeForTypos: BASE_SETTINGS.typoTolerance.minWordSizeForTypos,
  disableOnNumbers: BASE_SETTINGS.typoTolerance.disableOnNumbers,
};

/** Runs of up to this many query words are looked up as synonyms and as one word, as Meilisearch does. */
const NGRAM_MAX_WORDS = 3;

/**
 * Scripts written without spaces between words: Meilisearch segments them with dictionaries, and
 * only its own highlighter finds their words.
 */
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
/** Punctuation that ends a sentence or a clause: a phrase does not match across it. */
const HARD_SEPARATOR = /[.!?;:\n()[\]{}]/;

function wordsOf(text: string): string[] {
  const { starts, ends } = wordSpans(text);
  return starts.map((start, i) => normalizeWord(text.slice(start, ends[i])));
}

/** Typos Meilisearch allows on a query word of this many characters. */
function typoBudget(word: string, s: Omit<MatchSettings, 'synonyms'>): number {
  if (s.disableOnNumbers && /^\p{N}+$/u.test(word)) return 0;
  const n = [...word].length;
  return n >= s.minWordSizeForTypos.twoTypos ? 2 : n >= s.minWordSizeForTypos.oneTypo ? 1 : 0;
}

/**
 * The edit distance (insertions, deletions, substitutions and swaps of neighbours) from `q` to `t`,
 * or to the closest start of `t` when `prefix`; anything above `max` is reported as max + 1.
 */
export function boundedDistance(q: string, t: string, max: number, prefix: boolean): number {
  if (max === 0) return (prefix ? t.startsWith(q) : t === q) ? 0 : 1;
  const m = q.length;
  const n = prefix ? Math.min(t.length, m + max) : t.length;
  if (!prefix && Math.abs(m - n) > max) return max + 1;
  // Three rows of the optimal-string-alignment table, reused from call to call.
  if (rows[0]!.length <= n) for (let k = 0; k < 3; k += 1) rows[k] = new Int32Array(2 * (n + 1));
  let [prev2, prev, row] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= n; j += 1) prev[j] = j;
  for (let i = 1; i <= m; i += 1) {
    row[0] = i;
    let rowMin = i;
    const qc = q.charCodeAt(i - 1);
    for (let j = 1; j <= n; j += 1) {
      const tc = t.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (qc === tc ? 0 : 1));
      if (i > 1 && j > 1 && qc === t.charCodeAt(j - 2) && q.charCodeAt(i - 2) === tc) d = Math.min(d, prev2[j - 2]! + 1);
      row[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const spare = prev2;
    prev2 = prev;
    prev = row;
    row = spare;
  }
  // A prefix match may stop anywhere in the text word; a whole match must use all of it.
  let best = prev[n]!;
  if (prefix) for (let j = 0; j < n; j += 1) best = Math.min(best, prev[j]!);
  return Math.min(best, max + 1);
}

const rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/** Whether a text word matches a query word: exactly, as a prefix, or within its typos. */
function wordMatches(u: Unit, queryWord: string, textWord: string): boolean {
  if (textWord === queryWord || (u.prefix && textWord.startsWith(queryWord))) return true;
  // A wrong first letter counts as two typos.
  const typos = textWord.charCodeAt(0) === queryWord.charCodeAt(0) ? u.typos : u.typos - 1;
  if (typos <= 0) return false;
  if (textWord.length < queryWord.length - typos || (!u.prefix && textWord.length > queryWord.length + typos)) return false;
  return boundedDistance(queryWord, textWord, typos, u.prefix) <= typos;
}

export interface QueryMatcher {
  /** The matches in a text, in order; `spans` are the text's words when already known. */
  find(text: string, spans?: WordSpans): TextMatch[];
}

/** Whether only Meilisearch can mark a query's words: it is in a script written without spaces. */
export function needsMeiliHighlight(q: string): boolean {
  return UNSPACED_SCRIPT.test(q);
}

/** A matcher for a keyword query as Meilisearch reads it, or null when needsMeiliHighlight. */
export function queryMatcher(q: string, settings: MatchSettings): QueryMatcher | null {
  if (needsMeiliHighlight(q)) return null;
  const units: Unit[] = [];
  let part = 0;
  const rest = q
    .replace(/(^|\s)(-?)"([^"]*)"?/g, (_, before: string, minus: string, phrase: string) => {
      const words = wordsOf(phrase);
      // An excluded phrase (-"…") is never marked.
      if (words.length > 0 && minus === '') units.push({ words, typos: 0, prefix: false, part: part++ });
      return `${before} `;
    })
    // Excluded words are never marked.
    .replace(/(^|\s)-[^\s]+/g, '$1');
  const words = wordsOf(rest);
  // The last word is read as a prefix while it is being typed, that is, unless a space follows it.
  const typing = /[\p{L}\p{N}]$/u.test(rest);
  words.forEach((w, i) => {
    units.push({ words: [w], typos: typoBudget(w, settings), prefix: typing && i === words.length - 1, part: part + i });
  });
  for (let i = 0; i < words.length; i += 1) {
    for (let n = 1; n <= NGRAM_MAX_WORDS && i + n <= words.length; n += 1) {
      // Two or three query words may be one word in the text ("iron phone", "IronPhone"): with a
      // typo at most for two, and none for three.
      if (n > 1) {
        const joined = words.slice(i, i + n).join('');
        units.push({ words: [joined], typos: n === 2 ? Math.min(1, typoBudget(joined, settings)) : 0, prefix: typing && i + n === words.length, part: part + i });
      }
      // Synonyms of the words, matched exactly, standing for the first of them.
      for (const alt of settings.synonyms[words.slice(i, i + n).join(' ')] ?? []) {
        const altWords = wordsOf(alt);
        if (altWords.length > 0) units.push({ words: altWords, typos: 0, prefix: false, part: part + i });
      }
    }
  }
  return unitFinder(units);
}

/**
 * Finds the units in texts. A text word's verdict against the single words is kept for the
 * matcher's life (the hits of one search share most of their words); units of several words are
 * tried only where their first word stands.
 */
function unitFinder(units: readonly Unit[]): QueryMatcher {
  const single = units.filter((u) => u.words.length === 1);
  const several = new Map<string, Unit[]>();
  for (const u of units) {
    if (u.words.length === 1) continue;
    const list = several.get(u.words[0]!);
    if (list) list.push(u);
    else several.set(u.words[0]!, [u]);
  }
  const partOfWord = new Map<string, number>();
  const singlePart = (word: string): number => {
    let part = partOfWord.get(word);
    if (part === undefined) {
      part = single.find((u) => wordMatches(u, u.words[0]!, word))?.part ?? -1;
      partOfWord.set(word, part);
    }
    return part;
  };
  // Most words of a text match nothing, and most can be told so by their first letter and length
  // before they are cut out and normalised: every unit's first word starts with one of these
  // letters, save for words long enough for two typos, which may differ in their first letter.
  const firstLetters = new Set(units.map((u) => u.words[0]!.charCodeAt(0)));
  const loose = single.filter((u) => u.typos >= 2).map((u) => ({ min: u.words[0]!.length - 1, max: u.prefix ? Infinity : u.words[0]!.length + 1 }));
  const mayMatch = (first: number, length: number) =>
    first >= 128 || firstLetters.has(first >= 65 && first <= 90 ? first | 32 : first) || loose.some((r) => length >= r.min && length <= r.max);
  return {
    find(text, spans = wordSpans(text)) {
      const { starts, ends } = spans;
      const count = starts.length;
      const normalized: Array<string | undefined> = new Array(count);
      const wordAt = (i: number) => (normalized[i] ??= normalizeWord(text.slice(starts[i], ends[i])));
      const out: TextMatch[] = [];
      for (let i = 0; i < count; i += 1) {
        if (!mayMatch(text.charCodeAt(starts[i]!), ends[i]! - starts[i]!)) continue;
        const word = wordAt(i);
        let part = singlePart(word);
        let taken = part >= 0 ? 1 : 0;
        // The longest unit that matches here wins (a phrase over its first word).
        for (const u of several.get(word) ?? []) {
          const n = u.words.length;
          if (n <= taken || i + n > count) continue;
          let k = 1;
          while (k < n && wordAt(i + k) === u.words[k] && !HARD_SEPARATOR.test(text.slice(ends[i + k - 1]!, starts[i + k]!))) k += 1;
          if (k === n) {
            taken = n;
            part = u.part;
          }
        }
        for (let k = 0; k < taken; k += 1) out.push({ start: starts[i + k]!, end: ends[i + k]!, part });
        if (taken > 0) i += taken - 1;
      }
      return out;
    },
  };
}
