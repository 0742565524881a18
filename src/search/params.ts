import { z } from 'zod';
import { InvalidParameterError } from '../errors.js';
import { SOURCE_FORMATS, type SourceFormat } from '../ingest/ingest.js';
import { QUERY_TERMS_MAX } from './analyze.js';
import { SUGGEST_QUERY_MAX_CHARS } from './suggest.js';

export const LIMIT_MAX = 50;
export const OFFSET_MAX = 1000;
/**
 * Room for a pasted abstract or paragraph (some 300 words), which BM25 ranks by its rarest terms
 * (QUERY_TERMS_MAX); what is longer is a document, not a query. Meilisearch reads only the first
 * ten words it is sent (candidateQuery chooses them), so a long query costs it nothing more.
 */
export const QUERY_MAX_CHARS = 2048;
const SOURCE_MAX = 20;

/** Validated search parameters, as the core uses them. */
export interface SearchParams {
  q: string;
  limit: number;
  offset: number;
  sources: string[];
  publishers: string[];
  years: number[];
  /** Source formats (pdf, docx…); empty for all. */
  formats: SourceFormat[];
  from: string | null;
  to: string | null;
  group: 'document' | null;
}

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO 8601 date such as 2020-07-02')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real date')
  .meta({ format: 'date' });

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

/** A parameter that may be repeated (`?year=2020&year=2021`), read as a list of at most `max`. */
export const repeatable = (max: number, item: z.ZodType<string, string>) =>
  z
    .union([item, z.array(item)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(item).max(max, `may be given at most ${max} times`))
    .optional()
    .default([]);

/** A whole-number parameter from `min` to `max`, `fallback` when absent. */
export const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .default(fallback);

/** The parts of a search: its query text, filter values and dates, as each parameter or field reads them. */
export const searchFields = {
  q: text(QUERY_MAX_CHARS),
  filterValue: text(256).min(1, 'must not be empty'),
  year: z.string().regex(/^\d{4}$/, 'must be a four-digit year'),
  date: isoDate,
};

/** The filters of a search: the parameters of GET /api/search that say which passages match. */
export const searchFilterParams = {
  q: searchFields.q.optional().default('').meta({
    description:
      `Keywords, a question or a pasted paragraph; "quoted phrases" and -negated words work, except in a query of more than ${QUERY_TERMS_MAX} distinct terms, which is read as pasted text (ranked by its ${QUERY_TERMS_MAX} rarest terms).`,
  }),
  source: repeatable(SOURCE_MAX, searchFields.filterValue).meta({ description: 'File name or document id; repeatable.' }),
  publisher: repeatable(SOURCE_MAX, searchFields.filterValue),
  year: repeatable(SOURCE_MAX, searchFields.year),
  from: isoDate.optional(),
  to: isoDate.optional(),
};

/** A document's source format, one of those the indexer records. */
export const sourceFormat = z.enum(SOURCE_FORMATS, { message: `must be one of ${SOURCE_FORMATS.join(', ')}` });

/** The query-string parameters of GET /api/search (OpenAPI's are generated from it). */
export const searchParamsSchema = z.strictObject({
  ...searchFilterParams,
  // Not among the shared filters: an export's `format` is the file it writes.
  format: repeatable(SOURCE_FORMATS.length, sourceFormat).meta({ description: 'Source format (pdf, docx, eml, html, markdown, wordpress, text); repeatable.' }),
  limit: wholeNumber(1, LIMIT_MAX, 10),
  offset: wholeNumber(0, OFFSET_MAX, 0),
  group: z.enum(['document'], { message: 'must be "document"' }).optional().meta({ description: 'The best passage per document.' }),
});

/**
 * The InvalidParameterError of a failed validation, naming its first bad parameter (or field, for a
 * body); an unknown one is an error too, so that typos do not pass silently.
 */
export function parameterError(error: z.ZodError, kind: 'parameter' | 'field' = 'parameter'): InvalidParameterError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return new InvalidParameterError(key, `unknown ${kind} "${key}"`);
  }
  const param = String(issue.path[0] ?? (kind === 'parameter' ? 'query' : 'body'));
  const message = issue.code === 'invalid_type' ? 'is malformed (given more than once, or of the wrong type)' : issue.message;
  return new InvalidParameterError(param, `${param} ${message}`);
}

/**
 * Validates raw query-string parameters. Throws InvalidParameterError naming the first bad
 * parameter; unknown parameters are errors too, so typos do not pass silently.
 */
export function parseSearchParams(query: unknown): SearchParams {
  const p = parseParams(searchParamsSchema, query);
  return searchOf(p, { limit: p.limit, offset: p.offset, group: p.group ?? null });
}

/** The search that parsed filter parameters describe, with its paging; from must not be after to. */
export function searchOf(
  p: z.output<z.ZodObject<typeof searchFilterParams>> & { format?: string[] },
  paging: Pick<SearchParams, 'limit' | 'offset' | 'group'>,
): SearchParams {
  if (p.from && p.to && p.from > p.to) throw new InvalidParameterError('from', 'from must not be after to');
  return {
    q: withoutControls(p.q),
    limit: paging.limit,
    offset: paging.offset,
    sources: p.source,
    publishers: p.publisher,
    years: p.year.map(Number),
    // Checked against SOURCE_FORMATS by the schema.
    formats: (p.format ?? []) as SourceFormat[],
    from: p.from ?? null,
    to: p.to ?? null,
    group: paging.group,
  };
}

/** Control characters become spaces; the ends are trimmed. */
function withoutControls(q: string): string {
  return q.replace(/[\u0000-\u001F\u007F]/g, ' ').trim();
}

/** Document ids are what ingest produces: letters, digits, "_" and "-". */
export const docIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'may hold only letters, digits, "_" and "-" (at most 128)');

/** The path parameter of GET /api/documents/:docId. */
export const docIdParamsSchema = z.object({ docId: docIdSchema });

/** The docId of GET /api/documents/:docId, or InvalidParameterError. */
export function parseDocId(docId: unknown): string {
  return parseParams(docIdParamsSchema, { docId }).docId;
}

/** The query-string parameters of GET /api/suggest. */
export const suggestParamsSchema = z.strictObject({
  q: text(SUGGEST_QUERY_MAX_CHARS).optional().default('').meta({ description: 'What has been typed.' }),
});

/** The text to complete, without control characters; empty when nothing was typed. */
export function parseSuggestParams(query: unknown): { q: string } {
  return { q: withoutControls(parseParams(suggestParamsSchema, query).q) };
}

/** A permalink's quote is a few words of the passage's start and end. */
const QUOTE_PARAM_MAX_CHARS = 300;

/** The path parameter of GET /p/:passageKey: a document id, ".", and a 16-digit hex content hash. */
export const passageKeyParamsSchema = z.object({
  passageKey: z.string().regex(/^[A-Za-z0-9_-]{1,128}\.[0-9a-f]{16}$/, 'is a document id, ".", and a 16-digit hex content hash'),
});

/** The query string of GET /p/:passageKey; other parameters (a tracker's, say) are let through. */
export const permalinkQuerySchema = z.object({
  start: text(QUOTE_PARAM_MAX_CHARS).optional().meta({ description: "The passage's first words." }),
  end: text(QUOTE_PARAM_MAX_CHARS).optional().meta({ description: "The passage's last words." }),
});

/** Parses parameters with a schema; the first bad parameter is an InvalidParameterError naming it. */
export function parseParams<S extends z.ZodType>(schema: S, query: unknown, kind: 'parameter' | 'field' = 'parameter'): z.output<S> {
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw parameterError(parsed.error, kind);
  return parsed.data;
}
