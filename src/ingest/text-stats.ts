import { eng } from 'stopword';

/** Common function words; their density tells running prose from menus and labels (jusText). */
const STOP_WORDS = new Set(eng.map((w: string) => w.toLowerCase()));
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** The words of a text, as Unicode letter/digit runs. */
export function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Share of words that are stop words (0 for an empty text). */
export function stopWordDensity(text: string): number {
  const ws = words(text);
  if (ws.length === 0) return 0;
  let n = 0;
  for (const w of ws) if (STOP_WORDS.has(w.toLowerCase())) n++;
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
