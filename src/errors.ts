/**
 * The project's error hierarchy. Each error carries a stable `code` so that adapters (HTTP, CLI)
 * can map it to a status or an exit code without parsing messages.
 */
export class CitableError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
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

/** A document could not be read or parsed into passages. */
export class IngestError extends CitableError {
  constructor(message: string, options?: ErrorOptions) {
    super('ingest_failed', message, options);
  }
}

/** A Meilisearch task finished in failure. */
export class TaskFailedError extends CitableError {
  constructor(message: string, options?: ErrorOptions) {
    super('task_failed', message, options);
  }
}
