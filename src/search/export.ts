import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import { InvalidParameterError } from '../errors.js';
import type { MeiliSearchClient } from '../meili/client.js';
import type { ExportRow } from './api-schema.js';
import { parseParams, searchFilterParams, searchOf, wholeNumber, type SearchParams } from './params.js';
import type { PassageRecordView } from './passage.js';
import { buildSearchRequest, RETRIEVED_FIELDS } from './query.js';
import { passageLink, quoteLink } from './shape.js';

/**
 * Exports of a search's hits as a download. Hits are read from Meilisearch a page at a time and
 * written as they come, so memory holds one page whatever the export's size.
 */
export const EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The most hits one export holds; the index's maxTotalHits setting allows Meilisearch to page this far. */
export const EXPORT_MAX_HITS = 10_000;
/** Hits read from Meilisearch per request: large enough that requests cost little, small enough to keep memory flat. */
export const EXPORT_PAGE_SIZE = 500;

export const EXPORT_MEDIA: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
};

export interface ExportParams {
  search: SearchParams;
  format: ExportFormat;
  /** Hits to export at most. */
  max: number;
}

/** The query-string parameters of GET /api/search/export: the search's filters, the format and the number of hits. */
export const exportParamsSchema = z.strictObject({
  ...searchFilterParams,
  format: z.enum(EXPORT_FORMATS, { message: `must be one of ${EXPORT_FORMATS.join(', ')}` }).default('csv'),
  max: wholeNumber(1, EXPORT_MAX_HITS, EXPORT_MAX_HITS).meta({ description: 'Hits to export at most.' }),
});

/**
 * Validates an export's query string: the search's own filters, plus `format` (csv, json or
 * ndjson) and `max` (hits, at most EXPORT_MAX_HITS). Paging and grouping belong to the search page.
 */
export function parseExportParams(query: Record<string, unknown>): ExportParams {
  for (const p of ['limit', 'offset', 'group']) {
    if (p in query) throw new InvalidParameterError(p, `${p} does not apply to an export; use max for the number of hits`);
  }
  const { format, max, ...filters } = parseParams(exportParamsSchema, query);
  return { search: searchOf(filters, { limit: max, offset: 0, group: null }), format, max };
}

export type { ExportRow };

export const EXPORT_COLUMNS: ReadonlyArray<keyof ExportRow> = [
  'rank', 'passage_id', 'doc_id', 'title', 'author', 'publisher', 'date', 'paragraph', 'page', 'heading', 'link', 'url', 'quote_link', 'text',
];

/** A hit as an export row; `origin` makes the link absolute, so a spreadsheet's links open. */
export function exportRow(h: PassageRecordView, rank: number, origin: string): ExportRow {
  return {
    rank,
    passage_id: h.id,
    doc_id: h.docId,
    title: h.title,
    author: h.author,
    publisher: h.publisher,
    date: h.date,
    paragraph: h.position + 1,
    page: h.page != null ? (h.pageLabel || String(h.page)) : null,
    heading: h.heading,
    link: `${origin}${passageLink(h.docId, h.position)}`,
    url: h.url && /^https?:\/\//i.test(h.url) ? h.url : null,
    quote_link: quoteLink(h.url, h.fragment),
    text: h.text,
  };
}

/** Reads pages of hits until `max` hits or the last page, one request at a time. */
export async function* pagedHits<T>(fetchPage: (offset: number, limit: number) => Promise<T[]>, max: number, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<T> {
  for (let offset = 0; offset < max; offset += pageSize) {
    const limit = Math.min(pageSize, max - offset);
    const page = await fetchPage(offset, limit);
    yield* page;
    if (page.length < limit) return;
  }
}

/**
 * The rows encoded in a format, as a byte stream that reads the rows only as fast as it is
 * consumed. CSV cells that a spreadsheet would run as a formula (=, +, -, @) are prefixed with an
 * apostrophe: the text comes from documents nobody vetted.
 */
export function encodeExport(rows: AsyncIterable<ExportRow>, format: ExportFormat): Readable {
  if (format === 'csv') {
    const source = Readable.from(rows);
    const csv = stringify({ header: true, columns: [...EXPORT_COLUMNS], escape_formulas: true, bom: true });
    source.on('error', (err) => csv.destroy(err));
    return source.pipe(csv);
  }
  return Readable.from(
    (async function* () {
      if (format === 'ndjson') {
        for await (const row of rows) yield `${JSON.stringify(row)}\n`;
        return;
      }
      let first = true;
      yield '[';
      for await (const row of rows) {
        yield `${first ? '\n' : ',\n'}${JSON.stringify(row)}`;
        first = false;
      }
      yield '\n]\n';
    })(),
  );
}

/** A file name that says what the export holds: `citable-sky-ecc-2026-12-02.csv`. */
export function exportFileName(q: string, format: ExportFormat, now = new Date()): string {
  const slug = q
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `citable-${slug || 'all'}-${now.toISOString().slice(0, 10)}.${format}`;
}

/** The hits of an export, read a page at a time, in Meilisearch's order for the query. */
export function exportHits(meili: MeiliSearchClient, p: ExportParams, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<PassageRecordView> {
  const { facets: _facets, showRankingScore: _score, ...body } = buildSearchRequest({ ...p.search, limit: 1, offset: 0 }, { highlight: false });
  return pagedHits(
    async (offset, limit) =>
      (await meili.search<{ hits: PassageRecordView[] }>({ ...body, offset, limit, attributesToRetrieve: RETRIEVED_FIELDS })).hits,
    p.max,
    pageSize,
  );
}
