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

/** The body as a browser matches text fragments against it: whitespace folded. */
export function flatten(body: string): string {
  return body.replace(/\s+/g, ' ');
}

/*
 * Counting where a start occurs. A browser matches a text directive case-insensitively and at word
 * boundaries, so a start is compared word by word, each word lower-cased and stripped of the
 * punctuation around it. That may find a start more often than a browser would (never less often),
 * which only makes the start longer. Words are interned as numbers and each candidate length is one
 * pass of a rolling hash over the document: time linear in its size, where searching the document
 * once per passage grew with the square of it. A hash collision can only count a start twice.
 */
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu;
/** Two odd bases of polynomial hashes modulo 2^32 (Math.imul), side by side in one 53-bit number. */
const BASE_A = 0x01000193;
const BASE_B = 0x5bd1e995;

function wordKey(token: string): string {
  return token.toLowerCase().replace(EDGE_PUNCTUATION, '');
}

class WordIds {
  #ids = new Map<string, number>();
  of(token: string): number {
    const key = wordKey(token);
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#ids.size + 1;
      this.#ids.set(key, id);
    }
    return id;
  }
}

function key(a: number, b: number): number {
  return (a >>> 0) * 2 ** 21 + (b >>> 11);
}

/** One number for a run of word ids. */
function hashOf(ids: ArrayLike<number>, from: number, length: number): number {
  let a = 0;
  let b = 0;
  for (let i = from; i < from + length; i++) {
    a = (Math.imul(a, BASE_A) + ids[i]!) | 0;
    b = (Math.imul(b, BASE_B) + ids[i]!) | 0;
  }
  return key(a, b);
}

function power(base: number, exp: number): number {
  let r = 1;
  for (let i = 0; i < exp; i++) r = Math.imul(r, base);
  return r;
}

/**
 * Counts, for each wanted hash of a run of `length` words, how often such a run occurs in `ids`
 * (stopping at 2: only "unique or not" matters).
 */
function countRuns(ids: Int32Array, length: number, wanted: Map<number, number>): void {
  if (ids.length < length) return;
  const dropA = power(BASE_A, length - 1);
  const dropB = power(BASE_B, length - 1);
  let a = 0;
  let b = 0;
  for (let i = 0; i < ids.length; i++) {
    if (i >= length) {
      // The word leaving the window.
      a = (a - Math.imul(ids[i - length]!, dropA)) | 0;
      b = (b - Math.imul(ids[i - length]!, dropB)) | 0;
    }
    a = (Math.imul(a, BASE_A) + ids[i]!) | 0;
    b = (Math.imul(b, BASE_B) + ids[i]!) | 0;
    if (i >= length - 1) {
      const k = key(a, b);
      const n = wanted.get(k);
      if (n !== undefined && n < 2) wanted.set(k, n + 1);
    }
  }
}

/**
 * The text directives (without `#:~:text=`) for each range [start, end) of the body, encoded: the
 * passage's first words, as few as make the start unique in the body (4 to 12), and its last words.
 */
export function textFragmentsFor(body: string, ranges: ReadonlyArray<readonly [number, number]>): string[] {
  const words = new WordIds();
  const tokens = body.match(/\S+/g) ?? [];
  const ids = new Int32Array(tokens.length);
  tokens.forEach((t, i) => (ids[i] = words.of(t)));

  const quotes = ranges.map(([start, end]) => {
    const text = flatten(body.slice(start, end)).trim();
    const ends = firstWordEnds(text, MAX_WORDS + END_WORDS + 1);
    const headIds = text.slice(0, ends[Math.min(MAX_WORDS, ends.length) - 1] ?? 0).split(' ').filter((t) => t !== '').map((t) => words.of(t));
    return { text, ends, headIds, k: Math.min(MIN_WORDS, ends.length) };
  });
  // Each round counts the current starts of the passages still ambiguous, one word longer each time.
  let open = quotes.filter((q) => q.k > 0 && q.k < Math.min(MAX_WORDS, q.ends.length));
  while (open.length > 0) {
    const byLength = new Map<number, typeof open>();
    for (const q of open) {
      const group = byLength.get(q.k);
      if (group) group.push(q);
      else byLength.set(q.k, [q]);
    }
    const next: typeof open = [];
    for (const [k, group] of byLength) {
      const wanted = new Map<number, number>();
      for (const q of group) wanted.set(hashOf(q.headIds, 0, k), 0);
      countRuns(ids, k, wanted);
      for (const q of group) {
        if (wanted.get(hashOf(q.headIds, 0, k))! > 1) {
          q.k++;
          if (q.k < Math.min(MAX_WORDS, q.ends.length)) next.push(q);
        }
      }
    }
    open = next;
  }

  return quotes.map(({ text, ends, k }) => {
    if (ends.length === 0) return '';
    const head = text.slice(0, ends[k - 1]);
    if (ends.length <= k + END_WORDS) return encodeFragmentTerm(text);
    const tail = text.slice(nthLastWordStart(text, END_WORDS));
    return `${encodeFragmentTerm(head)},${encodeFragmentTerm(tail)}`;
  });
}

/** The text directive for one range of the body; see textFragmentsFor. */
export function textFragmentFor(body: string, start: number, end: number): string {
  return textFragmentsFor(body, [[start, end]])[0]!;
}
