import type { Suggestion } from './api-schema.js';

/** Longest text a suggestion is asked for: a few words typed in a search box. */
export const SUGGEST_QUERY_MAX_CHARS = 100;
/** Suggestions returned at most, unless the caller asks for fewer. */
export const SUGGEST_LIMIT = 8;
/** Hits read from Meilisearch to find that many distinct completions. */
export const SUGGEST_CANDIDATES = 30;

/**
 * Titles and headings that complete what has been typed, word by word as prefixes, without
 * repeats (case aside), in the hits' order.
 */
export function pickSuggestions(
  q: string,
  hits: ReadonlyArray<{ docId: string; title: string | null; heading: string | null }>,
  limit = SUGGEST_LIMIT,
): Suggestion[] {
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const seen = new Set<string>();
  const out: Suggestion[] = [];
  const consider = (text: string | null, kind: Suggestion['kind'], docId: string) => {
    if (!text || seen.has(text.toLowerCase())) return;
    const lower = text.toLowerCase();
    // Keep only completions that contain what was typed, word by word as prefixes.
    if (!words.every((w) => lower.split(/[^\p{L}\p{N}]+/u).some((t) => t.startsWith(w.replace(/[^\p{L}\p{N}]/gu, ''))))) return;
    seen.add(lower);
    out.push({ text, kind, docId });
  };
  for (const h of hits) {
    consider(h.title, 'title', h.docId);
    consider(h.heading, 'heading', h.docId);
  }
  return out.slice(0, limit);
}
