/**
 * Reading order of PDF pages: positioned runs of text in, paragraphs in reading order out. Pure.
 *
 * 1. Runs on one baseline make a line; a line splits into fragments where a gap is wider than any
 *    word space (the gutter between columns, a table cell).
 * 2. The fragments of a page are cut into blocks recursively (XY-cut, Nagy & Seth 1984): first
 *    along the widest empty vertical band that leaves a column on each side, else along the widest
 *    empty horizontal band. Blocks are read left to right, top to bottom.
 * 3. Lines that repeat at the same place on several pages (running headers and footers) and page
 *    numbers in the page margins are dropped, and listed.
 * 4. Consecutive lines join into paragraphs while the line pitch, size and column stay the same;
 *    larger type makes a heading. A word hyphenated at a line end is mended.
 * 5. A paragraph cut by a page break joins its continuation on the next page, and keeps where the
 *    page broke.
 */

/** One run of text as the PDF places it. Coordinates in PDF points, y upwards from the bottom. */
export interface PdfTextRun {
  text: string;
  x: number;
  /** Baseline. */
  y: number;
  width: number;
  /** Font size (the height of an em) in points. */
  size: number;
  /** Share of the run that lies inside link annotations (0–1). */
  link?: number;
  /** Tagged PDFs: the marked content (MCID on its page) the run belongs to. */
  mcid?: number;
}

export interface PdfPageText {
  /** 1-based page number. */
  number: number;
  /** The page label the PDF prints or declares (PageLabels), e.g. "iv"; null without one. */
  label: string | null;
  width: number;
  height: number;
  runs: PdfTextRun[];
}

export interface PdfParagraph {
  text: string;
  heading: boolean;
  /** Share of the paragraph's characters inside links (PDF link annotations). */
  linkDensity: number;
  /** Page the paragraph starts on. */
  page: number;
  /** Where later pages start inside `text` (a paragraph continued across a page break). */
  breaks: Array<{ offset: number; page: number }>;
}

export interface DroppedLine {
  page: number;
  text: string;
  reason: 'running header' | 'running footer' | 'page number';
}

export interface PdfLayout {
  paragraphs: PdfParagraph[];
  dropped: DroppedLine[];
  /** Font size of most of the text. */
  bodySize: number;
}

/*
 * Tuning constants, in ems of the text's font size unless said otherwise. Word spaces are about a
 * quarter of an em; justified lines rarely stretch one past an em.
 */
/** Baselines closer than this belong to the same line (superscripts sit about a third higher). */
const SAME_LINE_EM = 0.4;
/** A horizontal gap wider than this splits a line into fragments. */
const FRAGMENT_GAP_EM = 1.2;
/** A gap wider than this between two runs of a fragment is a space the PDF did not write. */
const SPACE_GAP_EM = 0.12;
/** An empty vertical band at least this wide separates columns… */
const COLUMN_GAP_EM = 1.0;
/** …when the text on each side of it is at least this wide (bullets and line numbers are not columns). */
const MIN_COLUMN_WIDTH_EM = 5;
/** An empty horizontal band at least this tall separates blocks. */
const BLOCK_GAP_EM = 0.5;
/** Parts of a line above and below its baseline, for the vertical extent of fragments. */
const ASCENT_EM = 0.8;
const DESCENT_EM = 0.25;
/** A line step this much over the page's usual pitch starts a new paragraph. */
const PARAGRAPH_PITCH_RATIO = 1.3;
/** Type this much larger than the body text is a heading… */
const HEADING_SIZE_RATIO = 1.15;
/** …if it is this short. */
const HEADING_MAX_WORDS = 20;
/** Lines of the same paragraph differ in size by less than this ratio. */
const SAME_SIZE_RATIO = 1.1;
/** A line indented this much from the previous line's left edge opens a paragraph. */
const INDENT_EM = 1;
/** Room at a line's end beyond what the next line's first word needs, before the line counts as ended by choice. */
const FIT_TOLERANCE_EM = 0.5;
/** Lines whose left edges are this close share a column. */
const COLUMN_EDGE_EM = 2;
/** A line ending this far short of its column's right edge can close a paragraph. */
const SHORT_LINE_EM = 3;
/** Running headers and footers sit among the first or last lines of a page… */
const MARGIN_LINES = 3;
/** …within this share of the page height from its top or bottom edge. */
const MARGIN_SHARE = 0.15;
/** The same line at the same height (within this many ems) on this many pages is running text. */
const RUNNING_POSITION_EM = 1;
const RUNNING_MIN_PAGES = 2;
/** Pages with more lines than this keep their blocks' right edges as column edges (the search is quadratic). */
const MAX_LINES_FOR_COLUMNS = 2_000;
/** Pages with more runs than this are read top to bottom without the XY-cut (bounded time). */
const MAX_RUNS_FOR_CUT = 20_000;

