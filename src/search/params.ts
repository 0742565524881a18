import { z } from 'zod';
import { InvalidParameterError } from '../errors.js';

export const LIMIT_MAX = 50;
export const OFFSET_MAX = 1000;
/** Longer queries add nothing Meilisearch reads (it uses the first ten words) and cost parsing. */
export const QUERY_MAX_CHARS = 512;
const SOURCE_MAX = 20;

/** Validated search parameters, as the core uses them. */
export interface SearchParams {
  q: string;
  limit: number;
  offset: number;
  sources: string[];
  publishers: string[];
  years: number[];
  from: string | null;
  to: string | null;
  group: 'document' | null;
}

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO 8601 date such as 2020-07-02')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'is not a real date');

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const list = (max: number, item: z.ZodType<string, string>) =>
  z
    .union([item, z.array(item)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(item).max(max, `may be given at most ${max} times`));

const intIn = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .optional()
    .transform((v) => v ?? fallback);

const schema = z
  .object({
    q: text(QUERY_MAX_CHARS).optional().default(''),
    limit: intIn(1, LIMIT_MAX, 10),
    offset: intIn(0, OFFSET_MAX, 0),
    source: list(SOURCE_MAX, text(256).min(1, 'must not be empty')).optional().default([]),
    publisher: list(SOURCE_MAX, text(256).min(1, 'must not be empty')).optional().default([]),
    year: list(SOURCE_MAX, z.string().regex(/^\d{4}$/, 'must be a four-digit year')).optional().default([]),
    from: isoDate.optional(),
    to: isoDate.optional(),
    group: z.enum(['document'], { message: 'must be "document"' }).optional(),
  })
  .strict();

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
  const parsed = schema.safeParse(query ?? {});
  if (!parsed.success) throw parameterError(parsed.error);
  const p = parsed.data;
  if (p.from && p.to && p.from > p.to) throw new InvalidParameterError('from', 'from must not be after to');
  return {
    q: p.q.replace(/[\u0000-\u001F\u007F]/g, ' ').trim(),
    limit: p.limit,
    offset: p.offset,
    sources: p.source,
    publishers: p.publisher,
    years: p.year.map(Number),
    from: p.from ?? null,
    to: p.to ?? null,
    group: p.group ?? null,
  };
}
