import { getDomain } from 'tldts';

/*
 * Metadata from evidence only. Every field of a document's metadata comes from something the
 * document states (a front-matter key, a meta tag, structured data, a byline, a date line, a
 * copyright line, a link it labels as its source), and keeps that evidence: the rule that read it
 * and the text or tag it was read from. Where the document states nothing, the field is empty.
 */

export type MetadataField = 'title' | 'author' | 'date' | 'publisher' | 'url' | 'lang';

/** What a metadata field was read from. */
export interface FieldEvidence {
  /** The rule that read it, in words: "copyright line", "meta og:site_name", "front matter post_title". */
  rule: string;
  /** The text or tag it was read from, as the document has it (cut to SOURCE_MAX_CHARS). */
  source: string;
}

export type Provenance = Partial<Record<MetadataField, FieldEvidence>>;

/** A value the document states, with its evidence. */
export interface Claim extends FieldEvidence {
  value: string;
}

/** Evidence longer than this is cut: it shows where a value came from, it is not a copy of the document. */
const SOURCE_MAX_CHARS = 300;

export function claim(value: string | null | undefined, rule: string, source: string): Claim | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const s = source.length > SOURCE_MAX_CHARS ? `${source.slice(0, SOURCE_MAX_CHARS - 1)}…` : source;
  return { value: value.trim(), rule, source: s };
}

/** The first of several claims that holds a value. */
export function firstClaim(...claims: Array<Claim | null | undefined>): Claim | null {
  return claims.find((c): c is Claim => c !== null && c !== undefined) ?? null;
}

/** Characters no URL holds: spaces and controls (a URL with them was not written as one). */
const NOT_IN_URL = /[\s\u0000-\u001F\u007F]/;

/**
 * The URL when it is an absolute http(s) URL, else null. Only these reach a record, the API or a
 * link: `javascript:`, `data:`, relative and malformed URLs never do.
 */
export function httpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  const u = url.trim();
  if (u === '' || NOT_IN_URL.test(u)) return null;
  let parsed: URL;
  try {
    parsed = new URL(u);
  } catch {
    return null;
  }
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '' ? u : null;
}

/**
 * The site a URL belongs to, by the public suffix list: "http://feeds.reuters.com/…" → "reuters.com",
 * "https://www.bbc.co.uk/…" → "bbc.co.uk", "https://someone.blogspot.com/…" → "someone.blogspot.com".
 * The registrable domain, as written: a site's name is what the site says (og:site_name), never a
 * capitalised host label. Null for IP addresses and hosts without a public suffix.
 */
export function siteOfUrl(url: string | null): string | null {
  const u = httpUrl(url);
  if (!u) return null;
  return getDomain(u, { allowPrivateDomains: true, validHosts: [] }) ?? null;
}
