import { stopWordDensity, wordCount } from '../text/prose.js';
import type { Block } from './blocks.js';
import { GOOD_MIN_STOP_DENSITY, MAX_LINK_DENSITY, NEAR_MIN_WORDS } from './classify.js';

/*
 * Nothing is dropped in silence: every block of a document that is not in its clean text is listed
 * with the reason it was left out, and the document counts the words it came with and the words it
 * kept, overall and of its prose-like text.
 */

/** Why a block of the document is not in its clean text. */
export type RemovalReason =
  /** Judged page furniture by the block rules (menus, link lists, labels, comment boilerplate). */
  | 'furniture'
  /** Outside the part of the page that the article extractor read as the article. */
  | 'outside the article'
  /** In an element that never holds the article: navigation, aside, footer, or one named as furniture by its class or id. */
  | 'furniture element'
  /** Read as metadata: its value is in the document's fields. */
  | 'date line'
  | 'byline'
  | 'credit line'
  | 'copyright line'
  | 'image credit'
  | 'source line'
  /** Recognised by a format's reader: repeated on every page of a PDF, or quoted from an earlier e-mail. */
  | 'running header'
  | 'running footer'
  | 'page number'
  /** Outside a tagged PDF's structure tree: what its producer marked as page furniture. */
  | 'artifact'
  | 'quoted reply'
  | 'signature';

export interface RemovedBlock {
  text: string;
  reason: RemovalReason;
  /** Paged sources: the page it was on. */
  page?: number;
}

/** Word counts of a document before and after cleaning. */
export interface Retention {
  /** Words of every block of text the document shows (markup, scripts and styles not counted). */
  wordsIn: number;
  /** Of those, the words in the clean title and body. */
  wordsKept: number;
  /**
   * Words of the prose-like blocks (sentences of several words with the function words of running
   * text), outside the elements the page's markup names as furniture.
   */
  proseWordsIn: number;
  proseWordsKept: number;
}

/**
 * A document whose cleaning removed more than this share of its prose-like words is flagged in the
 * job summary. Pages with a long comment thread or many teasers lose that much by design; the flag
 * asks a person to look, it does not fail the file. Measured on the article-extraction pages: see
 * the README (Indexing).
 */
export const PROSE_LOSS_FLAG_SHARE = 0.5;
/** At most this many characters of removed text are kept with a document, so a huge page stays storable. */
export const REMOVED_MAX_CHARS = 64 * 1024;

/** A block that reads as prose by the same measures the cleaner gives its "near" blocks, whatever its layout. */
export function isProseLike(b: Block, lang: string | null, n = wordCount(b.text)): boolean {
  return n >= NEAR_MIN_WORDS && b.linkDensity <= MAX_LINK_DENSITY && stopWordDensity(b.text, lang) >= GOOD_MIN_STOP_DENSITY;
}

/** Share of the prose-like words that cleaning removed (0 when there were none). */
export function proseLoss(r: Retention): number {
  return r.proseWordsIn === 0 ? 0 : 1 - r.proseWordsKept / r.proseWordsIn;
}

/**
 * Accounts for every block of a document: kept (its text is in the clean title or body) or removed
 * with a reason. `reasons` gives the reason the cleaner recorded for a block's text; a block without
 * one that is not in the body was left outside the article.
 */
export function account(
  blocks: readonly Block[],
  kept: { texts: ReadonlySet<string>; body: string },
  reasons: ReadonlyMap<string, RemovalReason>,
  lang: string | null,
): { retention: Retention; removed: RemovedBlock[]; removedOmitted: number } {
  const retention: Retention = { wordsIn: 0, wordsKept: 0, proseWordsIn: 0, proseWordsKept: 0 };
  const removed: RemovedBlock[] = [];
  let removedChars = 0;
  let removedOmitted = 0;
  // Blocks split differently by two readings of a page are found in the body as a whole; the
  // search is bounded so a huge page stays linear.
  let searchBudget = 8 * kept.body.length + 1_000_000;
  for (const b of blocks) {
    const n = wordCount(b.text);
    const reason = reasons.get(b.text);
    // What the page's own markup calls furniture is listed, but the flag is about the cleaner's
    // judgement: counted, it flagged pages for their comment threads (a quarter of the
    // article-extraction pages, with as good a recall as the rest).
    const prose = reason !== 'furniture element' && isProseLike(b, lang, n);
    retention.wordsIn += n;
    if (prose) retention.proseWordsIn += n;
    let isKept = kept.texts.has(b.text);
    if (!isKept && reason === undefined && searchBudget > 0) {
      searchBudget -= kept.body.length;
      isKept = kept.body.includes(b.text);
    }
    if (isKept) {
      retention.wordsKept += n;
      if (prose) retention.proseWordsKept += n;
      continue;
    }
    if (removedChars + b.text.length > REMOVED_MAX_CHARS) {
      removedOmitted++;
      continue;
    }
    removedChars += b.text.length;
    removed.push({ text: b.text, reason: reason ?? 'outside the article' });
  }
  return { retention, removed, removedOmitted };
}
