import { randomUUID } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from '../config.js';
import type { Logger } from '../log.js';
import { openAccess, type Access } from './auth/access.js';
import { applyServerLimits, serverOptions } from './http-limits.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { apiRateLimit, corsFor, limitUrlLength, securityHeaders } from './middleware/security.js';
import { plainRouter, type Middleware } from './plain-route.js';
import { rejectMalformedQuery } from './query-encoding.js';
import { registerRoutes, type RouteDeps } from './routes.js';

export type { Readiness } from './routes.js';

export interface AppDeps extends RouteDeps {
  logger: Logger;
  corsOrigins?: readonly string[];
  /** Requests per minute per client on /api. */
  rateLimitPerMinute?: number;
  /** Who may ask, and the audit trail (createAccess). Without it, access is open and nothing is audited. */
  access?: Access;
  /** Keep query strings in the request log (LOG_QUERIES); by default they are left to the audit trail. */
  logQueries?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The HTTP app: a request listener, with `listen` for convenience. */
export type CitableApp = http.RequestListener & {
  listen(port: number, host: string, onListening?: () => void): http.Server;
};

/**
 * A URL as the request log keeps it: the path and the parameters' names, not their values, so that
 * what people search for is kept only in the audit trail, under its own access.
 */
export function urlForLog(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=')[0]!.slice(0, 64));
  return `${url.slice(0, q)}?${names.join('&')}`;
}

/** The middleware every request passes, built once and shared by plain and Express routes. */
function commonMiddleware(deps: AppDeps, access: Access) {
  const requestLog = pinoHttp({
    logger: deps.logger,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: deps.logQueries ? req.url : urlForLog(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
  return {
    // helmet also drops X-Powered-By.
    before: [requestLog, limitUrlLength(), rejectMalformedQuery(), securityHeaders()] as unknown as Middleware[],
    guards: {
      cors: corsFor(deps.corsOrigins ?? []) as unknown as Middleware | null,
      rateLimit: apiRateLimit(deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE, access.clientAddress) as unknown as Middleware,
      access: access.guard,
      sessionRoutes: access.sessionRoutes,
      editorOnly: access.editorOnly,
    },
  };
}

/**
 * Builds the HTTP app without listening, so tests and `main` decide where it runs. The routes are
 * in routes.ts; the plain ones are tried first, the rest go through Express.
 */
export function createApp(deps: AppDeps): CitableApp {
  const mw = commonMiddleware(deps, deps.access ?? openAccess());
  const app = express();
  app.disable('x-powered-by');
  // ETags cost a hash of every response body; search answers are not revalidated.
  app.set('etag', false);
  app.set('query parser', 'simple');
  for (const m of mw.before) app.use(m as unknown as express.RequestHandler);
  const plainRoutes = registerRoutes(app, deps, mw.guards);
  app.use(notFound);
  app.use(errorHandler);

  const { cors, rateLimit, access } = mw.guards;
  const plain = plainRouter(plainRoutes, [...mw.before, ...(cors ? [cors] : []), rateLimit, ...access]);
  const handler: http.RequestListener = (req, res) => {
    if (!plain(req, res)) app(req, res);
  };
  return Object.assign(handler, {
    listen: (port: number, host: string, onListening?: () => void) => applyServerLimits(http.createServer(serverOptions, handler)).listen(port, host, onListening),
  });
}
