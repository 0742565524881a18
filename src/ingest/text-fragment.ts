/**
 * Text fragments (`#:~:text=start,end`) let a browser scroll to and highlight a quoted passage in the
 * original page. The start must be unique in the document, or the browser highlights the first
 * occurrence, which may be another passage.
 */
const MIN_WORDS = 4;
const MAX_WORDS = 12;
const END_WORDS = 4;

/** Percent-encodes a fragment directive term; "-", "," and "&" are syntax there and must be escaped. */
export function encodeFragmentTerm(term: string): string {
  return encodeURIComponent(term).replace(/-/g, '%2D');
}

/** Where the first `max` words of a text end. */
function firstWordEnds(text: string, max: number): number[] {
  const ends: number[] = [];
  const word = /\S+/g;
  for (let m = word.exec(text); m !== null && ends.length < max; m = word.exec(text)) ends.push(m.index + m[0].length);
  return ends;
}

/** Where the last word of a text starts, counting `n` words back from the end. */
function nthLastWordStart(text: string, n: number): number {
  let i = text.length;
  for (let k = 0; k < n; k++) {
    while (i > 0 && text[i - 1] === ' ') i--;
    while (i > 0 && text[i - 1] !== ' ') i--;
  }
  return i;
}

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + 1)) n++;
  return n;
}

/** The body as a browser matches text fragments against it: whitespace folded. */
export function flatten(body: string): string {
  return body.replace(/\s+/g, ' ');
}

/**
 * The text directive (without `#:~:text=`) for body.slice(start, end), encoded. Pass the flattened
 * body when quoting many passages of one document, so it is folded once.
 */
export function textFragmentFor(body: string, start: number, end: number, flat = flatten(body)): string {
  const text = flatten(body.slice(start, end)).trim();
  // Only the first words (for a unique start) and the last few are quoted: the passage's other
  // words need not be found.
  const ends = firstWordEnds(text, MAX_WORDS + END_WORDS + 1);
  if (ends.length === 0) return '';
  let k = Math.min(MIN_WORDS, ends.length);
  while (k < Math.min(MAX_WORDS, ends.length) && occurrences(flat, text.slice(0, ends[k - 1])) > 1) k++;
  const head = text.slice(0, ends[k - 1]);
  if (ends.length <= k + END_WORDS) return encodeFragmentTerm(text);
  const tail = text.slice(nthLastWordStart(text, END_WORDS));
  return `${encodeFragmentTerm(head)},${encodeFragmentTerm(tail)}`;
}
