import { z } from 'zod';
import { cslItemsSchema } from '../cite/citation.js';
import { savedDetailSchema, savedListSchema, savedSearchInputSchema } from '../saved/saved-search.js';
import {
  batchResponseSchema,
  documentListSchema,
  documentSchema,
  errorSchema,
  evidenceSchema,
  exportRowSchema,
  hitSchema,
  resolvedPassageSchema,
  searchResponseSchema,
  selectorsSchema,
  sourceSchema,
  suggestionsSchema,
} from '../search/api-schema.js';
import { BATCH_MAX_BYTES, BATCH_MAX_QUERIES, batchBodySchema, batchParamsSchema } from '../search/batch.js';
import { documentListParamsSchema } from '../search/documents.js';
import { EXPORT_MAX_HITS, exportParamsSchema } from '../search/export.js';
import { docIdParamsSchema, passageKeyParamsSchema, permalinkQuerySchema, searchParamsSchema, suggestParamsSchema } from '../search/params.js';
import { passageIdParamsSchema } from '../search/passage.js';
import { indexJobAnswerSchema, indexJobBodySchema } from './index-jobs.js';
import { citeParamsSchema, savedIdParamsSchema } from './workflow-routes.js';

/*
 * The API's contract. Every parameter, request body and JSON answer is generated from the zod schema
 * the code parses or types it with, so that the contract cannot drift from the code; only the
 * session routes' shapes, which the access code reads by hand, are written here.
 */

type JsonSchema = Record<string, unknown>;

/** The schemas answers refer to by name, each generated from its zod schema. */
const NAMED = {
  Error: errorSchema,
  Source: sourceSchema,
  Selectors: selectorsSchema,
  Hit: hitSchema,
  SearchResponse: searchResponseSchema,
  Evidence: evidenceSchema,
  Document: documentSchema,
  ResolvedPassage: resolvedPassageSchema,
  Suggestions: suggestionsSchema,
  DocumentList: documentListSchema,
  CslItems: cslItemsSchema,
  ExportRow: exportRowSchema,
  BatchResponse: batchResponseSchema,
  SavedSearchList: savedListSchema,
  SavedSearchDetail: savedDetailSchema,
  IndexJobAnswer: indexJobAnswerSchema,
} satisfies Record<string, z.ZodType>;

/**
 * JSON Schema (2020-12, OpenAPI 3.1's dialect) of the named schemas, each referring to the others by
 * `#/components/schemas/…`. Answers are described as the code produces them (zod's output side);
 * zod's safe-integer bounds on every integer are left out.
 */
function componentSchemas(): Record<keyof typeof NAMED, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(NAMED)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri: (id) => `#/components/schemas/${id}`, override: withoutSafeIntegerBounds });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...s }]) => [id, s])) as unknown as Record<keyof typeof NAMED, JsonSchema>;
}

function withoutSafeIntegerBounds({ jsonSchema: s }: { jsonSchema: JsonSchema }): void {
  if (s.minimum === Number.MIN_SAFE_INTEGER) delete s.minimum;
  if (s.maximum === Number.MAX_SAFE_INTEGER) delete s.maximum;
}

/** JSON Schema of one schema: what a client sends (`input`) or what the code reads from it once parsed (`output`). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { io, override: withoutSafeIntegerBounds }) as JsonSchema;
  return json;
}

/**
 * One OpenAPI parameter per property of a parameters schema, typed as the route reads it (a whole
 * number is an integer, a repeatable parameter a list: `?year=2020&year=2021`).
 */
function parameters(schema: z.ZodObject, where: 'query' | 'path'): JsonSchema[] {
  const properties = (jsonSchema(schema, 'output').properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, { description, ...s }]) => ({
    name,
    in: where,
    ...(where === 'path' ? { required: true } : {}),
    ...(description ? { description } : {}),
    schema: s,
    ...(s.type === 'array' ? { style: 'form', explode: true } : {}),
  }));
}

