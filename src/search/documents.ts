import { z } from 'zod';
import { InvalidParameterError } from '../errors.js';
import type { MeiliSearchClient } from '../meili/client.js';
import { quote } from '../meili/filter.js';
import type { DocumentList, DocumentSummary, HistogramBar } from './api-schema.js';
import type { SourceFormat } from '../ingest/ingest.js';
import { isoDate, parseParams, repeatable, searchFields, sourceFormat, wholeNumber } from './params.js';
import { buildFilter } from './query.js';

/**
 * The collection at a glance: its documents without a query, sorted, filtered and paged, with a
 * count per facet value and a histogram of documents over time. A document is its first passage
 * (position 0), which carries the document's metadata and its number of passages.
 */

/** Titles are not sortable: a sortable field costs Meilisearch a facet database, and a title is unique per document. */
export const DOCUMENT_SORTS = ['date:desc', 'date:asc', 'passages:desc', 'passages:asc'] as const;
export type DocumentSort = (typeof DOCUMENT_SORTS)[number];
export const DOCUMENTS_PER_PAGE_MAX = 100;
/** Pages reach as far as Meilisearch pages (its maxTotalHits, 10,000 documents). */
export const DOCUMENTS_PAGE_MAX = 500;
export const DOCUMENT_FACETS = ['publisher', 'year', 'format'] as const;
/** Months are shown when the dated documents span at most this many years; years otherwise. */
const MONTHS_UP_TO_YEARS = 2;
const FILTER_VALUES_MAX = 20;

export interface DocumentListParams {
  sort: DocumentSort;
  page: number;
  perPage: number;
  publishers: string[];
  years: number[];
  formats: SourceFormat[];
  from: string | null;
  to: string | null;
}

/** The query-string parameters of GET /api/documents (OpenAPI's are generated from it). */
export const documentListParamsSchema = z.strictObject({
  sort: z.enum(DOCUMENT_SORTS, { message: `must be one of ${DOCUMENT_SORTS.join(', ')}` }).optional().default('date:desc'),
  page: wholeNumber(1, DOCUMENTS_PAGE_MAX, 1),
  perPage: wholeNumber(1, DOCUMENTS_PER_PAGE_MAX, 20),
  publisher: repeatable(FILTER_VALUES_MAX, searchFields.filterValue),
  year: repeatable(FILTER_VALUES_MAX, searchFields.year),
  format: repeatable(FILTER_VALUES_MAX, sourceFormat).meta({ description: 'Source format (pdf, docx, eml, html, markdown, wordpress, text); repeatable.' }),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

/** Validates the list's query string; InvalidParameterError names the first bad parameter. */
export function parseDocumentListParams(query: unknown): DocumentListParams {
  const p = parseParams(documentListParamsSchema, query);
  if (p.from && p.to && p.from > p.to) throw new InvalidParameterError('from', 'from must not be after to');
  if (p.page * p.perPage > 10_000) throw new InvalidParameterError('page', 'the list pages through its first 10,000 documents; narrow it with filters');
  return { sort: p.sort, page: p.page, perPage: p.perPage, publishers: p.publisher, years: p.year.map(Number), formats: p.format as SourceFormat[], from: p.from ?? null, to: p.to ?? null };
}

/** The filter of the list: first passages only, and the chosen facets. */
export function documentFilter(p: Pick<DocumentListParams, 'publishers' | 'years' | 'formats' | 'from' | 'to'>, extra?: string): string {
  const parts = ['position = 0'];
  const rest = buildFilter({ sources: [], publishers: p.publishers, years: p.years, formats: p.formats, from: p.from, to: p.to });
  if (rest) parts.push(rest);
  if (extra) parts.push(extra);
  return parts.join(' AND ');
}

/** Meilisearch sorts by `timestamp` for dates (a number, so the newest sort first whatever the date's precision). */
function sortOf(s: DocumentSort): string {
  const [field, dir] = s.split(':') as [string, string];
  return `${field === 'date' ? 'timestamp' : field}:${dir}`;
}

export type { DocumentList, DocumentSummary, HistogramBar };

type FirstPassage = { docId: string; title: string | null; file: string; publisher: string | null; author: string | null; date: string | null; format?: string | null; passages: number; url: string | null };
const LIST_FIELDS = ['docId', 'title', 'file', 'publisher', 'author', 'date', 'format', 'passages', 'url'];

/** Consecutive years from the first to the last, with the years without documents at zero. */
export function yearBars(years: Record<string, number>): HistogramBar[] {
  const known = Object.keys(years).map(Number).filter(Number.isInteger).sort((a, b) => a - b);
  if (known.length === 0) return [];
  const bars: HistogramBar[] = [];
  for (let y = known[0]!; y <= known[known.length - 1]!; y++) bars.push({ period: String(y), documents: years[String(y)] ?? 0 });
  return bars;
}

const monthStart = (y: number, m: number) => Date.UTC(y, m, 1) / 1000;

/** Lists the collection's documents (see DocumentList). */
export async function listDocuments(meili: MeiliSearchClient, p: DocumentListParams): Promise<DocumentList> {
  const filter = documentFilter(p);
  const raw = await meili.search<{ hits: FirstPassage[]; totalHits?: number; facetDistribution?: Record<string, Record<string, number>> }>({
    q: '',
    filter,
    sort: [sortOf(p.sort)],
    page: p.page,
    hitsPerPage: p.perPage,
    facets: [...DOCUMENT_FACETS],
    attributesToRetrieve: LIST_FIELDS,
  });
  const facets = raw.facetDistribution ?? {};
  const years = facets.year ?? {};
  const total = raw.totalHits ?? 0;
  const dated = Object.values(years).reduce((n, c) => n + c, 0);
  let histogram: DocumentList['histogram'] = { unit: 'year', bars: yearBars(years), undated: total - dated };
  const span = histogram.bars.length;
  if (span > 0 && span <= MONTHS_UP_TO_YEARS) {
    // Months of the years shown, counted exactly by one empty search per month (batched by the client).
    const first = Number(histogram.bars[0]!.period);
    const months = Array.from({ length: span * 12 }, (_, i) => ({ y: first + Math.floor(i / 12), m: i % 12 }));
    const counts = await Promise.all(
      months.map(({ y, m }) =>
        meili.count({ q: '', filter: documentFilter(p, `timestamp >= ${quote(monthStart(y, m))} AND timestamp < ${quote(monthStart(y, m + 1))}`) }),
      ),
    );
    const bars = months.map(({ y, m }, i) => ({ period: `${y}-${String(m + 1).padStart(2, '0')}`, documents: counts[i]! }));
    // Trim the empty months before the first document and after the last.
    const firstFull = bars.findIndex((b) => b.documents > 0);
    const lastFull = bars.findLastIndex((b) => b.documents > 0);
    if (firstFull >= 0) histogram = { unit: 'month', bars: bars.slice(firstFull, lastFull + 1), undated: histogram.undated };
  }
  return {
    total,
    page: p.page,
    perPage: p.perPage,
    sort: p.sort,
    documents: raw.hits.map((h) => ({
      docId: h.docId,
      title: h.title,
      file: h.file,
      publisher: h.publisher,
      author: h.author,
      date: h.date,
      format: h.format ?? null,
      passages: h.passages,
      url: h.url && /^https?:\/\//i.test(h.url) ? h.url : null,
      link: `/documents/${encodeURIComponent(h.docId)}`,
    })),
    facets: { publisher: facets.publisher ?? {}, year: years, format: facets.format ?? {} },
    histogram,
  };
}
