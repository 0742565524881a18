import { randomUUID } from 'node:crypto';
import http from 'node:http';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { DEFAULT_RATE_LIMIT_PER_MINUTE } from '../config.js';
import type { Logger } from '../log.js';
import { errorHandler, notFound } from './middleware/errors.js';
import { apiRateLimit, corsFor, limitUrlLength, securityHeaders } from './middleware/security.js';
import { plainRouter, type Middleware } from './plain-route.js';
import { registerRoutes, type RouteDeps } from './routes.js';

export type { Readiness } from './routes.js';

export interface AppDeps extends RouteDeps {
  logger: Logger;
  corsOrigins?: readonly string[];
  /** Requests per minute per client on /api. */
  rateLimitPerMinute?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The HTTP app: a request listener, with `listen` for convenience. */
export type CitableApp = http.RequestListener & {
  listen(port: number, host: string, onListening?: () => void): http.Server;
};

/** The middleware every request passes, built once and shared by plain and Express routes. */
function commonMiddleware(deps: AppDeps) {
  const requestLog = pinoHttp({
    logger: deps.logger,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
  });
  return {
    // helmet also drops X-Powered-By.
    before: [requestLog, limitUrlLength(), securityHeaders()] as unknown as Middleware[],
    guards: {
      cors: corsFor(deps.corsOrigins ?? []) as unknown as Middleware | null,
      rateLimit: apiRateLimit(deps.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE) as unknown as Middleware,
    },
  };
}

/**
 * Builds the HTTP app without listening, so tests and `main` decide where it runs. The routes are
 * in routes.ts; the plain ones are tried first, the rest go through Express.
 */
export function createApp(deps: AppDeps): CitableApp {
  const mw = commonMiddleware(deps);
  const app = express();
  app.disable('x-powered-by');
  // ETags cost a hash of every response body; search answers are not revalidated.
  app.set('etag', false);
  app.set('query parser', 'simple');
  for (const m of mw.before) app.use(m as unknown as express.RequestHandler);
  const plainRoutes = registerRoutes(app, deps, mw.guards);
  app.use(notFound);
  app.use(errorHandler);

  const { cors, rateLimit } = mw.guards;
  const plain = plainRouter(plainRoutes, [...mw.before, ...(cors ? [cors] : []), rateLimit]);
  const handler: http.RequestListener = (req, res) => {
    if (!plain(req, res)) app(req, res);
  };
  return Object.assign(handler, {
    listen: (port: number, host: string, onListening?: () => void) => http.createServer(handler).listen(port, host, onListening),
  });
}
