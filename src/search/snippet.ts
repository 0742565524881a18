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

/**
 * Turns a highlighted, cropped text into safe HTML: escaped text with matches in <mark>. Adjacent
 * marks separated only by spaces are joined, so a matched phrase is marked whole.
 */
export function renderSnippet(highlighted: string): string {
  let depth = 0;
  let out = '';
  for (const part of highlighted.split(/([\u0002\u0003])/)) {
    if (part === MARK_START) {
      if (depth++ === 0) out += '<mark>';
    } else if (part === MARK_END) {
      if (depth > 0 && --depth === 0) out += '</mark>';
    } else {
      out += escapeHtml(part.replace(/[\u0000-\u001F\u007F]/g, ' '));
    }
  }
  if (depth > 0) out += '</mark>';
  return out.replace(/<\/mark>(\s+)<mark>/g, '$1');
}
