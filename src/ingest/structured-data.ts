import { normalizeSpaces } from '../text/normalise.js';

/** Trimmed, space-normalised text, or null when nothing is left. */
export function cleanText(v: string | null | undefined): string | null {
  const t = v ? normalizeSpaces(v) : '';
  return t === '' ? null : t;
}

/**
 * The objects of a page's JSON-LD scripts, with @graph arrays flattened. Malformed scripts are
 * skipped, as browsers and search engines skip them.
 */
export function jsonLdObjects(scripts: Iterable<string>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const script of scripts) {
    let data: unknown;
    try {
      data = JSON.parse(script);
    } catch {
      continue;
    }
    for (const item of Array.isArray(data) ? data : [data]) {
      if (!item || typeof item !== 'object') continue;
      const graph = (item as { '@graph'?: unknown })['@graph'];
      if (Array.isArray(graph)) out.push(...(graph.filter((g) => g && typeof g === 'object') as Record<string, unknown>[]));
      else out.push(item as Record<string, unknown>);
    }
  }
  return out;
}

/** The object describing the article: the one with a headline or a publication date. */
export function articleObject(objects: readonly Record<string, unknown>[]): Record<string, unknown> {
  return objects.find((o) => typeof o.headline === 'string' || typeof o.datePublished === 'string') ?? {};
}

/** A name in structured data: a string, the first of a list, or an object's `name`. */
export function nameOf(v: unknown): string | null {
  if (typeof v === 'string') return cleanText(v);
  if (Array.isArray(v)) return nameOf(v[0]);
  if (v && typeof v === 'object' && 'name' in v) return nameOf((v as { name: unknown }).name);
  return null;
}
