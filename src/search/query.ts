import { eqAny, quote } from '../meili/filter.js';
import type { SearchParams } from './params.js';
import { CROP_MARKER, MARK_END, MARK_START } from './snippet.js';

/** Words of context a snippet shows around the best match. */
export const CROP_WORDS = 32;
/**
 * How Meilisearch drops query words when not all match. `frequency` drops the most common words
 * first; on the TIME and Cranfield judgments it scores MAP 0.231 / 0.071 against 0.133 / 0.024 for
 * the default `last` (../shared/bench/README.md), and keyword queries are unaffected.
 */
export const MATCHING_STRATEGY = 'frequency';
/**
 * How a question asks Meilisearch for candidates: its words ordered rarest first by the whole
 * collection's statistics (candidateQuery with an IDF), dropped from the end when not all match.
 * That is `frequency` with the collection's counts in place of each node's own, so one node and
 * several find, and score, the same candidates.
 */
export const QUESTION_MATCHING_STRATEGY = 'last';

/** Only what the response uses is retrieved. */
export const RETRIEVED_FIELDS = [
  'id', 'docId', 'file', 'title', 'heading', 'text', 'position', 'start', 'end',
  'author', 'date', 'publisher', 'url', 'fragment', 'hash', 'prefix', 'suffix', 'lang',
  'format', 'page', 'pageEnd', 'pageLabel', 'pageEndLabel', 'pageBreaks', 'partOf',
] as const;

export const FACETS = ['publisher', 'year'] as const;

/** Meilisearch's crop and marks of the text, in sentinels for renderSnippet. */
const MEILI_HIGHLIGHT = {
  attributesToCrop: ['text'],
  cropLength: CROP_WORDS,
  cropMarker: CROP_MARKER,
  attributesToHighlight: ['text'],
  highlightPreTag: MARK_START,
  highlightPostTag: MARK_END,
};

/** The Meilisearch filter expression for the request's filters, or undefined for none. */
export function buildFilter(p: Pick<SearchParams, 'sources' | 'publishers' | 'years' | 'from' | 'to'> & Partial<Pick<SearchParams, 'formats'>>): string | undefined {
  const parts: string[] = [];
  if (p.sources.length > 0) parts.push(`(${eqAny('file', p.sources)} OR ${eqAny('docId', p.sources)})`);
  if (p.publishers.length > 0) parts.push(eqAny('publisher', p.publishers));
  if (p.years.length > 0) parts.push(eqAny('year', p.years));
  if (p.formats && p.formats.length > 0) parts.push(eqAny('format', p.formats));
  if (p.from) parts.push(`timestamp >= ${quote(Date.parse(`${p.from}T00:00:00Z`) / 1000)}`);
  if (p.to) parts.push(`timestamp <= ${quote(Date.parse(`${p.to}T00:00:00Z`) / 1000 + 86_399)}`);
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

/**
 * The body of a POST /indexes/:uid/search request for the API's search. With `highlight`,
 * Meilisearch crops and marks the text itself (see queryMatcher for when the API does it instead).
 */
export function buildSearchRequest(p: SearchParams, { highlight }: { highlight: boolean }): Record<string, unknown> {
  const body: Record<string, unknown> = {
    q: p.q,
    limit: p.limit,
    offset: p.offset,
    attributesToRetrieve: RETRIEVED_FIELDS,
    ...(highlight ? MEILI_HIGHLIGHT : {}),
    showRankingScore: true,
    matchingStrategy: MATCHING_STRATEGY,
    facets: FACETS,
  };
  const filter = buildFilter(p);
  if (filter) body.filter = filter;
  if (p.group === 'document') body.distinct = 'docId';
  return body;
}
