import { Router } from 'express';
import type { SearchBackend } from '../../search/backend.js';
import { HttpError } from '../middleware/errors.js';
import { openApiDocument } from '../openapi.js';

/** Document ids are what ingest produces: letters, digits, "_" and "-". */
const DOC_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SUGGEST_MAX_CHARS = 100;

export type SearchPort = Pick<SearchBackend, 'search' | 'document' | 'suggest'>;

/** The API's other routes; `GET /api/search` is served by the plain-node search path. */
export function apiRoutes(search: SearchPort): Router {
  const router = Router();

  router.get('/documents/:docId', async (req, res) => {
    const { docId } = req.params;
    if (!DOC_ID.test(docId)) {
      throw new HttpError(400, 'invalid_parameter', 'docId may hold only letters, digits, "_" and "-" (at most 128)', { param: 'docId' });
    }
    const doc = await search.document(docId);
    if (!doc) throw new HttpError(404, 'document_not_found', `No document with id "${docId}"`);
    res.json(doc);
  });

  router.get('/suggest', async (req, res) => {
    const extra = Object.keys(req.query).find((k) => k !== 'q');
    if (extra) throw new HttpError(400, 'invalid_parameter', `unknown parameter "${extra}"`, { param: extra });
    const q = req.query.q ?? '';
    if (typeof q !== 'string') throw new HttpError(400, 'invalid_parameter', 'q must be given once', { param: 'q' });
    if (q.length > SUGGEST_MAX_CHARS) throw new HttpError(400, 'invalid_parameter', `q must be at most ${SUGGEST_MAX_CHARS} characters`, { param: 'q' });
    const trimmed = q.replace(/[\u0000-\u001F\u007F]/g, ' ').trim();
    res.json({ query: trimmed, suggestions: trimmed === '' ? [] : await search.suggest(trimmed) });
  });

  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  return router;
}
