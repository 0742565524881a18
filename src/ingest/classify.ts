import { enclosingElements, isInside, totalsByElement, type Block, type ElementRef } from './blocks.js';
import { endsLikeSentence, stopWordDensity, wordCount } from '../text/prose.js';

/*
 * Tuning constants of the cleaner, in the spirit of jusText (Pomikálek 2011) and of body-text
 * extraction as a maximum-scoring run of blocks (Finn et al. 2001).
 */
/** Blocks with at least this many words and prose-like stop-word density are article text on their own. */
const GOOD_MIN_WORDS = 20;
/** Running prose in English has 30–50% stop words; menus, tags and credits have few. */
export const GOOD_MIN_STOP_DENSITY = 0.22;
/** A sentence of this many words is prose even when short (a one-line quote, a short paragraph). */
export const NEAR_MIN_WORDS = 7;
const NEAR_MIN_STOP_DENSITY = 0.15;
/** Blocks that are mostly link text are navigation, whatever their length. */
export const MAX_LINK_DENSITY = 0.4;
/** Headings are short and do not end like a sentence. */
const HEADING_MAX_WORDS = 14;
/** What a furniture line costs the body run beyond its own words: keeps isolated fragments out. */
const SHORT_PENALTY = 2;
/** A parent element replaces the chosen container when it holds this much more prose… */
const CONTAINER_WIDEN_GAIN = 1.15;
/** …while keeping at least this share of the container's net score. */
const CONTAINER_WIDEN_KEEP = 0.7;
/** What a block of links costs the body run, whatever its length. */
const LINK_BLOCK_PENALTY = 8;

export type BlockLabel = 'body' | 'heading' | 'furniture';

type Quality = 'good' | 'near' | 'short' | 'bad';

/** Judges one block on its own features. */
export function blockQuality(b: Block, lang: string | null = 'en', n = wordCount(b.text)): Quality {
  if (n === 0) return 'bad';
  if (b.linkDensity > MAX_LINK_DENSITY) return 'bad';
  const density = stopWordDensity(b.text, lang);
  const sentence = endsLikeSentence(b.text);
  if (n >= GOOD_MIN_WORDS && density >= GOOD_MIN_STOP_DENSITY) return 'good';
  if (n >= NEAR_MIN_WORDS && density >= NEAR_MIN_STOP_DENSITY && (sentence || n >= GOOD_MIN_WORDS)) return 'near';
  if (n >= GOOD_MIN_WORDS) return 'bad'; // long but without function words: a tag cloud or a menu
  return 'short';
}

function score(b: Block, q: Quality, n: number): number {
  switch (q) {
    case 'good':
      return n;
    case 'near':
      return n / 2;
    case 'short':
      return b.markedHeading ? -1 : -(n + SHORT_PENALTY);
    case 'bad':
      // A list of links costs the same whatever its length: inside an article it is an aside
      // to skip, not a border; long text without function words is a real border.
      return b.linkDensity > MAX_LINK_DENSITY ? -LINK_BLOCK_PENALTY : -(n + SHORT_PENALTY);
  }
}

/**
 * The element whose blocks score highest in total (the maximum-scoring subtree), or null for
 * plain text. Navigation, related links and footers outside it cannot join the article.
 */
function bestContainer(blocks: readonly Block[], scores: readonly number[]): ElementRef | null {
  const elements = enclosingElements(blocks);
  const sums = totalsByElement(blocks, elements, (_, i) => scores[i]!);
  const gains = totalsByElement(blocks, elements, (_, i) => Math.max(0, scores[i]!));
  let best: ElementRef | null = null;
  let bestSum = 0;
  for (const el of elements) {
    const sum = sums.get(el.id)!;
    // Ties go to the deeper element: the tighter container.
    if (sum > bestSum || (sum === bestSum && best !== null && el.depth > best.depth)) {
      best = el;
      bestSum = sum;
    }
  }
  // An article split across sibling elements (lead, body, a second body after an advert) lives in
  // their parent: widen while a parent adds much more prose than furniture.
  for (let up = best?.parent ?? null; best !== null && up !== null; up = up.parent) {
    if (gains.get(up.id)! > gains.get(best.id)! * CONTAINER_WIDEN_GAIN && sums.get(up.id)! >= sums.get(best.id)! * CONTAINER_WIDEN_KEEP) best = up;
    else break;
  }
  return best;
}

