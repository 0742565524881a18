import { Agent, request, errors as undiciErrors } from 'undici';
import { CitableError, SearchUnavailableError } from '../errors.js';
import { eqAny } from '../meili/filter.js';
import type { SearchParams } from './params.js';
import { buildSearchRequest } from './query.js';
import { passageLink, quoteLink, shapeResponse, type RawHit, type RawSearchResponse, type SearchResponse } from './shape.js';

/** Every call to Meilisearch is bounded: a stuck search must not hold a request forever. */
export const SEARCH_TIMEOUT_MS = 5_000;
/** A document is at most this many passages (a 20 MB text at ~100 words a passage is far fewer). */
const DOCUMENT_MAX_PASSAGES = 1_000;

/** Where to send searches and with which (search-only) key. Read on every call: Meilisearch may move. */
export interface SearchTarget {
  url: string;
  key: string;
  index: string;
}

export interface DocumentView {
  docId: string;
  file: string;
  title: string | null;
  author: string | null;
  date: string | null;
  publisher: string | null;
  url: string | null;
  lang: string | null;
  passages: Array<{ position: number; heading: string | null; text: string; start: number; end: number; link: string; quote: string | null }>;
}

export interface Suggestion {
  text: string;
  kind: 'title' | 'heading';
  docId: string;
}

/**
 * Talks to Meilisearch for the API. Uses undici directly with `accept-encoding: identity`: with
 * compression negotiated, Meilisearch stalls ~40 ms on each reused connection.
 */
export class SearchBackend {
  #target: () => SearchTarget;
  #agent: Agent;

  constructor(target: () => SearchTarget) {
    this.#target = target;
    this.#agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });
  }

  async #post<T>(path: string, body: unknown): Promise<T> {
    const t = this.#target();
    let res;
    try {
      res = await request(`${t.url}/indexes/${encodeURIComponent(t.index)}${path}`, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.key}`, 'accept-encoding': 'identity' },
        body: JSON.stringify(body),
        headersTimeout: SEARCH_TIMEOUT_MS,
        bodyTimeout: SEARCH_TIMEOUT_MS,
      });
    } catch (err) {
      throw new SearchUnavailableError(`Meilisearch did not answer: ${(err as Error).message}`, { cause: err });
    }
    let payload: unknown;
    try {
      payload = await res.body.json();
    } catch (err) {
      if (err instanceof undiciErrors.BodyTimeoutError) throw new SearchUnavailableError('Meilisearch timed out', { cause: err });
      throw new SearchUnavailableError('Meilisearch sent an unreadable answer', { cause: err });
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return payload as T;
    const e = payload as { code?: string; message?: string };
    if (res.statusCode >= 500 || e.code === 'index_not_found') {
      throw new SearchUnavailableError(`Meilisearch: ${e.code ?? res.statusCode}: ${e.message ?? ''}`);
    }
    throw new CitableError('search_failed', `Meilisearch rejected the search: ${e.code ?? res.statusCode}: ${e.message ?? ''}`);
  }

  async search(p: SearchParams): Promise<SearchResponse> {
    const started = performance.now();
    const raw = await this.#post<RawSearchResponse>('/search', buildSearchRequest(p));
    return shapeResponse(p, raw, Math.round(performance.now() - started));
  }

  /** The clean document with its passages in order, or null when no passage has this docId. */
  async document(docId: string): Promise<DocumentView | null> {
    const raw = await this.#post<RawSearchResponse & { hits: Array<RawHit & { lang: string | null }> }>('/search', {
      q: '',
      filter: eqAny('docId', [docId]),
      sort: ['position:asc'],
      limit: DOCUMENT_MAX_PASSAGES,
      attributesToRetrieve: ['docId', 'file', 'title', 'heading', 'text', 'position', 'start', 'end', 'author', 'date', 'publisher', 'url', 'lang', 'fragment'],
    });
    const first = raw.hits[0];
    if (!first) return null;
    return {
      docId: first.docId,
      file: first.file,
      title: first.title,
      author: first.author,
      date: first.date,
      publisher: first.publisher,
      url: first.url,
      lang: first.lang,
      passages: raw.hits.map((h) => ({
        position: h.position,
        heading: h.heading,
        text: h.text,
        start: h.start,
        end: h.end,
        link: passageLink(h.docId, h.position),
        quote: quoteLink(h.url, h.fragment),
      })),
    };
  }

  /** Titles and headings that complete what has been typed; prefix search makes this cheap. */
  async suggest(q: string, limit = 8): Promise<Suggestion[]> {
    const raw = await this.#post<{ hits: Array<{ docId: string; title: string | null; heading: string | null }> }>('/search', {
      q,
      limit: 30,
      attributesToSearchOn: ['title', 'heading'],
      attributesToRetrieve: ['docId', 'title', 'heading'],
      matchingStrategy: 'all',
    });
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const seen = new Set<string>();
    const out: Suggestion[] = [];
    const consider = (text: string | null, kind: Suggestion['kind'], docId: string) => {
      if (!text || seen.has(text.toLowerCase())) return;
      const lower = text.toLowerCase();
      // Keep only completions that contain what was typed, word by word as prefixes.
      if (!words.every((w) => lower.split(/[^\p{L}\p{N}]+/u).some((t) => t.startsWith(w.replace(/[^\p{L}\p{N}]/gu, ''))))) return;
      seen.add(lower);
      out.push({ text, kind, docId });
    };
    for (const h of raw.hits) {
      consider(h.title, 'title', h.docId);
      consider(h.heading, 'heading', h.docId);
    }
    return out.slice(0, limit);
  }

  /** Passages in the index, or an error when Meilisearch does not answer. */
  async passageCount(): Promise<number> {
    const raw = await this.#post<RawSearchResponse>('/search', { q: '', limit: 0 });
    return raw.totalHits ?? raw.estimatedTotalHits ?? 0;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
