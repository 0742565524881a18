import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import express from 'express';
import { z } from 'zod';
import { citePassage, CITATION_MEDIA, CITATION_FORMATS, isStyle } from '../cite/citation.js';
import { CitableError, InvalidParameterError } from '../errors.js';
import type { MeiliSearchClient } from '../meili/client.js';
import type { MatchFinder } from '../saved/alerts.js';
import { ALERT_WINDOW, newSavedSearch, parseSavedSearchInput, savedDetail, savedIdSchema, savedSearchFeed, savedSearchParams, savedSummary, SAVED_MAX } from '../saved/saved-search.js';
import type { SavedSearchStore } from '../saved/store.js';
import {
  BATCH_MAX_BYTES,
  BATCH_TIMEOUT_MS,
  batchBodySchema,
  batchCsvRows,
  batchParamsSchema,
  batchSearcher,
  normalizeQueries,
  queriesFromText,
  runBatch,
  type BatchResult,
} from '../search/batch.js';
import { listDocuments, parseDocumentListParams } from '../search/documents.js';
import { encodeExport, EXPORT_MEDIA, exportFileName, exportHits, exportRow, parseExportParams } from '../search/export.js';
import { parseParams } from '../search/params.js';
import { passageById, passageIdParamsSchema } from '../search/passage.js';

/** What the workflow routes need: a search-key client of the passages index, and the saved-search store. */
export interface WorkflowDeps {
  meili: MeiliSearchClient;
  /** Null where saved searches are not set up (tests of other routes): their routes answer 404. */
  saved: { store: SavedSearchStore; find: MatchFinder } | null;
}

