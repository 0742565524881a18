import { Agent, request, errors as undiciErrors } from 'undici';
import { CitableError, SearchUnavailableError } from '../errors.js';
import type { DocumentMetadata } from '../ingest/ingest.js';
import { CORPUS_RECORD_ID, decodeDocumentPostings, decodePassagePostings, POSTINGS_VERSION, termsIndexOf, type TermRecord } from '../indexing/term-stats.js';
import { Batcher } from '../meili/batch.js';
import { eqAny, quote } from '../meili/filter.js';
import { handled } from '../promises.js';
import type { SearchParams } from './params.js';
import { analyzeQuery, candidateQuery, fitsMeiliQuery, type AnalyzedQuery } from './analyze.js';
import { idf, stemOf, type CorpusStats } from './bm25.js';
import { buildFilter, buildSearchRequest, CROP_WORDS, FACETS, MATCHING_STRATEGY, RETRIEVED_FIELDS } from './query.js';
import { bestPerDocument, keepDocuments, rankPassages, type PostingLists, type RankedPassage } from './rerank.js';
import { passageLink, quoteLink, shapeResponse, type RawHit, type RawSearchResponse, type SearchResponse } from './shape.js';
import { INDEX_MATCH_SETTINGS, queryMatcher, type MatchSettings } from './highlight.js';
import { cropAndHighlight, cropToMatches, wordSpans } from './snippet.js';

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

/** Re-ranked candidate lists are kept this long, so paging through them costs one ranking. */
const RANKED_CACHE_MS = 15_000;
const RANKED_CACHE_ENTRIES = 200;

/**
 * Meilisearch's own hits for a sentence-like query that join the postings' passages (its best, which
 * may hold what postings miss: typos, prefixes); and all the candidates when phrases or exclusions
 * restrict them.
 */
const MEILI_CANDIDATES = 20;
const RESTRICTED_CANDIDATES = 200;
/** Searches sent in one multi-search at most (Meilisearch runs a multi-search's searches one after another). */
const SEARCH_BATCH_MAX = 4;

interface RankedList {
  at: number;
  hits: Array<RankedPassage<RawHit>>;
  facets: Record<string, Record<string, number>>;
}

/** A clean document as the API serves it: its metadata and its passages in order. */
export interface DocumentView extends DocumentMetadata {
  docId: string;
  file: string;
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
  #matching: MatchSettings;

  /**
   * @param options.synonyms the synonyms the index was built with (see loadSynonyms): snippets mark
   *   what they find, as Meilisearch does.
   */
  constructor(target: () => SearchTarget, options: { synonyms: MatchSettings['synonyms'] }) {
    this.#target = target;
    this.#matching = { ...INDEX_MATCH_SETTINGS, synonyms: options.synonyms };
    this.#agent = new Agent({ keepAliveTimeout: 30_000, connections: 64, pipelining: 1 });
  }

  #ranked = new Map<string, RankedList>();

