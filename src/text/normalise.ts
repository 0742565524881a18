const MARKS = /\p{M}+/gu;

/** Lower case without diacritics ("Café" and "cafe" are one word to Meilisearch). */
export function normalizeWord(word: string): string {
  const lower = word.toLowerCase();
  // ASCII needs no decomposition, and most words are ASCII.
  return /^[\x00-\x7f]*$/.test(lower) ? lower : lower.normalize('NFKD').replace(MARKS, '');
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
