import { httpUrl, type Provenance } from '../ingest/provenance.js';
import { passageId, type DocumentDetails } from '../ingest/records.js';
import { findPassage, permalink } from '../ingest/selectors.js';
import { MeiliSearchClient, type PartialAnswer, type SearchTarget } from '../meili/client.js';
import { eqAny, quote } from '../meili/filter.js';
import { meiliCodeOf, termsIndexOf } from '../meili/indexes.js';
import { BASE_SETTINGS } from '../meili/settings.js';
import type { KnownDocument } from '../terms/blocks.js';
import { hasPostings } from '../terms/postings.js';
import { blocksLookup, documentsHolding, postingLists, rarityLookup, readDocuments, readTerms, termsLookup, type ReadLimits, type TermsRead } from '../terms/read.js';
import { documentCountsId, type DocumentCountsRecord, type TermRecord } from '../terms/schema.js';
import { idf, type CorpusStats } from '../text/bm25.js';
import { stemmerFor } from '../text/stem.js';
import { countTermsIn, decodeTermCounts, termCountsLength, type DocumentTermCounts } from '../text/term-counts.js';
import { wordSpans } from '../text/words.js';
import type { DocumentView, ResolvedPassage, SearchResponse, Suggestion } from './api-schema.js';
import { analyzeQuery, candidateQuery, LONG_QUERY_TERMS, QUERY_TERMS_MAX, rarestTerms, type AnalyzedQuery } from './analyze.js';
import { queryLanguage, type LanguageCounts } from './query-language.js';
import { INDEX_MATCH_SETTINGS, queryMatcher, type MatchSettings } from './highlight.js';
import { LIMIT_MAX, OFFSET_MAX, type SearchParams } from './params.js';
import { buildFilter, buildSearchRequest, CROP_WORDS, FACETS, QUESTION_MATCHING_STRATEGY, RETRIEVED_FIELDS } from './query.js';
import { KeptRanking } from './kept-ranking.js';
import { RankedCache } from './ranked-cache.js';
import { bestPassageOf, bestPerDocument, countedPassages, documentCounts, rankPassages, settledTop, termCountsOfText, UNPLACED, type CountedPassage, type RankedPassage } from './rerank.js';
import { fileLink, passageLink, placeOf, quoteLink, selectorsOf, shapeResponse, type RawHit, type RawSearchResponse } from './shape.js';
import { cropAndHighlight, cropToMatches } from './snippet.js';
import { pickSuggestions, SUGGEST_CANDIDATES, SUGGEST_LIMIT } from './suggest.js';

/** A document is at most this many passages (a 20 MB text at ~100 words a passage is far fewer). */
const DOCUMENT_MAX_PASSAGES = 1_000;

/**
 * Meilisearch's own hits for a sentence-like query that join the postings' passages (its best, which
 * may hold what postings miss: typos, prefixes); and all the candidates when phrases or exclusions
 * restrict them.
 */
const MEILI_CANDIDATES = 20;
/**
 * Hits asked for to settle MEILI_CANDIDATES (settledTop): twice as many, so that a group of equal
 * scores at the twentieth is known whole unless it runs past the fortieth.
 */
const MEILI_CANDIDATES_ASKED = 2 * MEILI_CANDIDATES;
/** The candidates of a question that phrases or exclusions restrict to Meilisearch's hits, settled in the same way. */
const RESTRICTED_CANDIDATES = 200;
const RESTRICTED_CANDIDATES_ASKED = 2 * RESTRICTED_CANDIDATES;
/**
 * How long the index's languages (its `lang` facet) are trusted before they are read again: a new
 * language appears only with an indexing job, and one read a minute costs nothing a search feels.
 */
const LANGUAGES_TTL_MS = 60_000;

/**
 * Documents a question's ranking holds exactly when its reading completes: the k of the stop rule
 * (src/terms/blocks.ts). No document that full BM25 puts among its best 100 is then left out, and
 * the best 100 are scored exactly; 100 is the depth candidate recall is measured at, ten pages of ten.
 */
const CANDIDATE_DEPTH = 100;

/** What a question may read to find its best documents (see readDocuments). */
export type QuestionReadLimits = Omit<ReadLimits, 'depth'>;

