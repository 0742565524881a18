import { stemmer } from 'stemmer';
import { words } from './words.js';

const stems = new Map<string, string>();
/**
 * The ranking term of a word: its Porter stem, so that "missiles" and "missile" count as one.
 * Applied to every language alike; for other languages it is a consistent, if crude, folding.
 */
export function stemOf(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = /^\p{N}+$/u.test(word) ? word : stemmer(word);
    if (stems.size < 200_000) stems.set(word, s);
  }
  return s;
}

/** The terms of a text, as the terms index and BM25 count them: its words, stemmed. */
export function terms(text: string): string[] {
  return words(text).map(stemOf);
}
