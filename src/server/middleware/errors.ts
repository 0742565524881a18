import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CitableError } from '../../errors.js';
import { InvalidParameterError } from '../../search/params.js';

/** Seconds a client should wait before retrying when Meilisearch is unavailable. */
export const RETRY_AFTER_SECONDS = 5;

/** An HTTP error with its status and stable code, raised by route handlers. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** JSON 404 for every route nobody handled. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`));
};

interface LogLike {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Maps an error to its answer: known errors to their status and code; anything else is a real
 * fault, logged with its stack and answered 500 without details.
 */
export function errorAnswer(err: unknown, log?: LogLike): { status: number; headers: Record<string, string>; body: { error: Record<string, unknown> } } {
  const headers: Record<string, string> = {};
  let status = 500;
  let body: Record<string, unknown> = { code: 'internal_error', message: 'Internal error' };
  if (err instanceof HttpError) {
    status = err.status;
    body = { code: err.code, message: err.message, ...err.extra };
  } else if (err instanceof InvalidParameterError) {
    status = 400;
    body = { code: 'invalid_parameter', message: err.message, param: err.param };
  } else if (err instanceof CitableError && err.code === 'search_unavailable') {
    status = 503;
    headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
    body = { code: 'search_unavailable', message: 'Search is temporarily unavailable; retry shortly.' };
    log?.warn({ err }, 'search unavailable');
  } else if (typeof (err as { status?: unknown }).status === 'number' && (err as { status: number }).status < 500) {
    // Errors raised by body parsers and other middleware (malformed URL encoding, payload size).
    const e = err as { status: number; type?: string; message?: string };
    status = e.status;
    body = { code: e.type?.replace(/\./g, '_') ?? 'bad_request', message: e.message ?? 'Bad request' };
  } else {
    log?.error({ err }, 'unhandled error');
  }
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
