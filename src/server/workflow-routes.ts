import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import express from 'express';
import { citePassage, CITATION_MEDIA, CITATION_FORMATS, isCitationFormat, type CitationFormat } from '../cite/citation.js';
import { CitableError, InvalidParameterError } from '../errors.js';
import type { MeiliSearchClient } from '../meili/client.js';
import type { MatchFinder } from '../saved/alerts.js';
import { ALERT_WINDOW, newSavedSearch, parseSavedSearchInput, savedDetail, savedSearchFeed, savedSearchParams, savedSummary, SAVED_MAX } from '../saved/saved-search.js';
import type { SavedSearchStore } from '../saved/store.js';
import {
  BATCH_HITS_DEFAULT,
  BATCH_HITS_MAX,
  BATCH_MAX_BYTES,
  batchCsvRows,
  batchSearcher,
  normalizeQueries,
  queriesFromText,
  runBatch,
  type BatchResult,
} from '../search/batch.js';
import { listDocuments, parseDocumentListParams } from '../search/documents.js';
import { encodeExport, EXPORT_MEDIA, exportFileName, exportHits, exportRow, parseExportParams } from '../search/export.js';
import { isPassageId, passageById } from '../search/passage.js';

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

function only(query: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(query).find((k) => !allowed.includes(k));
  if (extra) throw new InvalidParameterError(extra, `unknown parameter "${extra}"`);
}

function one(query: Record<string, unknown>, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new InvalidParameterError(name, `${name} must be given once`);
  return v;
}

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
    const { id } = req.params;
    only(req.query, ['format', 'download']);
    if (!isPassageId(id)) throw new InvalidParameterError('id', 'a passage id is a document id, "-" and a position, as search hits give it');
    const format = one(req.query, 'format') ?? 'csl';
    if (!isCitationFormat(format)) throw new InvalidParameterError('format', `format must be one of ${CITATION_FORMATS.join(', ')}`);
    const download = one(req.query, 'download');
    if (download !== undefined && download !== '1' && download !== '0') throw new InvalidParameterError('download', 'download must be 1 or 0');
    const p = await passageById(deps.meili, id);
    if (!p) throw new CitableError('passage_not_found', `No passage with id "${id}"`);
    const origin = originOf(req);
    const text = citePassage({ ...p, link: `${origin}/documents/${encodeURIComponent(p.docId)}#p-${p.position}` }, format as CitationFormat);
    const media = CITATION_MEDIA[format as CitationFormat];
    res.type(`${media.type}; charset=utf-8`);
    if (download === '1') res.attachment(`citable-${id}${format === 'apa' || format === 'harvard' || format === 'vancouver' ? `-${format}` : ''}.${media.extension}`);
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
    only(req.query, ['format', 'hits']);
    const format = one(req.query, 'format') ?? 'json';
    if (!['json', 'csv', 'ndjson'].includes(format)) throw new InvalidParameterError('format', 'format must be json, csv or ndjson');
    const hitsParam = one(req.query, 'hits');
    if (hitsParam !== undefined && !(/^\d+$/.test(hitsParam) && Number(hitsParam) >= 0 && Number(hitsParam) <= BATCH_HITS_MAX)) {
      throw new InvalidParameterError('hits', `hits must be a whole number from 0 to ${BATCH_HITS_MAX}`);
    }
    const hits = hitsParam === undefined ? BATCH_HITS_DEFAULT : Number(hitsParam);
    const queries = queriesOf(req);
    const searchOne = batchSearcher(deps.meili, hits);
    if (format === 'ndjson') {
      // Each query's line is written as it is answered, so a long list shows its progress.
      res.type('application/x-ndjson; charset=utf-8');
      const aborted = new AbortController();
      res.on('close', () => aborted.abort());
      await runBatch(queries, searchOne, {
        signal: aborted.signal,
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
    const results = await runBatch(queries, searchOne);
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
  const SAVED_ID = /^[a-f0-9]{16}$/;
  const savedId = (id: string) => {
    if (!SAVED_ID.test(id)) throw new CitableError('saved_search_not_found', `No saved search with id "${id}"`);
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
    const m = /^([a-f0-9]{16})\.atom$/.exec(req.params.file);
    if (!m) throw new CitableError('not_found', `No feed at ${req.path}`);
    const s = await saved().store.get(m[1]!);
    if (!s) throw new CitableError('saved_search_not_found', `No saved search with id "${m[1]}"`);
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
    const extra = Object.keys(body).find((k) => k !== 'queries');
    if (extra) throw new InvalidParameterError(extra, `unknown field "${extra}"`);
    return normalizeQueries(body.queries);
  }
  if (!/^(application\/json|text\/plain|text\/csv)\b/i.test(type)) {
    throw new CitableError('unsupported_media_type', 'send {"queries": [...]} as application/json, or one query a line as text/plain or text/csv');
  }
  throw new InvalidParameterError('queries', 'send {"queries": [...]}: a list of strings');
}

