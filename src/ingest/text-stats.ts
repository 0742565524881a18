import * as stopwords from 'stopword';

/** ISO 639-1 codes to the stopword package's lists. */
const LISTS: Record<string, string> = {
  af: 'afr', ar: 'ara', bg: 'bul', bn: 'ben', ca: 'cat', cs: 'ces', da: 'dan', de: 'deu', el: 'ell', en: 'eng',
  eo: 'epo', es: 'spa', et: 'est', eu: 'eus', fa: 'fas', fi: 'fin', fr: 'fra', ga: 'gle', gl: 'glg', he: 'heb',
  hi: 'hin', hr: 'hrv', hu: 'hun', hy: 'hye', id: 'ind', it: 'ita', ja: 'jpn', ko: 'kor', la: 'lat', lt: 'lit',
  lv: 'lav', ms: 'msa', nb: 'nob', nl: 'nld', no: 'nob', pl: 'pol', pt: 'por', ro: 'ron', ru: 'rus', sk: 'slk',
  sl: 'slv', sv: 'swe', sw: 'swa', th: 'tha', tl: 'tgl', tr: 'tur', uk: 'ukr', ur: 'urd', vi: 'vie', zh: 'zho',
};
const cache = new Map<string, Set<string>>();

/**
 * Common function words of a language; their density tells running prose from menus and labels
 * (jusText). Unknown languages fall back to English.
 */
export function stopWordsFor(lang: string | null): Set<string> {
  const key = (lang && LISTS[lang]) || 'eng';
  let set = cache.get(key);
  if (!set) {
    const list = (stopwords as unknown as Record<string, string[]>)[key] ?? stopwords.eng;
    set = new Set(list.map((w) => w.toLowerCase()));
    cache.set(key, set);
  }
  return set;
}
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** The words of a text, as Unicode letter/digit runs. */
export function words(text: string): string[] {
  return text.match(WORD) ?? [];
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

/** How many words a text holds, counting scripts without spaces by characters. */
export function wordCount(text: string): number {
  const cjk = ANY_CJK.test(text) ? (text.match(CJK)?.length ?? 0) : 0;
  if (cjk === 0) return words(text).length;
  return words(text.replace(CJK, ' ')).length + Math.ceil(cjk / CJK_CHARS_PER_WORD);
}

/**
 * The language whose function words cover most of the text: for prose, a robust guess of the
 * language (stop words make up a third or more of running text in any language). Texts mostly in
 * Chinese, Japanese or Korean script are told by script. Null when nothing fits.
 */
export function guessLanguage(text: string): string | null {
  if (cjkShare(text) > 0.3) {
    if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(text)) return 'ja';
    if (/\p{Script=Hangul}/u.test(text)) return 'ko';
    return 'zh';
  }
  // A few hundred words tell the language as well as the whole text does, at a fraction of the cost.
  const ws = words(text.slice(0, LANGUAGE_SAMPLE_CHARS).toLowerCase());
  if (ws.length < 5) return null;
  const { languages, byWord } = languagesByStopWord();
  const counts = new Uint32Array(languages.length);
  // Ties go to the language the text showed first.
  const order: number[] = [];
  for (const w of ws) {
    const langs = byWord.get(w);
    if (!langs) continue;
    for (const l of langs) if (counts[l]!++ === 0) order.push(l);
  }
  let best = -1;
  for (const l of order) if (best < 0 || counts[l]! > counts[best]!) best = l;
  return best >= 0 && counts[best]! / ws.length >= 0.1 ? languages[best]! : null;
}

/** Characters of a text that guessLanguage reads. */
const LANGUAGE_SAMPLE_CHARS = 4_000;

let stopWordIndex: { languages: string[]; byWord: Map<string, number[]> } | null = null;
/** Every stop word of the space-separated languages, with the languages (by number) it belongs to. */
function languagesByStopWord(): { languages: string[]; byWord: Map<string, number[]> } {
  if (stopWordIndex) return stopWordIndex;
  const languages = Object.keys(LISTS).filter((lang) => !['ja', 'zh', 'ko', 'th', 'no'].includes(lang));
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

/** Share of words that are stop words (0 for an empty text). */
export function stopWordDensity(text: string, lang: string | null = 'en'): number {
  // Without spaces between words there is nothing to count: judge such text by length alone.
  if (cjkShare(text) > 0.3) return 1;
  const ws = words(text);
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

/** Replaces non-breaking and other exotic spaces, drops invisible characters, folds runs of spaces. */
export function normalizeSpaces(text: string): string {
  return text
    // Control characters have no place in text and are reserved as highlight sentinels.
    .replace(/[\u0000-\u0008\u000E-\u001F\u007F\u200B-\u200D\u2060\uFEFF\u00AD]/g, '')
    .replace(/[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\t\f\v]/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}
