import fs from 'node:fs';
import path from 'node:path';
import querystring from 'node:querystring';
import express from 'express';
import { CitableError, InvalidParameterError } from '../errors.js';
import type { SearchBackend } from '../search/backend.js';
import { parseDocId, parseParams, parseSearchParams, parseSuggestParams, passageKeyParamsSchema, permalinkQuerySchema } from '../search/params.js';
import { parsePassageKey } from '../search/shape.js';
import { principalOf } from './auth/authenticate.js';
import { indexJobBodySchema, type IndexJobs } from './index-jobs.js';
import { notFound } from './middleware/errors.js';
import { methodNotAllowed } from './middleware/method-not-allowed.js';
import { openApiDocument } from './openapi.js';
import { readOriginalFile } from './original-file.js';
import { sendJson, type Middleware, type PlainRoute } from './plain-route.js';
import { workflowRouter, type WorkflowDeps } from './workflow-routes.js';

export type SearchPort = Pick<SearchBackend, 'search' | 'document' | 'suggest' | 'resolvePassage' | 'documentFile'>;

export interface Readiness {
  ready: boolean;
  passages: number;
  reason?: string;
}

export interface RouteDeps {
  search: SearchPort;
  /** Whether Meilisearch answers and the index holds passages. */
  readiness: () => Promise<Readiness>;
  /** Folder with the built search page (index.html and its assets); none serves the API only. */
  webRoot?: string | null;
  /** The collection list, citations, exports, batches and saved searches (workflow-routes.ts); none leaves them out. */
  workflow?: WorkflowDeps;
  /** Indexing jobs an editor starts over HTTP (index-jobs.ts); none leaves `/api/index` out. */
  indexing?: IndexJobs;
}

/** What every /api route passes before its handler. */
export interface ApiGuards {
  cors: Middleware | null;
  rateLimit: Middleware;
  /** The audit trail and the credentials check, for every /api route but the sign-in. */
  access: Middleware[];
  /** `/api/session`: sign-in, who is signed in, sign-out. */
  sessionRoutes: express.Router;
  /** Put before a route only editors may use: indexing, managing saved searches. */
  editorOnly: Middleware;
}

/** Methods that only read. Any other method on /api changes something, and is an editor's. */
const READING_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The POST routes that only read (a batch of searches): readers may use them. */
const READING_POSTS = new Set(['/batch']);

/**
 * Whatever changes data is an editor's, by default: a route added later is protected without a
 * line of its own. Readers keep the routes that only read, and POST /api/batch (searches).
 */
function editorForChanges(editorOnly: Middleware): express.RequestHandler {
  return (req, res, next) => {
    if (READING_METHODS.has(req.method) || READING_POSTS.has(req.path)) next();
    else (editorOnly as unknown as express.RequestHandler)(req, res, next);
  };
}

/**
 * Every route of the service, in one place. `GET /api/search` is a plain node route (see
 * plain-route.ts): on this path, the hottest, Express's router costs proxy CPU that a shared machine
 * takes from Meilisearch. It passes the same middleware and /api guards as the routes below it, and
 * is listed here with them. Returns the plain routes; registers the others on `app`. Every /api route
 * but the sign-in needs credentials once access is configured; each path answers other methods with
 * a JSON 405 and its Allow header.
 *
 *   GET /healthz                   the process is up
 *   GET /readyz                    Meilisearch answers and the index holds passages
 *   GET|POST|DELETE /api/session   the page's sign-in, who is signed in, sign-out (no credentials needed)
 *   GET /api/search                ranked passages (plain route)
 *   GET /api/documents/:docId      a clean document with its passages
 *   GET /api/documents/:docId/file the original file (a PDF inline, anything else as a download)
 *   GET /api/suggest               completions from titles and headings
 *   GET /api/openapi.json          the API's contract
 *   GET /api/documents, /api/passages/:id/cite, /api/search/export, POST /api/batch,
 *       /api/saved…, /feeds/saved/:id.atom   the investigator's routes (workflow-routes.ts);
 *       POST /api/saved and DELETE /api/saved/:id are an editor's
 *   GET|POST /api/index            an editor's indexing job on INDEX_ROOTS: its state; start one (202, 409 while one runs)
 *   GET /p/:passageKey             a passage's permalink, resolved where the passage is now (needs credentials)
 *   GET /, /documents/:docId, /batch   the search page
 */