/**
 * The bounds on a question's reading, whatever the collection's size:
 * - maxBlocks: blocks of postings beyond the terms' first. A block is about 4 KB and 200 documents;
 *   64 bound the reading at about 256 KB and 12,800 documents a node (bench:postings measures
 *   candidate recall against 16 and 32: it falls with them, see the README).
 * - maxRounds: requests for them. Each is a round trip that the question waits for, so the blocks
 *   go out two rounds at most (the second planned with what the first found).
 * - maxCounted: documents counted in one request (from their stored counts, see #countsOf): the
 *   CANDIDATE_DEPTH that could score most, first, and those still uncertain at the end.
 * - next: documents met beyond the CANDIDATE_DEPTH best that the ranking lists by what their
 *   postings say (see rankPassages), as far as paging reaches: without them, the list past the
 *   best held only documents met among the candidate passages, on Reuters-21578 (17,091 stories)
 *   two in five of those full BM25 ranks from 101st to 1,000th.
 * A question that reaches one is answered from what was read, and says so (`incomplete`); what it
 * read depends only on the whole lists, so one node and several still give the same answer.
 */
export const QUESTION_READ_LIMITS: QuestionReadLimits = { maxBlocks: 64, maxRounds: 2, maxCounted: CANDIDATE_DEPTH, next: OFFSET_MAX + LIMIT_MAX };
/**
 * Passages read to count documents from their text, for documents indexed before their counts were
 * stored: their text is about 1 KB each, so 1,000 bound the read at about 1 MB.
 */
const RESOLVE_PASSAGES_MAX = 1_000;
/**
 * Reads side by side that a count from passages' text is split into. Meilisearch answers each
 * search on one thread, and a read costs it about 45 µs a passage it returns (on the 1.19M-passage
 * index, whatever the record's size): split in two, its threads share the work while the question
 * waits. Counts records cost it a fraction of that, and are read in one request.
 */
const TEXT_COUNT_READS = 2;
/** What a count reads of a document's counts record: its counts and its length. */
const DOCUMENT_COUNT_FIELDS = ['docId', 'docTokens', 'termCounts'] as const;
/**
 * What a count reads of each passage when a document has no stored counts: what termCountsOfText
 * reads, no more.
 */
const COUNTED_FIELDS = ['id', 'docId', 'position', 'title', 'heading', 'text', 'lang', 'docTokens'] as const;
/** A passage as a count reads it (COUNTED_FIELDS). */
type TextPassage = Pick<RawHit, 'id' | 'docId' | 'position' | 'title' | 'heading' | 'text' | 'lang'> & { docTokens?: number };
/**
 * What a count knows of a document: the counts of the query's counted terms (those with postings)
 * over the whole document and its length, as documentCounts gives them; and each part's counts of
 * the query terms, decoded only when its passages join the ranking (#passagesOfBest).
 */
interface DocumentCounted {
  /** The query terms' counts over the whole document, found when first asked (a document read alongside a count is never asked). */
  total: () => { counts: Map<string, number>; length: number };
  parts: () => DocumentTermCounts | null;
}

interface RankedList extends PartialAnswer {
  hits: Array<RankedPassage<RawHit>>;
  facets: Record<string, Record<string, number>>;
  /** Hits the answer reports: all the candidates, or those found to pass its filter. */
  total: number;
  /** What Meilisearch was asked for the candidates (with QUESTION_MATCHING_STRATEGY). */
  candidateQuery: string;
  /** The query terms' statistics it was ranked with: a page shows a document listed UNPLACED through its best passage by them. */
  stats: CorpusStats;
  /** Set when the ranking stopped at a bound on its work (see QUESTION_READ_LIMITS, RESOLVE_PASSAGES_MAX). */
  incomplete?: { reason: string };
}

/** A question's documents, read block by block (see src/terms/blocks.ts). */
interface BlockedRead {
  /**
   * The CANDIDATE_DEPTH best documents with what is known of them, and the least of their scores:
   * exact when the reading completed, the same whichever way nodes split the lists.
   */
  best: { exact: Map<string, KnownDocument>; ceiling: number; next: ReadonlyArray<{ docId: string; lower: number }> };
  /** Documents read to be counted, whose passages join the candidates for documents that had none. */
  documents: Map<string, DocumentCounted>;
  /** The documents of the terms' best passages (documentsWithPostedPassage). */
  withPostedPassage: ReadonlySet<string>;
  incomplete?: { reason: string };
}

/** Ranked entries a reader can reach by paging: a list is kept no deeper. */
const PAGING_REACH = OFFSET_MAX + LIMIT_MAX;
/**
 * Documents asked about in one filter check: half of Meilisearch's maxTotalHits, so that every one
 * of them can come back.
 */
const FILTER_CHUNK_DOCS = BASE_SETTINGS.pagination.maxTotalHits / 2;

/** A ranked list as the cache keeps it (see KeptRanking). */
type KeptList = Omit<RankedList, 'hits'> & { hits: KeptRanking<RawHit> };

/** A ranked list kept, and what it takes of the cache's memory (see RankedCache). */
function kept(list: RankedList): { list: KeptList; bytes: number } {
  const hits = new KeptRanking(list.hits);
  return { list: { ...list, hits }, bytes: hits.bytes((h) => h.text.length + (h.title?.length ?? 0)) };
}

