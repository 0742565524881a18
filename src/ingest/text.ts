import { block, type Block } from './blocks.js';
import { normalizeSpaces } from '../text/normalise.js';
import { endsLikeSentence } from '../text/prose.js';

/*
 * Hard-wrapped text (e-mail, wire copy, plain-text archives) puts a paragraph on several lines of a
 * fixed width; copies of web pages put a paragraph on one long line.
 */
/** Wrapped lines are mostly between these widths. */
const WRAP_MIN_CHARS = 40;
const WRAP_MAX_CHARS = 100;
/** In wrapped text, a sentence-final line shorter than this share of the usual width ends a paragraph. */
const PARAGRAPH_END_WIDTH = 0.6;
/** Share of a group's lines that must be of wrapped width (the rest end paragraphs). */
const WRAPPED_SHARE = 0.8;
const LIST_ITEM = /^\s*(?:[-*•·]|\d+[.)])\s/;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Lines of a group wrapped at a fixed width: most lines of similar, moderate length. */
function isWrapped(lines: string[]): boolean {
  if (lines.length < 2) return false;
  const lengths = lines.map((l) => l.trim().length);
  const head = lengths.slice(0, -1);
  const m = median(head);
  return (
    m >= WRAP_MIN_CHARS &&
    Math.max(...head) <= WRAP_MAX_CHARS &&
    head.filter((n) => n >= WRAP_MIN_CHARS).length >= head.length * WRAPPED_SHARE &&
    !lines.every((l) => LIST_ITEM.test(l))
  );
}

/** Splits a wrapped group into paragraphs at indented lines and at short sentence-final lines. */
function unwrap(lines: string[]): string[] {
  const width = median(lines.map((l) => l.trim().length));
  const paragraphs: string[][] = [];
  let current: string[] = [];
  lines.forEach((raw, i) => {
    const indented = /^[ \t]{2,}\S/.test(raw);
    if (i > 0 && (indented || LIST_ITEM.test(raw)) && current.length > 0) {
      paragraphs.push(current);
      current = [];
    }
    current.push(raw.trim());
    const t = raw.trim();
    if (endsLikeSentence(t) && t.length < width * PARAGRAPH_END_WIDTH) {
      paragraphs.push(current);
      current = [];
    }
  });
  if (current.length > 0) paragraphs.push(current);
  // A word hyphenated across a line break ("govern-\nment") is one word again.
  return paragraphs.map((p) => normalizeSpaces(p.join('\n').replace(/(\p{Ll})-\n(\p{Ll})/gu, '$1$2').replace(/\n/g, ' ')));
}

/**
 * Splits plain text into blocks: one per line, as copies of web pages put a paragraph on a line,
 * except that a group of lines wrapped at a fixed width is joined back into its paragraphs.
 */
export function textToBlocks(text: string): Block[] {
  const groups = text.replace(/\r\n?/g, '\n').split(/\n[ \t\u00A0]*\n/);
  const blocks: Block[] = [];
  for (const group of groups) {
    const raw = group.split('\n').filter((l) => l.trim() !== '');
    if (raw.length === 0) continue;
    if (isWrapped(raw)) {
      for (const p of unwrap(raw)) if (p !== '') blocks.push(block(p, { kind: 'paragraph', groupStart: true }));
      continue;
    }
    raw.map(normalizeSpaces).forEach((line, i) => {
      if (line !== '') blocks.push(block(line, { kind: 'line', groupStart: i === 0 }));
    });
  }
  return blocks;
}