const PAGE_NUMBER = /^(?:page|p\.|seite|pagina|página)?\s*[-–—(]?\s*(?:\d{1,5}|[ivxlcdm]{1,8})\s*[-–—)]?(?:\s*(?:of|\/|von|de)\s*\d{1,5})?$/iu;
const HYPHEN_END = /(\p{L})[-\u00AD\u2010]$/u;
const SENTENCE_END = /[.!?…:;]["'”’)\]]*$/u;

interface Fragment {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  /** Characters of the fragment that lie inside links. */
  linkChars: number;
}

interface Line extends Fragment {
  page: number;
  pageHeight: number;
  /** Right edge of the column the line sits in, to tell lines that end short. */
  blockRight: number;
}

function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Joins runs into one string, adding a space where the gap between two runs is wide and none is written. */
function joinRuns(runs: readonly { text: string; x: number; width: number; size: number }[]): string {
  let out = '';
  let prevEnd = -Infinity;
  for (const r of runs) {
    if (out !== '' && r.x - prevEnd > SPACE_GAP_EM * r.size && !/\s$/.test(out) && !/^\s/.test(r.text)) out += ' ';
    out += r.text;
    prevEnd = Math.max(prevEnd, r.x + r.width);
  }
  return out.replace(/\s+/g, ' ').trim();
}

/** Step 1: runs on the same baseline become lines, split into fragments at wide gaps. */
export function fragmentsOf(runs: readonly PdfTextRun[]): Fragment[] {
  const visible = runs.filter((r) => r.text.trim() !== '' && r.size > 0);
  const sorted = [...visible].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: PdfTextRun[][] = [];
  for (const r of sorted) {
    const line = lines[lines.length - 1];
    if (line && Math.abs(line[0]!.y - r.y) <= SAME_LINE_EM * Math.min(line[0]!.size, r.size)) line.push(r);
    else lines.push([r]);
  }
  const out: Fragment[] = [];
  for (const line of lines) {
    line.sort((a, b) => a.x - b.x);
    let part: PdfTextRun[] = [];
    let right = -Infinity;
    const flush = () => {
      if (part.length === 0) return;
      const text = joinRuns(part);
      // The baseline and size of most of the text (a superscript does not move the line).
      const main = part.reduce((a, b) => (b.text.length > a.text.length ? b : a));
      const linkChars = part.reduce((n, r) => n + (r.link ?? 0) * r.text.trim().length, 0);
      if (text !== '') out.push({ text, x0: part[0]!.x, x1: right, y: main.y, size: main.size, linkChars });
      part = [];
    };
    for (const r of line) {
      if (part.length > 0 && r.x - right > FRAGMENT_GAP_EM * r.size) flush();
      if (part.length === 0) right = -Infinity;
      part.push(r);
      right = Math.max(right, r.x + r.width);
    }
    flush();
  }
  return out;
}

interface Gap {
  at: number;
  width: number;
}

/** The widest empty band between the intervals, if any is at least `min` wide. */
function widestGap(intervals: Array<[number, number]>, min: number, accept: (cut: number) => boolean): Gap | null {
  const sorted = intervals.sort((a, b) => a[0] - b[0]);
  let best: Gap | null = null;
  let reach = sorted[0]?.[1] ?? 0;
  for (let i = 1; i < sorted.length; i++) {
    const [start, end] = sorted[i]!;
    const width = start - reach;
    if (width >= min && (!best || width > best.width)) {
      const at = (start + reach) / 2;
      if (accept(at)) best = { at, width };
    }
    reach = Math.max(reach, end);
  }
  return best;
}

/** Step 2: fragments of one page in reading order, by recursive XY-cut (iterative, bounded). */
export function readingOrder(fragments: readonly Fragment[]): Fragment[][] {
  if (fragments.length > MAX_RUNS_FOR_CUT) return [[...fragments]];
  const em = median(fragments.map((f) => f.size)) || 10;
  const blocks: Fragment[][] = [];
  // Depth-first, children pushed in reverse so they come off the stack in reading order.
  const stack: Fragment[][] = [[...fragments]];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.length <= 1) {
      if (node.length === 1) blocks.push(node);
      continue;
    }
    const left = Math.min(...node.map((f) => f.x0));
    const right = Math.max(...node.map((f) => f.x1));
    const vertical = widestGap(
      node.map((f) => [f.x0, f.x1]),
      COLUMN_GAP_EM * em,
      (at) => at - left >= MIN_COLUMN_WIDTH_EM * em && right - at >= MIN_COLUMN_WIDTH_EM * em,
    );
    if (vertical) {
      stack.push(node.filter((f) => f.x0 > vertical.at), node.filter((f) => f.x0 <= vertical.at));
      continue;
    }
    // Vertical extents, as intervals on a downward axis so that the first block is the top one.
    const horizontal = widestGap(node.map((f) => [-(f.y + ASCENT_EM * f.size), -(f.y - DESCENT_EM * f.size)]), BLOCK_GAP_EM * em, () => true);
    if (horizontal) {
      stack.push(node.filter((f) => -f.y > horizontal.at), node.filter((f) => -f.y <= horizontal.at));
      continue;
    }
    blocks.push(node.sort((a, b) => b.y - a.y || a.x0 - b.x0));
  }
  return blocks;
}

