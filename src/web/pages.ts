import { el } from './dom.js';

/** A page that starts inside a passage's text, as the API gives it. */
export interface PageBreakAt {
  offset: number;
  page: number;
  label: string | null;
}

/** "Page 5 (printed 3)", or "Page 5" where the printed label is the number itself or unknown. */
export function pageName(page: number, label: string | null): string {
  return label && label !== String(page) ? `Page ${page} (printed ${label})` : `Page ${page}`;
}

/**
 * A passage's paragraphs with the pages that start inside it marked where they start: between
 * paragraphs as a line of its own, inside one as an inline mark. `mark` makes the mark's content (a
 * link to the page in the original, or plain text). Marks are left out of find-in-document.
 */
export function passageParagraphs(text: string, breaks: readonly PageBreakAt[], mark: (b: PageBreakAt) => Node | string): HTMLElement[] {
  const out: HTMLElement[] = [];
  const paragraph = /[^\n]+(?:\n(?!\n)[^\n]*)*/g;
  let next = 0;
  for (let m = paragraph.exec(text); m; m = paragraph.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    // Pages that start in the blank lines before this paragraph, or at its first character.
    while (next < breaks.length && breaks[next]!.offset <= start) {
      out.push(el('p', { class: 'page-break find-skip', id: `page-${breaks[next]!.page}` }, mark(breaks[next]!)));
      next++;
    }
    const p = el('p', {});
    let at = start;
    while (next < breaks.length && breaks[next]!.offset < end) {
      const b = breaks[next]!;
      p.append(text.slice(at, b.offset), el('span', { class: 'page-break-inline find-skip', id: `page-${b.page}` }, mark(b)));
      at = b.offset;
      next++;
    }
    p.append(text.slice(at, end));
    out.push(p);
  }
  return out;
}
