import { parse as parseCsv } from 'csv-parse/sync';
import pLimit from 'p-limit';
import { z } from 'zod';
import { InvalidParameterError } from '../errors.js';
import type { MeiliSearchClient } from '../meili/client.js';
import type { BatchHit, BatchResult } from './api-schema.js';
import { wholeNumber } from './params.js';
import { buildSearchRequest } from './query.js';
import { shapeHit, type RawSearchResponse } from './shape.js';

/**
 * Batch search: a list of queries (names of people, companies, vessels…) run against the whole
 * collection, each answered with how many passages and documents match and its best hits.
 */

/** Queries in one batch at most: a list of this size answers within seconds, and it bounds the load. */
export const BATCH_MAX_QUERIES = 500;
/**
 * Characters of one batch query at most: a batch's queries are names and keywords, searched by
 * Meilisearch, which reads the first ten words of each.
 */
export const BATCH_QUERY_MAX_CHARS = 512;
/** Bytes of an uploaded list at most (500 queries of 512 characters, with room for CSV quoting). */
export const BATCH_MAX_BYTES = 300 * 1024;
/** Searches of one batch in flight at once: Meilisearch keeps answering other users meanwhile. */
export const BATCH_CONCURRENCY = 4;
/**
 * A batch answers within this time or not at all (each search is also bounded by the client's own
 * timeout): 500 queries take a few seconds on an idle Meilisearch, so this is reached only when it
 * is overloaded.
 */
export const BATCH_TIMEOUT_MS = 60_000;
/** Best hits returned per query. */
export const BATCH_HITS_DEFAULT = 3;
export const BATCH_HITS_MAX = 10;

export const BATCH_FORMATS = ['json', 'csv', 'ndjson'] as const;

/** The query-string parameters of POST /api/batch. */
export const batchParamsSchema = z.strictObject({
  format: z
    .enum(BATCH_FORMATS, { message: `must be one of ${BATCH_FORMATS.join(', ')}` })
    .default('json')
    .meta({ description: 'ndjson: one line per query as it is answered ({index, of, result}).' }),
  hits: wholeNumber(0, BATCH_HITS_MAX, BATCH_HITS_DEFAULT).meta({ description: 'Best hits returned per query.' }),
});

/** A batch sent as JSON: the list of queries (read by normalizeQueries). */
export const batchBodySchema = z.strictObject({ queries: z.array(z.string()) });

/** Control characters become spaces, runs of spaces one, as the search box does. */
function clean(q: string): string {
  return q.replace(/[\u0000-\u001F\u007F]/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The queries of a list, in order: blanks dropped, repeats (ignoring case) kept once. Throws
 * InvalidParameterError (param "queries") for an empty list, too many queries or a query too long.
 */
export function normalizeQueries(list: readonly unknown[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [i, raw] of list.entries()) {
    if (typeof raw !== 'string') throw new InvalidParameterError('queries', `queries[${i}] must be a string`);
    const q = clean(raw);
    if (q === '') continue;
    if (q.length > BATCH_QUERY_MAX_CHARS) throw new InvalidParameterError('queries', `query ${i + 1} is longer than ${BATCH_QUERY_MAX_CHARS} characters`);
    const key = q.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(q);
  }
  if (out.length === 0) throw new InvalidParameterError('queries', 'the list holds no query');
  if (out.length > BATCH_MAX_QUERIES) throw new InvalidParameterError('queries', `a batch holds at most ${BATCH_MAX_QUERIES} queries; this one holds ${out.length}`);
  return out;
}

/**
 * Queries from an uploaded list: plain text holds one query a line; CSV one query a row, in its
 * first column (so a spreadsheet column of names can be uploaded as it is, quoted cells and all).
 */
export function queriesFromText(text: string, kind: 'text' | 'csv'): string[] {
  const body = text.replace(/^\uFEFF/, '');
  if (kind === 'text') return normalizeQueries(body.split(/\r\n|\r|\n/));
  let rows: string[][];
  try {
    rows = parseCsv(body, { relax_column_count: true, skip_empty_lines: true, relax_quotes: false }) as string[][];
  } catch (err) {
    throw new InvalidParameterError('queries', `the CSV could not be read: ${(err as Error).message}`);
  }
  return normalizeQueries(rows.map((r) => r[0] ?? ''));
}

export type { BatchHit, BatchResult };

/** What a batch needs from search: one query's counts and best hits. */
export type SearchOne = (q: string) => Promise<BatchResult>;

/**
 * Runs the queries with at most `concurrency` in flight, reporting each result as it comes, and
 * returns the results in the list's order. A failed query fails the batch (the caller answers it
 * as the search's own error would be answered).
 */
export async function runBatch(
  queries: readonly string[],
  searchOne: SearchOne,
  opts: { concurrency?: number; onResult?: (result: BatchResult, index: number) => void; signal?: AbortSignal } = {},
): Promise<BatchResult[]> {
  const limit = pLimit(opts.concurrency ?? BATCH_CONCURRENCY);
  return Promise.all(
    queries.map((q, i) =>
      limit(async () => {
        opts.signal?.throwIfAborted();
        try {
          const result = await searchOne(q);
          opts.onResult?.(result, i);
          return result;
        } catch (err) {
          // The batch has failed: the queries still waiting are not sent.
          limit.clearQueue();
          throw err;
        }
      }),
    ),
  );
}

/** Results with hits first, most passages first; then the queries with none, in the list's order. */
export function byHits(results: readonly BatchResult[]): { found: BatchResult[]; none: BatchResult[] } {
  const found = results.filter((r) => r.passages > 0).sort((a, b) => b.passages - a.passages || b.documents - a.documents);
  return { found, none: results.filter((r) => r.passages === 0) };
}

/** One CSV row per query: its counts and its best hits' titles and links, for a spreadsheet. */
export function batchCsvRows(results: readonly BatchResult[], origin: string, hits = BATCH_HITS_DEFAULT): Array<Record<string, string | number>> {
  return results.map((r) => {
    const row: Record<string, string | number> = { query: r.query, passages: r.passages, documents: r.documents };
    for (let i = 0; i < hits; i++) {
      const h = r.hits[i];
      row[`hit_${i + 1}_title`] = h?.title ?? '';
      row[`hit_${i + 1}_link`] = h ? `${origin}${h.link}` : '';
    }
    return row;
  });
}

/**
 * Answers one query of a batch: a passage matches when every word of the query does (a name is
 * all its words), typos allowed as in search. The passages and the documents are counted exactly
 * by Meilisearch (up to its maxTotalHits); both searches leave in one multi-search.
 */
export function batchSearcher(meili: MeiliSearchClient, hits = BATCH_HITS_DEFAULT): SearchOne {
  return async (q) => {
    const { facets: _f, limit: _l, offset: _o, showRankingScore: _s, ...body } = buildSearchRequest(
      { q, limit: 1, offset: 0, sources: [], publishers: [], years: [], formats: [], from: null, to: null, group: null },
      { highlight: true },
    );
    const [passages, documents] = await Promise.all([
      meili.search<RawSearchResponse>({ ...body, matchingStrategy: 'all', page: 1, hitsPerPage: hits }),
      meili.count({ q, matchingStrategy: 'all', distinct: 'docId' }),
    ]);
    return {
      query: q,
      passages: passages.totalHits ?? 0,
      documents,
      hits: passages.hits.map((raw) => {
        const h = shapeHit(raw);
        return { id: h.id, docId: h.source.docId, title: h.source.title, publisher: h.source.publisher, date: h.source.date, snippet: h.snippet, link: h.link };
      }),
    };
  };
}