const ref = (name: keyof typeof NAMED | 'Session' | 'SignIn') => ({ $ref: `#/components/schemas/${name}` });
const json = (name: keyof typeof NAMED | 'Session', description: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
const errorResponse = (description: string) => json('Error', description);
const text = { schema: { type: 'string' } };

/** The API's contract, served at /api/openapi.json and checked against real responses in tests. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Citable',
    version: '0.1.0',
    description:
      'Full-text search that answers with passages, highlighted snippets and exact citations. Once access is configured (always, off loopback), every route but /api/session needs an API token or a page session; without, the answer is 401.',
  },
  security: [{ bearerToken: [] }, { sessionCookie: [] }],
  paths: {
    '/api/session': {
      get: {
        operationId: 'getSession',
        summary: 'Who is signed in (signed_out when nobody; open when access is not configured)',
        security: [],
        responses: { '200': json('Session', 'The session') },
      },
      post: {
        operationId: 'signIn',
        summary: 'Sign in with an account name and password; sets the session cookie',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: ref('SignIn') },
            'application/x-www-form-urlencoded': { schema: ref('SignIn') },
          },
        },
        responses: {
          '200': json('Session', 'Signed in'),
          '400': errorResponse('Name or password missing'),
          '401': errorResponse('Unknown account or wrong password'),
          '403': errorResponse('Posted from another origin'),
          '429': errorResponse('Too many failed sign-ins for this account or address; see Retry-After'),
        },
      },
      delete: {
        operationId: 'signOut',
        summary: 'Sign out: ends the session and clears the cookie',
        security: [],
        responses: { '204': { description: 'Signed out' }, '403': errorResponse('Sent from another origin') },
      },
    },
    '/api/search': {
      get: {
        operationId: 'search',
        summary: 'Ranked passages matching a keyword query',
        parameters: parameters(searchParamsSchema, 'query'),
        responses: {
          '200': json('SearchResponse', 'Search results'),
          '401': errorResponse('No valid credentials'),
          '400': errorResponse('Invalid parameter'),
          '429': errorResponse('Rate limited'),
          '503': errorResponse('Meilisearch unavailable; see Retry-After'),
        },
      },
    },
    '/p/{passageKey}': {
      get: {
        operationId: 'resolvePermalink',
        summary: "A passage's permalink, resolved where the passage is now",
        description: 'By content hash, else by the quote the link carries (start, end). Browsers are redirected to the passage in its document.',
        parameters: [...parameters(passageKeyParamsSchema, 'path'), ...parameters(permalinkQuerySchema, 'query')],
        responses: {
          '200': json('ResolvedPassage', 'Where the passage is now'),
          '302': { description: 'To the passage in its document (browsers)' },
          '400': errorResponse('Malformed passage key'),
          '404': errorResponse('No such document'),
          '410': errorResponse('The document no longer holds the passage'),
        },
      },
    },
    '/api/documents/{docId}': {
      get: {
        operationId: 'getDocument',
        summary: 'A clean document with its passages in order',
        parameters: parameters(docIdParamsSchema, 'path'),
        responses: {
          '200': json('Document', 'The document'),
          '401': errorResponse('No valid credentials'),
          '400': errorResponse('Malformed document id'),
          '404': errorResponse('Unknown document'),
          '503': errorResponse('Meilisearch unavailable'),
        },
      },
    },
    '/api/documents/{docId}/file': {
      get: {
        operationId: 'getDocumentFile',
        summary: 'The original file of a document, as indexed',
        description:
          'A PDF is served inline (append #page=N to open it at a page); every other file as a download, never HTML inline. For a message or an attachment, the message or mailbox it came in. Served only from inside the folder it was indexed from, and only while its content is what was indexed.',
        parameters: parameters(docIdParamsSchema, 'path'),
        responses: {
          '200': {
            description: 'The file',
            headers: {
              'Content-Disposition': { schema: { type: 'string' }, description: 'inline for a PDF, attachment otherwise' },
              'X-Content-Type-Options': { schema: { type: 'string', enum: ['nosniff'] } },
            },
            content: { 'application/pdf': {}, 'application/octet-stream': {} },
          },
          '401': errorResponse('No valid credentials'),
          '400': errorResponse('Malformed document id'),
          '404': errorResponse('Unknown document, or its file moved, changed or left its folder'),
          '503': errorResponse('Meilisearch unavailable'),
        },
      },
    },
    '/api/suggest': {
      get: {
        operationId: 'suggest',
        summary: 'Completions for a search box',
        parameters: parameters(suggestParamsSchema, 'query'),
        responses: {
          '200': json('Suggestions', 'Suggestions'),
          '401': errorResponse('No valid credentials'),
          '400': errorResponse('Invalid parameter'),
          '503': errorResponse('Meilisearch unavailable'),
        },
      },
    },
    '/api/documents': {
      get: {
        operationId: 'listDocuments',
        summary: 'The collection: documents sorted, filtered and paged, with facet counts and a histogram over time',
        parameters: parameters(documentListParamsSchema, 'query'),
        responses: { '200': json('DocumentList', 'A page of documents'), '400': errorResponse('Invalid parameter'), '503': errorResponse('Meilisearch unavailable') },
      },
    },
    '/api/passages/{id}/cite': {
      get: {
        operationId: 'citePassage',
        summary: 'A passage cited in a format, with its quotation and its page or paragraph',
        parameters: [...parameters(passageIdParamsSchema, 'path'), ...parameters(citeParamsSchema, 'query')],
        responses: {
          '200': {
            description: 'The citation',
            content: {
              'application/vnd.citationstyles.csl+json': { schema: ref('CslItems') },
              'application/x-bibtex': text,
              'application/x-research-info-systems': text,
              'text/plain': { ...text, description: 'A formatted style: the reference, then the quotation with its in-text citation.' },
            },
          },
          '400': errorResponse('Invalid parameter'),
          '404': errorResponse('No such passage'),
          '503': errorResponse('Meilisearch unavailable'),
        },
      },
    },
    '/api/search/export': {
      get: {
        operationId: 'exportSearch',
        summary: `A search's hits (at most ${EXPORT_MAX_HITS}) as a download, streamed in Meilisearch's order`,
        parameters: parameters(exportParamsSchema, 'query'),
        responses: {
          '200': {
            description: 'The hits, as an attachment named after the query and the day',
            content: {
              'text/csv': text,
              'application/json': { schema: { type: 'array', items: ref('ExportRow') } },
              'application/x-ndjson': { ...text, description: 'One ExportRow per line.' },
            },
          },
          '400': errorResponse('Invalid parameter'),
          '503': errorResponse('Meilisearch unavailable'),
        },
      },
    },
    '/api/batch': {
      post: {
        operationId: 'batchSearch',
        summary: `A list of up to ${BATCH_MAX_QUERIES} queries, each answered with its counts and best hits`,
        parameters: parameters(batchParamsSchema, 'query'),
        requestBody: {
          required: true,
          description: `At most ${BATCH_MAX_BYTES} bytes.`,
          content: {
            'application/json': { schema: jsonSchema(batchBodySchema, 'input') },
            'text/plain': { ...text, description: 'One query a line.' },
            'text/csv': { ...text, description: 'One query a row, in the first column.' },
          },
        },
        responses: {
          '200': {
            description: 'Each query with the number of passages and documents in which all its words match, and its best hits',
            content: { 'application/json': { schema: ref('BatchResponse') }, 'text/csv': text, 'application/x-ndjson': text },
          },
          '400': errorResponse('Invalid list (empty, too many queries, a query too long, malformed CSV)'),
          '413': errorResponse('Body over the limit'),
          '415': errorResponse('Body of another type'),
          '503': errorResponse('Meilisearch unavailable'),
        },
      },
    },
    '/api/saved': {
      get: {
        operationId: 'listSavedSearches',
        summary: 'Saved searches, newest first, with the number of new matches of each',
        responses: { '200': json('SavedSearchList', 'The saved searches'), '503': errorResponse('Meilisearch unavailable') },
      },
      post: {
        operationId: 'saveSearch',
        summary: 'Saves a search: what matches now is known; passages indexed later that match are new',
        requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(savedSearchInputSchema, 'input') } } },
        responses: { '201': json('SavedSearchDetail', 'The saved search'), '400': errorResponse('Invalid search'), '503': errorResponse('Meilisearch unavailable') },
      },
    },
    '/api/saved/{id}': {
      get: {
        operationId: 'getSavedSearch',
        summary: 'A saved search with the new matches of the last indexing job',
        parameters: parameters(savedIdParamsSchema, 'path'),
        responses: { '200': json('SavedSearchDetail', 'The saved search'), '404': errorResponse('No such saved search') },
      },
      delete: {
        operationId: 'deleteSavedSearch',
        summary: 'Deletes a saved search',
        parameters: parameters(savedIdParamsSchema, 'path'),
        responses: { '204': { description: 'Deleted' }, '404': errorResponse('No such saved search') },
      },
    },
    '/api/index': {
      get: {
        operationId: 'getIndexJob',
        summary: 'The last indexing job started over HTTP (null before the first); editors only',
        responses: { '200': json('IndexJobAnswer', 'The job'), '401': errorResponse('No valid credentials'), '403': errorResponse('Not an editor') },
      },
      post: {
        operationId: 'startIndexJob',
        summary: 'Indexes the folders of INDEX_ROOTS with the job of `npm run index`, under its lock; editors only',
        requestBody: { required: false, content: { 'application/json': { schema: jsonSchema(indexJobBodySchema, 'input') } } },
        responses: {
          '202': json('IndexJobAnswer', 'Started; GET /api/index shows how it goes'),
          '400': errorResponse('A body it does not read'),
          '401': errorResponse('No valid credentials'),
          '403': errorResponse('Not an editor'),
          '404': errorResponse('INDEX_ROOTS is not set: indexing stays with `npm run index`'),
          '409': errorResponse('Another job (over HTTP or from the CLI) holds the index'),
        },
      },
    },
    '/feeds/saved/{id}.atom': {
      get: {
        operationId: 'savedSearchFeed',
        summary: "A saved search's new matches as an Atom 1.0 feed",
        parameters: parameters(savedIdParamsSchema, 'path'),
        responses: { '200': { description: 'The feed', content: { 'application/atom+xml': text } }, '404': errorResponse('No such saved search') },
      },
    },
  },
  components: {
    securitySchemes: {
      bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from `npm run users -- add|token`.' },
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'citable_session', description: 'The page session set by POST /api/session.' },
    },
    schemas: {
      SignIn: {
        type: 'object',
        required: ['name', 'password'],
        properties: { name: { type: 'string', maxLength: 128 }, password: { type: 'string', maxLength: 1024 } },
      },
      Session: {
        type: 'object',
        required: ['access', 'user'],
        additionalProperties: false,
        properties: {
          access: { type: 'string', enum: ['open', 'signed_in', 'signed_out'] },
          user: {
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['name', 'role', 'via'],
                additionalProperties: false,
                properties: { name: { type: 'string' }, role: { type: 'string', enum: ['reader', 'editor'] }, via: { type: 'string', enum: ['session', 'token', 'proxy'] } },
              },
            ],
          },
        },
      },
      ...componentSchemas(),
    },
  },
};