/** Fragments of one block that share a baseline make one line. */
function blockLines(block: readonly Fragment[], page: PdfPageText): Line[] {
  const right = Math.max(...block.map((f) => f.x1));
  const lines: Line[] = [];
  for (const f of block) {
    const prev = lines[lines.length - 1];
    if (prev && Math.abs(prev.y - f.y) <= SAME_LINE_EM * Math.min(prev.size, f.size)) {
      prev.text = `${prev.text} ${f.text}`;
      prev.x1 = Math.max(prev.x1, f.x1);
      prev.linkChars += f.linkChars;
      continue;
    }
    lines.push({ ...f, page: page.number, pageHeight: page.height, blockRight: right });
  }
  return lines;
}

/**
 * The right edge of each line's column: the farthest any line of the page reaches that starts
 * where it starts (within an indent). A paragraph's last line ends short of it.
 */
function setColumnRights(lines: Line[]): void {
  for (const l of lines) {
    let right = l.x1;
    for (const o of lines) if (Math.abs(o.x0 - l.x0) <= COLUMN_EDGE_EM * l.size && o.x1 > right && overlaps(o, l)) right = o.x1;
    l.blockRight = right;
  }
}

/** Text of a line with its digits and spacing normalised, to match running lines across pages. */
function runningKey(text: string): string {
  return text.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
}