/** The documents of the terms' best passages: they rank through those, with no read of their own. */
function documentsWithPostedPassage(terms: readonly string[], read: TermsRead): Set<string> {
  const docs = new Set<string>();
  for (const t of terms) for (const p of read.lists.get(t)?.passages ?? []) docs.add(p[0]);
  return docs;
}

/** Where a document's original file lies, and what the index knows of it, for serving it. */
export interface DocumentFile {
  docId: string;
  file: string;
  format: string | null;
  encoding: string | null;
  partOf: string | null;
  docHash: string;
  path: string;
  rootPath: string;
}

/**
 * The API's search logic: keyword searches answered by Meilisearch with snippets cut here,
 * sentence-like queries ranked here over the terms index, documents, suggestions.
 */
export class SearchBackend {
  #meili: MeiliSearchClient;
  #matching: MatchSettings;
  #ranked = new RankedCache<KeptList>();
  #longQueryTerms: number;
  #readLimits: QuestionReadLimits;

  /**
   * @param options.synonyms the synonyms the index was built with (see loadSynonyms): snippets mark
   *   what they find, as Meilisearch does.
   * @param options.longQueryTerms content words past which BM25 ranks a query (LONG_QUERY_TERMS;
   *   bench:relevance varies it to measure the threshold).
   * @param options.readLimits what a question may read of its postings (QUESTION_READ_LIMITS;
   *   bench:relevance varies them to measure what they cost in candidate recall).
   */
  constructor(target: () => SearchTarget, options: { synonyms: MatchSettings['synonyms']; longQueryTerms?: number; readLimits?: Partial<QuestionReadLimits> }) {
    this.#meili = new MeiliSearchClient(target);
    this.#matching = { ...INDEX_MATCH_SETTINGS, synonyms: options.synonyms };
    this.#longQueryTerms = options.longQueryTerms ?? LONG_QUERY_TERMS;
    this.#readLimits = { ...QUESTION_READ_LIMITS, ...options.readLimits };
  }

  #languages: { index: string; at: number; counts: Promise<LanguageCounts> } | null = null;

  /** Passages per language in the index, read at most once a LANGUAGES_TTL_MS. */
  #indexLanguages(): Promise<LanguageCounts> {
    const index = this.#meili.index;
    const cached = this.#languages;
    if (cached && cached.index === index && Date.now() - cached.at < LANGUAGES_TTL_MS) return cached.counts;
    const counts = this.#meili
      .search<{ facetDistribution?: { lang?: Record<string, number> } }>({ q: '', limit: 0, facets: ['lang'] })
      .then((raw) => raw.facetDistribution?.lang ?? {});
    this.#languages = { index, at: Date.now(), counts };
    // A failed read is not kept: the next search asks again.
    counts.catch(() => {
      if (this.#languages?.counts === counts) this.#languages = null;
    });
    return counts;
  }

