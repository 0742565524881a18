import { createHash, randomBytes } from 'node:crypto';
import { Feed } from 'feed';
import { z } from 'zod';
import { InvalidParameterError } from '../errors.js';
import { parseParams, parseSearchParams, searchFields, type SearchParams } from '../search/params.js';
import { passageLink } from '../search/shape.js';

/**
 * Saved searches and their alerts, as plain data. A saved search remembers which passages it has
 * already matched (by id and text hash); after each indexing job, the passages it matches that it
 * had not seen are its new matches, which the page shows and its Atom feed publishes.
 */

/** Matches a saved search looks at after each job: its best this many. */
export const ALERT_WINDOW = 1_000;
/**
 * Passages a saved search remembers having matched. Twice the window, so that passages that drift
 * in and out of the window are not announced again; the oldest are forgotten first.
 */
export const SEEN_MAX = 2 * ALERT_WINDOW;
/** Entries an Atom feed holds: the newest matches over the last jobs. */
export const FEED_ENTRIES = 50;
/** New matches kept per job for the page (the count says how many there were). */
export const NEW_MATCHES_KEPT = 50;
/** Characters of a passage kept in a feed entry. */
const EXCERPT_CHARS = 400;
export const SAVED_NAME_MAX = 100;
/** Saved searches in one collection at most: each is searched after every indexing job. */
export const SAVED_MAX = 200;

/** The filters of a saved search: those of the search API, without paging. */
export type SavedFilters = Pick<SearchParams, 'sources' | 'publishers' | 'years' | 'from' | 'to'>;

const nullableString = z.string().nullable();
const dateTime = z.string().meta({ format: 'date-time' });

/** A passage a saved search matched, with what the page and the feed show of it. */
export const matchRefSchema = z.strictObject({
  id: z.string(),
  docId: z.string(),
  position: z.int(),
  title: nullableString,
  publisher: nullableString,
  date: nullableString,
  url: nullableString,
  excerpt: z.string(),
  foundAt: dateTime.meta({ description: 'When the indexing job that found it ended.' }),
});
export type MatchRef = z.infer<typeof matchRefSchema>;

/** What the list of saved searches shows of each: no seen set, no feed history. */
export const savedSummarySchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  q: z.string(),
  filters: z.strictObject({
    sources: z.array(z.string()),
    publishers: z.array(z.string()),
    years: z.array(z.int()),
    from: nullableString,
    to: nullableString,
  }),
  createdAt: dateTime,
  checkedAt: dateTime.nullable().meta({ description: 'When an indexing job last looked for new matches; null before the first.' }),
  newCount: z.int().min(0),
  feed: z.string(),
});
/** A saved search as its own page shows it: the summary and the last job's new matches. */
export const savedDetailSchema = savedSummarySchema.extend({ newMatches: z.array(matchRefSchema.extend({ link: z.string() })) });
export const savedListSchema = z.strictObject({ savedSearches: z.array(savedSummarySchema) });
export type SavedSummary = z.infer<typeof savedSummarySchema>;
export type SavedDetail = z.infer<typeof savedDetailSchema>;

/** Saved searches' ids are random: 16 hexadecimal digits. */
export const savedIdSchema = z.string().regex(/^[a-f0-9]{16}$/);

export interface SavedSearch {
  /** Random, so that a feed's address cannot be guessed from another's. */
  id: string;
  name: string;
  q: string;
  filters: SavedFilters;
  createdAt: string;
  /** When an indexing job last looked for new matches; null before the first. */
  checkedAt: string | null;
  /** How many new matches the last job found (newMatches keeps the first NEW_MATCHES_KEPT). */
  newCount: number;
  newMatches: MatchRef[];
  /** New matches of the last jobs, newest first, for the feed. */
  recent: MatchRef[];
  /** Digests of the passages already matched (id and text), newest first. */
  seen: string[];
}

/** A passage as the alert search reads it. */
export interface MatchedPassage {
  id: string;
  docId: string;
  position: number;
  hash: string;
  title: string | null;
  publisher: string | null;
  date: string | null;
  url: string | null;
  text: string;
}

/** A request to save a search: a name, and the query and filters in the search API's terms. */
export const savedSearchInputSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(SAVED_NAME_MAX, `must be at most ${SAVED_NAME_MAX} characters`),
  q: searchFields.q.optional(),
  source: z.array(searchFields.filterValue).optional(),
  publisher: z.array(searchFields.filterValue).optional(),
  year: z.array(searchFields.year).optional(),
  from: searchFields.date.optional(),
  to: searchFields.date.optional(),
});

/**
 * Validates a request to save a search: a name, and the query and filters in the search API's
 * terms (`q`, `publisher`, `year`, `source`, `from`, `to`). A search with neither query nor filter
 * would match everything, so it is refused.
 */
export function parseSavedSearchInput(body: unknown): { name: string; q: string; filters: SavedFilters } {
  const { name, ...search } = parseParams(savedSearchInputSchema, body, 'field');
  const p = parseSearchParams(Object.fromEntries(Object.entries(search).filter(([, v]) => v !== undefined)));
  const filters: SavedFilters = { sources: p.sources, publishers: p.publishers, years: p.years, from: p.from, to: p.to };
  if (p.q === '' && p.sources.length + p.publishers.length + p.years.length === 0 && !p.from && !p.to) {
    throw new InvalidParameterError('q', 'a saved search needs a query or a filter');
  }
  return { name, q: p.q, filters };
}

