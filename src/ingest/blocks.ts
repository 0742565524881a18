/**
 * A block is the unit the cleaner judges: a paragraph, a heading, a list item, a line of a plain-text
 * page. Parsers turn documents into blocks; the classifier decides which blocks are the article.
 */
export type BlockKind = 'paragraph' | 'heading' | 'list-item' | 'quote' | 'line';

/**
 * An HTML element that encloses blocks. Ids follow document order, so the elements inside one are
 * exactly those with ids in (id, last]. Each block points to its innermost enclosing element and
 * that element to its parent: a page nested thousands deep costs one reference per element, not one
 * copy of its ancestry per block.
 */
export interface ElementRef {
  readonly id: number;
  readonly parent: ElementRef | null;
  readonly depth: number;
  /** The highest id inside this element (its own id when it has no element inside). */
  last: number;
}

export interface Block {
  kind: BlockKind;
  text: string;
  /** Share of the block's characters that sit inside links (HTML only; 0 for plain text). */
  linkDensity: number;
  /** The block opens a new group (plain text: it follows a blank line). */
  groupStart: boolean;
  /** The source marked it as a heading (HTML h1–h6, Markdown #); plain text infers headings. */
  markedHeading: boolean;
  /** HTML: the innermost element enclosing the block; null for plain text. */
  element: ElementRef | null;
  /** Paged sources (PDF): the page the block starts on, and where later pages start in its text. */
  page?: number;
  breaks?: readonly PageBreak[];
}

/** A page that starts inside a text, at `offset`. Pages are 1-based. */
export interface PageBreak {
  offset: number;
  page: number;
}

export function block(text: string, init: Partial<Omit<Block, 'text'>> = {}): Block {
  return {
    kind: init.kind ?? 'paragraph',
    text,
    linkDensity: init.linkDensity ?? 0,
    groupStart: init.groupStart ?? true,
    markedHeading: init.markedHeading ?? false,
    element: init.element ?? null,
    ...(init.page !== undefined ? { page: init.page, breaks: init.breaks ?? [] } : {}),
  };
}

/** True when the block lies inside the element. */
export function isInside(b: Block, el: ElementRef | null | undefined): boolean {
  const e = b.element;
  return el != null && e !== null && e.id >= el.id && e.id <= el.last;
}

/** Ids of the elements enclosing a block, outermost first. */
export function ancestorIds(b: Block): number[] {
  const ids: number[] = [];
  for (let e = b.element; e !== null; e = e.parent) ids.push(e.id);
  return ids.reverse();
}

/**
 * Every element that encloses at least one block, by id, in increasing id order (parents before
 * children). Each element is visited once, whatever the depth.
 */
export function enclosingElements(blocks: readonly Block[]): ElementRef[] {
  const seen = new Map<number, ElementRef>();
  for (const b of blocks) {
    for (let e = b.element; e !== null && !seen.has(e.id); e = e.parent) seen.set(e.id, e);
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/**
 * For each enclosing element, the sum of `value` over the blocks inside it: each block's value goes
 * to its innermost element, then every element passes its total to its parent, children first.
 */
export function totalsByElement(blocks: readonly Block[], elements: readonly ElementRef[], value: (b: Block, i: number) => number): Map<number, number> {
  const totals = new Map<number, number>();
  for (const el of elements) totals.set(el.id, 0);
  blocks.forEach((b, i) => {
    if (b.element) totals.set(b.element.id, totals.get(b.element.id)! + value(b, i));
  });
  for (let k = elements.length - 1; k >= 0; k--) {
    const el = elements[k]!;
    if (el.parent) totals.set(el.parent.id, totals.get(el.parent.id)! + totals.get(el.id)!);
  }
  return totals;
}
