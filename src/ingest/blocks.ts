/**
 * A block is the unit the cleaner judges: a paragraph, a heading, a list item, a line of a plain-text
 * page. Parsers turn documents into blocks; the classifier decides which blocks are the article.
 */
export type BlockKind = 'paragraph' | 'heading' | 'list-item' | 'quote' | 'line';

export interface Block {
  kind: BlockKind;
  text: string;
  /** Share of the block's characters that sit inside links (HTML only; 0 for plain text). */
  linkDensity: number;
  /** The block opens a new group (plain text: it follows a blank line). */
  groupStart: boolean;
  /** The source marked it as a heading (HTML h1–h6, Markdown #); plain text infers headings. */
  markedHeading: boolean;
  /** HTML: ids of the enclosing elements, outermost first; empty for plain text. */
  path: readonly number[];
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
    path: init.path ?? [],
    ...(init.page !== undefined ? { page: init.page, breaks: init.breaks ?? [] } : {}),
  };
}
