/*
 * What a word is, everywhere in Citable: a maximal run of Unicode letters and digits. Ingest counts
 * them, the indexer and ranking turn them into terms, snippets mark them. Apostrophes, hyphens and
 * all other punctuation separate words ("don't" is "don" and "t", "Sky-ECC" is "sky" and "ecc"), as
 * in Meilisearch's own tokenizer for Latin scripts. A caller that needs another unit names it
 * differently (see proseWords).
 */

/** The characters words are made of. */
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
/** A whole word, built from the same class. */
const WORD = /[\p{L}\p{N}]+/gu;

/** Whether an ASCII code is a letter or a digit. */
function isAsciiWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
}

/** Whether a character (one code point) is a letter or a digit: the characters words are made of. */
export function isWordChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 128 ? isAsciiWordCode(code) : WORD_CHAR.test(c);
}

/** The words of a text, lower-cased: what terms, counts and ranking read. */
export function words(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []) as string[];
}

/** Where a text's words start and end. */
export interface WordSpans {
  starts: number[];
  ends: number[];
}

/**
 * The words of a text, by a scan of its characters: a regular expression over Unicode classes
 * costs about as much again for every word, and snippets are cut from every hit.
 */
export function wordSpans(text: string): WordSpans {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = -1;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    let size = 1;
    let word: boolean;
    if (c < 128) word = isAsciiWordCode(c);
    else {
      size = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? 2 : 1;
      word = isWordChar(text.slice(i, i + size));
    }
    if (word) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      starts.push(start);
      ends.push(i);
      start = -1;
    }
    i += size;
  }
  if (start >= 0) {
    starts.push(start);
    ends.push(text.length);
  }
  return { starts, ends };
}
