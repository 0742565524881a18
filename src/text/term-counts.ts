import { terms } from './stem.js';

/*
 * A document's terms as the terms index counts them, stored in one record beside its postings
 * (DocumentCountsRecord, src/terms/schema.ts) so that ranking reads a document's counts as one
 * record: Meilisearch's cost of a read grows with the records it returns, and a document is several
 * passages. It is a forward index: for the title, and for each passage its heading and text, the
 * length in words and the count of each term.
 *
 * Encoded as one line per part, the title first: `length term:count term:count…`, and a passage's
 * line starts with its position: `position length term:count…`. Terms are made of letters and
 * digits only (see words), so neither a space nor a colon nor a line break occurs in one.
 */

/** A text's length in words and the counts of some terms in it. */
export interface TermCounts {
  counts: Map<string, number>;
  length: number;
}

/** What a document's stored counts say of some terms: its title, and each passage's heading and text. */
export interface DocumentTermCounts {
  title: TermCounts;
  passages: Array<TermCounts & { position: number }>;
}

function encodePart(prefix: string, ts: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
  let out = `${prefix}${ts.length}`;
  for (const [t, n] of counts) out += ` ${t}:${n}`;
  return out;
}

/**
 * The longest stored counts: about 1 MB, as much as a count reads of a document's text when it has
 * none (1,000 passages of about 1 KB). News prose stores about 500 characters a passage, so some
 * 2,000 passages stay under it; a longer document is counted from its text, whose reads are
 * bounded, rather than read whole by every count.
 */
export const TERM_COUNTS_MAX_CHARS = 1 << 20;

/**
 * The stored counts of a document's title and passages, stemmed in its language; null when they
 * would be longer than TERM_COUNTS_MAX_CHARS.
 */
export function encodeTermCounts(
  title: string | null,
  passages: ReadonlyArray<{ position: number; heading: string | null; text: string }>,
  lang: string | null,
): string | null {
  const lines = [encodePart('', terms(title ?? '', lang))];
  let chars = lines[0]!.length;
  for (const p of passages) {
    const line = encodePart(`${p.position} `, terms(`${p.heading ?? ''} ${p.text}`, lang));
    chars += line.length + 1;
    if (chars > TERM_COUNTS_MAX_CHARS) return null;
    lines.push(line);
  }
  return lines.join('\n');
}

/** The number whose digits start at `i` (up to the first other character), 0 when none do. */
function numberAt(s: string, i: number): number {
  let n = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * Calls `visit` with each part of a document's stored counts in turn (encodeTermCounts): where it
 * starts, its position (null for the title, the first part) and its length. False, having stopped,
 * when the value is not such an encoding.
 */
function eachPart(encoded: string, visit: (start: number, position: number | null, length: number) => void): boolean {
  for (let start = 0, part = 0; start <= encoded.length; part++) {
    const end = encoded.indexOf('\n', start);
    const stop = end < 0 ? encoded.length : end;
    // The title's head is its length; a passage's, its position and length.
    const first = headAt(encoded, start, stop, 1);
    const length = part === 0 ? first : headAt(encoded, start, stop, 2);
    if (first < 0 || length < 0) return false;
    visit(start, part === 0 ? null : first, length);
    start = stop + 1;
  }
  return true;
}

/**
 * A whole document's length from its stored counts (its parts' lengths added up), or null when the
 * value is not such an encoding. With countTermsIn, what decodeTermCounts then documentCounts give,
 * without a Map or a string per part: a question counts a few hundred documents, and most of their
 * parts hold none of its terms.
 */
export function termCountsLength(encoded: unknown): number | null {
  if (typeof encoded !== 'string' || encoded === '') return null;
  let length = 0;
  return eachPart(encoded, (_start, _position, n) => void (length += n)) ? length : null;
}

/** The counts of `wanted` over a whole document's stored counts, which termCountsLength found to be such an encoding. */
export function countTermsIn(encoded: string, wanted: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of wanted) {
    // Searched for without the space before it, which is checked: a search stops at each place
    // its first character occurs, and a space occurs between every two terms.
    const key = `${t}:`;
    let n = 0;
    // A term appears at most once a part: each of its appearances is one part's count.
    for (let at = encoded.indexOf(key); at >= 0; at = encoded.indexOf(key, at + key.length)) {
      if (encoded.charCodeAt(at - 1) === 32) n += numberAt(encoded, at + key.length);
    }
    if (n > 0) counts.set(t, n);
  }
  return counts;
}

/** The last of the first `fields` numbers of a part (from `start` to `stop`), or -1 when they are not numbers. */
function headAt(s: string, start: number, stop: number, fields: number): number {
  let i = start;
  let n = -1;
  for (let f = 0; f < fields; f++) {
    n = 0;
    let digits = 0;
    for (; i < stop; i++, digits++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    if (digits === 0) return -1;
    i++;
  }
  return n;
}

/**
 * The counts of `wanted` in each part of a document's stored counts (encodeTermCounts), and each
 * part's length; null when the value is not such an encoding (a record from before it existed).
 * Each term is searched for once over the whole value and each find given to the part it falls in:
 * a long document has hundreds of parts, most of them without any of the terms.
 */
export function decodeTermCounts(encoded: unknown, wanted: readonly string[]): DocumentTermCounts | null {
  if (typeof encoded !== 'string' || encoded === '') return null;
  const starts: number[] = [];
  const parts: TermCounts[] = [];
  const passages: DocumentTermCounts['passages'] = [];
  const whole = eachPart(encoded, (start, position, length) => {
    const part = { length, counts: new Map<string, number>() };
    if (position !== null) passages.push(Object.assign(part, { position }));
    parts.push(part);
    starts.push(start);
  });
  if (!whole) return null;
  for (const t of wanted) {
    const key = `${t}:`;
    // Preceded by a space, as every term of a part is (see countTermsIn); at most once a part.
    for (let at = encoded.indexOf(key); at >= 0; at = encoded.indexOf(key, at + key.length)) {
      if (encoded.charCodeAt(at - 1) !== 32) continue;
      const n = numberAt(encoded, at + key.length);
      const counts = parts[partAt(starts, at)]!.counts;
      if (n > 0 && !counts.has(t)) counts.set(t, n);
    }
  }
  return { title: parts[0]!, passages };
}

/** The part a place falls in: the last of `starts` (ascending, the first 0) at or before it. */
function partAt(starts: readonly number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
