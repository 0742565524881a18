import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../log.js';
import { errorHandler, HttpError, notFound } from './middleware/errors.js';
import { apiRateLimit, corsFor, limitUrlLength, securityHeaders } from './middleware/security.js';
import { apiRoutes, type SearchPort } from './routes/api.js';
import { searchFastPath, type Middleware } from './search-fast-path.js';

export interface Readiness {
  ready: boolean;
  passages: number;
  reason?: string;
}

export interface AppDeps {
  search: SearchPort;
  /** Whether Meilisearch answers and the index holds passages. */
  readiness: () => Promise<Readiness>;
  logger: Logger;
  corsOrigins?: readonly string[];
  rateLimitPerMinute?: number;
  /** Folder with the built search page (index.html and its assets); none serves the API only. */
  webRoot?: string | null;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The HTTP app: a request listener, with `listen` for convenience. */
export type CitableApp = http.RequestListener & {
  listen(port: number, host: string, onListening?: () => void): http.Server;
};

/** The middleware every request passes, built once and shared by both request paths. */
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
    cors: corsFor(deps.corsOrigins ?? []) as unknown as Middleware | null,
    rateLimit: apiRateLimit(deps.rateLimitPerMinute ?? 600) as unknown as Middleware,
  };
}

/**
 * Builds the HTTP app without listening, so tests and `main` decide where it runs. Searches take a
 * plain-node path with the same middleware; everything else goes through Express.
 */
export function createApp(deps: AppDeps): CitableApp {
  const mw = commonMiddleware(deps);
  const app = expressApp(deps, mw);
  const fast = searchFastPath(deps.search, [...mw.before, ...(mw.cors ? [mw.cors] : []), mw.rateLimit]);
  const handler: http.RequestListener = (req, res) => {
    if (!fast(req, res)) app(req, res);
  };
  return Object.assign(handler, {
    listen: (port: number, host: string, onListening?: () => void) => http.createServer(handler).listen(port, host, onListening),
  });
}

function expressApp(deps: AppDeps, mw: ReturnType<typeof commonMiddleware>): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // ETags cost a hash of every response body; search answers are not revalidated.
  app.set('etag', false);
  app.set('query parser', 'simple');
  for (const m of mw.before) app.use(m as unknown as express.RequestHandler);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await deps.readiness();
    if (r.ready) res.json({ status: 'ready', passages: r.passages });
    else res.status(503).setHeader('Retry-After', '5').json({ error: { code: 'not_ready', message: r.reason ?? 'Not ready' } });
  });

  if (mw.cors) app.use('/api', mw.cors as unknown as express.RequestHandler);
  app.use('/api', mw.rateLimit as unknown as express.RequestHandler);
  app.use('/api', apiRoutes(deps.search));
  app.use('/api', notFound);

  const webRoot = deps.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    app.use(express.static(webRoot, { index: 'index.html', etag: true, maxAge: '1h' }));
    // The page routes itself: a document view is the same page.
    app.get('/documents/:docId', (_req, res) => {
      res.sendFile(path.join(webRoot, 'index.html'));
    });
  } else {
    app.get('/', (_req, _res) => {
      throw new HttpError(404, 'not_found', 'The search page is not built; run `npm run build:web`.');
    });
  }

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
