import { cjkShare, proseWords } from './prose.js';
import { STOP_WORD_LISTS, stopWordsFor } from './stop-words.js';

/** Characters of a text that guessLanguage reads. */
const LANGUAGE_SAMPLE_CHARS = 4_000;

/**
 * The language whose function words cover most of the text: for prose, a robust guess of the
 * language (stop words make up a third or more of running text in any language). Texts mostly in
 * Chinese, Japanese or Korean script are told by script. Null when nothing fits, or when another
 * language fits as well.
 */
export function guessLanguage(text: string): string | null {
  if (cjkShare(text) > 0.3) {
    if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
    if (/\p{Script=Hangul}/u.test(text)) return 'ko';
    return 'zh';
  }
  // A few hundred words tell the language as well as the whole text does, at a fraction of the cost.
  const ws = proseWords(text.slice(0, LANGUAGE_SAMPLE_CHARS).toLowerCase());
  if (ws.length < 5) return null;
  const { languages, byWord } = languagesByStopWord();
  const counts = new Uint32Array(languages.length);
  for (const w of ws) for (const l of byWord.get(w) ?? []) counts[l]!++;
  let best = 0;
  for (let l = 1; l < counts.length; l++) if (counts[l]! > counts[best]!) best = l;
  // A tie tells nothing: lists share many short words ("in", "on", "for", "de"), and a title of
  // a few words holds one or two. Broken by the order languages are listed in, a tie read a tenth
  // of the first ten words of Cranfield's English abstracts as Afrikaans, Danish or Catalan; such a
  // text is left without a language (stemmed as English), rather than stemmed as another.
  const tied = counts.some((n, l) => l !== best && n === counts[best]);
  return !tied && counts[best]! / ws.length >= 0.1 ? languages[best]! : null;
}

let stopWordIndex: { languages: string[]; byWord: Map<string, number[]> } | null = null;
/** Every stop word of the space-separated languages, with the languages (by number) it belongs to. */
function languagesByStopWord(): { languages: string[]; byWord: Map<string, number[]> } {
  if (stopWordIndex) return stopWordIndex;
  const languages = Object.keys(STOP_WORD_LISTS).filter((lang) => !['ja', 'zh', 'ko', 'th', 'no'].includes(lang));
  const byWord = new Map<string, number[]>();
  languages.forEach((lang, l) => {
    for (const w of stopWordsFor(lang)) {
      const langs = byWord.get(w);
      if (langs) langs.push(l);
      else byWord.set(w, [l]);
    }
  });
  stopWordIndex = { languages, byWord };
  return stopWordIndex;
}
