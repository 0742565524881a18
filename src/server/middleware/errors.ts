import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CitableError, InvalidParameterError, type ErrorCode } from '../../errors.js';

/** Seconds a client should wait before retrying when Meilisearch is unavailable or the index not ready. */
export const RETRY_AFTER_SECONDS = 5;

/** The HTTP status of every error code: the one place where codes become statuses. */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_parameter: 400,
  bad_request: 400,
  not_found: 404,
  document_not_found: 404,
  passage_not_found: 404,
  saved_search_not_found: 404,
  payload_too_large: 413,
  unsupported_media_type: 415,
  passage_gone: 410,
  malformed_request: 400,
  unauthorized: 401,
  forbidden: 403,
  method_not_allowed: 405,
  request_timeout: 408,
  uri_too_long: 414,
  rate_limited: 429,
  too_many_attempts: 429,
  headers_too_large: 431,
  job_busy: 409,
  search_unavailable: 503,
  not_ready: 503,
  // Faults of the server or its set-up, never the client's.
  search_rejected: 500,
  task_failed: 500,
  ingest_failed: 500,
  file_too_large: 500,
  invalid_config: 500,
  internal_error: 500,
};

/** Codes whose answers tell the client to come back, after RETRY_AFTER_SECONDS. */
const RETRY_LATER = new Set<ErrorCode>(['search_unavailable', 'not_ready']);

/** JSON 404 for every route nobody handled. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new CitableError('not_found', `No route for ${req.method} ${req.path}`));
};

interface LogLike {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The statuses of framework errors that keep a code of their own; any other 4xx is a bad request. */
const FRAMEWORK_CODES: Partial<Record<number, ErrorCode>> = { 413: 'payload_too_large', 415: 'unsupported_media_type' };

/** An error raised by Express or a middleware package, with the 4xx status it chose. */
function isFrameworkClientError(err: unknown): err is { status: number; message?: string } {
  const status = (err as { status?: unknown } | null)?.status;
  return !(err instanceof CitableError) && typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Maps an error to its answer: a CitableError to its code's status, with its message where the
 * client can act on it; anything else is a real fault, logged with its stack and answered 500
 * without details.
 */
export function errorAnswer(err: unknown, log?: LogLike): { status: number; headers: Record<string, string>; body: { error: Record<string, unknown> } } {
  // Malformed URL encoding, bodies over a limit and the like, raised by the framework or a body parser.
  const known = isFrameworkClientError(err) ? new CitableError(FRAMEWORK_CODES[err.status] ?? 'bad_request', err.message ?? 'Bad request', { cause: err }) : err;
  if (!(known instanceof CitableError)) {
    log?.error({ err }, 'unhandled error');
    return { status: 500, headers: {}, body: { error: { code: 'internal_error', message: 'Internal error' } } };
  }
  const status = HTTP_STATUS[known.code];
  const headers: Record<string, string> = RETRY_LATER.has(known.code) ? { 'Retry-After': String(RETRY_AFTER_SECONDS) } : {};
  if (status >= 500) {
    if (known.code === 'search_unavailable') {
      log?.warn({ err }, 'search unavailable');
      return { status, headers, body: { error: { code: known.code, message: 'Search is temporarily unavailable; retry shortly.' } } };
    }
    if (known.code !== 'not_ready') {
      log?.error({ err }, 'server fault');
      return { status, headers, body: { error: { code: 'internal_error', message: 'Internal error' } } };
    }
  }
  const body: Record<string, unknown> = { code: known.code, message: known.message };
  if (known instanceof InvalidParameterError) body.param = known.param;
  return { status, headers, body: { error: body } };
}

/** The one Express error handler, registered last. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    res.end();
    return;
  }
  const answer = errorAnswer(err, req.log);
  res.set(answer.headers).status(answer.status).json(answer.body);
};
