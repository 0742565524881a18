import { z } from 'zod';
import { SOURCE_FORMATS } from '../ingest/ingest.js';
import { DOCUMENT_SORTS } from './documents.js';

/*
 * The API's answers, declared once: the TypeScript types the code builds and the page reads are
 * inferred from these schemas, and OpenAPI's response schemas are generated from them
 * (server/openapi.ts), so that neither can drift from the other.
 */

const nullableString = z.string().nullable();
const count = z.int().min(0);
/** Facet value → number of passages or documents. */
const facetCounts = z.record(z.string(), z.int());

/** Where a passage comes from: what the document states, null where it says nothing. */
export const sourceSchema = z.strictObject({
  docId: z.string(),
  file: z.string(),
  title: nullableString,
  publisher: nullableString,
  author: nullableString,
  date: z.string().meta({ format: 'date' }).nullable(),
  url: nullableString,
  format: z.enum(SOURCE_FORMATS).nullable().meta({ description: 'What the document was read from (null for passages indexed before formats were recorded).' }),
  partOf: nullableString.meta({ description: 'Where the document sits inside another, e.g. "attachment memo.pdf of message Budget".' }),
});

/** Pages that start inside a passage: at which character of its text, which page, and its printed label. */
export const pageBreaksSchema = z
  .array(z.strictObject({ offset: z.int().min(1), page: z.int().min(1), label: nullableString }))
  .meta({
    description:
      'Pages that start inside the passage: at which character of its text, which page (1-based), and the printed label where the PDF declares one. Empty for documents without pages and passages on one page.',
  });

/** Where a passage sits: its order, offsets and heading, and in a paged document (PDF) its pages. */
export const passagePlaceSchema = z.strictObject({
  position: z.int(),
  start: z.int(),
  end: z.int(),
  heading: nullableString,
  page: z.int().min(1).nullable().meta({ description: 'First page of the passage (1-based), in a paged document (PDF); null otherwise.' }),
  pageEnd: z.int().min(1).nullable().meta({ description: 'Last page of the passage; differs from page when it runs over a page break.' }),
  pageLabel: nullableString.meta({ description: 'The printed label of the first page where the PDF declares labels (e.g. "iv").' }),
  pageEndLabel: nullableString.meta({ description: 'The printed label of the last page.' }),
  pageBreaks: pageBreaksSchema,
});

/** W3C Web Annotation selectors of a passage in its document's clean text: its quote, then its position. */
export const selectorsSchema = z
  .tuple([
    z.strictObject({ type: z.literal('TextQuoteSelector'), exact: z.string(), prefix: z.string(), suffix: z.string() }),
    z.strictObject({ type: z.literal('TextPositionSelector'), start: z.int(), end: z.int() }),
  ])
  .meta({ description: "W3C Web Annotation selectors of the passage in its document's clean text: its quote, then its position." });

const permalinkField = nullableString.meta({ description: 'A link to the passage that survives re-indexing: GET /p/{passageKey}.' });

export const hitSchema = z.strictObject({
  id: z.string(),
  score: z.number().nullable().meta({
    description:
      "Meilisearch's ranking score (0–1) for keyword queries; the combined BM25 score (higher is better) for sentence-like queries, which the proxy re-ranks.",
  }),
  snippet: z.string().meta({ description: 'HTML-escaped text; only <mark> elements.' }),
  text: z.string(),
  passage: passagePlaceSchema,
  source: sourceSchema,
  link: z.string(),
  quote: nullableString,
  selector: selectorsSchema,
  permalink: permalinkField,
  original: z.string().meta({ description: "The original file (GET /api/documents/{docId}/file); a PDF's at the passage's page (#page=N)." }),
});

export const searchResponseSchema = z.strictObject({
  query: z.string(),
  total: z.int(),
  limit: z.int(),
  offset: z.int(),
  tookMs: z.int(),
  hits: z.array(hitSchema),
  facets: z.strictObject({ publisher: facetCounts, year: facetCounts }),
  partial: z
    .strictObject({ unanswered: z.array(z.string()) })
    .optional()
    .meta({ description: 'Present only when some Meilisearch nodes did not answer: the hits are those of the others.' }),
  incomplete: z
    .strictObject({ reason: z.string() })
    .optional()
    .meta({
      description:
        "Present only when a question's ranking stopped at a bound on its work (postings read, passages counted): documents past it may be missing, or scored from part of their counts.",
    }),
});

/** What a metadata field was read from: the rule, and the text or tag it was read from. */
export const evidenceSchema = z.strictObject({ rule: z.string(), source: z.string() });

/** A passage as the document view serves it. */
export const documentPassageSchema = passagePlaceSchema.extend({
  text: z.string(),
  link: z.string(),
  quote: nullableString,
  selector: selectorsSchema,
  permalink: permalinkField,
  hash: nullableString.meta({ description: "The passage's content hash, null for passages indexed without one." }),
});

/**
 * A clean document as the API serves it: its metadata with the evidence for each field, its
 * passages in order, the words it came with and kept, and what cleaning removed. Documents indexed
 * by a release that kept no evidence have empty provenance and no retention.
 */
