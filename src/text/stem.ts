import { stemmer as arabic } from '@orama/stemmers/arabic';
import { stemmer as armenian } from '@orama/stemmers/armenian';
import { stemmer as danish } from '@orama/stemmers/danish';
import { stemmer as dutch } from '@orama/stemmers/dutch';
import { stemmer as finnish } from '@orama/stemmers/finnish';
import { stemmer as french } from '@orama/stemmers/french';
import { stemmer as german } from '@orama/stemmers/german';
import { stemmer as hungarian } from '@orama/stemmers/hungarian';
import { stemmer as irish } from '@orama/stemmers/irish';
import { stemmer as italian } from '@orama/stemmers/italian';
import { stemmer as norwegian } from '@orama/stemmers/norwegian';
import { stemmer as portuguese } from '@orama/stemmers/portuguese';
import { stemmer as romanian } from '@orama/stemmers/romanian';
import { stemmer as russian } from '@orama/stemmers/russian';
import { stemmer as spanish } from '@orama/stemmers/spanish';
import { stemmer as swedish } from '@orama/stemmers/swedish';
import { stemmer as turkish } from '@orama/stemmers/turkish';
import { stemmer as porter } from 'stemmer';
import { words } from './words.js';

/*
 * Stemming by language: a word is folded by the rules of the language it is written in, so that
 * "telefoons" and "telefoon" are one term in a Dutch passage as "missiles" and "missile" are in an
 * English one. English keeps Porter's original algorithm (the `stemmer` package); the other
 * languages use the Snowball algorithms of `@orama/stemmers` (they agree word for word with the
 * Snowball project's generated JavaScript on 25,000 words, and run three to four times faster).
 * A language without a stemmer here, or none known, is folded by Porter's rules: a consistent, if
 * crude, folding, the same at indexing and at search.
 */
const STEMMERS: Readonly<Record<string, (word: string) => string>> = {
  ar: arabic, da: danish, de: german, es: spanish, fi: finnish, fr: french, ga: irish, hu: hungarian, hy: armenian,
  it: italian, nb: norwegian, nl: dutch, no: norwegian, pt: portuguese, ro: romanian, ru: russian, sv: swedish, tr: turkish,
};

/** Languages (ISO 639-1) with a stemmer of their own; any other is stemmed as English. */
export const STEMMED_LANGUAGES: readonly string[] = ['en', ...Object.keys(STEMMERS)];

/** Stems remembered per language: a corpus's vocabulary is far smaller than its text. */
const STEM_CACHE_WORDS = 200_000;
const stemmers = new Map<string, (word: string) => string>();

/** The language whose stemmer folds words of `lang` (English for unknown languages). */
export function stemLanguage(lang: string | null | undefined): string {
  return lang && STEMMERS[lang] ? lang : 'en';
}

/**
 * The stemmer of a language: a word (lower-cased) to its ranking term, so that "missiles" and
 * "missile" count as one. Numbers are kept as they are.
 */
export function stemmerFor(lang: string | null | undefined): (word: string) => string {
  const language = stemLanguage(lang);
  let stem = stemmers.get(language);
  if (!stem) {
    const rules = STEMMERS[language] ?? porter;
    const cache = new Map<string, string>();
    stem = (word) => {
      let s = cache.get(word);
      if (s === undefined) {
        s = /^\p{N}+$/u.test(word) ? word : rules(word);
        if (cache.size < STEM_CACHE_WORDS) cache.set(word, s);
      }
      return s;
    };
    stemmers.set(language, stem);
  }
  return stem;
}

/** The ranking term of an English word (see stemmerFor for other languages). */
export const stemOf = stemmerFor('en');

/** The terms of a text, as the terms index and BM25 count them: its words, stemmed in its language. */
export function terms(text: string, lang: string | null = 'en'): string[] {
  return words(text).map(stemmerFor(lang));
}
