import { createHash } from 'node:crypto';
import type { PageBreak } from './blocks.js';
import { flatten, textFragmentFor } from './text-fragment.js';
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

/** Sentence ranges [start, end) of a text, never breaking after a common abbreviation. */
export function sentenceRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const seg of segmenter.segment(text)) {
    const start = seg.index;
    const end = seg.index + seg.segment.length;
    const last = out[out.length - 1];
    if (last && ABBREVIATION_END.test(text.slice(last[0], last[1]))) last[1] = end;
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
  const flat = flatten(body);
  const starts = pageStarts(items);
  const passages: Passage[] = [];
  let offset = 0;
  let heading: string | null = null;
  let pending: Span | null = null;

  const emit = (span: Span) => {
    const text = body.slice(span.start, span.end);
    passages.push({
      position: passages.length, heading, text, start: span.start, end: span.end,
      hash: contentHash(text), fragment: textFragmentFor(body, span.start, span.end, flat),
      page: pageAt(starts, span.start), pageEnd: pageAt(starts, Math.max(span.start, span.end - 1)),
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
  return passages;
}
