import { stopWordsFor } from './stop-words.js';

/*
 * Measures of running prose, for telling an article's text from menus, labels and metadata lines.
 * Their unit is the prose word, not the word (see words.ts): a letter/digit run with the
 * apostrophes and hyphens inside it ("don't", "well-known" count as one), as a reader counts, and
 * as stop-word lists spell contractions.
 */
const PROSE_WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** The prose words of a text, as written: letter/digit runs joined by apostrophes and hyphens. */
export function proseWords(text: string): string[] {
  return text.match(PROSE_WORD) ?? [];
}

const ANY_CJK = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]/;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
/** Chinese and Japanese run words together; this many characters carry about one word. */
const CJK_CHARS_PER_WORD = 2;

/** Share of a text's letters written in Chinese, Japanese or Korean scripts. */
export function cjkShare(text: string): number {
  if (!ANY_CJK.test(text)) return 0;
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  return letters === 0 ? 0 : (text.match(CJK)?.length ?? 0) / letters;
}

/** How many prose words a text holds, counting scripts without spaces by characters. */
export function wordCount(text: string): number {
  const cjk = ANY_CJK.test(text) ? (text.match(CJK)?.length ?? 0) : 0;
  if (cjk === 0) return proseWords(text).length;
  return proseWords(text.replace(CJK, ' ')).length + Math.ceil(cjk / CJK_CHARS_PER_WORD);
}

/** Share of prose words that are stop words (0 for an empty text). */
export function stopWordDensity(text: string, lang: string | null = 'en'): number {
  // Without spaces between words there is nothing to count: judge such text by length alone.
  if (cjkShare(text) > 0.3) return 1;
  const ws = proseWords(text);
  if (ws.length === 0) return 0;
  const stop = stopWordsFor(lang);
  let n = 0;
  for (const w of ws) if (stop.has(w.toLowerCase())) n++;
  return n / ws.length;
}

/** True when the text ends as a sentence does, allowing closing quotes and brackets. */
export function endsLikeSentence(text: string): boolean {
  return /[.!?…:;。！？]["'”’»)\]」』）]*\s*$/u.test(text);
}
