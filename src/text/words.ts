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

/** An ASCII code lower-cased. */
const lowerCode = (code: number) => (code >= 65 && code <= 90 ? code | 32 : code);

/** Two ASCII codes, lower-cased, as one number (the second 0 for a one-character word). */
const headCode = (first: number, second: number) => lowerCode(first) * 128 + lowerCode(second);

/**
 * A word's first two characters, lower-cased, as one number (headCode); null when they are not
 * both ASCII.
 */
export function asciiHead(word: string): number | null {
  const a = word.charCodeAt(0);
  const b = word.length > 1 ? word.charCodeAt(1) : 0;
  return a < 128 && b < 128 ? headCode(a, b) : null;
}

/**
 * The words of a text that begin with one of `heads` (asciiHead), lower-cased, in order, and how
 * many words the text has: what `words` finds, without a string for every word. Only for a text
 * whose letters and digits are all ASCII (its other characters all separate words, and lower
 * casing changes none of them); null for any other, which `words` reads.
 */
export function wordsByHead(text: string, heads: ReadonlySet<number>): { picked: string[]; count: number } | null {
  const picked: string[] = [];
  let count = 0;
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    if (c < 128 && isAsciiWordCode(c)) {
      if (start < 0) start = i;
      continue;
    }
    // A letter or digit outside ASCII (a surrogate pair may be one): not a text for this scan.
    if (c >= 128 && ((c >= 0xd800 && c <= 0xdfff) || WORD_CHAR.test(text[i]!))) return null;
    if (start < 0) continue;
    count++;
    const head = headCode(text.charCodeAt(start), i - start > 1 ? text.charCodeAt(start + 1) : 0);
    if (heads.has(head)) picked.push(text.slice(start, i).toLowerCase());
    start = -1;
  }
  return { picked, count };
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
