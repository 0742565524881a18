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

/** Share of words that are stop words (0 for an empty text). */
export function stopWordDensity(text: string, lang: string | null = 'en'): number {
  const ws = words(text);
  if (ws.length === 0) return 0;
  const stop = stopWordsFor(lang);
  let n = 0;
  for (const w of ws) if (stop.has(w.toLowerCase())) n++;
  return n / ws.length;
}

/** True when the text ends as a sentence does, allowing closing quotes and brackets. */
export function endsLikeSentence(text: string): boolean {
  return /[.!?…:;]["'”’»)\]]*\s*$/u.test(text);
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