/** Step 3: running headers, footers and page numbers. Returns the kept lines of each page. */
function dropPageFurniture(pages: Line[][]): { kept: Line[][]; dropped: DroppedLine[] } {
  const places = pages.map((lines) => {
    const ys = lines.map((l) => l.y).sort((a, b) => b - a);
    const top = ys[Math.min(MARGIN_LINES, ys.length) - 1] ?? Infinity;
    const bottom = ys[Math.max(0, ys.length - MARGIN_LINES)] ?? -Infinity;
    return lines.map((l): 'top' | 'bottom' | null => {
      if (l.y >= top && l.y >= l.pageHeight * (1 - MARGIN_SHARE)) return 'top';
      if (l.y <= bottom && l.y <= l.pageHeight * MARGIN_SHARE) return 'bottom';
      return null;
    });
  });
  // Where each line's text sits on each page.
  const seen = new Map<string, Array<{ page: number; y: number; size: number }>>();
  pages.forEach((lines) =>
    lines.forEach((l) => {
      const key = runningKey(l.text);
      const list = seen.get(key) ?? [];
      list.push({ page: l.page, y: l.y, size: l.size });
      seen.set(key, list);
    }),
  );
  const dropped: DroppedLine[] = [];
  // Away from the margins, a line is running text when it is printed at the same place on most
  // pages: what a browser prints on every page (a fixed banner, a cookie notice).
  const minPagesInside = Math.max(RUNNING_MIN_PAGES, Math.ceil(pages.length / 2));
  const kept = pages.map((lines, p) =>
    lines.filter((l, i) => {
      const place = places[p]![i];
      if (place && PAGE_NUMBER.test(l.text.trim())) {
        dropped.push({ page: l.page, text: l.text, reason: 'page number' });
        return false;
      }
      const others = seen.get(runningKey(l.text)) ?? [];
      const pagesAtSamePlace = new Set(others.filter((o) => Math.abs(o.y - l.y) <= RUNNING_POSITION_EM * l.size).map((o) => o.page));
      if (pagesAtSamePlace.size >= (place ? RUNNING_MIN_PAGES : minPagesInside)) {
        const top = place ? place === 'top' : l.y > l.pageHeight / 2;
        dropped.push({ page: l.page, text: l.text, reason: top ? 'running header' : 'running footer' });
        return false;
      }
      return true;
    }),
  );
  return { kept, dropped };
}

/** The size most characters are set in. */
function dominantSize(lines: readonly Line[]): number {
  const weight = new Map<number, number>();
  for (const l of lines) {
    const s = Math.round(l.size * 2) / 2;
    weight.set(s, (weight.get(s) ?? 0) + l.text.length);
  }
  let best = 0;
  let bestWeight = -1;
  for (const [s, w] of weight) if (w > bestWeight) [best, bestWeight] = [s, w];
  return best;
}

/** The usual step between consecutive baselines of same-size lines on a page. */
function usualPitch(lines: readonly Line[]): number {
  const steps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1]!;
    const b = lines[i]!;
    const step = a.y - b.y;
    if (step > 0 && step < 3 * a.size && sameSize(a.size, b.size) && overlaps(a, b)) steps.push(Math.round(step * 4) / 4);
  }
  // The lower median: with few lines, one paragraph gap must not count as the pitch.
  const sorted = steps.sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
}

function sameSize(a: number, b: number): boolean {
  return Math.max(a, b) <= Math.min(a, b) * SAME_SIZE_RATIO;
}

function overlaps(a: Fragment, b: Fragment): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1;
}

/**
 * Joins two pieces of one paragraph, mending a word hyphenated at the end of the first unless the
 * document writes that word with its hyphen elsewhere ("well-known").
 */
function joinAcross(a: string, b: string, hyphenated: ReadonlySet<string>): string {
  const m = HYPHEN_END.exec(a);
  if (m && /^\p{Ll}/u.test(b)) {
    const head = /[\p{L}\p{N}]+[-\u00AD\u2010]$/u.exec(a)?.[0] ?? '';
    const tail = /^[\p{L}\p{N}]+/u.exec(b)?.[0] ?? '';
    const compound = `${head.slice(0, -1)}-${tail}`.toLowerCase();
    if (a.endsWith('\u00AD') || !hyphenated.has(compound)) return `${a.slice(0, -1)}${b}`;
    return `${a}${b}`;
  }
  return unspacedBreak(a, b) ? `${a}${b}` : `${a} ${b}`;
}

/** Chinese and Japanese write no space between words: a line break between two of their characters is no space. */
const UNSPACED_SCRIPT_END = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF00-\uFFEF]$/u;
const UNSPACED_SCRIPT_START = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303F\uFF00-\uFFEF]/u;
export function unspacedBreak(before: string, after: string): boolean {
  return UNSPACED_SCRIPT_END.test(before) && UNSPACED_SCRIPT_START.test(after);
}

