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

const WORD_CHAR = /^[\p{L}\p{N}]$/u;

function isWordChar(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 122);
  return WORD_CHAR.test(c);
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

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Crops a text to the window of `cropWords` words holding the most distinct query terms and wraps
 * each matching word in sentinels, for renderSnippet. Used where the proxy ranks passages itself.
 */
export function cropAndHighlight(
  text: string,
  terms: ReadonlySet<string>,
  cropWords: number,
  termOf: (word: string) => string = (w) => w,
): string {
  const spans = [...text.matchAll(WORD)].map((m) => {
    const word = termOf(m[0].toLowerCase());
    return { start: m.index, end: m.index + m[0].length, hit: terms.has(word), word };
  });
  if (spans.length === 0) return text;
  let bestStart = 0;
  let bestScore = -1;
  for (let i = 0; i < spans.length; i += 1) {
    if (i > 0 && !spans[i]!.hit) continue;
    const window = spans.slice(i, i + cropWords);
    const score = new Set(window.filter((s) => s.hit).map((s) => s.word)).size;
    if (score > bestScore) {
      bestScore = score;
      bestStart = i;
    }
  }
  // Start a little before the first match, so it reads in context.
  const first = Math.max(0, Math.min(bestStart - Math.floor(cropWords / 4), spans.length - cropWords));
  const window = spans.slice(first, first + cropWords);
  const from = first === 0 ? 0 : window[0]!.start;
  const to = first + cropWords >= spans.length ? text.length : window[window.length - 1]!.end;
  let out = from > 0 ? CROP_MARKER : '';
  let pos = from;
  for (const s of window) {
    if (!s.hit) continue;
    out += text.slice(pos, s.start) + MARK_START + text.slice(s.start, s.end) + MARK_END;
    pos = s.end;
  }
  out += text.slice(pos, to);
  return to < text.length ? out + CROP_MARKER : out;
}