  async search(p: SearchParams): Promise<SearchResponse> {
    const started = performance.now();
    const lang = queryLanguage(p.q, await this.#indexLanguages()) ?? 'en';
    const analyzed = await this.#withinTermsMax(analyzeQuery(p.q, lang));
    if (analyzed.terms.length > this.#longQueryTerms) {
      const ranked = await this.#rankedSearch(p, analyzed, lang, started);
      if (ranked) return ranked;
    }
    // The snippets are cut and marked here unless the query needs Meilisearch's own word segmentation.
    const matcher = queryMatcher(p.q, this.#matching);
    const raw = await this.#meili.search<RawSearchResponse>(buildSearchRequest(p, { highlight: matcher === null }));
    if (matcher) {
      for (const h of raw.hits) {
        const words = wordSpans(h.text);
        h._formatted = { text: cropToMatches(h.text, matcher.find(h.text, words), CROP_WORDS, words) };
      }
    }
    return shapeResponse(p, raw, Math.round(performance.now() - started));
  }

  /** The query with at most QUERY_TERMS_MAX terms: its rarest, as the terms index counts them (rarestTerms). */
  async #withinTermsMax(a: AnalyzedQuery): Promise<AnalyzedQuery> {
    if (a.terms.length <= QUERY_TERMS_MAX) return a;
    let raw: { hits: Array<Pick<TermRecord, 'term' | 'df' | 'ddf'>> };
    try {
      raw = await this.#meili.searchNow(rarityLookup(a.terms), termsIndexOf(this.#meili.index), { limitPerNode: true });
    } catch (err) {
      // No terms index: the query is not ranked with BM25 anyway (see #termsOf).
      if (meiliCodeOf(err) === 'index_not_found') return rarestTerms(a);
      throw err;
    }
    const holding = documentsHolding(raw.hits);
    return rarestTerms(a, (term) => holding.get(term));
  }

  /**
   * Corpus statistics and postings of the terms, or null when the index has none (no terms index,
   * empty, or built before postings existed: its next indexing job recounts them).
   */
  async #termsOf(terms: readonly string[]): Promise<(TermsRead & PartialAnswer) | null> {
    let raw: { hits: TermRecord[] };
    try {
      // Over several nodes every node's records of these terms are wanted, to be added up.
      raw = await this.#meili.searchNow(termsLookup(terms), termsIndexOf(this.#meili.index), { limitPerNode: true });
    } catch (err) {
      if (meiliCodeOf(err) === 'index_not_found') return null;
      throw err;
    }
    const read = readTerms(raw.hits, { oneNode: this.#meili.oneNode, maxBlocks: this.#readLimits.maxBlocks });
    return read && (raw as PartialAnswer).partial ? { ...read, partial: (raw as PartialAnswer).partial } : read;
  }
  /**
   * Sentence-like queries, ranked with BM25 over the terms' postings and Meilisearch's own hits
   * (see rankPassages); the page shown is then read from Meilisearch. Null when the index has no
   * postings yet. Filters restrict the ranking without changing it: a filtered question's list is
   * the unfiltered list with the documents that fail the filter left out.
   */
  async #rankedSearch(p: SearchParams, a: AnalyzedQuery, lang: string, started: number): Promise<SearchResponse | null> {
    const filter = buildFilter(p);
    // Phrases and exclusions are Meilisearch's to apply: only its hits may then be candidates.
    const restricted = a.phrases.length > 0 || a.negated.length > 0;
    // With no filter, grouping or restriction the answer is the unfiltered ranking itself, kept once.
    const plain = !filter && !restricted && p.group !== 'document';
    const key = plain ? this.#unfilteredKey(p.q, lang) : JSON.stringify([this.#meili.index, p.q, p.sources, p.publishers, p.years, p.from, p.to, p.group]);
    let list = this.#ranked.get(key);
    if (!list && plain) {
      const unfiltered = await this.#unfilteredRanking(p.q, a, lang);
      if (!unfiltered) return null;
      list = unfiltered.kept;
    }
    if (!list) {
      const base = restricted ? await this.#restrictedRanking(a, filter) : (await this.#unfilteredRanking(p.q, a, lang))?.list;
      if (!base) return null;
      let hits = p.group === 'document' ? bestPerDocument(base.hits) : base.hits;
      let { facets, total } = base;
      if (filter && !restricted) {
        const [allowed, facetsRaw] = await Promise.all([
          this.#passingFilter(hits, filter),
          this.#meili.search<RawSearchResponse>({ q: base.candidateQuery, limit: 0, facets: FACETS, matchingStrategy: QUESTION_MATCHING_STRATEGY, filter }),
        ]);
        hits = allowed.hits;
        total = allowed.total;
        facets = facetsRaw.facetDistribution ?? {};
      } else if (p.group === 'document') {
        total = hits.length;
      }
      const keeping = kept({
        hits: hits.slice(0, PAGING_REACH),
        facets,
        total,
        candidateQuery: base.candidateQuery,
        stats: base.stats,
        ...(base.partial ? { partial: base.partial } : {}),
        ...(base.incomplete ? { incomplete: base.incomplete } : {}),
      });
      list = keeping.list;
      this.#ranked.set(key, list, keeping.bytes);
    }
    const page = list.hits.slice(p.offset, p.offset + p.limit);
    const [read, placed] = await Promise.all([
      this.#passages(page.filter((r) => !r.hit && r.position !== UNPLACED)),
      this.#placed(page.flatMap((r) => (r.position === UNPLACED ? [r.docId] : [])), a.terms, list.stats),
    ]);
    const marked = new Set(a.terms);
    // The page in the shape Meilisearch would have answered: our own crop and marks, and the
    // combined score in place of Meilisearch's. A passage gone since the ranking is left out.
    const hits = page.flatMap((r) => {
      const h = r.hit ?? (r.position === UNPLACED ? placed.get(r.docId) : read.get(r.id));
      return h ? [{ ...h, _formatted: { text: cropAndHighlight(h.text, marked, CROP_WORDS, stemmerFor(h.lang)) }, _rankingScore: r.score }] : [];
    });
    const raw = { hits, totalHits: list.total, processingTimeMs: 0, facetDistribution: list.facets, ...(list.partial ? { partial: list.partial } : {}) };
    const response = shapeResponse(p, raw, Math.round(performance.now() - started));
    return list.incomplete ? { ...response, incomplete: list.incomplete } : response;
  }

  /**
   * The ranking of a question over the whole index: the terms' postings and Meilisearch's best
   * hits, ranked together. Kept whole (filters cut it further), under its own key, so that
   * filtering or grouping an answer already ranked costs no second ranking; returned with the list
   * as kept, which is itself the answer to the question with no filter or grouping.
   */
  async #unfilteredRanking(q: string, a: AnalyzedQuery, lang: string): Promise<{ list: RankedList; kept: KeptList } | null> {
    const key = this.#unfilteredKey(q, lang);
    const cached = this.#ranked.get(key);
    if (cached) return { list: { ...cached, hits: cached.hits.slice() }, kept: cached };
    const terms = await this.#termsOf(a.terms);
    if (!terms) return null;
    const query = candidateQuery(a, (term) => idf(term, terms.stats), (term) => terms.stats.df.has(term));
    // Meilisearch's candidates are needed only once the documents are read, but its search is the
    // longest read a question makes: it goes out now, and runs while the blocks are read and
    // planned. (Sent after the first round of blocks instead, it ended later: at 1.19M passages,
    // bench:api's questions at concurrency 1 took 4 ms more at the median.)
    const asked = this.#meili.searchNow<RawSearchResponse>({
      q: query,
      limit: MEILI_CANDIDATES_ASKED,
      facets: FACETS,
      matchingStrategy: QUESTION_MATCHING_STRATEGY,
      attributesToRetrieve: RETRIEVED_FIELDS,
      showRankingScore: true,
    });
    // Awaited only once the reading is done; a failure is thrown then, not lost meanwhile.
    asked.catch(() => {});
    const blocked = await this.#readBlocks(a.terms, terms);
    const found = await asked;
    const candidates = settledTop(found.hits, MEILI_CANDIDATES, MEILI_CANDIDATES_ASKED);
    const joining = await this.#passagesOfBest(a.terms, blocked, candidates);
    // Passages counted from their documents' stored counts carry no hit: the page reads those it shows.
    const hits = rankPassages(a.terms, terms.stats, terms.lists, candidates, true, blocked.best, joining);
    // A node missing from either read leaves the ranking without its passages.
    const partial = found.partial ?? terms.partial;
    const list = {
      hits,
      facets: found.facetDistribution ?? {},
      total: hits.length,
      candidateQuery: query,
      stats: terms.stats,
      ...(partial ? { partial } : {}),
      ...(blocked.incomplete ? { incomplete: blocked.incomplete } : {}),
    };
    const keeping = kept(list);
    this.#ranked.set(key, keeping.list, keeping.bytes);
    return { list, kept: keeping.list };
  }

  /** Where the cache keeps a question's unfiltered ranking. */
  #unfilteredKey(q: string, lang: string): string {
    return JSON.stringify([this.#meili.index, q, lang, 'unfiltered']);
  }

  /**
   * A question's CANDIDATE_DEPTH best documents (readDocuments): further blocks of its terms'
   * postings, and documents counted from their stored counts, within QUESTION_READ_LIMITS.
   */
  async #readBlocks(terms: readonly string[], read: TermsRead): Promise<BlockedRead> {
    const termsIndex = termsIndexOf(this.#meili.index);
    const documents = new Map<string, DocumentCounted>();
    const withPostedPassage = documentsWithPostedPassage(terms, read);
    let cut = false;
    const io = {
      blocks: async (reads: Array<{ term: string; block: number }>) => {
        const { hits } = await this.#meili.searchNow<{ hits: TermRecord[] }>(blocksLookup(reads), termsIndex, { limitPerNode: true });
        return hits;
      },
      // The last count also reads the best documents known then: the ranking needs their passages
      // when they have none among its candidates (#passagesOfBest), and read now they cost no
      // round trip of their own. They are not counted: what is counted is readDocuments' choice.
      count: async (docIds: readonly string[], alongside: readonly string[] = []) => {
        const asked = alongside.length > 0 ? new Set(docIds) : null;
        const more = asked ? alongside.filter((d) => !asked.has(d) && !documents.has(d) && !withPostedPassage.has(d)) : [];
        const found = await this.#countsOf(terms, more.length > 0 ? [...docIds, ...more] : docIds);
        for (const [docId, d] of found.documents) documents.set(docId, d);
        cut ||= found.cut;
        // A document whose read was cut short is left out (readDocuments notes the count as capped).
        const counted = new Map<string, { counts: Map<string, number>; length: number }>();
        for (const docId of docIds) {
          const d = found.documents.get(docId);
          if (d) counted.set(docId, d.total());
        }
        return counted;
      },
    };
    const limits = { depth: CANDIDATE_DEPTH, ...this.#readLimits };
    const got = await readDocuments(terms, read, io, limits);
    const best = {
      exact: new Map(got.best.map((b) => [b.docId, b.document])),
      // Fewer than CANDIDATE_DEPTH: every document with a score is among them, none is held under.
      ceiling: got.best.length < CANDIDATE_DEPTH ? Infinity : got.best[got.best.length - 1]!.lower,
      next: got.next,
    };
    const blocked: BlockedRead = { best, documents, withPostedPassage };
    if (got.capped === 'blocks') blocked.incomplete = { reason: `the ranking read ${got.blocksRead} blocks of postings beyond the first in ${got.rounds} rounds, its bound: documents further down the terms' lists may be missing, or scored from part of their counts` };
    if (got.capped === 'counted') {
      blocked.incomplete = {
        reason: cut
          ? `the ranking counted documents indexed without their stored counts from at most ${RESOLVE_PASSAGES_MAX / TEXT_COUNT_READS} passages a read, its bound: some are scored from part of their counts`
          : 'the ranking could not read some documents it counted: they are scored from part of their counts',
      };
    }
    return blocked;
  }

  /**
   * The query terms' counts in these documents, from their counts records in the terms index (one
   * record each, see DocumentCountsRecord), in one read; a document without one (indexed before
   * they existed, or too long to store) is counted from the text of its passages. `cut`: some
   * document's passages were more than a read returns, and it is left out. A question asks about
   * at most maxCounted and CANDIDATE_DEPTH documents at a time, far below Meilisearch's maxTotalHits.
   */
  async #countsOf(terms: readonly string[], docIds: readonly string[]): Promise<{ documents: Map<string, DocumentCounted>; cut: boolean }> {
    const documents = new Map<string, DocumentCounted>();
    if (docIds.length === 0) return { documents, cut: false };
    const read = await this.#meili.searchNow<{ hits: Array<Partial<DocumentCountsRecord>> }>(
      { q: '', filter: eqAny('id', docIds.map(documentCountsId)), limit: docIds.length, attributesToRetrieve: DOCUMENT_COUNT_FIELDS },
      termsIndexOf(this.#meili.index),
    );
    const counting = terms.filter(hasPostings);
    for (const h of read.hits) {
      const encoded = h.termCounts;
      const length = termCountsLength(encoded);
      if (length === null || !h.docId) continue;
      let total: { counts: Map<string, number>; length: number } | null = null;
      documents.set(h.docId, {
        total: () => (total ??= { counts: countTermsIn(encoded as string, counting), length: h.docTokens ?? length }),
        parts: () => decodeTermCounts(encoded, terms),
      });
    }
    const unstored = docIds.filter((d) => !documents.has(d));
    if (unstored.length === 0) return { documents, cut: false };
    const text = await this.#passagesOf(unstored);
    const docTokens = new Map(text.whole.map((p) => [p.docId, p.docTokens]));
    for (const [docId, counts] of termCountsOfText(terms, text.whole)) {
      const total = documentCounts(counts, docTokens.get(docId), counting);
      documents.set(docId, { total: () => total, parts: () => counts });
    }
    return { documents, cut: text.whole.length < text.passages.length };
  }

  /**
   * Every passage of these documents, in TEXT_COUNT_READS reads side by side of at most
   * RESOLVE_PASSAGES_MAX / TEXT_COUNT_READS each (best documents first, as given); `whole`: the passages
   * of the documents whose read left none out.
   */
  async #passagesOf(docIds: readonly string[]): Promise<{ passages: TextPassage[]; whole: TextPassage[] }> {
    if (docIds.length === 0) return { passages: [], whole: [] };
    const size = Math.ceil(docIds.length / TEXT_COUNT_READS);
    const limit = RESOLVE_PASSAGES_MAX / TEXT_COUNT_READS;
    const reads = await Promise.all(
      Array.from({ length: Math.ceil(docIds.length / size) }, (_, i) =>
        this.#meili.searchNow<{ hits: TextPassage[] }>({
          q: '',
          filter: eqAny('docId', docIds.slice(i * size, (i + 1) * size)),
          limit,
          attributesToRetrieve: COUNTED_FIELDS,
        }),
      ),
    );
    return { passages: reads.flatMap((r) => r.hits), whole: reads.flatMap((r) => (r.hits.length < limit ? r.hits : [])) };
  }

  /**
   * The passages of the CANDIDATE_DEPTH best documents that have none among the candidates (the
   * terms' best passages and Meilisearch's hits), counted from their documents' stored counts (read
   * if not yet), to join the candidates: a document ranks through its passages.
   */
  async #passagesOfBest(terms: readonly string[], blocked: BlockedRead, hits: readonly RawHit[]): Promise<CountedPassage[]> {
    const inHits = new Set(hits.map((h) => h.docId));
    const best = [...blocked.best.exact.keys()].filter((docId) => !inHits.has(docId) && !blocked.withPostedPassage.has(docId));
    const more = await this.#countsOf(terms, best.filter((d) => !blocked.documents.has(d)));
    return best.flatMap((docId) => {
      const parts = (blocked.documents.get(docId) ?? more.documents.get(docId))?.parts();
      return parts ? countedPassages(docId, parts) : [];
    });
  }

  /** A question with phrases or exclusions: Meilisearch's hits (within the filter) are the candidates. */
  async #restrictedRanking(a: AnalyzedQuery, filter: string | undefined): Promise<RankedList | null> {
    const terms = await this.#termsOf(a.terms);
    if (!terms) return null;
    const query = candidateQuery(a, (term) => idf(term, terms.stats), (term) => terms.stats.df.has(term));
    const found = await this.#meili.searchNow<RawSearchResponse>({
      q: query,
      limit: RESTRICTED_CANDIDATES_ASKED,
      facets: FACETS,
      matchingStrategy: QUESTION_MATCHING_STRATEGY,
      attributesToRetrieve: RETRIEVED_FIELDS,
      showRankingScore: true,
      ...(filter ? { filter } : {}),
    });
    // Which of a group of equal scores at the edge come back depends on the nodes: settled, the
    // candidates are the same on one node and on several (unless one group of ties fills the whole answer).
    const candidates = settledTop(found.hits, RESTRICTED_CANDIDATES, RESTRICTED_CANDIDATES_ASKED, { fill: true });
    const hits = rankPassages(a.terms, terms.stats, postingLists(terms), candidates, false);
    const partial = found.partial ?? terms.partial;
    return { hits, facets: found.facetDistribution ?? {}, total: hits.length, candidateQuery: query, stats: terms.stats, ...(partial ? { partial } : {}) };
  }

  /**
   * The ranked passages whose documents pass a filter (the API's filters are all per document), in
   * order, as far as paging reaches. Documents are asked about in ranked order, a chunk at a time:
   * a chunk never asks for more hits than Meilisearch returns (maxTotalHits), so none is dropped.
   */
  async #passingFilter<T extends { docId: string }>(ranked: readonly T[], filter: string): Promise<{ hits: T[]; total: number }> {
    const docIds = [...new Set(ranked.map((r) => r.docId))];
    const passing = new Set<string>();
    const out: T[] = [];
    let next = 0;
    for (let i = 0; i < docIds.length && out.length < PAGING_REACH; i += FILTER_CHUNK_DOCS) {
      const chunk = docIds.slice(i, i + FILTER_CHUNK_DOCS);
      const raw = await this.#meili.search<{ hits: Array<{ docId: string }> }>({
        q: '',
        filter: `(${filter}) AND ${eqAny('docId', chunk)} AND position = 0`,
        limit: chunk.length,
        attributesToRetrieve: ['docId'],
      });
      for (const h of raw.hits) passing.add(h.docId);
      // Passages of the documents decided so far, in ranked order.
      const decided = new Set(docIds.slice(0, i + chunk.length));
      for (; next < ranked.length && decided.has(ranked[next]!.docId); next++) {
        if (passing.has(ranked[next]!.docId)) out.push(ranked[next]!);
      }
    }
    return { hits: out, total: out.length };
  }

  /**
   * The passage to show, by document, for documents listed without one (UNPLACED): the passage
   * that scores best by passage-level BM25, from the documents' stored counts, as the ranking scores
   * passages; the first passage of one that could not be counted.
   */
  async #placed(docIds: readonly string[], terms: readonly string[], stats: CorpusStats): Promise<Map<string, RawHit>> {
    if (docIds.length === 0) return new Map();
    const counted = await this.#countsOf(terms, docIds);
    const places = docIds.map((docId) => {
      const parts = counted.documents.get(docId)?.parts();
      return { docId, position: (parts && bestPassageOf(terms, stats, countedPassages(docId, parts))?.position) ?? 0 };
    });
    const read = await this.#passages(places);
    return new Map(places.flatMap((p) => {
      const hit = read.get(passageId(p.docId, p.position));
      return hit ? [[p.docId, hit] as const] : [];
    }));
  }

  /** The passages at these places, by id. */
  async #passages(places: ReadonlyArray<{ docId: string; position: number }>): Promise<Map<string, RawHit>> {
    if (places.length === 0) return new Map();
    const raw = await this.#meili.search<RawSearchResponse>({
      q: '',
      filter: places.map((x) => `(${eqAny('docId', [x.docId])} AND position = ${quote(x.position)})`).join(' OR '),
      limit: places.length,
      attributesToRetrieve: RETRIEVED_FIELDS,
    });
    return new Map(raw.hits.map((h) => [h.id, h]));
  }

  /** The clean document with its passages in order, or null when no passage has this docId. */
  async document(docId: string): Promise<DocumentView | null> {
    const raw = await this.#meili.search<RawSearchResponse & { hits: Array<RawHit & { lang: string | null; encoding?: string | null; details?: DocumentDetails }> }>({
      q: '',
      filter: eqAny('docId', [docId]),
      sort: ['position:asc'],
      limit: DOCUMENT_MAX_PASSAGES,
      attributesToRetrieve: [
        'docId', 'file', 'title', 'heading', 'text', 'position', 'start', 'end', 'author', 'date', 'publisher', 'url', 'lang', 'fragment',
        'hash', 'prefix', 'suffix', 'details', 'format', 'partOf', 'encoding', 'page', 'pageEnd', 'pageLabel', 'pageEndLabel', 'pageBreaks',
      ],
    });
    const first = raw.hits[0];
    if (!first) return null;
    const details = first.details;
    const url = httpUrl(first.url);
    return {
      docId: first.docId,
      file: first.file,
      title: first.title,
      author: first.author,
      date: first.date,
      publisher: first.publisher,
      url,
      lang: first.lang,
      format: first.format ?? null,
      partOf: first.partOf ?? null,
      encoding: first.encoding ?? null,
      original: fileLink(first.docId),
      // Evidence for a URL that is not served is not served either.
      provenance: url === null ? withoutUrl(details?.provenance ?? {}) : (details?.provenance ?? {}),
      retention: details?.retention ?? null,
      removed: details?.removed ?? [],
      removedOmitted: details?.removedOmitted ?? 0,
      passages: raw.hits.map((h) => ({
        ...placeOf(h),
        text: h.text,
        link: passageLink(h.docId, h.position),
        quote: quoteLink(h.url, h.fragment),
        selector: selectorsOf(h),
        permalink: h.hash ? permalink(h.docId, h.hash, h.text) : null,
        hash: h.hash ?? null,
      })),
    };
  }

  /**
   * The passage a permalink names, where it is now: by content hash, else by the quote the permalink
   * carries. Null when the document is gone; `gone` when the document no longer holds the passage.
   */
  async resolvePassage(docId: string, hash: string, quote: { start?: string; end?: string }): Promise<ResolvedPassage | 'gone' | null> {
    const doc = await this.document(docId);
    if (!doc) return null;
    const found = findPassage(doc.passages.map((p) => ({ ...p, hash: p.hash ?? '' })), hash, quote);
    if (!found) return 'gone';
    const { hash: _, ...passage } = found.passage;
    return { match: found.match, docId, title: doc.title, passage };
  }

  /** Where the original file of a document lies, or null for an unknown document or one indexed without its path. */
  async documentFile(docId: string): Promise<DocumentFile | null> {
    const raw = await this.#meili.search<{ hits: Array<Partial<DocumentFile>> }>({
      q: '',
      filter: `${eqAny('docId', [docId])} AND position = 0`,
      limit: 1,
      attributesToRetrieve: ['docId', 'file', 'format', 'encoding', 'partOf', 'docHash', 'path', 'rootPath'],
    });
    const h = raw.hits[0];
    if (!h?.path || !h.rootPath || !h.docId || !h.file || !h.docHash) return null;
    return { docId: h.docId, file: h.file, format: h.format ?? null, encoding: h.encoding ?? null, partOf: h.partOf ?? null, docHash: h.docHash, path: h.path, rootPath: h.rootPath };
  }

  /** Titles and headings that complete what has been typed; prefix search makes this cheap. */
  async suggest(q: string, limit = SUGGEST_LIMIT): Promise<Suggestion[]> {
    const raw = await this.#meili.search<{ hits: Array<{ docId: string; title: string | null; heading: string | null }> }>({
      q,
      limit: SUGGEST_CANDIDATES,
      attributesToSearchOn: ['title', 'heading'],
      attributesToRetrieve: ['docId', 'title', 'heading'],
      matchingStrategy: 'all',
    });
    return pickSuggestions(q, raw.hits, limit);
  }

  /** Passages in the index, or an error when Meilisearch does not answer. */
  async passageCount(): Promise<number> {
    const raw = await this.#meili.search<RawSearchResponse>({ q: '', limit: 0 });
    return raw.totalHits ?? raw.estimatedTotalHits ?? 0;
  }

  async close(): Promise<void> {
    await this.#meili.close();
  }
}

function withoutUrl(p: Provenance): Provenance {
  const { url: _, ...rest } = p;
  return rest;
}
