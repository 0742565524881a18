/** A piece of a snippet: plain text, or text the server marked as a match. */
export interface SnippetToken {
  text: string;
  marked: boolean;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * Reads the API's snippet contract (escaped text with <mark> elements only) into tokens, so the page
 * builds text nodes and <mark> elements itself and never hands a server string to innerHTML.
 * Anything else that looks like markup stays literal text.
 */
export function snippetTokens(snippet: string): SnippetToken[] {
  const tokens: SnippetToken[] = [];
  let marked = false;
  for (const part of snippet.split(/(<mark>|<\/mark>)/)) {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part !== '') tokens.push({ text: part.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!), marked });
  }
  return tokens;
}
