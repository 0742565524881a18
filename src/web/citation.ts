/** What a citation needs to know about a passage and its source. */
export interface CitationInput {
  text: string;
  source: { title: string | null; publisher: string | null; author: string | null; date: string | null; url: string | null; file: string };
  quote: string | null;
  link: string;
}

/**
 * A plain-text citation: who, what, where, when, and the quoted passage. `origin` makes the
 * document-view link absolute for sources that have no URL of their own.
 */
export function plainCitation(c: CitationInput, origin: string): string {
  const s = c.source;
  const head = [s.author, s.title ? `“${s.title}”` : s.file, s.publisher, s.date].filter(Boolean).join(', ');
  const where = c.quote ?? s.url ?? `${origin}${c.link}`;
  return `${head}. ${where}\n\n“${c.text.replace(/\s+/g, ' ').trim()}”`;
}
