import type { IncomingMessage } from 'node:http';
import cors from 'cors';
import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { CitableError } from '../../errors.js';

/**
 * Search URLs are short, but for a pasted paragraph: QUERY_MAX_CHARS characters of text are at
 * most 12 KiB percent-encoded where letters take two bytes (accented Latin, Greek, Cyrillic…),
 * and 2 KiB more leaves room for the other parameters. Anything longer is a mistake or an attack;
 * the limit stays under Node's default header limit, so this service, not the parser, answers it.
 */
export const MAX_URL_LENGTH = 14 * 1024;

/** helmet with a CSP that allows the page's own assets and nothing else. */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
}

export const limitUrlLength =
  (max = MAX_URL_LENGTH): RequestHandler =>
  (req, _res, next) => {
    next((req.originalUrl ?? req.url ?? '').length > max ? new CitableError('uri_too_long', `The URL is longer than ${max} characters`) : undefined);
  };

/** Per-client rate limit on the public API, answering a clear JSON 429. */
export function apiRateLimit(perMinute: number, clientAddress?: (req: IncomingMessage) => string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    // draft-7 headers (one combined RateLimit header) are set with setHeader, which plain node has.
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Shared by the Express routes and the plain-node search path, so it reads only what both have.
    keyGenerator: (req) => ipKeyGenerator(clientAddress ? clientAddress(req) : (req.socket.remoteAddress ?? '')),
    validate: { ip: false, trustProxy: false, xForwardedForHeader: false },
    handler: (_req, _res, next) => {
      next(new CitableError('rate_limited', `Too many requests: at most ${perMinute} a minute. Retry after the time in the RateLimit header.`));
    },
  });
}

/** CORS is off unless origins are configured. */
export function corsFor(origins: readonly string[]): RequestHandler | null {
  if (origins.length === 0) return null;
  return cors({ origin: origins.includes('*') ? '*' : [...origins], methods: ['GET'] });
}
