import { guessLanguage } from '../text/language.js';
import { proseWords } from '../text/prose.js';
import { httpUrl } from './provenance.js';

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10,
  november: 11, december: 12,
};
const MONTH = `(${Object.keys(MONTHS).join('|')})\\.?`;
const MONTH_DAY_YEAR = new RegExp(`^${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})$`, 'i');
const DAY_MONTH_YEAR = new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})$`, 'i');
/** Metadata lines are short; longer lines are not even looked at. */
const META_LINE_MAX_CHARS = 160;
/** Words that may stand around a date on a date line without making it something else. */
const DATE_LINE_NOISE =
  /\b(?:published|updated|posted|last|modified|on|at|date|am|pm|gmt|utc|cet|cest|est|edt|pst|pdt|bst|mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)\b\.?|\d{1,2}:\d{2}(?::\d{2})?|[,|:·•–—-]/gi;
/** A byline or date line is short; longer lines are prose that happens to start with "By". */
const META_LINE_MAX_WORDS = 10;
/** Role words that stand in for a person's name in CMS exports. */
const PLACEHOLDER_AUTHOR =
  /^(?:(?:the|our|a|staff|writer|editor|editors|editorial|admin|administrator|author|reporter|team|desk|correspondent|contributor|guest|newsroom|news|web|online|site|agency|agencies|wire|unknown|anonymous|user|\d+)[\s,&]*)+$/i;
/** Name particles that stay lower-case inside personal names. */
const NAME_PARTICLE = /^(?:van|von|de|der|den|du|di|da|del|della|la|le|bin|al|ter|ten|and|&)$/;

function iso(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1000 || y > 2999) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * Parses a date written as ISO 8601, "Nov 13, 2018", "13 November 2018" or "November 13th 2018"
 * into an ISO 8601 calendar date (YYYY-MM-DD), or null.
 */
export function parseDate(input: string): string | null {
  const s = input.trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])/.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = MONTH_DAY_YEAR.exec(s);
  if (m) return iso(Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]));
  m = DAY_MONTH_YEAR.exec(s);
  if (m) return iso(Number(m[3]), MONTHS[m[2]!.toLowerCase()]!, Number(m[1]));
  return null;
}

/** A line that is only a date (with "Published", a weekday or a time around it) → ISO date. */
export function dateLine(line: string): string | null {
  if (line.length > META_LINE_MAX_CHARS || !/\d{4}/.test(line)) return null;
  if (proseWords(line).length > META_LINE_MAX_WORDS) return null;
  const direct = parseDate(line);
  if (direct) return direct;
  const core = line.replace(DATE_LINE_NOISE, ' ').replace(/\s+/g, ' ').trim();
  return core === '' ? null : parseDate(core);
}

function looksLikeName(name: string): boolean {
  const parts = name.split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 6) return false;
  return parts.every((p) => /^[\p{Lu}][\p{L}'’.-]*,?$/u.test(p) || NAME_PARTICLE.test(p));
}

/** "By Tony Thompson" → "Tony Thompson"; null when the line is not a byline. */
export function byline(line: string): string | null {
  if (line.length > META_LINE_MAX_CHARS || !/^\s*(?:written|words|posted|story|by)\b/i.test(line)) return null;
  if (proseWords(line).length > META_LINE_MAX_WORDS) return null;
  const m = /^(?:written\s+|words\s+|posted\s+|story\s+)?by[:\s]\s*(.+?)\s*$/i.exec(line.trim());
  if (!m) return null;
  // "By Jane Doe | Reuters", "By Jane Doe, Science Editor": the name is the first part.
  const name = m[1]!.split(/\s*[|·•–—]\s*|,\s+(?=[\p{Lu}][\p{Ll}]+\s+[\p{Ll}])/u)[0]!.replace(/[,.]$/, '').trim();
  return looksLikeName(name) ? name : null;
}

/** "(Reporting by Toby Sterling; Editing by …)" → "Toby Sterling". */
export function reportingCredit(line: string): string | null {
  const m = /^\(?\s*(?:additional\s+)?(?:reporting|writing|written|text|words)\s+by\s+(.+?)(?:\s*[,;)]|\s+(?:with|in|and\s+additional)\s|$)/i.exec(line.trim());
  if (!m) return null;
  const name = m[1]!.trim();
  return looksLikeName(name) ? name : null;
}

/** True when a line is a wire-service credit of reporters and editors, not article text. */
export function isCreditLine(line: string): boolean {
  return /^\(\s*(?:additional\s+)?(?:reporting|writing|written|editing|compiled)\s+by\b[^)]*\)\s*$/i.test(line.trim());
}

/** "Copyright © 2024 Police Professional" → "Police Professional". */
export function copyrightOwner(line: string): string | null {
  if (line.length > META_LINE_MAX_CHARS || !/©|\(c\)|copyright/i.test(line)) return null;
  if (proseWords(line).length > 16) return null;
  const m = /(?:©|\(c\)|copyright\b)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{2,4})?\s*,?\s*)?(?:by\s+)?(.+?)\s*(?:[.,|–—-]\s*all rights reserved.*|\.)?\s*$/iu.exec(line);
  if (!m) return null;
  const owner = m[1]!.replace(/^the\s+/i, (t) => t).trim();
  if (owner === '' || /^\d+$/.test(owner) || /all rights reserved/i.test(owner)) return null;
  return owner;
}

/** "Image: Openbaar Ministerie", "Photo credit: AFP" → the credited organisation or person. */
export function imageCredit(line: string): string | null {
  if (line.length > META_LINE_MAX_CHARS || !line.includes(':') && !line.includes('：')) return null;
  if (proseWords(line).length > 8) return null;
  const m = /^(?:image|photo|photograph|picture|illustration|foto|credit|source)s?(?:\s+(?:credit|by|source))?\s*[:：]\s*(.+?)\s*$/iu.exec(line.trim());
  if (!m) return null;
  const who = m[1]!.replace(/[.]$/, '');
  return /^[\p{Lu}\p{N}]/u.test(who) ? who : null;
}

/** A role word such as "Staff Writer" or "admin" in place of a name. */
export function isPlaceholderAuthor(name: string | null): boolean {
  return name === null || PLACEHOLDER_AUTHOR.test(name.trim());
}

/** "Source: https://…", "Originally published at https://…" → the URL; null when the line is not a source line. */
export function sourceLine(line: string): string | null {
  if (line.length > META_LINE_MAX_CHARS) return null;
  const m = /^(?:source|original(?:ly published)?(?:\s+(?:at|on|in))?|first published(?:\s+(?:at|on|in))?|read the original(?:\s+(?:at|on))?)\s*:?\s*<?(\S+?)>?\.?$/i.exec(line.trim());
  return m ? httpUrl(m[1]) : null;
}

/** ISO 639-1 language of a text, or null when the text is too short to tell. */
export function detectLang(text: string): string | null {
  return guessLanguage(text);
}

/** Normalises a declared language ("en-US", "en_GB") to its ISO 639-1 part. */
export function normalizeLang(lang: string | null): string | null {
  if (!lang) return null;
  const m = /^([a-z]{2,3})(?:[-_].*)?$/i.exec(lang.trim());
  return m ? m[1]!.toLowerCase() : null;
}