/** The search parameters a saved search runs with. */
export function savedSearchParams(s: Pick<SavedSearch, 'q' | 'filters'>, limit: number): SearchParams {
  return { q: s.q, limit, offset: 0, formats: [], ...s.filters, group: null };
}

export function newSavedSearch(input: { name: string; q: string; filters: SavedFilters }, matches: readonly MatchedPassage[], now: Date): SavedSearch {
  return {
    id: randomBytes(8).toString('hex'),
    ...input,
    createdAt: now.toISOString(),
    checkedAt: null,
    newCount: 0,
    newMatches: [],
    recent: [],
    seen: matches.slice(0, SEEN_MAX).map(digest),
  };
}

/** A passage's identity for alerts: its id and its text, so an edited passage counts as new. */
export function digest(m: Pick<MatchedPassage, 'id' | 'hash'>): string {
  return createHash('sha256').update(`${m.id}\u0000${m.hash}`).digest('base64url').slice(0, 16);
}

function refOf(m: MatchedPassage, foundAt: string): MatchRef {
  const text = m.text.replace(/\s+/g, ' ').trim();
  return {
    id: m.id,
    docId: m.docId,
    position: m.position,
    title: m.title,
    publisher: m.publisher,
    date: m.date,
    url: m.url,
    excerpt: text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS - 1)}…` : text,
    foundAt,
  };
}

/**
 * The saved search after an indexing job: the passages it matches now that it had not seen are
 * its new matches (in rank order), and are remembered as seen.
 */
export function withJobMatches(s: SavedSearch, matches: readonly MatchedPassage[], now: Date): SavedSearch {
  const at = now.toISOString();
  const seen = new Set(s.seen);
  const fresh = matches.filter((m) => !seen.has(digest(m)));
  const refs = fresh.map((m) => refOf(m, at));
  return {
    ...s,
    checkedAt: at,
    newCount: fresh.length,
    newMatches: refs.slice(0, NEW_MATCHES_KEPT),
    recent: [...refs, ...s.recent].slice(0, FEED_ENTRIES),
    seen: [...fresh.map(digest), ...s.seen].slice(0, SEEN_MAX),
  };
}

/** What the list of saved searches shows of each: no seen set, no feed history. */
export function savedSummary(s: Pick<SavedSearch, 'id' | 'name' | 'q' | 'filters' | 'createdAt' | 'checkedAt' | 'newCount'>): SavedSummary {
  return { id: s.id, name: s.name, q: s.q, filters: s.filters, createdAt: s.createdAt, checkedAt: s.checkedAt, newCount: s.newCount, feed: feedPath(s.id) };
}

/** A saved search as its own page shows it: the summary and the last job's new matches. */
export function savedDetail(s: SavedSearch): SavedDetail {
  return { ...savedSummary(s), newMatches: s.newMatches.map((m) => ({ ...m, link: passageLink(m.docId, m.position) })) };
}

export function feedPath(id: string): string {
  return `/feeds/saved/${encodeURIComponent(id)}.atom`;
}

/** The page URL that runs a saved search. */
export function searchPath(s: Pick<SavedSearch, 'q' | 'filters'>): string {
  const u = new URLSearchParams();
  if (s.q) u.set('q', s.q);
  for (const v of s.filters.publishers) u.append('publisher', v);
  for (const v of s.filters.years) u.append('year', String(v));
  for (const v of s.filters.sources) u.append('source', v);
  if (s.filters.from) u.set('from', s.filters.from);
  if (s.filters.to) u.set('to', s.filters.to);
  return `/?${u}`;
}

/** The feed library marks titles and summaries as HTML: the plain text is escaped to stay text. */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The saved search's new matches as an Atom 1.0 feed; `origin` makes its links absolute. */
export function savedSearchFeed(s: SavedSearch, origin: string): string {
  const feed = new Feed({
    id: `${origin}${feedPath(s.id)}`,
    title: `Citable: new matches for “${s.name}”`,
    description: `Passages new to the collection that match ${s.q ? `“${s.q}”` : 'the saved filters'}.`,
    link: `${origin}${searchPath(s)}`,
    updated: new Date(s.recent[0]?.foundAt ?? s.checkedAt ?? s.createdAt),
    feedLinks: { atom: `${origin}${feedPath(s.id)}` },
    generator: 'Citable',
    copyright: '',
  });
  for (const m of s.recent) {
    const link = `${origin}${passageLink(m.docId, m.position)}`;
    const cite = [m.publisher, m.date].filter(Boolean).join(', ');
    feed.addItem({
      // One entry per passage and job: a passage edited later is announced again.
      id: `${link}@${m.foundAt}`,
      title: escapeHtml(`${m.title ?? m.docId} (¶${m.position + 1})`),
      link,
      date: new Date(m.foundAt),
      description: escapeHtml(cite ? `${m.excerpt} — ${cite}` : m.excerpt),
    });
  }
  return feed.atom1();
}
