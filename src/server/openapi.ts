import { LIMIT_MAX, OFFSET_MAX, QUERY_MAX_CHARS } from '../search/params.js';
import { SUGGEST_QUERY_MAX_CHARS } from '../search/suggest.js';
import { workflowPaths, workflowSchemas } from './openapi-workflow.js';

const nullableString = { type: ['string', 'null'] } as const;

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

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
        responses: { '200': { description: 'The session', content: { 'application/json': { schema: { $ref: '#/components/schemas/Session' } } } } },
      },
      post: {
        operationId: 'signIn',
        summary: 'Sign in with an account name and password; sets the session cookie',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/SignIn' } },
            'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/SignIn' } },
          },
        },
        responses: {
          '200': { description: 'Signed in', content: { 'application/json': { schema: { $ref: '#/components/schemas/Session' } } } },
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
        parameters: [
          { name: 'q', in: 'query', schema: { type: 'string', maxLength: QUERY_MAX_CHARS }, description: 'Keywords; "quoted phrases" and -negated words work.' },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: LIMIT_MAX, default: 10 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, maximum: OFFSET_MAX, default: 0 } },
          { name: 'source', in: 'query', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true, description: 'File name or document id; repeatable.' },
          { name: 'publisher', in: 'query', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true },
          { name: 'year', in: 'query', schema: { type: 'array', items: { type: 'string', pattern: '^\\d{4}$' } }, style: 'form', explode: true },
          { name: 'from', in: 'query', schema: { type: 'string', format: 'date' } },
          { name: 'to', in: 'query', schema: { type: 'string', format: 'date' } },
          { name: 'group', in: 'query', schema: { type: 'string', enum: ['document'] }, description: 'The best passage per document.' },
        ],
        responses: {
          '200': { description: 'Search results', content: { 'application/json': { schema: { $ref: '#/components/schemas/SearchResponse' } } } },
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
        parameters: [
          { name: 'passageKey', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}\\.[0-9a-f]{16}$' } },
          { name: 'start', in: 'query', schema: { type: 'string', maxLength: 300 }, description: "The passage's first words." },
          { name: 'end', in: 'query', schema: { type: 'string', maxLength: 300 }, description: "The passage's last words." },
        ],
        responses: {
          '200': { description: 'Where the passage is now', content: { 'application/json': { schema: { $ref: '#/components/schemas/ResolvedPassage' } } } },
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
        parameters: [{ name: 'docId', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } }],
        responses: {
          '200': { description: 'The document', content: { 'application/json': { schema: { $ref: '#/components/schemas/Document' } } } },
          '401': errorResponse('No valid credentials'),
          '400': errorResponse('Malformed document id'),
          '404': errorResponse('Unknown document'),
          '503': errorResponse('Meilisearch unavailable'),
        },
      },
    },
    '/api/suggest': {
      get: {
        operationId: 'suggest',
        summary: 'Completions for a search box',
        parameters: [{ name: 'q', in: 'query', schema: { type: 'string', maxLength: SUGGEST_QUERY_MAX_CHARS } }],
        responses: {
          '200': { description: 'Suggestions', content: { 'application/json': { schema: { $ref: '#/components/schemas/Suggestions' } } } },
          '401': errorResponse('No valid credentials'),
          '400': errorResponse('Invalid parameter'),
          '503': errorResponse('Meilisearch unavailable'),
        },
      },
    },
    ...workflowPaths,
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
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' }, param: { type: 'string' } },
          },
        },
      },
      Source: {
        type: 'object',
        required: ['docId', 'file', 'title', 'publisher', 'author', 'date', 'url'],
        additionalProperties: false,
        properties: {
          docId: { type: 'string' },
          file: { type: 'string' },
          title: nullableString,
          publisher: nullableString,
          author: nullableString,
          date: { type: ['string', 'null'], format: 'date' },
          url: nullableString,
        },
      },
      Hit: {
        type: 'object',
        required: ['id', 'score', 'snippet', 'text', 'passage', 'source', 'link', 'quote', 'selector', 'permalink'],
        additionalProperties: false,
        properties: {
          id: { type: 'string' },
          score: { type: ['number', 'null'], description: "Meilisearch's ranking score (0–1) for keyword queries; the combined BM25 score (higher is better) for sentence-like queries, which the proxy re-ranks." },
          snippet: { type: 'string', description: 'HTML-escaped text; only <mark> elements.' },
          text: { type: 'string' },
          passage: {
            type: 'object',
            required: ['position', 'start', 'end', 'heading'],
            additionalProperties: false,
            properties: { position: { type: 'integer' }, start: { type: 'integer' }, end: { type: 'integer' }, heading: nullableString },
          },
          source: { $ref: '#/components/schemas/Source' },
          link: { type: 'string' },
          quote: nullableString,
          selector: { $ref: '#/components/schemas/Selectors' },
          permalink: { ...nullableString, description: 'A link to the passage that survives re-indexing: GET /p/{passageKey}.' },
        },
      },
      Selectors: {
        type: 'array',
        description: 'W3C Web Annotation selectors of the passage in its document\'s clean text: its quote, then its position.',
        prefixItems: [
          {
            type: 'object',
            required: ['type', 'exact', 'prefix', 'suffix'],
            additionalProperties: false,
            properties: { type: { const: 'TextQuoteSelector' }, exact: { type: 'string' }, prefix: { type: 'string' }, suffix: { type: 'string' } },
          },
          {
            type: 'object',
            required: ['type', 'start', 'end'],
            additionalProperties: false,
            properties: { type: { const: 'TextPositionSelector' }, start: { type: 'integer' }, end: { type: 'integer' } },
          },
        ],
        minItems: 2,
        maxItems: 2,
      },
      ResolvedPassage: {
        type: 'object',
        required: ['match', 'docId', 'title', 'passage'],
        properties: {
          match: { type: 'string', enum: ['hash', 'quote'], description: 'Found by its content hash, or, its text having changed, by its quote.' },
          docId: { type: 'string' },
          title: nullableString,
          passage: { type: 'object', required: ['position', 'text', 'start', 'end', 'link'] },
        },
      },
      SearchResponse: {
        type: 'object',
        required: ['query', 'total', 'limit', 'offset', 'tookMs', 'hits', 'facets'],
        additionalProperties: false,
        properties: {
          query: { type: 'string' },
          total: { type: 'integer' },
          limit: { type: 'integer' },
          offset: { type: 'integer' },
          tookMs: { type: 'integer' },
          hits: { type: 'array', items: { $ref: '#/components/schemas/Hit' } },
          facets: {
            type: 'object',
            required: ['publisher', 'year'],
            properties: {
              publisher: { type: 'object', additionalProperties: { type: 'integer' } },
              year: { type: 'object', additionalProperties: { type: 'integer' } },
            },
          },
        },
      },
      Document: {
        type: 'object',
        required: ['docId', 'file', 'title', 'author', 'date', 'publisher', 'url', 'lang', 'provenance', 'retention', 'removed', 'removedOmitted', 'passages'],
        properties: {
          docId: { type: 'string' },
          file: { type: 'string' },
          title: nullableString,
          author: nullableString,
          date: nullableString,
          publisher: nullableString,
          url: { ...nullableString, description: 'An absolute http(s) URL, or null.' },
          lang: nullableString,
          provenance: {
            type: 'object',
            description: 'For each metadata field that has a value: the rule that read it and the text or tag it was read from.',
            additionalProperties: false,
            properties: Object.fromEntries(
              ['title', 'author', 'date', 'publisher', 'url', 'lang'].map((f) => [f, { $ref: '#/components/schemas/Evidence' }]),
            ),
          },
          retention: {
            type: ['object', 'null'],
            description: 'Words the document came with and kept, overall and of its prose-like blocks.',
            required: ['wordsIn', 'wordsKept', 'proseWordsIn', 'proseWordsKept'],
            properties: { wordsIn: { type: 'integer' }, wordsKept: { type: 'integer' }, proseWordsIn: { type: 'integer' }, proseWordsKept: { type: 'integer' } },
          },
          removed: {
            type: 'array',
            description: 'What cleaning left out of the body, with the reason.',
            items: {
              type: 'object',
              required: ['text', 'reason'],
              properties: { text: { type: 'string' }, reason: { type: 'string' }, page: { type: 'integer' } },
            },
          },
          removedOmitted: { type: 'integer', description: 'Removed blocks not listed, past the size kept with a document.' },
          passages: {
            type: 'array',
            items: {
              type: 'object',
              required: ['position', 'heading', 'text', 'start', 'end', 'link', 'quote'],
              properties: {
                position: { type: 'integer' },
                heading: nullableString,
                text: { type: 'string' },
                start: { type: 'integer' },
                end: { type: 'integer' },
                link: { type: 'string' },
                quote: nullableString,
              },
            },
          },
        },
      },
      Evidence: {
        type: 'object',
        required: ['rule', 'source'],
        additionalProperties: false,
        properties: { rule: { type: 'string' }, source: { type: 'string' } },
      },
      Suggestions: {
        type: 'object',
        required: ['query', 'suggestions'],
        properties: {
          query: { type: 'string' },
          suggestions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['text', 'kind', 'docId'],
              properties: { text: { type: 'string' }, kind: { type: 'string', enum: ['title', 'heading'] }, docId: { type: 'string' } },
            },
          },
        },
      },
      ...workflowSchemas,
    },
  },
} as const;