/** The page's own origin, for absolute links in citations, exports and feeds. */
function originOf(req: express.Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/** The query string of GET /api/passages/:id/cite. */
export const citeParamsSchema = z.strictObject({
  format: z.enum(CITATION_FORMATS, { message: `must be one of ${CITATION_FORMATS.join(', ')}` }).default('csl'),
  download: z.enum(['0', '1'], { message: 'must be 1 or 0' }).optional().meta({ description: '1: as a file (Content-Disposition: attachment).' }),
});

/** The path parameter of a saved search's routes. */
export const savedIdParamsSchema = z.object({ id: savedIdSchema });

/**
 * The investigator's routes (listed in routes.ts with the others):
 *
 *   GET    /api/documents                    the collection: sorted, filtered, paged, with facets and a histogram
 *   GET    /api/passages/:id/cite            a passage's citation in a format (CSL-JSON, BibTeX, RIS, APA…)
 *   GET    /api/search/export                a search's hits (up to 10,000) as CSV, JSON or NDJSON
 *   POST   /api/batch                        a list of queries: counts and best hits of each
 *   GET    /api/saved, POST /api/saved       saved searches
 *   GET    /api/saved/:id, DELETE …          one saved search, with its new matches
 *   GET    /feeds/saved/:id.atom             a saved search's new matches as an Atom feed
 */
export function workflowRouter(deps: WorkflowDeps): { api: express.Router; feeds: express.Router } {
  const api = express.Router();

  api.get('/documents', async (req, res) => {
    res.json(await listDocuments(deps.meili, parseDocumentListParams(req.query)));
  });

  api.get('/passages/:id/cite', async (req, res) => {
    const { id } = parseParams(passageIdParamsSchema, req.params);
    const { format, download } = parseParams(citeParamsSchema, req.query);
    const p = await passageById(deps.meili, id);
    if (!p) throw new CitableError('passage_not_found', `No passage with id "${id}"`);
    const origin = originOf(req);
    const text = citePassage({ ...p, link: `${origin}/documents/${encodeURIComponent(p.docId)}#p-${p.position}` }, format);
    const media = CITATION_MEDIA[format];
    res.type(`${media.type}; charset=utf-8`);
    if (download === '1') res.attachment(`citable-${id}${isStyle(format) ? `-${format}` : ''}.${media.extension}`);
    res.send(text);
  });

  api.get('/search/export', async (req, res) => {
    const params = parseExportParams(req.query as Record<string, unknown>);
    const origin = originOf(req);
    const hits = exportHits(deps.meili, params);
    // The first page is read before answering, so that an error (Meilisearch down) is a JSON error, not a cut download.
    const first = await hits.next();
    async function* rows() {
      let rank = 0;
      if (!first.done) yield exportRow(first.value, ++rank, origin);
      for await (const h of hits) yield exportRow(h, ++rank, origin);
    }
    res.type(EXPORT_MEDIA[params.format]);
    res.attachment(exportFileName(params.search.q, params.format));
    res.setHeader('Cache-Control', 'no-store');
    // A fault after the first page can only cut the download short; it is logged.
    await pipeline(encodeExport(rows(), params.format), res).catch((err: unknown) => {
      req.log?.warn({ err }, 'export cut short');
      res.destroy();
    });
  });

  const batchBody = [
    express.json({ limit: BATCH_MAX_BYTES, type: 'application/json' }),
    express.text({ limit: BATCH_MAX_BYTES, type: ['text/plain', 'text/csv'] }),
  ];
  api.post('/batch', ...batchBody, async (req, res) => {
    const { format, hits } = parseParams(batchParamsSchema, req.query);
    const queries = queriesOf(req);
    const searchOne = batchSearcher(deps.meili, hits);
    if (format === 'ndjson') {
      // Each query's line is written as it is answered, so a long list shows its progress.
      res.type('application/x-ndjson; charset=utf-8');
      const aborted = new AbortController();
      res.on('close', () => aborted.abort());
      await runBatch(queries, searchOne, {
        signal: AbortSignal.any([aborted.signal, AbortSignal.timeout(BATCH_TIMEOUT_MS)]),
        onResult: (result, index) => res.write(`${JSON.stringify({ index, of: queries.length, result })}\n`),
      }).then(
        () => res.end(),
        (err: unknown) => {
          req.log?.warn({ err }, 'batch cut short');
          res.destroy();
        },
      );
      return;
    }
    const results = await runBatch(queries, searchOne, { signal: AbortSignal.timeout(BATCH_TIMEOUT_MS) }).catch((err: unknown) => {
      if ((err as Error).name !== 'TimeoutError') throw err;
      throw new CitableError('search_unavailable', `The batch did not finish within ${BATCH_TIMEOUT_MS / 1000} s; send fewer queries or retry`, { cause: err });
    });
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8');
      res.attachment(`citable-batch-${new Date().toISOString().slice(0, 10)}.csv`);
      await pipeline(Readable.from(batchCsvRows(results, originOf(req), hits)), stringify({ header: true, escape_formulas: true, bom: true }), res);
      return;
    }
    res.json({ queries: results.length, results } satisfies { queries: number; results: BatchResult[] });
  });

  const saved = () => {
    if (!deps.saved) throw new CitableError('not_found', 'Saved searches are not set up on this service');
    return deps.saved;
  };
  const savedId = (id: string) => {
    if (!savedIdSchema.safeParse(id).success) throw new CitableError('saved_search_not_found', `No saved search with id "${id}"`);
    return id;
  };

  api.get('/saved', async (_req, res) => {
    res.json({ savedSearches: (await saved().store.list()).map(savedSummary) });
  });
  api.post('/saved', express.json({ limit: '16kb' }), async (req, res) => {
    const { store, find } = saved();
    const input = parseSavedSearchInput(req.body);
    if ((await store.count()) >= SAVED_MAX) throw new InvalidParameterError('name', `at most ${SAVED_MAX} searches can be saved; delete one first`);
    // What matches now is not new: only passages indexed later are.
    const s = newSavedSearch(input, await find(savedSearchParams(input, ALERT_WINDOW)), new Date());
    await store.put([s]);
    res.status(201).location(`/api/saved/${s.id}`).json(savedDetail(s));
  });
  api.get('/saved/:id', async (req, res) => {
    const s = await saved().store.get(savedId(req.params.id));
    if (!s) throw new CitableError('saved_search_not_found', `No saved search with id "${req.params.id}"`);
    res.json(savedDetail(s));
  });
  api.delete('/saved/:id', async (req, res) => {
    if (!(await saved().store.remove(savedId(req.params.id)))) throw new CitableError('saved_search_not_found', `No saved search with id "${req.params.id}"`);
    res.status(204).end();
  });

  const feeds = express.Router();
  feeds.get('/saved/:file', async (req, res) => {
    const id = /^(.*)\.atom$/.exec(req.params.file)?.[1];
    if (id === undefined || !savedIdSchema.safeParse(id).success) throw new CitableError('not_found', `No feed at ${req.path}`);
    const s = await saved().store.get(id);
    if (!s) throw new CitableError('saved_search_not_found', `No saved search with id "${id}"`);
    res.type('application/atom+xml; charset=utf-8').send(savedSearchFeed(s, originOf(req)));
  });

  return { api, feeds };
}

/** The batch's queries from a JSON body (`{"queries": [...]}`) or a text or CSV upload. */
function queriesOf(req: express.Request): string[] {
  const type = req.headers['content-type'] ?? '';
  if (typeof req.body === 'string') return queriesFromText(req.body, /text\/csv/i.test(type) ? 'csv' : 'text');
  const body = req.body as { queries?: unknown } | undefined;
  if (body && typeof body === 'object' && Array.isArray(body.queries)) {
    return normalizeQueries(parseParams(batchBodySchema, body, 'field').queries);
  }
  if (!/^(application\/json|text\/plain|text\/csv)\b/i.test(type)) {
    throw new CitableError('unsupported_media_type', 'send {"queries": [...]} as application/json, or one query a line as text/plain or text/csv');
  }
  throw new InvalidParameterError('queries', 'send {"queries": [...]}: a list of strings');
}

