import { pino, type Logger } from 'pino';

/** Structured JSON logs. Secrets are redacted wherever they might appear. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    redact: {
      paths: ['masterKey', 'apiKey', 'key', 'req.headers.authorization', '*.masterKey', '*.apiKey'],
      censor: '[redacted]',
    },
  });
}

export type { Logger };
