import { block, type Block } from './blocks.js';
import { normalizeSpaces } from '../text/normalise.js';
import { endsLikeSentence } from '../text/prose.js';

/*
 * Hard-wrapped text (e-mail, wire copy, plain-text archives) puts a paragraph on several lines of a
 * fixed width; copies of web pages put a paragraph on one long line. Some dumps are double-spaced:
 * a blank line after every line, so blank lines no longer mark paragraphs.
 */
/** The usual width of wrapped lines lies between these (72 and 80 columns are the common ones). */
const WRAP_MIN_CHARS = 40;
const WRAP_MAX_CHARS = 100;
/**
 * A group is wrapped when at least this share of its lines are full: the next line's first word
 * would not have fit. In Reuters wire stories (two or three lines a paragraph) about two thirds are.
 */
const FULL_LINE_SHARE = 0.5;
/**
 * The wrapping width at a line is the longest line among this many on either side: a text may change
 * width part-way (a quoted letter, a table) and one long line (a URL) only sets it nearby.
 */
const WIDTH_WINDOW_LINES = 4;
/** Double-spaced: at least this share of the gaps between lines hold a blank line (one, or two between paragraphs)… */
const DOUBLE_SPACED_GAP_SHARE = 0.8;
/** …and at most this share of lines end a sentence (one paragraph a line would end nearly all). */
const DOUBLE_SPACED_SENTENCE_END_SHARE = 0.5;
/** Fewer lines than this say nothing about how a text is spaced. */
const DOUBLE_SPACED_MIN_LINES = 4;
const LIST_ITEM = /^\s*(?:[-*•·]|\d+[.)])\s/;

function indentOf(line: string): number {
  return /^[ \t]*/.exec(line)![0].replace(/\t/g, '    ').length;
}

/** The smallest indent of the lines (a loop: spreading a huge group into Math.min overflows the stack). */
function baseIndentOf(lines: readonly string[]): number {
  let base = Infinity;
  for (const l of lines) base = Math.min(base, indentOf(l));
  return base;
}

function firstWordLength(line: string): number {
  return /^\s*(\S*)/.exec(line)![1]!.length;
}

/**
 * True when the break after `line` is a soft wrap: the next line does not open a paragraph
 * (indented, a list item), and the line either stops inside a sentence or is full (the next line's
 * first word would not have fit within the wrapping width). Wire copy is not always wrapped
 * greedily, so a short line inside a sentence still joins the next.
 */
function isSoftBreak(line: string, next: string, width: number, baseIndent: number): boolean {
  if (opensParagraph(next, baseIndent)) return false;
  return !endsLikeSentence(line) || isFull(line, next, width);
}

function opensParagraph(line: string, baseIndent: number): boolean {
  return indentOf(line) > baseIndent || LIST_ITEM.test(line);
}

/** The next line's first word would not have fit on this line. */
function isFull(line: string, next: string, width: number): boolean {
  return line.trimEnd().length + 1 + firstWordLength(next) > width;
}

/** The wrapping width at each line of a group, or null when the group is not hard-wrapped. */
function wrapWidths(lines: readonly string[]): number[] | null {
  if (lines.length < 2 || lines.every((l) => LIST_ITEM.test(l))) return null;
  const base = baseIndentOf(lines);
  // Lines that open a paragraph may be indented beyond the width; the others show it.
  const lengths = lines.map((l) => (indentOf(l) === base ? l.trimEnd().length : 0));
  const widths = lines.map((_, i) => Math.max(...lengths.slice(Math.max(0, i - WIDTH_WINDOW_LINES), i + WIDTH_WINDOW_LINES + 1)));
  const typical = [...widths].sort((a, b) => a - b)[Math.floor(widths.length / 2)]!;
  if (typical < WRAP_MIN_CHARS || typical > WRAP_MAX_CHARS) return null;
  // Full lines tell wrapped text from lines that merely stop short of a full stop (a list of headlines).
  let full = 0;
  for (let i = 0; i < lines.length - 1; i++) if (!opensParagraph(lines[i + 1]!, base) && isFull(lines[i]!, lines[i + 1]!, widths[i]!)) full++;
  return full >= (lines.length - 1) * FULL_LINE_SHARE ? widths : null;
}

