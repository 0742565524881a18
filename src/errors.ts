/*
 * The project's one error hierarchy. Every error Citable raises is a CitableError with a code from
 * a closed list, so that the adapters map codes, not messages: HTTP statuses in
 * server/middleware/errors.ts (HTTP_STATUS), exit codes in indexing/cli.ts (EXIT_CODE_OF). An error
 * caused by another keeps it as `cause`.
 */

/** Every code an error of Citable can carry. */
export type ErrorCode =
  /** A configuration value is missing or malformed. */
  | 'invalid_config'
  /** Meilisearch could not be reached, started or answered in time, or lacks the index. */
  | 'search_unavailable'
  /** Meilisearch answered a request with an error of the request's own (4xx). */
  | 'search_rejected'
  /** A Meilisearch task finished in failure. */
  | 'task_failed'
  /** A document could not be read or parsed into passages. */
  | 'ingest_failed'
  /** A file is over the indexer's size limit. */
  | 'file_too_large'
  /** Another indexing job holds the index (or the embedded Meilisearch) this job needs. */
  | 'job_busy'
  /** A request parameter is wrong; the error names it. */
  | 'invalid_parameter'
  /** A request the HTTP layer could not read (malformed encoding and the like). */
  | 'bad_request'
  /** No route answers this method and path. */
  | 'not_found'
  | 'document_not_found'
  | 'passage_not_found'
  | 'saved_search_not_found'
  /** A request body over its route's stated limit. */
  | 'payload_too_large'
  /** A request body of a type the route does not read. */
  | 'unsupported_media_type'
  /** A permalink's document is there, but neither the passage's hash nor its quote is found in it. */
  | 'passage_gone'
  | 'uri_too_long'
  /** The request's headers are over the server's limit (answered before any route runs). */
  | 'headers_too_large'
  /** The request did not arrive within the server's time limit. */
  | 'request_timeout'
  /** Bytes that are not a valid HTTP request. */
  | 'malformed_request'
  /** The path exists, but not for this method; the answer's Allow header lists those it has. */
  | 'method_not_allowed'
  /** No valid credentials: no API token, page session or trusted proxy header, or a revoked one. */
  | 'unauthorized'
  /** Valid credentials whose role does not allow this (a reader on an editor's route). */
  | 'forbidden'
  /** Too many failed sign-ins or bad tokens, per account or per address; retry after Retry-After. */
  | 'too_many_attempts'
  | 'rate_limited'
  /** Meilisearch answers but the index holds no passages yet. */
  | 'not_ready'
  /** A fault of Citable itself: a bug, never the caller's doing. */
  | 'internal_error';

export class CitableError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A configuration value is missing or malformed; the message names the variable. */
export class ConfigError extends CitableError {
  constructor(message: string, options?: ErrorOptions) {
    super('invalid_config', message, options);
  }
}

/** Meilisearch could not be reached, started or answered in time. */
export class SearchUnavailableError extends CitableError {
  constructor(message: string, options?: ErrorOptions) {
    super('search_unavailable', message, options);
  }
}

/**
 * Meilisearch answered with an error. `meiliCode` is Meilisearch's own code (`index_not_found`,
 * `invalid_search_filter`…), by which callers recognise it. A server error or a missing index
 * means search is unavailable; any other is a rejected request.
 */
export class MeiliApiError extends CitableError {
  readonly meiliCode: string | null;
  readonly httpStatus: number;
  constructor(httpStatus: number, meiliCode: string | null, message: string, options?: ErrorOptions) {
    super(httpStatus >= 500 || meiliCode === 'index_not_found' ? 'search_unavailable' : 'search_rejected', message, options);
    this.meiliCode = meiliCode;
    this.httpStatus = httpStatus;
  }
}

/** A document could not be read or parsed into passages. */
export class IngestError extends CitableError {
  constructor(message: string, options?: ErrorOptions & { code?: 'ingest_failed' | 'file_too_large' }) {
    super(options?.code ?? 'ingest_failed', message, options);
  }
}

/** A Meilisearch task finished in failure; `meiliCode` is the task's error code, when it has one. */
export class TaskFailedError extends CitableError {
  readonly meiliCode: string | null;
  constructor(message: string, meiliCode: string | null = null, options?: ErrorOptions) {
    super('task_failed', message, options);
    this.meiliCode = meiliCode;
  }
}

/**
 * A write Meilisearch refused or failed: which index, which batch of the job (counted from 1 per
 * index), and Meilisearch's own error code (`request_failed` when no answer came back at all).
 */
export class IndexWriteError extends TaskFailedError {
  readonly index: string;
  readonly batch: number;
  constructor(args: { index: string; batch: number; meiliCode: string; detail: string }, options?: ErrorOptions) {
    super(`index ${args.index}, batch ${args.batch}: ${args.meiliCode}: ${args.detail}`, args.meiliCode, options);
    this.index = args.index;
    this.batch = args.batch;
  }
}

/** Another job holds what this one needs; the message names it (its pid, since when). */
export class JobBusyError extends CitableError {
  constructor(message: string, options?: ErrorOptions) {
    super('job_busy', message, options);
  }
}

/** A parameter the client got wrong, with the parameter's name. */
export class InvalidParameterError extends CitableError {
  readonly param: string;
  constructor(param: string, message: string, options?: ErrorOptions) {
    super('invalid_parameter', message, options);
    this.param = param;
  }
}

/** The code of an error from anywhere: its own when it is a CitableError, else internal_error. */
export function errorCodeOf(err: unknown): ErrorCode {
  return err instanceof CitableError ? err.code : 'internal_error';
}
