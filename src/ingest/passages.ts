import { createHash } from 'node:crypto';
import type { PageBreak } from './blocks.js';
import { textFragmentsFor } from './text-fragment.js';
import { proseWords } from '../text/prose.js';

/*
 * Passage sizing. A passage is what a hit shows and what a citation quotes: long enough to stand on
 * its own, short enough to read at a glance.
 */
/** Paragraphs shorter than this are merged with their neighbours in the same section. */
export const PASSAGE_MIN_WORDS = 40;
/** Paragraphs longer than this are split at sentence ends. */
export const PASSAGE_MAX_WORDS = 150;

export interface BodyItem {
  kind: 'heading' | 'paragraph';
  text: string;
  /** Paged sources: the page the item starts on, and where later pages start inside its text. */
  page?: number;
  breaks?: readonly PageBreak[];
}

export interface Passage {
  position: number;
  heading: string | null;
  text: string;
  /** Character range [start, end) of the passage in the clean body text. */
  start: number;
  end: number;
  hash: string;
  /** Text-fragment directive quoting this passage in the original page (encoded). */
  fragment: string;
  /** Paged sources: the page the passage starts on and the page it ends on (1-based), else null. */
  page: number | null;
  pageEnd: number | null;
  /** Paged sources: where later pages start inside the passage's text (offsets into `text`). */
  pageBreaks: PageBreak[];
}

/** Separator between body items in the clean body text. */
export const PARAGRAPH_SEPARATOR = '\n\n';

/** The clean body text: headings and paragraphs, one per item, separated by blank lines. */
export function bodyText(items: readonly BodyItem[]): string {
  return items.map((i) => i.text).join(PARAGRAPH_SEPARATOR);
}

/**
 * Where each page starts in the clean body text, in order: the first page of each paged item and
 * the breaks inside items. Empty for documents without pages.
 */
export function pageStarts(items: readonly BodyItem[]): PageBreak[] {
  const out: PageBreak[] = [];
  let offset = 0;
  const add = (at: number, page: number) => {
    const last = out[out.length - 1];
    if (last && last.page === page) return;
    if (last && last.offset === at) out[out.length - 1] = { offset: at, page };
    else out.push({ offset: at, page });
  };
  for (const item of items) {
    if (item.page !== undefined) {
      add(offset, item.page);
      for (const b of item.breaks ?? []) add(offset + b.offset, b.page);
    }
    offset += item.text.length + PARAGRAPH_SEPARATOR.length;
  }
  return out;
}

/** The pages that start inside [start, end) of the body, after its first character, as offsets from `start`. */
export function breaksWithin(starts: readonly PageBreak[], start: number, end: number): PageBreak[] {
  const out: PageBreak[] = [];
  // The first page start after `start`, by binary search: documents of thousands of pages have as many passages.
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]!.offset <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < starts.length && starts[i]!.offset < end; i++) out.push({ offset: starts[i]!.offset - start, page: starts[i]!.page });
  return out;
}

