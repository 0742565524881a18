import { block, type Block } from './blocks.js';
import { normalizeSpaces } from '../text/normalise.js';
import { guessLanguage } from '../text/language.js';
import { endsLikeSentence } from '../text/prose.js';
import { stopWordsFor } from '../text/stop-words.js';
import { endsWithAbbreviation } from './passages.js';

/*
 * Hard-wrapped text (e-mail, wire copy, plain-text archives) puts a paragraph on several lines of a
 * fixed width, or, typed line by line, of none; copies of web pages put a paragraph on one long
 * line. Some dumps are double-spaced: a blank line after every line, so blank lines no longer mark
 * paragraphs.
 */
/** The usual width of wrapped lines lies between these (72 and 80 columns are the common ones). */
const WRAP_MIN_CHARS = 40;
const WRAP_MAX_CHARS = 100;
/**
 * A group is wrapped when at least this share of its line breaks show wrapping: the line is full
 * (the next line's first word would not have fit), or the break cuts a sentence. In Reuters wire
 * stories (two or three lines a paragraph) about two thirds of the lines are full.
 */
const WRAPPED_BREAK_SHARE = 0.5;
/**
 * Line breaks a text's groups must hold between them to judge how the whole text is wrapped: a
 * paragraph or two of wrapped lines. Fewer (a date line and a byline) say nothing of the rest.
 */
const WHOLE_TEXT_MIN_BREAKS = 8;
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
 * first word would not have fit within the wrapping width), or indented lines mark the group's
 * paragraphs. Wire copy is not always wrapped greedily, so a short line inside a sentence still
 * joins the next.
 */
function isSoftBreak(line: string, next: string, width: number, baseIndent: number, indentedParagraphs: boolean): boolean {
  if (opensParagraph(next, baseIndent)) return false;
  return indentedParagraphs || !endsSentence(line) || isFull(line, next, width);
}

/** The line ends a sentence: it ends like one, and not on an abbreviation ("the U.S.", "Dr."). */
function endsSentence(line: string): boolean {
  const end = line.trimEnd();
  return endsLikeSentence(end) && !endsWithAbbreviation(end);
}

function opensParagraph(line: string, baseIndent: number): boolean {
  return indentOf(line) > baseIndent || LIST_ITEM.test(line);
}

/** The next line's first word would not have fit on this line. */
function isFull(line: string, next: string, width: number): boolean {
  return line.trimEnd().length + 1 + firstWordLength(next) > width;
}

/**
 * The break after `line` cuts a sentence: the line does not end one (an abbreviation does not),
 * and the next line begins in lower case (no sentence does, in a script with case), or the line
 * ends on a comma, a hyphen or a function word of the text's language ("of", "the", "and"). Text
 * wrapped by hand (abstracts typed line by line, mail written without a fixed width) breaks there
 * at any length, where no line is full; a copy of a web page puts a paragraph, a heading or a menu
 * item on each line, and they do not run on into the next.
 */
