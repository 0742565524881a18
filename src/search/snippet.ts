import { isWordChar, wordSpans } from '../text/words.js';

/**
 * Meilisearch wraps matches in whatever tags it is given and escapes nothing. We ask for control
 * characters that ingest strips from every text, escape the whole string, and only then turn the
 * sentinels into <mark>: no markup from a document or a query can survive.
 */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';
export const CROP_MARKER = '…';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The character (a whole surrogate pair where there is one) that ends at `end`. */
function charBefore(s: string, end: number): string {
  const low = s.charCodeAt(end - 1);
  return low >= 0xdc00 && low <= 0xdfff && end > 1 ? s.slice(end - 2, end) : s.charAt(end - 1);
}

/** The character (a whole surrogate pair where there is one) that starts at `start`. */
function charAt(s: string, start: number): string {
  const high = s.charCodeAt(start);
  return high >= 0xd800 && high <= 0xdbff && start + 1 < s.length ? s.slice(start, start + 2) : s.charAt(start);
}

const SENTINEL = /[\u0002\u0003]/g;

/** Moves each start sentinel back to its word's start and each end sentinel on to its word's end. */
function widenToWords(text: string): string {
  let out = '';
  let from = 0;
  SENTINEL.lastIndex = 0;
  for (let m = SENTINEL.exec(text); m; m = SENTINEL.exec(text)) {
    out += text.slice(from, m.index);
    if (m[0] === MARK_START) {
      // Pull the word characters already written back behind the sentinel.
      let j = out.length;
      for (let c = charBefore(out, j); j > 0 && isWordChar(c); c = charBefore(out, j)) j -= c.length;
      out = out.slice(0, j) + MARK_START + out.slice(j);
      from = m.index + 1;
    } else {
      let k = m.index + 1;
      for (let c = charAt(text, k); k < text.length && isWordChar(c); c = charAt(text, k)) k += c.length;
      out += text.slice(m.index + 1, k) + MARK_END;
      from = k;
      SENTINEL.lastIndex = k;
    }
  }
  return out + text.slice(from);
}

/**
 * Turns a highlighted, cropped text into safe HTML: escaped text with matches in <mark>. Adjacent
 * marks separated only by spaces are joined, so a matched phrase is marked whole, and a match is
 * widened to its whole word.
 */
export function renderSnippet(highlighted: string): string {
  // A typo or prefix match highlights only part of a word ("<mark>Manupass</mark>a"); mark the
  // whole word, as a reader expects.
  const whole = highlighted.includes(MARK_START) ? widenToWords(highlighted) : highlighted;
  let depth = 0;
  let out = '';
  for (const part of whole.split(/([\u0002\u0003])/)) {
    if (part === MARK_START) {
      if (depth++ === 0) out += '<mark>';
    } else if (part === MARK_END) {
      if (depth > 0 && --depth === 0) out += '</mark>';
    } else {
      out += escapeHtml(part.replace(/[\u0000-\u001F\u007F]/g, ' '));
    }
  }
  if (depth > 0) out += '</mark>';
  // Join marks split by spaces (a phrase) or by a separator inside a number ("23,000", "1.5").
  return out.replace(/<\/mark>(\s+)<mark>/g, '$1').replace(/(\d)<\/mark>([.,])<mark>(\d)/g, '$1$2$3');
}

/** A matched stretch of a text, and which part of the query it stands for. */
export interface TextMatch {
  start: number;
  end: number;
  part: number | string;
}

/**
 * Crops a text to the window of `cropWords` words holding the most distinct parts of the query,
 * starting a little before the first of them so that it reads in context, and wraps each match in
 * sentinels for renderSnippet. Without matches, the window is the text's start.
 */
export function cropToMatches(text: string, matches: readonly TextMatch[], cropWords: number, words = wordSpans(text)): string {
  const count = words.starts.length;
  if (count === 0) return text;
  // The word each match starts in (matches and words are both in text order).
  const at: number[] = [];
  let w = 0;
  for (const m of matches) {
    while (w < count - 1 && words.ends[w]! <= m.start) w += 1;
    at.push(w);
  }
  let bestFirst = 0;
  let bestScore = -1;
  for (let i = 0; i < matches.length; i += 1) {
    const parts = new Set<TextMatch['part']>();
    for (let j = i; j < matches.length && at[j]! < at[i]! + cropWords; j += 1) parts.add(matches[j]!.part);
    if (parts.size > bestScore) {
      bestScore = parts.size;
      bestFirst = at[i]!;
    }
  }
  const first = Math.max(0, Math.min(bestFirst - Math.floor(cropWords / 4), count - cropWords));
  const last = Math.min(count, first + cropWords) - 1;
  const from = first === 0 ? 0 : words.starts[first]!;
  const to = last === count - 1 ? text.length : words.ends[last]!;
  let out = from > 0 ? CROP_MARKER : '';
  let pos = from;
  for (const m of matches) {
    if (m.start < from || m.end > to) continue;
    out += text.slice(pos, m.start) + MARK_START + text.slice(m.start, m.end) + MARK_END;
    pos = m.end;
  }
  out += text.slice(pos, to);
  return to < text.length ? out + CROP_MARKER : out;
}

/**
 * Crops a text around the words whose term (by `termOf`) is one of `terms`, and marks them. Used
 * where the proxy ranks passages itself, by the terms it ranked with.
 */
export function cropAndHighlight(
  text: string,
  terms: ReadonlySet<string>,
  cropWords: number,
  termOf: (word: string) => string = (w) => w,
): string {
  const words = wordSpans(text);
  const matches: TextMatch[] = [];
  words.starts.forEach((start, i) => {
    const term = termOf(text.slice(start, words.ends[i]).toLowerCase());
    if (terms.has(term)) matches.push({ start, end: words.ends[i]!, part: term });
  });
  return cropToMatches(text, matches, cropWords, words);
}