/** The page of a character of the body: the last page that starts at or before it. */
export function pageAt(starts: readonly PageBreak[], offset: number): number | null {
  let lo = 0;
  let hi = starts.length - 1;
  let found: number | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]!.offset <= offset) {
      found = starts[mid]!.page;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
/** "Mr.", "Dr.", "U.S.", "J." end a segment without ending the sentence. */
const ABBREVIATION_END = /(?:^|[\s(“"‘'])(?:\p{Lu}\p{Ll}{0,2}|(?:\p{L}\.)+\p{L}?|[Nn]o|[Vv]s|[Ee]tc|[Ee]\.g|[Ii]\.e|St)\.\s*$/u;
/**
 * The sentence segmenter is given the text a window at a time: V8 walks a long text's segments in
 * time that grows with the square of its length (a 512 KB paragraph took seconds), and within a
 * window each segment costs in proportion to the window (2 KB: 0.75 s per MB of "Dr. Dr. …", 8 KB:
 * 1.4 s). A sentence is at most this long: a longer one is cut at a space, and abbreviations join
 * sentences only up to it, so that no passage grows without bound.
 */
const MAX_SENTENCE_CHARS = 2_048;

/** Sentence segments [start, end) of a text, read a window at a time. */
function* sentenceSegments(text: string): Generator<[number, number]> {
  let pos = 0;
  while (pos < text.length) {
    const end = Math.min(text.length, pos + MAX_SENTENCE_CHARS);
    const window = text.slice(pos, end);
    const segments = [...segmenter.segment(window)];
    if (end === text.length) {
      for (const s of segments) yield [pos + s.index, pos + s.index + s.segment.length];
      return;
    }
    if (segments.length === 1) {
      // One sentence fills the window: cut it at a space, so that no word is split.
      const space = window.search(/\s\S*$/);
      const cut = space > 0 ? space + 1 : window.length;
      yield [pos, pos + cut];
      pos += cut;
      continue;
    }
    // The window's last segment may go on past it: it is read again from its start.
    for (const s of segments.slice(0, -1)) yield [pos + s.index, pos + s.index + s.segment.length];
    pos += segments[segments.length - 1]!.index;
  }
}

/** Only a sentence's last characters are tested: a merged run of abbreviations can be long. */
export function endsWithAbbreviation(text: string, start = 0, end = text.length): boolean {
  let e = end;
  while (e > start && /\s/.test(text[e - 1]!)) e--;
  return ABBREVIATION_END.test(text.slice(Math.max(start, e - 64), e));
}

/** Sentence ranges [start, end) of a text, never breaking after a common abbreviation. */
export function sentenceRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [start, end] of sentenceSegments(text)) {
    const last = out[out.length - 1];
    if (last && end - last[0] <= MAX_SENTENCE_CHARS && endsWithAbbreviation(text, last[0], last[1])) last[1] = end;
    else out.push([start, end]);
  }
  // Trailing spaces belong between sentences, not inside them.
  return out.map(([s, e]) => {
    let end = e;
    while (end > s && /\s/.test(text[end - 1]!)) end--;
    return [s, end] as [number, number];
  }).filter(([s, e]) => e > s);
}

function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

interface Span {
  start: number;
  end: number;
  words: number;
}

/** Splits one long paragraph at sentence ends into spans of at most PASSAGE_MAX_WORDS words. */
function splitLong(text: string, offset: number): Span[] {
  const sentences = sentenceRanges(text).map(([s, e]) => ({ start: s + offset, end: e + offset, words: proseWords(text.slice(s, e)).length }));
  const spans: Span[] = [];
  let cur: Span | null = null;
  for (const s of sentences) {
    if (cur && cur.words + s.words > PASSAGE_MAX_WORDS && cur.words >= PASSAGE_MIN_WORDS / 2) {
      spans.push(cur);
      cur = null;
    }
    cur = cur ? { start: cur.start, end: s.end, words: cur.words + s.words } : { ...s };
  }
  if (cur) {
    const prev = spans[spans.length - 1];
    // A short tail joins the span before it rather than standing alone.
    if (prev && cur.words < PASSAGE_MIN_WORDS / 2) spans[spans.length - 1] = { start: prev.start, end: cur.end, words: prev.words + cur.words };
    else spans.push(cur);
  }
  return spans;
}

/**
 * Splits a body into non-overlapping passages along paragraph and sentence boundaries: small
 * paragraphs of a section are merged, long ones split at sentence ends, and no passage crosses a
 * heading. Each passage's text is exactly `bodyText(items).slice(start, end)`.
 */
export function splitPassages(items: readonly BodyItem[]): Passage[] {
  const body = bodyText(items);
  const starts = pageStarts(items);
  const passages: Passage[] = [];
  let offset = 0;
  let heading: string | null = null;
  let pending: Span | null = null;

  const emit = (span: Span) => {
    const text = body.slice(span.start, span.end);
    passages.push({
      position: passages.length, heading, text, start: span.start, end: span.end,
      hash: contentHash(text), fragment: '',
      page: pageAt(starts, span.start), pageEnd: pageAt(starts, Math.max(span.start, span.end - 1)),
      pageBreaks: breaksWithin(starts, span.start, span.end),
    });
  };
  const closeSection = () => {
    if (pending) emit(pending);
    pending = null;
  };

  for (const item of items) {
    const start = offset;
    const end = offset + item.text.length;
    offset = end + PARAGRAPH_SEPARATOR.length;
    if (item.kind === 'heading') {
      closeSection();
      heading = item.text;
      continue;
    }
    const n = proseWords(item.text).length;
    const spans = n > PASSAGE_MAX_WORDS ? splitLong(item.text, start) : [{ start, end, words: n }];
    for (const span of spans) {
      if (pending && pending.words + span.words <= PASSAGE_MAX_WORDS && (pending.words < PASSAGE_MIN_WORDS || span.words < PASSAGE_MIN_WORDS)) {
        pending = { start: pending.start, end: span.end, words: pending.words + span.words };
      } else {
        if (pending) emit(pending);
        pending = span;
      }
    }
  }
  closeSection();
  // All at once: whether a passage's start is unique is one pass over the body, not one per passage.
  const fragments = textFragmentsFor(body, passages.map((p) => [p.start, p.end] as const));
  passages.forEach((p, i) => (p.fragment = fragments[i]!));
  return passages;
}
