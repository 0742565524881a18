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

const WORD_CHAR = /[\p{L}\p{N}]/u;

/** Moves each start sentinel back to its word's start and each end sentinel on to its word's end. */
function widenToWords(text: string): string {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === MARK_START) {
      // Pull the word characters already emitted back behind the sentinel.
      let j = out.length;
      while (j > 0 && WORD_CHAR.test(out[j - 1]!)) j--;
      out.splice(j, 0, MARK_START);
    } else if (c === MARK_END) {
      while (i + 1 < chars.length && WORD_CHAR.test(chars[i + 1]!)) out.push(chars[++i]!);
      out.push(MARK_END);
    } else out.push(c);
  }
  return out.join('');
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
