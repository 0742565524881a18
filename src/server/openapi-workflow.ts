import { BATCH_HITS_MAX, BATCH_MAX_BYTES, BATCH_MAX_QUERIES } from '../search/batch.js';
import { DOCUMENT_SORTS, DOCUMENTS_PAGE_MAX, DOCUMENTS_PER_PAGE_MAX } from '../search/documents.js';
import { EXPORT_MAX_HITS } from '../search/export.js';
import { CITATION_FORMATS } from '../cite/citation.js';
import { SAVED_NAME_MAX } from '../saved/saved-search.js';

/** The workflow routes' part of the OpenAPI document (see openapi.ts, which joins it in). */

const nullableString = { type: ['string', 'null'] } as const;
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const many = (items: Record<string, unknown>) => ({ schema: { type: 'array', items }, style: 'form', explode: true }) as const;
const json = (ref: string, description: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const searchFilters = [
  { name: 'q', in: 'query', schema: { type: 'string', maxLength: 512 } },
  { name: 'source', in: 'query', ...many({ type: 'string' }) },
  { name: 'publisher', in: 'query', ...many({ type: 'string' }) },
  { name: 'year', in: 'query', ...many({ type: 'string', pattern: '^\\d{4}$' }) },
  { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
  { name: 'to', in: 'query', schema: { type: 'string', format: 'date' } },
];
const savedId = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-f0-9]{16}$' } };

export const workflowPaths = {
  '/api/documents': {
    get: {
      operationId: 'listDocuments',
      summary: 'The collection: documents sorted, filtered and paged, with facet counts and a histogram over time',
      parameters: [
        { name: 'sort', in: 'query', schema: { type: 'string', enum: DOCUMENT_SORTS, default: 'date:desc' } },
        { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: DOCUMENTS_PAGE_MAX, default: 1 } },
        { name: 'perPage', in: 'query', schema: { type: 'integer', minimum: 1, maximum: DOCUMENTS_PER_PAGE_MAX, default: 20 } },
        { name: 'publisher', in: 'query', ...many({ type: 'string' }) },
        { name: 'year', in: 'query', ...many({ type: 'string', pattern: '^\\d{4}$' }) },
        { name: 'format', in: 'query', ...many({ type: 'string' }), description: 'Source format (html, pdf, docx, eml, text…).' },
        { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
        { name: 'to', in: 'query', schema: { type: 'string', format: 'date' } },
      ],
      responses: { '200': json('DocumentList', 'A page of documents'), '400': errorResponse('Invalid parameter'), '503': errorResponse('Meilisearch unavailable') },
    },
  },
  '/api/passages/{id}/cite': {
    get: {
      operationId: 'citePassage',
      summary: 'A passage cited in a format, with its quotation and its page or paragraph',
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'A hit\'s id: the document id, "-" and the position.' },
        { name: 'format', in: 'query', schema: { type: 'string', enum: CITATION_FORMATS, default: 'csl' } },
        { name: 'download', in: 'query', schema: { type: 'string', enum: ['0', '1'] }, description: '1: as a file (Content-Disposition: attachment).' },
      ],
      responses: {
        '200': {
          description: 'The citation',
          content: {
            'application/vnd.citationstyles.csl+json': { schema: { $ref: '#/components/schemas/CslItems' } },
            'application/x-bibtex': { schema: { type: 'string' } },
            'application/x-research-info-systems': { schema: { type: 'string' } },
            'text/plain': { schema: { type: 'string' }, description: 'APA, Harvard or Vancouver: the reference, then the quotation with its in-text citation.' },
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
      parameters: [
        ...searchFilters,
        { name: 'format', in: 'query', schema: { type: 'string', enum: ['csv', 'json', 'ndjson'], default: 'csv' } },
        { name: 'max', in: 'query', schema: { type: 'integer', minimum: 1, maximum: EXPORT_MAX_HITS, default: EXPORT_MAX_HITS } },
      ],
      responses: {
        '200': {
          description: 'The hits, as an attachment named after the query and the day',
          content: {
            'text/csv': { schema: { type: 'string' } },
            'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/ExportRow' } } },
            'application/x-ndjson': { schema: { type: 'string' }, description: 'One ExportRow per line.' },
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
      parameters: [
        { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv', 'ndjson'], default: 'json' }, description: 'ndjson: one line per query as it is answered ({index, of, result}).' },
        { name: 'hits', in: 'query', schema: { type: 'integer', minimum: 0, maximum: BATCH_HITS_MAX, default: 3 } },
      ],
      requestBody: {
        required: true,
        description: `At most ${BATCH_MAX_BYTES} bytes.`,
        content: {
          'application/json': { schema: { type: 'object', required: ['queries'], additionalProperties: false, properties: { queries: { type: 'array', items: { type: 'string' } } } } },
          'text/plain': { schema: { type: 'string' }, description: 'One query a line.' },
          'text/csv': { schema: { type: 'string' }, description: 'One query a row, in the first column.' },
        },
      },
      responses: {
        '200': {
          description: 'Each query with the number of passages and documents in which all its words match, and its best hits',
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/BatchResponse' } },
            'text/csv': { schema: { type: 'string' } },
            'application/x-ndjson': { schema: { type: 'string' } },
          },
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
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['name'],
              additionalProperties: false,
              properties: {
                name: { type: 'string', minLength: 1, maxLength: SAVED_NAME_MAX },
                q: { type: 'string', maxLength: 512 },
                source: { type: 'array', items: { type: 'string' } },
                publisher: { type: 'array', items: { type: 'string' } },
                year: { type: 'array', items: { type: 'string', pattern: '^\\d{4}$' } },
                from: { type: 'string', format: 'date' },
                to: { type: 'string', format: 'date' },
              },
            },
          },
        },
      },
      responses: { '201': json('SavedSearchDetail', 'The saved search'), '400': errorResponse('Invalid search'), '503': errorResponse('Meilisearch unavailable') },
    },
  },
  '/api/saved/{id}': {
    get: {
      operationId: 'getSavedSearch',
      summary: 'A saved search with the new matches of the last indexing job',
      parameters: [savedId],
      responses: { '200': json('SavedSearchDetail', 'The saved search'), '404': errorResponse('No such saved search') },
    },
    delete: {
      operationId: 'deleteSavedSearch',
      summary: 'Deletes a saved search',
      parameters: [savedId],
      responses: { '204': { description: 'Deleted' }, '404': errorResponse('No such saved search') },
    },
  },
  '/feeds/saved/{id}.atom': {
    get: {
      operationId: 'savedSearchFeed',
      summary: "A saved search's new matches as an Atom 1.0 feed",
      parameters: [savedId],
      responses: { '200': { description: 'The feed', content: { 'application/atom+xml': { schema: { type: 'string' } } } }, '404': errorResponse('No such saved search') },
    },
  },
} as const;

