/** The pages of a passage, for paged documents (PDF). */
export interface PagePlace {
  page: number | null;
  pageEnd: number | null;
  pageLabel: string | null;
  pageEndLabel: string | null;
}

/** What a citation needs to know about a passage and its source. */
export interface CitationInput {
  text: string;
  source: {
    title: string | null;
    publisher: string | null;
    author: string | null;
    date: string | null;
    url: string | null;
    file: string;
    partOf?: string | null;
  };
  passage?: PagePlace;
  quote: string | null;
  link: string;
}

/**
 * "p. 12" or "pp. 12–13", by the printed page labels where the PDF declares them, else by page
 * number; null for documents without pages.
 */
export function pageCitation(p: PagePlace | undefined): string | null {
  if (!p || p.page === null) return null;
  const first = p.pageLabel ?? String(p.page);
  const last = p.pageEnd !== null && p.pageEnd !== p.page ? (p.pageEndLabel ?? String(p.pageEnd)) : null;
  return last ? `pp. ${first}–${last}` : `p. ${first}`;
}

/**
 * A plain-text citation: who, what, where, when, and the quoted passage. `origin` makes the
 * document-view link absolute for sources that have no URL of their own.
 */
export function plainCitation(c: CitationInput, origin: string): string {
  const s = c.source;
  const head = [s.author, s.title ? `“${s.title}”` : s.file, s.partOf, s.publisher, s.date, pageCitation(c.passage)].filter(Boolean).join(', ');
  const where = c.quote ?? s.url ?? `${origin}${c.link}`;
  return `${head}. ${where}\n\n“${c.text.replace(/\s+/g, ' ').trim()}”`;
}