export const documentSchema = z.strictObject({
  docId: z.string(),
  file: z.string(),
  title: nullableString,
  author: nullableString,
  date: nullableString,
  publisher: nullableString,
  url: nullableString.meta({ description: 'An absolute http(s) URL, or null.' }),
  lang: nullableString,
  format: sourceSchema.shape.format,
  partOf: sourceSchema.shape.partOf,
  encoding: nullableString.meta({ description: 'The text encoding the file was read in (text formats).' }),
  original: z.string().meta({ description: 'The original file, as GET /api/documents/{docId}/file serves it.' }),
  provenance: z
    .strictObject({
      title: evidenceSchema.optional(),
      author: evidenceSchema.optional(),
      date: evidenceSchema.optional(),
      publisher: evidenceSchema.optional(),
      url: evidenceSchema.optional(),
      lang: evidenceSchema.optional(),
    })
    .meta({ description: 'For each metadata field that has a value: the rule that read it and the text or tag it was read from.' }),
  retention: z
    .strictObject({ wordsIn: count, wordsKept: count, proseWordsIn: count, proseWordsKept: count })
    .nullable()
    .meta({ description: 'Words the document came with and kept, overall and of its prose-like blocks.' }),
  removed: z
    .array(z.strictObject({ text: z.string(), reason: z.string(), page: z.int().optional() }))
    .meta({ description: 'What cleaning left out of the body, with the reason.' }),
  removedOmitted: count.meta({ description: 'Removed blocks not listed, past the size kept with a document.' }),
  passages: z.array(documentPassageSchema),
});

/** Where a permalink's passage is now, and whether it was found by its hash or by its quote. */
export const resolvedPassageSchema = z.strictObject({
  match: z.enum(['hash', 'quote']).meta({ description: 'Found by its content hash, or, its text having changed, by its quote.' }),
  docId: z.string(),
  title: nullableString,
  passage: documentPassageSchema.omit({ hash: true }),
});

export const suggestionSchema = z.strictObject({ text: z.string(), kind: z.enum(['title', 'heading']), docId: z.string() });

export const suggestionsSchema = z.strictObject({ query: z.string(), suggestions: z.array(suggestionSchema) });

/** Every error answer: a stable code, a message, and the parameter at fault where there is one. */
export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), param: z.string().optional() }) });

/** A document of the collection list: its first passage's metadata and its number of passages. */
export const documentSummarySchema = z.strictObject({
  docId: z.string(),
  title: nullableString,
  file: z.string(),
  publisher: nullableString,
  author: nullableString,
  date: nullableString,
  format: nullableString.meta({ description: 'The source format (html, pdf, docx…), when the indexer recorded it.' }),
  passages: z.int(),
  url: nullableString,
  link: z.string(),
});

export const histogramBarSchema = z.strictObject({
  period: z.string().regex(/^\d{4}(-\d{2})?$/).meta({ description: '"2016" or "2016-04".' }),
  documents: count,
});

export const documentListSchema = z.strictObject({
  total: z.int(),
  page: z.int(),
  perPage: z.int(),
  sort: z.enum(DOCUMENT_SORTS),
  documents: z.array(documentSummarySchema),
  facets: z.strictObject({ publisher: facetCounts, year: facetCounts, format: facetCounts }),
  histogram: z
    .strictObject({ unit: z.enum(['year', 'month']), bars: z.array(histogramBarSchema), undated: count })
    .meta({ description: 'Documents per year, or per month when the dated ones span at most two years; undated ones are left out.' }),
});

/** One exported hit: its rank, what to cite it by, where to find it, and its text. */
export const exportRowSchema = z.strictObject({
  rank: z.int().min(1),
  passage_id: z.string(),
  doc_id: z.string(),
  title: nullableString,
  author: nullableString,
  publisher: nullableString,
  date: nullableString,
  paragraph: z.int().min(1).meta({ description: 'The passage\'s number in its document, from 1, as the page shows "¶N".' }),
  page: nullableString.meta({ description: 'The page (its printed label where the document declares one), in a paged original.' }),
  heading: nullableString,
  link: z.string().meta({ format: 'uri', description: 'The passage in Citable.' }),
  url: nullableString.meta({ description: "The original document's address, when it has one." }),
  quote_link: nullableString.meta({ description: 'The original at the quoted passage (a text fragment link), when it has an address.' }),
  text: z.string(),
});

/** A query's best hit, as a batch reports it. */
export const batchHitSchema = z.strictObject({
  id: z.string(),
  docId: z.string(),
  title: nullableString,
  publisher: nullableString,
  date: nullableString,
  snippet: z.string().meta({ description: 'HTML-escaped text with <mark> elements only, as in search results.' }),
  link: z.string(),
});

export const batchResultSchema = z.strictObject({
  query: z.string(),
  passages: count.meta({ description: 'Passages in which every word of the query matches.' }),
  documents: count.meta({ description: 'Documents holding at least one such passage.' }),
  hits: z.array(batchHitSchema),
});

export const batchResponseSchema = z.strictObject({ queries: z.int(), results: z.array(batchResultSchema) });

export type Source = z.infer<typeof sourceSchema>;
export type Hit = z.infer<typeof hitSchema>;
export type PassagePlace = z.infer<typeof passagePlaceSchema>;
export type SearchResponse = z.infer<typeof searchResponseSchema>;
export type DocumentView = z.infer<typeof documentSchema>;
export type ResolvedPassage = z.infer<typeof resolvedPassageSchema>;
export type Suggestion = z.infer<typeof suggestionSchema>;
export type Suggestions = z.infer<typeof suggestionsSchema>;
export type DocumentSummary = z.infer<typeof documentSummarySchema>;
export type HistogramBar = z.infer<typeof histogramBarSchema>;
export type DocumentList = z.infer<typeof documentListSchema>;
export type ExportRow = z.infer<typeof exportRowSchema>;
export type BatchHit = z.infer<typeof batchHitSchema>;
export type BatchResult = z.infer<typeof batchResultSchema>;