const savedFilters = {
  type: 'object',
  required: ['sources', 'publishers', 'years', 'from', 'to'],
  additionalProperties: false,
  properties: {
    sources: { type: 'array', items: { type: 'string' } },
    publishers: { type: 'array', items: { type: 'string' } },
    years: { type: 'array', items: { type: 'integer' } },
    from: nullableString,
    to: nullableString,
  },
} as const;

const savedSummaryProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  q: { type: 'string' },
  filters: savedFilters,
  createdAt: { type: 'string', format: 'date-time' },
  checkedAt: { type: ['string', 'null'], format: 'date-time' },
  newCount: { type: 'integer', minimum: 0 },
  feed: { type: 'string' },
} as const;

export const workflowSchemas = {
  DocumentList: {
    type: 'object',
    required: ['total', 'page', 'perPage', 'sort', 'documents', 'facets', 'histogram'],
    additionalProperties: false,
    properties: {
      total: { type: 'integer' },
      page: { type: 'integer' },
      perPage: { type: 'integer' },
      sort: { type: 'string', enum: DOCUMENT_SORTS },
      documents: {
        type: 'array',
        items: {
          type: 'object',
          required: ['docId', 'title', 'file', 'publisher', 'author', 'date', 'format', 'passages', 'url', 'link'],
          additionalProperties: false,
          properties: {
            docId: { type: 'string' },
            title: nullableString,
            file: { type: 'string' },
            publisher: nullableString,
            author: nullableString,
            date: nullableString,
            format: nullableString,
            passages: { type: 'integer' },
            url: nullableString,
            link: { type: 'string' },
          },
        },
      },
      facets: {
        type: 'object',
        required: ['publisher', 'year', 'format'],
        additionalProperties: false,
        properties: {
          publisher: { type: 'object', additionalProperties: { type: 'integer' } },
          year: { type: 'object', additionalProperties: { type: 'integer' } },
          format: { type: 'object', additionalProperties: { type: 'integer' } },
        },
      },
      histogram: {
        type: 'object',
        required: ['unit', 'bars', 'undated'],
        additionalProperties: false,
        properties: {
          unit: { type: 'string', enum: ['year', 'month'] },
          undated: { type: 'integer', minimum: 0 },
          bars: {
            type: 'array',
            items: {
              type: 'object',
              required: ['period', 'documents'],
              additionalProperties: false,
              properties: { period: { type: 'string', pattern: '^\\d{4}(-\\d{2})?$' }, documents: { type: 'integer', minimum: 0 } },
            },
          },
        },
      },
    },
  },
  CslItems: {
    type: 'array',
    minItems: 1,
    items: {
      type: 'object',
      required: ['id', 'type', 'title', 'URL', 'note'],
      properties: {
        id: { type: 'string' },
        type: { type: 'string', enum: ['webpage', 'document'] },
        title: { type: 'string' },
        URL: { type: 'string' },
        note: { type: 'string' },
        author: { type: 'array', items: { type: 'object' } },
        issued: { type: 'object', required: ['date-parts'] },
        publisher: { type: 'string' },
        'container-title': { type: 'string' },
      },
    },
  },
  ExportRow: {
    type: 'object',
    required: ['rank', 'passage_id', 'doc_id', 'title', 'author', 'publisher', 'date', 'paragraph', 'page', 'heading', 'link', 'url', 'quote_link', 'text'],
    additionalProperties: false,
    properties: {
      rank: { type: 'integer', minimum: 1 },
      passage_id: { type: 'string' },
      doc_id: { type: 'string' },
      title: nullableString,
      author: nullableString,
      publisher: nullableString,
      date: nullableString,
      paragraph: { type: 'integer', minimum: 1 },
      page: nullableString,
      heading: nullableString,
      link: { type: 'string', format: 'uri' },
      url: nullableString,
      quote_link: nullableString,
      text: { type: 'string' },
    },
  },
  BatchResponse: {
    type: 'object',
    required: ['queries', 'results'],
    additionalProperties: false,
    properties: {
      queries: { type: 'integer' },
      results: {
        type: 'array',
        items: {
          type: 'object',
          required: ['query', 'passages', 'documents', 'hits'],
          additionalProperties: false,
          properties: {
            query: { type: 'string' },
            passages: { type: 'integer', minimum: 0 },
            documents: { type: 'integer', minimum: 0 },
            hits: {
              type: 'array',
              items: {
                type: 'object',
                required: ['id', 'docId', 'title', 'publisher', 'date', 'snippet', 'link'],
                additionalProperties: false,
                properties: { id: { type: 'string' }, docId: { type: 'string' }, title: nullableString, publisher: nullableString, date: nullableString, snippet: { type: 'string' }, link: { type: 'string' } },
              },
            },
          },
        },
      },
    },
  },
  SavedSearchList: {
    type: 'object',
    required: ['savedSearches'],
    additionalProperties: false,
    properties: {
      savedSearches: { type: 'array', items: { type: 'object', required: Object.keys(savedSummaryProperties), additionalProperties: false, properties: savedSummaryProperties } },
    },
  },
  SavedSearchDetail: {
    type: 'object',
    required: [...Object.keys(savedSummaryProperties), 'newMatches'],
    additionalProperties: false,
    properties: {
      ...savedSummaryProperties,
      newMatches: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'docId', 'position', 'title', 'publisher', 'date', 'url', 'excerpt', 'foundAt', 'link'],
          additionalProperties: false,
          properties: {
            id: { type: 'string' },
            docId: { type: 'string' },
            position: { type: 'integer' },
            title: nullableString,
            publisher: nullableString,
            date: nullableString,
            url: nullableString,
            excerpt: { type: 'string' },
            foundAt: { type: 'string', format: 'date-time' },
            link: { type: 'string' },
          },
        },
      },
    },
  },
} as const;