/** Words written with a hyphen inside a line, to keep real compounds whole at line ends. */
function hyphenatedWords(lines: readonly Line[]): Set<string> {
  const out = new Set<string>();
  for (const l of lines) for (const m of l.text.matchAll(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu)) out.add(m[0].toLowerCase());
  return out;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/**
 * Whether a line goes on with the paragraph before it: on the same page, the next line of the same
 * column at the usual pitch, in the same type, not indented after a short line; across a column or
 * page break, a paragraph that stopped mid-sentence and a line that starts in lower case.
 */
function continuesParagraph(
  current: Pick<PdfParagraph, 'text' | 'heading'>,
  prev: Line,
  line: Line,
  pitch: number,
  isHeading: (size: number, text: string) => boolean,
): boolean {
  if (!sameSize(prev.size, line.size)) return false;
  if (current.heading !== isHeading(line.size, `${current.text} ${line.text}`)) return false;
  const nextInColumn = line.page === prev.page && overlaps(prev, line) && prev.y > line.y;
  if (!nextInColumn) {
    // A column or page break inside a sentence.
    const later = line.page === prev.page + 1 || (line.page === prev.page && line.y > prev.y);
    return later && !current.heading && !SENTENCE_END.test(prev.text) && /^[\p{Ll}\p{N}(]/u.test(line.text);
  }
  if (prev.y - line.y > Math.max(pitch, prev.size) * PARAGRAPH_PITCH_RATIO) return false;
  const room = prev.blockRight - prev.x1;
  const short = room >= SHORT_LINE_EM * prev.size;
  const indent = line.x0 - prev.x0;
  // The next line's first word would have fitted at the end of this one: the line ended by
  // choice, not for want of room (a word hyphenated at the line end is the exception).
  const firstWord = /^\S+/.exec(line.text)?.[0] ?? '';
  const charWidth = (line.x1 - line.x0) / Math.max(1, line.text.length);
  if (!HYPHEN_END.test(prev.text) && room > (firstWord.length + 1) * charWidth + FIT_TOLERANCE_EM * prev.size) return false;
  if (short && indent >= INDENT_EM * line.size) return false;
  if (short && SENTENCE_END.test(prev.text) && indent >= (INDENT_EM * line.size) / 2) return false;
  return true;
}

/** Lays out the pages of a PDF into paragraphs in reading order. */
export function layoutPdf(pages: readonly PdfPageText[]): PdfLayout {
  const pageLines = pages.map((page) => readingOrder(fragmentsOf(page.runs)).flatMap((block) => blockLines(block, page)));
  for (const lines of pageLines) if (lines.length <= MAX_LINES_FOR_COLUMNS) setColumnRights(lines);
  const { kept, dropped } = dropPageFurniture(pageLines);
  const all = kept.flat();
  const bodySize = dominantSize(all);
  const hyphenated = hyphenatedWords(all);
  const isHeading = (size: number, text: string) => bodySize > 0 && size >= bodySize * HEADING_SIZE_RATIO && wordCount(text) <= HEADING_MAX_WORDS;

  interface Open extends Omit<PdfParagraph, 'linkDensity'> {
    last: Line;
    linkChars: number;
  }
  const paragraphs: Open[] = [];
  let current: Open | null = null;
  let pitch = 0;
  for (const lines of kept) {
    pitch = lines.length > 1 ? usualPitch(lines) : pitch;
    for (const line of lines) {
      const prev = current?.last;
      if (current && prev && continuesParagraph(current, prev, line, pitch, isHeading)) {
        const text = joinAcross(current.text, line.text, hyphenated);
        if (line.page !== prev.page) current.breaks.push({ offset: text.length - line.text.length, page: line.page });
        current.text = text;
        current.last = line;
        current.linkChars += line.linkChars;
        continue;
      }
      current = { text: line.text, heading: isHeading(line.size, line.text), page: line.page, breaks: [], last: line, linkChars: line.linkChars };
      paragraphs.push(current);
    }
  }
  return {
    paragraphs: paragraphs.map(({ text, heading, page, breaks, linkChars }) => ({ text, heading, page, breaks, linkDensity: Math.min(1, linkChars / Math.max(1, text.length)) })),
    dropped,
    bodySize,
  };
}
