import { block, type Block } from './blocks.js';
import { normalizeSpaces } from './text-stats.js';

/** Lines at least this long, in a group of similar lines, are a paragraph wrapped at a fixed width. */
const WRAP_MIN_CHARS = 40;
/** Hard-wrapped text rarely exceeds this width; one-line paragraphs of web copies usually do. */
const WRAP_MAX_CHARS = 100;

function isWrapped(lines: string[]): boolean {
  if (lines.length < 2) return false;
  const head = lines.slice(0, -1);
  return head.every((l) => l.length >= WRAP_MIN_CHARS && l.length <= WRAP_MAX_CHARS) &&
    lines.every((l) => !/^\s*(?:[-*•·]|\d+[.)])\s/.test(l));
}

/**
 * Splits plain text into blocks: one per line, as copies of web pages put a paragraph on a line,
 * except that a group of lines wrapped at a fixed width is joined back into one paragraph.
 */
export function textToBlocks(text: string): Block[] {
  const groups = text.replace(/\r\n?/g, '\n').split(/\n[ \t\u00A0]*\n/);
  const blocks: Block[] = [];
  for (const group of groups) {
    const lines = group.split('\n').map(normalizeSpaces).filter((l) => l !== '');
    if (lines.length === 0) continue;
    if (isWrapped(lines)) {
      blocks.push(block(lines.join(' '), { kind: 'paragraph', groupStart: true }));
      continue;
    }
    lines.forEach((line, i) => blocks.push(block(line, { kind: 'line', groupStart: i === 0 })));
  }
  return blocks;
}
