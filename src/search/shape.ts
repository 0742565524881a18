import { httpUrl } from '../ingest/provenance.js';
import type { PassageRecord } from '../ingest/records.js';
import { permalink, type TextPositionSelector, type TextQuoteSelector } from '../ingest/selectors.js';

/** Permalink keys are read where they are made. */
export { parsePassageKey } from '../ingest/selectors.js';
import type { Hit, PassagePlace, SearchResponse } from './api-schema.js';
import type { SearchParams } from './params.js';
import { renderSnippet } from './snippet.js';

/** A passage hit as Meilisearch returns it for buildSearchRequest. */
export type RawHit = Pick<
  PassageRecord,
  'id' | 'docId' | 'file' | 'title' | 'heading' | 'text' | 'position' | 'start' | 'end' | 'author' | 'date' | 'publisher' | 'url'
> &
  // Indexes written before these fields were recorded lack them.
  Partial<Pick<PassageRecord, 'fragment' | 'hash' | 'prefix' | 'suffix' | 'lang' | 'format' | 'page' | 'pageEnd' | 'pageLabel' | 'pageEndLabel' | 'pageBreaks' | 'partOf'>> & {
    _formatted?: { text?: string };
    _rankingScore?: number;
  };

export interface RawSearchResponse {
  hits: RawHit[];
  estimatedTotalHits?: number;
  totalHits?: number;
  processingTimeMs: number;
  facetDistribution?: Record<string, Record<string, number>>;
  /** Over several nodes: the nodes that did not answer (their hits are missing). */
  partial?: { unanswered: string[] };
}

/** Where the document view shows a passage. */
export function passageLink(docId: string, position: number): string {
  return `/documents/${encodeURIComponent(docId)}#p-${position}`;
}

/** A deep link that scrolls the original page to the quoted passage, or null without a URL. */
export function quoteLink(url: string | null, fragment: string | undefined): string | null {
  const safe = httpUrl(url);
  if (!safe) return null;
  const base = safe.replace(/#.*$/, '');
  return fragment ? `${base}#:~:text=${fragment}` : base;
}

/**
 * The original file as the service serves it; a PDF of its own (not an attachment) opens at the
 * page (the #page parameter of RFC 8118, which PDF viewers follow).
 */
export function originalLink(h: Pick<RawHit, 'docId' | 'format' | 'page' | 'partOf'>): string {
  const base = fileLink(h.docId);
  return h.format === 'pdf' && !h.partOf && h.page ? `${base}#page=${h.page}` : base;
}

/** The original file of a document, as GET /api/documents/:docId/file serves it. */
export function fileLink(docId: string): string {
  return `/api/documents/${encodeURIComponent(docId)}/file`;
}

export function placeOf(h: Pick<RawHit, 'position' | 'start' | 'end' | 'heading' | 'page' | 'pageEnd' | 'pageLabel' | 'pageEndLabel' | 'pageBreaks'>): PassagePlace {
  return {
    position: h.position,
    start: h.start,
    end: h.end,
    heading: h.heading,
    page: h.page ?? null,
    pageEnd: h.pageEnd ?? null,
    pageLabel: h.pageLabel ?? null,
    pageEndLabel: h.pageEndLabel ?? null,
    pageBreaks: h.pageBreaks ?? [],
  };
}

export function shapeHit(h: RawHit): Hit {
  return {
    id: h.id,
    score: h._rankingScore ?? null,
    snippet: renderSnippet(h._formatted?.text ?? h.text),
    text: h.text,
    passage: placeOf(h),
    // An index written by an older release may hold any URL: only http(s) ones leave the API.
    source: {
      docId: h.docId, file: h.file, title: h.title, publisher: h.publisher, author: h.author, date: h.date, url: httpUrl(h.url),
      format: h.format ?? null, partOf: h.partOf ?? null,
    },
    link: passageLink(h.docId, h.position),
    quote: quoteLink(h.url, h.fragment),
    selector: selectorsOf(h),
    permalink: h.hash ? permalink(h.docId, h.hash, h.text) : null,
    original: originalLink(h),
  };
}

/** The passage's quote and position selectors. */
export function selectorsOf(h: Pick<RawHit, 'text' | 'start' | 'end' | 'prefix' | 'suffix'>): [TextQuoteSelector, TextPositionSelector] {
  return [
    { type: 'TextQuoteSelector', exact: h.text, prefix: h.prefix ?? '', suffix: h.suffix ?? '' },
    { type: 'TextPositionSelector', start: h.start, end: h.end },
  ];
}

/** Shapes Meilisearch's answer into the API's response. */
export function shapeResponse(p: SearchParams, raw: RawSearchResponse, tookMs: number): SearchResponse {
  const facets = raw.facetDistribution ?? {};
  return {
    query: p.q,
    total: raw.totalHits ?? raw.estimatedTotalHits ?? raw.hits.length,
    limit: p.limit,
    offset: p.offset,
    tookMs,
    hits: raw.hits.map(shapeHit),
    facets: { publisher: facets.publisher ?? {}, year: facets.year ?? {} },
    ...(raw.partial ? { partial: raw.partial } : {}),
  };
}