function cutsSentence(line: string, next: string, functionWords: ReadonlySet<string>): boolean {
  if (endsSentence(line)) return false;
  const end = line.trimEnd();
  if (/^\s*\p{Ll}/u.test(next) || /[,\-\u2010\u2013]$/u.test(end)) return true;
  const lastWord = /[\p{L}\p{M}']+$/u.exec(end)?.[0];
  return lastWord !== undefined && functionWords.has(lastWord.toLowerCase());
}

/** How a group of lines may be wrapped: the width at each line, and how many of its breaks show wrapping. */
interface GroupWrapping {
  widths: number[];
  /** The group's typical width: too short (a list of words, a short paragraph's last lines) or too long (a paragraph a line) for wrapping, or within. */
  width: 'narrow' | 'wide' | 'within';
  /** Breaks after a full line or inside a sentence (see cutsSentence), of `breaks` that do not open a paragraph. */
  wrapped: number;
  /** Breaks inside a sentence: in a group of short lines, where a line looks full beside a longer word. */
  cut: number;
  breaks: number;
}

/**
 * The wrapping width at each line of a group and the breaks that show it, or null when the group
 * cannot be wrapped text (a single line, a list). `functionWords`: those of the text's language
 * (see cutsSentence).
 */
function groupWrapping(lines: readonly string[], functionWords: ReadonlySet<string>): GroupWrapping | null {
  if (lines.length < 2 || lines.every((l) => LIST_ITEM.test(l))) return null;
  const base = baseIndentOf(lines);
  // Lines that open a paragraph may be indented beyond the width; the others show it.
  const lengths = lines.map((l) => (indentOf(l) === base ? l.trimEnd().length : 0));
  const widths = lines.map((_, i) => Math.max(...lengths.slice(Math.max(0, i - WIDTH_WINDOW_LINES), i + WIDTH_WINDOW_LINES + 1)));
  const typical = [...widths].sort((a, b) => a - b)[Math.floor(widths.length / 2)]!;
  const width = typical < WRAP_MIN_CHARS ? 'narrow' : typical > WRAP_MAX_CHARS ? 'wide' : 'within';
  // Full lines, and breaks inside sentences, tell wrapped text from lines that merely stop short of a
  // full stop (a list of headlines).
  let wrapped = 0;
  let cut = 0;
  let breaks = 0;
  for (let i = 0; i < lines.length - 1; i++) {
    const [line, next] = [lines[i]!, lines[i + 1]!];
    if (opensParagraph(next, base)) continue;
    breaks++;
    const cuts = cutsSentence(line, next, functionWords);
    if (cuts) cut++;
    if (cuts || isFull(line, next, widths[i]!)) wrapped++;
  }
  return { widths, width, wrapped, cut, breaks };
}

/** Whether `showing` of `breaks` line breaks are enough to show wrapping: WRAPPED_BREAK_SHARE of them. */
function showsWrapping(showing: number, breaks: number): boolean {
  return breaks > 0 && showing >= breaks * WRAPPED_BREAK_SHARE;
}

/**
 * Whether the text as a whole is wrapped: its groups of a wrapping width hold at least
 * WHOLE_TEXT_MIN_BREAKS breaks, enough of which cut sentences.
 */
function textShowsWrapping(wrappings: ReadonlyArray<GroupWrapping | null>): boolean {
  let cut = 0;
  let breaks = 0;
  for (const w of wrappings) {
    if (w?.width !== 'within') continue;
    cut += w.cut;
    breaks += w.breaks;
  }
  return breaks >= WHOLE_TEXT_MIN_BREAKS && showsWrapping(cut, breaks);
}

/**
 * Whether a group is wrapped text. A text is wrapped one way throughout, so a group is judged on its
 * own breaks or on the whole text's (`wrappedText`, see textShowsWrapping): a paragraph of three lines may break twice between names ("Drexel /
 * Burnham Lambert"), where neither a full line nor a cut sentence shows. A group of short lines (a
 * paragraph's last two, or a menu) is wrapped only in a wrapped text, and when its own breaks cut
 * sentences: beside a longer word, any short line looks full.
 */
function isWrapped(w: GroupWrapping | null, wrappedText: boolean): w is GroupWrapping {
  if (w === null || w.width === 'wide') return false;
  if (w.width === 'narrow') return wrappedText && showsWrapping(w.cut, w.breaks);
  return wrappedText || showsWrapping(w.wrapped, w.breaks);
}

/**
 * Joins a wrapped group's lines into paragraphs, breaking where a line ends a sentence before the
 * width. Where indented lines open the group's paragraphs (wire copy, typed abstracts), only they
 * do: a sentence that ends at a line's end, short of the width, goes on in the same paragraph.
 */
function unwrap(lines: readonly string[], widths: readonly number[]): string[] {
  const base = baseIndentOf(lines);
  const indentedParagraphs = lines.some((l, i) => i > 0 && indentOf(l) > base);
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
    if (next === undefined || !isSoftBreak(line, next, widths[i]!, base, indentedParagraphs)) {
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

/** Plain text read into blocks, and whether it was written as text rather than copied from a page. */
export interface PlainText {
  blocks: Block[];
  /**
   * Most of its lines are wrapped (at a fixed width or by hand, see isWrapped): a text written as
   * text (wire copy, e-mail, an abstract typed line by line), where no page put menus and teasers
   * around it. A copy of a web page puts each paragraph, heading and menu item on a line of its own.
   */
  writtenAsText: boolean;
}

/**
 * Splits plain text into blocks: one per line, as copies of web pages put a paragraph on a line,
 * except that a group of wrapped lines (at a fixed width, or by hand) is joined back into its
 * paragraphs.
 */
export function readPlainText(text: string): PlainText {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => (/^[ \t\u00A0]*$/.test(l) ? '' : l));
  const joined = lines.join('\n');
  const groups = isDoubleSpaced(lines) ? joined.split(/\n{3,}/).map((g) => g.replace(/\n\n/g, '\n')) : joined.split(/\n{2,}/);
  const functionWords = stopWordsFor(guessLanguage(text));
  const split = groups.map((g) => g.split('\n').filter((l) => l.trim() !== '')).filter((raw) => raw.length > 0);
  const wrappings = split.map((raw) => groupWrapping(raw, functionWords));
  const wrappedText = textShowsWrapping(wrappings);
  const blocks: Block[] = [];
  let filled = 0;
  let wrappedLines = 0;
  split.forEach((raw, g) => {
    const w = wrappings[g]!;
    filled += raw.length;
    if (isWrapped(w, wrappedText)) {
      wrappedLines += raw.length;
      for (const p of unwrap(raw, w.widths)) blocks.push(block(p, { kind: 'paragraph', groupStart: true }));
      return;
    }
    raw.map(normalizeSpaces).forEach((line, i) => {
      if (line !== '') blocks.push(block(line, { kind: 'line', groupStart: i === 0 }));
    });
  });
  return { blocks, writtenAsText: filled - split.length >= WHOLE_TEXT_MIN_BREAKS && wrappedLines * 2 > filled };
}