  /** POSTs JSON to Meilisearch; unreachable or timed out is SearchUnavailableError, any answer is returned. */
  async #send(path: string, body: unknown): Promise<{ status: number; payload: unknown }> {
    const t = this.#target();
    let res;
    try {
      res = await request(`${t.url}${path}`, {
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
    try {
      return { status: res.statusCode, payload: await res.body.json() };
    } catch (err) {
      if (err instanceof undiciErrors.BodyTimeoutError) throw new SearchUnavailableError('Meilisearch timed out', { cause: err });
      throw new SearchUnavailableError('Meilisearch sent an unreadable answer', { cause: err });
    }
  }

  /** A search's answer, or its error: 5xx and a missing index are SearchUnavailableError. */
  async #search<T>(body: unknown, index = this.#target().index): Promise<T> {
    const { status, payload } = await this.#send(`/indexes/${encodeURIComponent(index)}/search`, body);
    if (status >= 200 && status < 300) return payload as T;
    const e = payload as { code?: string; message?: string };
    if (status >= 500 || e.code === 'index_not_found') {
      throw new SearchUnavailableError(`Meilisearch: ${e.code ?? status}: ${e.message ?? ''}`);
    }
    throw new CitableError('search_failed', `Meilisearch rejected the search: ${e.code ?? status}: ${e.message ?? ''}`);
  }

  /**
   * Searches that arrive in the same tick go to Meilisearch as one multi-search: under concurrent
   * load that spares both processes an HTTP exchange per search (measured on the seeds at 16
   * clients: Meilisearch answers 2,200 searches a second in batches of 2 to 4, against 1,800 one
   * by one). A lone search goes out as a plain search.
   */
  #batches = new Batcher<{ index: string; body: unknown }, unknown>((items) => this.#searchMany(items), SEARCH_BATCH_MAX);

  async #searchMany(items: ReadonlyArray<{ index: string; body: unknown }>): Promise<Array<PromiseSettledResult<unknown>>> {
    const one = () => Promise.allSettled(items.map((x) => this.#search(x.body, x.index)));
    if (items.length === 1) return one();
    // A transport fault fails the whole batch (resending would only wait for it again).
    const { status, payload } = await this.#send('/multi-search', { queries: items.map((x) => ({ indexUid: x.index, ...(x.body as object) })) });
    const results = (payload as { results?: unknown[] }).results;
    if (status >= 200 && status < 300 && Array.isArray(results) && results.length === items.length) {
      return results.map((value) => ({ status: 'fulfilled', value }));
    }
    // Meilisearch fails a multi-search when any of its searches fails: each is sent alone, so
    // that each gets its own answer or error.
    return one();
  }

  /**
   * Searches an index (the configured one unless another is named), in a batch with its neighbours
   * in time. Searches sent side by side to save latency call #search instead: Meilisearch runs a
   * multi-search's searches one after another.
   */
  async #meiliSearch<T>(body: unknown, index?: string): Promise<T> {
    return this.#batches.add({ index: index ?? this.#target().index, body }) as Promise<T>;
  }

  async search(p: SearchParams): Promise<SearchResponse> {
    const started = performance.now();
    const analyzed = analyzeQuery(p.q);
    if (analyzed.long) {
      const ranked = await this.#rankedSearch(p, analyzed, started);
      if (ranked) return ranked;
    }
    // The snippets are cut and marked here unless the query needs Meilisearch's own word segmentation.
    const matcher = queryMatcher(p.q, this.#matching);
    const raw = await this.#meiliSearch<RawSearchResponse>(buildSearchRequest(p, { highlight: matcher === null }));
    if (matcher) {
      for (const h of raw.hits) {
        const words = wordSpans(h.text);
        h._formatted = { text: cropToMatches(h.text, matcher.find(h.text, words), CROP_WORDS, words) };
      }
    }
    return shapeResponse(p, raw, Math.round(performance.now() - started));
  }

  /**
   * Corpus statistics and postings of the terms, or null when the index has none (empty, or built
   * before postings existed: its next indexing job recounts them).
   */
  async #termsOf(terms: readonly string[]): Promise<{ stats: CorpusStats; lists: Map<string, PostingLists> } | null> {
    const t = this.#target();
    const filter = `${eqAny('term', terms)} OR id = ${quote(CORPUS_RECORD_ID)}`;
    let raw: { hits: TermRecord[] };
    try {
      raw = await this.#search({ q: '', filter, limit: terms.length + 1 }, termsIndexOf(t.index));
    } catch (err) {
      if (err instanceof SearchUnavailableError && /index_not_found/.test(err.message)) return null;
      throw err;
    }
    const corpus = raw.hits.find((h) => h.id === CORPUS_RECORD_ID);
    if (!corpus || corpus.df === 0 || corpus.postings !== POSTINGS_VERSION) return null;
    const termHits = raw.hits.filter((h) => h.id !== CORPUS_RECORD_ID);
    return {
      stats: {
        passages: corpus.df,
        avgLength: (corpus.tokens ?? 0) / corpus.df,
        avgDocLength: corpus.docs ? (corpus.docTokens ?? 0) / corpus.docs : 0,
        df: new Map(termHits.map((h) => [h.term, h.df])),
        docs: corpus.docs,
        ddf: new Map(termHits.map((h) => [h.term, h.ddf ?? h.df])),
      },
      lists: new Map(termHits.map((h) => [h.term, { passages: decodePassagePostings(h.passages), documents: decodeDocumentPostings(h.documents) }])),
    };
  }

  /**
   * Sentence-like queries, ranked with BM25 over the terms' postings and Meilisearch's own hits
   * (see rankPassages); the page shown is then read from Meilisearch. Null when the index has no
   * postings yet.
   */
  async #rankedSearch(p: SearchParams, a: AnalyzedQuery, started: number): Promise<SearchResponse | null> {
    const key = JSON.stringify([this.#target().index, p.q, p.sources, p.publishers, p.years, p.from, p.to, p.group]);
    let list = this.#ranked.get(key);
    if (!list || Date.now() - list.at > RANKED_CACHE_MS) {
      const filter = buildFilter(p);
      // Phrases and exclusions are Meilisearch's to apply: only its hits may then be candidates.
      const restricted = a.phrases.length > 0 || a.negated.length > 0;
      const search = (rarity?: (term: string) => number) =>
        this.#search<RawSearchResponse>({
          q: candidateQuery(a, rarity),
          limit: restricted ? RESTRICTED_CANDIDATES : MEILI_CANDIDATES,
          facets: FACETS,
          matchingStrategy: MATCHING_STRATEGY,
          attributesToRetrieve: RETRIEVED_FIELDS,
          showRankingScore: true,
          ...(filter ? { filter } : {}),
        });
      // When Meilisearch reads every word of the query, the order of the words does not matter
      // and its search goes out beside the read of the postings; otherwise the rarest go first.
      const early = fitsMeiliQuery(a) ? handled(search()) : null;
      const terms = await this.#termsOf(a.terms);
      if (!terms) return null;
      const { stats } = terms;
      let { lists } = terms;
      // Filters narrow the postings to the documents that pass them.
      const postingDocs = filter && !restricted ? [...new Set(a.terms.flatMap((term) => (lists.get(term)?.passages ?? []).map((x) => x[0])))] : [];
      const [found, allowed] = await Promise.all([
        early ?? search((term) => idf(term, stats)),
        filter && postingDocs.length > 0 ? this.#documentsMatching(filter, postingDocs) : null,
      ]);
      if (allowed) lists = keepDocuments(lists, allowed);
      const ranked = rankPassages(a.terms, stats, lists, found.hits, !restricted);
      list = { at: Date.now(), hits: p.group === 'document' ? bestPerDocument(ranked) : ranked, facets: found.facetDistribution ?? {} };
      if (this.#ranked.size >= RANKED_CACHE_ENTRIES) this.#ranked.delete(this.#ranked.keys().next().value!);
      this.#ranked.set(key, list);
    }
    const page = list.hits.slice(p.offset, p.offset + p.limit);
    const read = await this.#passages(page.filter((r) => !r.hit));
    const marked = new Set(a.terms);
    // The page in the shape Meilisearch would have answered: our own crop and marks, and the
    // combined score in place of Meilisearch's. A passage gone since the ranking is left out.
    const hits = page.flatMap((r) => {
      const h = r.hit ?? read.get(r.id);
      return h ? [{ ...h, _formatted: { text: cropAndHighlight(h.text, marked, CROP_WORDS, stemOf) }, _rankingScore: r.score }] : [];
    });
    const raw = { hits, totalHits: list.hits.length, processingTimeMs: 0, facetDistribution: list.facets };
    return shapeResponse(p, raw, Math.round(performance.now() - started));
  }

  /** Which of the documents pass a filter (the API's filters are all per document). */
  async #documentsMatching(filter: string, docIds: readonly string[]): Promise<Set<string>> {
    const raw = await this.#meiliSearch<{ hits: Array<{ docId: string }> }>({
      q: '',
      filter: `(${filter}) AND ${eqAny('docId', docIds)} AND position = 0`,
      limit: docIds.length,
      attributesToRetrieve: ['docId'],
    });
    return new Set(raw.hits.map((h) => h.docId));
  }

  /** The passages at these places, by id. */
  async #passages(places: ReadonlyArray<{ docId: string; position: number }>): Promise<Map<string, RawHit>> {
    if (places.length === 0) return new Map();
    const raw = await this.#meiliSearch<RawSearchResponse>({
      q: '',
      filter: places.map((x) => `(${eqAny('docId', [x.docId])} AND position = ${quote(x.position)})`).join(' OR '),
      limit: places.length,
      attributesToRetrieve: RETRIEVED_FIELDS,
    });
    return new Map(raw.hits.map((h) => [h.id, h]));
  }

  /** The clean document with its passages in order, or null when no passage has this docId. */
  async document(docId: string): Promise<DocumentView | null> {
    const raw = await this.#meiliSearch<RawSearchResponse & { hits: Array<RawHit & { lang: string | null }> }>({
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
    const raw = await this.#meiliSearch<{ hits: Array<{ docId: string; title: string | null; heading: string | null }> }>({
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
    const raw = await this.#meiliSearch<RawSearchResponse>({ q: '', limit: 0 });
    return raw.totalHits ?? raw.estimatedTotalHits ?? 0;
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}
