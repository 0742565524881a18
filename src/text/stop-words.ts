import * as stopwords from 'stopword';

/** ISO 639-1 codes to the stopword package's lists. */
export const STOP_WORD_LISTS: Readonly<Record<string, string>> = {
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
  const key = (lang && STOP_WORD_LISTS[lang]) || 'eng';
  let set = cache.get(key);
  if (!set) {
    const list = (stopwords as unknown as Record<string, string[]>)[key] ?? stopwords.eng;
    set = new Set(list.map((w) => w.toLowerCase()));
    cache.set(key, set);
  }
  return set;
}
