/*
 * Stable passage identity, after the W3C Web Annotation Data Model: a passage is found again by what
 * it says (a TextQuoteSelector: the exact text, with a little text before and after it) before where
 * it sits (a TextPositionSelector: character offsets in the clean body, which move when cleaning or
 * an earlier paragraph changes). A permalink names the document and the passage's content hash, and
 * carries the quote's first and last words to fall back on when the passage's text has changed.
 */

/** Characters of body text kept before and after a passage, to tell apart passages that read alike. */
export const QUOTE_CONTEXT_CHARS = 32;
/** Words of the passage's start and end a permalink carries, to find it again when its hash has changed. */
export const PERMALINK_QUOTE_WORDS = 8;

export interface TextQuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix: string;
  suffix: string;
}

export interface TextPositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}

/** The text just before and just after body.slice(start, end), whitespace folded, cut at word edges. */
export function quoteContext(body: string, start: number, end: number): { prefix: string; suffix: string } {
  const before = body.slice(Math.max(0, start - QUOTE_CONTEXT_CHARS * 2), start).replace(/\s+/g, ' ');
  const after = body.slice(end, end + QUOTE_CONTEXT_CHARS * 2).replace(/\s+/g, ' ');
  let prefix = before.slice(-QUOTE_CONTEXT_CHARS);
  if (prefix.length < before.length) prefix = prefix.replace(/^\S*\s/, '');
  let suffix = after.slice(0, QUOTE_CONTEXT_CHARS);
  if (suffix.length < after.length) suffix = suffix.replace(/\s\S*$/, ' ');
  return { prefix, suffix };
}

/** Document ids are letters, digits, "_" and "-"; content hashes are hex. */
const PASSAGE_KEY = /^([A-Za-z0-9_-]{1,128})\.([0-9a-f]{16})$/;

/** The permalink key of a passage: its document and its content hash. */
export function passageKey(docId: string, hash: string): string {
  return `${docId}.${hash}`;
}

export function parsePassageKey(key: string): { docId: string; hash: string } | null {
  const m = PASSAGE_KEY.exec(key);
  return m ? { docId: m[1]!, hash: m[2]! } : null;
}

function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first and last words of a passage, as a permalink carries them. */
export function quoteEnds(text: string): { start: string; end: string } {
  const words = fold(text).split(' ');
  return { start: words.slice(0, PERMALINK_QUOTE_WORDS).join(' '), end: words.slice(-PERMALINK_QUOTE_WORDS).join(' ') };
}

/** The permalink of a passage: `/p/<docId>.<hash>?start=…&end=…`. */
export function permalink(docId: string, hash: string, text: string): string {
  const { start, end } = quoteEnds(text);
  return `/p/${passageKey(docId, hash)}?${new URLSearchParams({ start, end })}`;
}

/**
 * Where a permalink's passage is now: by content hash first, then by its quote (a passage that
 * begins with its first words and ends with its last, else one that holds both, else one that holds
 * either), or null when the document no longer holds it.
 */
export function findPassage<P extends { text: string; hash: string }>(
  passages: readonly P[],
  hash: string,
  quote: { start?: string; end?: string },
): { passage: P; match: 'hash' | 'quote' } | null {
  const byHash = passages.find((p) => p.hash === hash);
  if (byHash) return { passage: byHash, match: 'hash' };
  const start = quote.start ? fold(quote.start) : '';
  const end = quote.end ? fold(quote.end) : '';
  if (start === '' && end === '') return null;
  const texts = passages.map((p) => fold(p.text));
  const tiers: Array<(t: string) => boolean> = [
    // The same passage with words changed inside it.
    (t) => start !== '' && end !== '' && t.startsWith(start) && t.endsWith(end),
    // Merged with a neighbour, or split: the passage that holds both ends, else its start, else its end.
    (t) => start !== '' && end !== '' && t.includes(start) && t.includes(end),
    (t) => start !== '' && t.includes(start),
    (t) => end !== '' && t.includes(end),
  ];
  for (const tier of tiers) {
    const i = texts.findIndex(tier);
    if (i >= 0) return { passage: passages[i]!, match: 'quote' };
  }
  return null;
}