export function registerRoutes(app: express.Express, deps: RouteDeps, guards: ApiGuards): PlainRoute[] {
  const plain: PlainRoute[] = [{ method: 'GET', path: '/api/search', handle: searchHandler(deps.search) }];

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await deps.readiness();
    if (!r.ready) throw new CitableError('not_ready', r.reason ?? 'Not ready');
    res.json({ status: 'ready', passages: r.passages });
  });
  app.all(['/healthz', '/readyz'], methodNotAllowed('GET'));

  if (guards.cors) app.use('/api', guards.cors as unknown as express.RequestHandler);
  app.use('/api', guards.rateLimit as unknown as express.RequestHandler);
  app.use('/api', guards.sessionRoutes);
  app.all('/api/session', methodNotAllowed('GET', 'POST', 'DELETE'));
  app.use('/api', ...(guards.access as unknown as express.RequestHandler[]));
  app.use('/api', editorForChanges(guards.editorOnly));
  app.all('/api/search', methodNotAllowed('GET'));

  app.get('/api/documents/:docId', async (req, res) => {
    const docId = parseDocId(req.params.docId);
    const doc = await deps.search.document(docId);
    if (!doc) throw new CitableError('document_not_found', `No document with id "${docId}"`);
    res.json(doc);
  });
  app.all('/api/documents/:docId', methodNotAllowed('GET'));

  app.get('/api/documents/:docId/file', async (req, res) => {
    const docId = parseDocId(req.params.docId);
    const found = await deps.search.documentFile(docId);
    if (!found) throw new CitableError('document_not_found', `No original file for document "${docId}"`);
    const file = readOriginalFile(found);
    // res.attachment writes Content-Disposition with an ASCII fallback and an RFC 5987 name.
    res.attachment(file.filename);
    if (file.disposition === 'inline') res.set('Content-Disposition', res.get('Content-Disposition')!.replace(/^attachment/, 'inline'));
    res.set({
      'Content-Type': file.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-cache',
    });
    // A download runs nothing even if a browser were to render it; a PDF keeps the viewer's own
    // policy (a sandboxed page may not load the browser's PDF viewer).
    if (file.disposition === 'attachment') res.set('Content-Security-Policy', "sandbox; default-src 'none'");
    res.send(file.bytes);
  });
  app.all('/api/documents/:docId/file', methodNotAllowed('GET'));

  app.get('/api/suggest', async (req, res) => {
    const { q } = parseSuggestParams(req.query);
    res.json({ query: q, suggestions: q === '' ? [] : await deps.search.suggest(q) });
  });
  app.all('/api/suggest', methodNotAllowed('GET'));

  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  app.all('/api/openapi.json', methodNotAllowed('GET'));

  if (deps.workflow) {
    const routes = workflowRouter(deps.workflow);
    // Saved searches are an editor's to make and delete (editorForChanges); reading them is a reader's.
    app.use('/api', routes.api);
    app.all(['/api/documents', '/api/passages/:id/cite', '/api/search/export'], methodNotAllowed('GET'));
    app.all('/api/batch', methodNotAllowed('POST'));
    app.all('/api/saved', methodNotAllowed('GET', 'POST'));
    app.all('/api/saved/:id', methodNotAllowed('GET', 'DELETE'));
    // Feed readers poll: the same per-client limit and the same credentials as the API (a token).
    app.use('/feeds', guards.rateLimit as unknown as express.RequestHandler, ...(guards.access as unknown as express.RequestHandler[]), routes.feeds);
    app.all('/feeds/saved/:file', methodNotAllowed('GET'));
  }
  if (deps.indexing) registerIndexRoutes(app, deps.indexing, guards.editorOnly);
  app.use('/api', notFound);

  // A permalink outlives re-indexing: the passage is found by its content hash, else by the quote
  // the link carries. A browser is sent to the passage in its document; JSON says how it was found.
  // A permalink answers with the passage: the same limit and credentials as the API.
  app.use('/p', guards.rateLimit as unknown as express.RequestHandler, ...(guards.access as unknown as express.RequestHandler[]));
  app.get('/p/:passageKey', async (req, res) => {
    const key = parsePassageKey(parseParams(passageKeyParamsSchema, req.params).passageKey);
    if (!key) throw new InvalidParameterError('passageKey', 'a passage key is a document id, ".", and a 16-digit hex content hash');
    const { start, end } = parseParams(permalinkQuerySchema, req.query);
    const quote = { start, end };
    const found = await deps.search.resolvePassage(key.docId, key.hash, quote);
    if (found === null) throw new CitableError('document_not_found', `No document with id "${key.docId}"`);
    if (found === 'gone') {
      throw new CitableError('passage_gone', `Document "${key.docId}" no longer holds this passage: neither its text nor its quote is found in it`);
    }
    res.set('Vary', 'Accept');
    if (req.accepts(['json', 'html']) === 'html') res.redirect(302, found.passage.link);
    else res.json(found);
  });

  const webRoot = deps.webRoot;
  if (webRoot && fs.existsSync(path.join(webRoot, 'index.html'))) {
    app.use(express.static(webRoot, { index: 'index.html', etag: true, maxAge: '1h' }));
    // The page routes itself: a document view and the batch form are the same page.
    app.get(['/documents/:docId', '/batch'], (_req, res) => {
      res.sendFile(path.join(webRoot, 'index.html'));
    });
  } else {
    app.get('/', () => {
      throw new CitableError('not_found', 'The search page is not built; run `npm run build:web`.');
    });
  }
  return plain;
}

/**
 * `POST /api/index` runs the indexing job of `npm run index` on the configured roots (INDEX_ROOTS),
 * under the same job lock: 202 with the job, or 409 while a job (this service's or the CLI's) runs.
 * `GET /api/index` shows the last job started here. Both are an editor's: a job's failures name
 * files on the server.
 */
function registerIndexRoutes(app: express.Express, jobs: IndexJobs, editorOnly: Middleware): void {
  app.use('/api/index', editorOnly as unknown as express.RequestHandler);
  app.get('/api/index', (_req, res) => {
    res.json({ job: jobs.last() });
  });
  app.post('/api/index', express.json({ limit: '1kb' }), async (req, res) => {
    const { rebuild } = parseParams(indexJobBodySchema, req.body, 'field');
    const job = await jobs.start({ rebuild, startedBy: principalOf(req)?.name ?? null });
    res.status(202).location('/api/index').json({ job });
  });
  app.all('/api/index', methodNotAllowed('GET', 'POST'));
}

/** `GET /api/search`: parameters from the query string, the answer as JSON. */
function searchHandler(search: SearchPort): PlainRoute['handle'] {
  return (req, res, fail) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const params = parseSearchParams(q === -1 ? {} : { ...querystring.parse(url.slice(q + 1)) });
    search.search(params).then((body) => sendJson(res, 200, body), fail);
  };
}
