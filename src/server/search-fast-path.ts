import type { IncomingMessage, ServerResponse } from 'node:http';
import querystring from 'node:querystring';
import { parseSearchParams } from '../search/params.js';
import type { SearchPort } from './routes/api.js';
import { errorAnswer } from './middleware/errors.js';

/** A connect-style middleware: works on plain node requests as well as inside Express. */
export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;

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

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  // Encoded once: measuring a string's byte length and then writing it encodes it twice.
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length }).end(bytes);
}

/**
 * `GET /api/search` (and HEAD) without Express: the same middleware (request log, URL bound, security
 * headers, CORS, rate limit) and the same core, minus the router's per-request work. Every
 * millisecond of proxy CPU is taken from Meilisearch on a shared machine; this path keeps the
 * proxy's cost near a plain node server's. Returns false for any other request.
 */
export function searchFastPath(search: SearchPort, chain: readonly Middleware[]) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? '';
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !(url === '/api/search' || url.startsWith('/api/search?'))) return false;
    runChain(chain, req, res, (err) => {
      const fail = (e: unknown) => {
        // pino-http, first in the chain, has given the request its logger.
        const answer = errorAnswer(e, (req as { log?: Parameters<typeof errorAnswer>[1] }).log);
        if (!res.headersSent) sendJson(res, answer.status, answer.body, answer.headers);
      };
      if (err !== undefined) return fail(err);
      if (res.writableEnded) return; // the rate limiter answered
      const q = url.indexOf('?');
      try {
        const params = parseSearchParams(q === -1 ? {} : { ...querystring.parse(url.slice(q + 1)) });
        search.search(params).then((body) => sendJson(res, 200, body), fail);
      } catch (e) {
        fail(e);
      }
    });
    return true;
  };
}
