import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorAnswer } from './middleware/errors.js';

/** A connect-style middleware: works on plain node requests as well as inside Express. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

/**
 * A route answered on node's own request and response, without Express's router and its
 * per-request work. `handle` answers, or throws or passes an error to `fail`.
 */
export interface PlainRoute {
  /** GET; HEAD is served the same way. */
  method: 'GET';
  path: string;
  handle(req: IncomingMessage, res: ServerResponse, fail: (err: unknown) => void): void;
}

function runChain(chain: readonly Middleware[], req: IncomingMessage, res: ServerResponse, done: (err?: unknown) => void) {
  let i = 0;
  const next = (err?: unknown) => {
    if (err !== undefined || i === chain.length) {
      done(err);
      return;
    }
    const mw = chain[i++]!;
    try {
      mw(req, res, next);
    } catch (e) {
      done(e);
    }
  };
  next();
}

/** Sends a JSON body, encoded once: measuring a string's byte length and then writing it encodes it twice. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length }).end(bytes);
}

/**
 * A request listener for plain routes, each behind the same middleware chain as the Express routes
 * (request log, URL bound, security headers, CORS, rate limit), errors answered by the same
 * errorAnswer. Returns false for a request no plain route serves.
 */
export function plainRouter(routes: readonly PlainRoute[], chain: readonly Middleware[]) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const route = routes.find((r) => url === r.path || (url.startsWith(r.path) && url[r.path.length] === '?'));
    if (!route) return false;
    runChain(chain, req, res, (err) => {
      const fail = (e: unknown) => {
        // pino-http, first in the chain, has given the request its logger.
        const answer = errorAnswer(e, (req as { log?: Parameters<typeof errorAnswer>[1] }).log);
        if (!res.headersSent) sendJson(res, answer.status, answer.body, answer.headers);
      };
      if (err !== undefined) return fail(err);
      if (res.writableEnded) return;
      try {
        route.handle(req, res, fail);
      } catch (e) {
        fail(e);
      }
    });
    return true;
  };
}