/** True when a short block reads like a heading: capitalised, short, not a sentence, not a link list. */
export function looksLikeHeading(b: Block): boolean {
  if (b.markedHeading) return wordCount(b.text) > 0 && b.linkDensity <= MAX_LINK_DENSITY;
  const n = wordCount(b.text);
  return (
    n > 0 &&
    n <= HEADING_MAX_WORDS &&
    b.linkDensity <= MAX_LINK_DENSITY &&
    !/[.!?,;:…]["'”’)]*$/u.test(b.text) &&
    /^[\p{Lu}\p{N}"“‘'(]/u.test(b.text)
  );
}

/**
 * Labels each block as article body, heading or page furniture.
 *
 * 1. Judge each block alone (length, stop-word density, sentence ending, link density).
 * 2. Take the contiguous run of blocks with the highest total score as the article: page furniture
 *    gathers before and after it, and a run of short lines costs more than it brings.
 * 3. Inside that run, prose is body, short title-like lines followed by prose are headings, and the
 *    rest (captions, link lines, labels) is furniture.
 */
export function classifyBlocks(blocks: readonly Block[], lang: string | null = 'en'): BlockLabel[] {
  const counts = blocks.map((b) => wordCount(b.text));
  const quality = blocks.map((b, i) => blockQuality(b, lang, counts[i]));
  const scores = blocks.map((b, i) => score(b, quality[i]!, counts[i]!));
  // HTML: the article lives in one element; blocks outside the best-scoring element are furniture.
  const container = bestContainer(blocks, scores);
  if (container !== null) {
    blocks.forEach((b, i) => {
      if (!isInside(b, container)) scores[i] = -Infinity;
    });
  }

  // Maximum-sum contiguous run (Kadane).
  let best = -Infinity;
  let bestStart = 0;
  let bestEnd = -1;
  let sum = 0;
  let start = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] === -Infinity) {
      sum = 0;
      start = i + 1;
      continue;
    }
    if (sum <= 0) {
      sum = 0;
      start = i;
    }
    sum += scores[i]!;
    if (sum > best) {
      best = sum;
      bestStart = start;
      bestEnd = i;
    }
  }

  const labels: BlockLabel[] = blocks.map(() => 'furniture');
  if (best <= 0) return labels;
  for (let i = bestStart; i <= bestEnd; i++) {
    const b = blocks[i]!;
    const q = quality[i]!;
    if (q === 'good' || q === 'near') labels[i] = 'body';
    else if (q === 'short' && endsLikeSentence(b.text) && b.linkDensity <= MAX_LINK_DENSITY && !b.markedHeading) {
      labels[i] = 'body';
    }
  }
  // Headings: title-like lines whose next labelled neighbour is body text. Only body is labelled
  // so far, and a heading is labelled before anything after it is looked at: the next labelled
  // neighbour is body exactly when some body follows.
  let lastBody = -1;
  for (let i = bestEnd; i >= bestStart && lastBody < 0; i--) if (labels[i] === 'body') lastBody = i;
  for (let i = bestStart; i < lastBody; i++) {
    if (labels[i] === 'furniture' && looksLikeHeading(blocks[i]!)) labels[i] = 'heading';
  }
  return labels;
}

/**
 * Labels the blocks of an article that a main-content extractor has already cut from its page:
 * only link lists and stray labels are furniture there; everything else is kept.
 */
export function labelArticleBlocks(blocks: readonly Block[], lang: string | null = 'en'): BlockLabel[] {
  return blocks.map((b) => {
    if (b.linkDensity > MAX_LINK_DENSITY) return 'furniture';
    const q = blockQuality(b, lang);
    if (q === 'good' || q === 'near' || q === 'bad') return 'body';
    if (looksLikeHeading(b)) return 'heading';
    return 'body';
  });
}