/** Joins a wrapped group's lines into paragraphs, breaking where a line ends a sentence before the width. */
function unwrap(lines: readonly string[], widths: readonly number[]): string[] {
  const base = baseIndentOf(lines);
  const paragraphs: string[] = [];
  // The paragraph's lines, and what joins each to the one before, put together at its end: testing
  // the end of one growing string would read it whole at every line.
  let parts: string[] = [];
  let glue: string[] = [];
  lines.forEach((line, i) => {
    const t = line.trim();
    const last = parts.length - 1;
    // A word hyphenated across a line break ("govern-\nment") is one word again; in capitals a
    // hyphen may be the word's own ("BUG-RIDDEN"), so it stays, without the space.
    if (last >= 0 && /\p{Ll}-$/u.test(parts[last]!) && /^\p{Ll}/u.test(t)) {
      parts[last] = parts[last]!.slice(0, -1);
      glue.push('');
    } else if (last >= 0 && /\p{L}-$/u.test(parts[last]!)) glue.push('');
    else glue.push(last >= 0 ? ' ' : '');
    parts.push(t);
    const next = lines[i + 1];
    if (next === undefined || !isSoftBreak(line, next, widths[i]!, base)) {
      paragraphs.push(normalizeSpaces(parts.map((part, k) => glue[k] + part).join('')));
      parts = [];
      glue = [];
    }
  });
  return paragraphs.filter((p) => p !== '');
}

/**
 * Double-spaced text: nearly every line is followed by one blank line, and the lines break inside
 * sentences, as wrapped text does. There a blank line is a line break, and two mark a paragraph.
 */
export function isDoubleSpaced(lines: readonly string[]): boolean {
  const filled: number[] = [];
  lines.forEach((l, i) => {
    if (l.trim() !== '') filled.push(i);
  });
  if (filled.length < DOUBLE_SPACED_MIN_LINES) return false;
  let blank = 0;
  let oneBlank = 0;
  for (let k = 1; k < filled.length; k++) {
    const gap = filled[k]! - filled[k - 1]!;
    if (gap > 1) blank++;
    if (gap === 2) oneBlank++;
  }
  // Most gaps one blank line: paragraphs then stand out by two.
  if (blank < (filled.length - 1) * DOUBLE_SPACED_GAP_SHARE || oneBlank * 2 < filled.length - 1) return false;
  const sentenceEnds = filled.filter((i) => endsLikeSentence(lines[i]!)).length;
  return sentenceEnds <= filled.length * DOUBLE_SPACED_SENTENCE_END_SHARE;
}

/**
 * Splits plain text into blocks: one per line, as copies of web pages put a paragraph on a line,
 * except that a group of lines wrapped at a fixed width is joined back into its paragraphs.
 */
export function textToBlocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => (/^[ \t\u00A0]*$/.test(l) ? '' : l));
  const joined = lines.join('\n');
  const groups = isDoubleSpaced(lines) ? joined.split(/\n{3,}/).map((g) => g.replace(/\n\n/g, '\n')) : joined.split(/\n{2,}/);
  const blocks: Block[] = [];
  for (const group of groups) {
    const raw = group.split('\n').filter((l) => l.trim() !== '');
    if (raw.length === 0) continue;
    const widths = wrapWidths(raw);
    if (widths !== null) {
      for (const p of unwrap(raw, widths)) blocks.push(block(p, { kind: 'paragraph', groupStart: true }));
      continue;
    }
    raw.map(normalizeSpaces).forEach((line, i) => {
      if (line !== '') blocks.push(block(line, { kind: 'line', groupStart: i === 0 }));
    });
  }
  return blocks;
}
