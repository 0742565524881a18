import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';

/** Failed sign-ins allowed per account in one window: slows guessing one password, briefly. */
export const FAILED_SIGN_INS_PER_ACCOUNT = 10;
/** Failed sign-ins and bad tokens allowed per client address in one window. */
export const FAILED_ATTEMPTS_PER_ADDRESS = 30;
export const ATTEMPT_WINDOW_MS = 15 * 60 * 1000;

type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * A limit on failed credential checks (answers 401) per key; successes and other answers do not
 * count. Past the limit, a JSON 429 with Retry-After, before any password or token is checked.
 */
export function failedAttemptLimit(opts: { limit: number; windowMs?: number; key: (req: IncomingMessage) => string; what: string }): Middleware {
  const windowMs = opts.windowMs ?? ATTEMPT_WINDOW_MS;
  return rateLimit({
    windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req: Request, res: Response) => res.statusCode !== 401,
    keyGenerator: (req: Request) => opts.key(req),
    validate: { ip: false, trustProxy: false, xForwardedForHeader: false, keyGeneratorIpFallback: false },
    handler: (_req: Request, res: Response) => {
      const minutes = Math.ceil(windowMs / 60_000);
      const body = JSON.stringify({ error: { code: 'too_many_attempts', message: `Too many failed attempts ${opts.what}; wait up to ${minutes} minutes (see Retry-After).` } });
      res.writeHead(429, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) }).end(body);
    },
  }) as unknown as Middleware;
}
