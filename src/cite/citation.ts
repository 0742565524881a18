import fs from 'node:fs';
import path from 'node:path';
import { Cite, plugins } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import '@citation-js/plugin-csl';
import '@citation-js/plugin-ris';
import { parse as parseName } from '@citation-js/name';
import { z } from 'zod';
import { projectRoot } from '../config.js';

/**
 * Citations of one passage in the formats reference managers read, built by citation-js from a
 * CSL-JSON item: nothing is written as a string template, and nothing the document does not state
 * is invented (no access date, no author when none is given).
 *
 * The formatted styles are CSL styles, none fetched at run time: APA 7th edition, Harvard (Cite Them
 * Right) and Vancouver ship with citation-js's CSL plugin; Chicago (author-date) is the CSL project's
 * official style, kept in config/csl (see its README for its source and licence).
 */
export const CITATION_FORMATS = ['csl', 'bibtex', 'ris', 'apa', 'chicago', 'harvard', 'vancouver'] as const;
export type CitationFormat = (typeof CITATION_FORMATS)[number];

/** Whether a format is a formatted style (plain text: a reference and the quotation with its in-text citation). */
export function isStyle(format: CitationFormat): boolean {
  return STYLES[format] !== undefined;
}

/** The CSL template name of each formatted style, as citation-js registers it. */
const STYLES: Partial<Record<CitationFormat, string>> = { apa: 'apa', chicago: 'chicago-author-date', harvard: 'harvard1', vancouver: 'vancouver' };

/** Styles citation-js does not bundle, registered from their CSL files on first use. */
const STYLE_FILES: Record<string, string> = { 'chicago-author-date': path.join(projectRoot, 'config', 'csl', 'chicago-author-date.csl') };

/** The CSL plugin's register of styles (citation-js's `util.Register`). */
interface CslStyles {
  has(name: string): boolean;
  add(name: string, xml: string): void;
}

function registerStyle(template: string): void {
  const { styles } = plugins.config.get('@csl') as { styles: CslStyles };
  const file = STYLE_FILES[template];
  if (file && !styles.has(template)) styles.add(template, fs.readFileSync(file, 'utf8'));
}

/** How each format is served and saved. */
export const CITATION_MEDIA: Record<CitationFormat, { type: string; extension: string }> = {
  csl: { type: 'application/vnd.citationstyles.csl+json', extension: 'json' },
  bibtex: { type: 'application/x-bibtex', extension: 'bib' },
  ris: { type: 'application/x-research-info-systems', extension: 'ris' },
  apa: { type: 'text/plain', extension: 'txt' },
  chicago: { type: 'text/plain', extension: 'txt' },
  harvard: { type: 'text/plain', extension: 'txt' },
  vancouver: { type: 'text/plain', extension: 'txt' },
};

/** What a citation needs to know about a passage and its document. */
export interface CitedPassage {
  /** The passage id, as the API names it. */
  id: string;
  docId: string;
  file: string;
  title: string | null;
  author: string | null;
  publisher: string | null;
  /** ISO 8601: a year, a month or a day. */
  date: string | null;
  url: string | null;
  /** The passage's text: the quotation. */
  text: string;
  /** 0-based place of the passage in its document. */
  position: number;
  /** Pages of the passage in a paginated original (PDF), 1-based, when the document has pages. */
  page?: number | null;
  pageEnd?: number | null;
  /** The printed labels of those pages ("iv", "12"), where the document declares them: cited in preference. */
  pageLabel?: string | null;
  pageEndLabel?: string | null;
  /** An absolute link to the passage in Citable, used as the URL when the document has none. */
  link: string;
}

/** A CSL-JSON item as cslItem makes it (CSL-JSON allows more fields; these are the ones it sets). */
export const cslItemSchema = z.looseObject({
  id: z.string(),
  type: z.enum(['webpage', 'document']),
  title: z.string(),
  URL: z.string(),
  note: z.string().meta({ description: 'The quotation and its page or paragraph.' }),
  author: z.array(z.record(z.string(), z.string())).optional(),
  issued: z.looseObject({ 'date-parts': z.array(z.array(z.int())) }).optional(),
  publisher: z.string().optional(),
  'container-title': z.string().optional(),
});
export type CslItem = z.infer<typeof cslItemSchema>;
/** The CSL-JSON answer: a list of items, here always one. */
export const cslItemsSchema = z.array(cslItemSchema).min(1);

/** Where in the document the quotation is: its pages when known, else its paragraph (passage) number. */
export function locatorOf(p: Pick<CitedPassage, 'position' | 'page' | 'pageEnd' | 'pageLabel' | 'pageEndLabel'>): { label: 'page' | 'paragraph'; locator: string } {
  if (p.page != null && p.page > 0) {
    const first = p.pageLabel || String(p.page);
    const more = p.pageEnd != null && p.pageEnd > p.page;
    const end = more ? `-${p.pageEndLabel || String(p.pageEnd)}` : '';
    return { label: 'page', locator: `${first}${end}` };
  }
  return { label: 'paragraph', locator: String(p.position + 1) };
}

/** Author names as CSL names; a name of one word (an agency, a desk) stays literal. */
export function cslNames(author: string | null): Array<Record<string, string>> {
  if (!author) return [];
  return author
    .split(/\s*(?:;|&|\band\b)\s*/i)
    .map((n) => n.trim())
    .filter(Boolean)
    .map((n) => (/\s|,/.test(n) ? parseName(n) : { literal: n }));
}

/** "2016", "2016-04" or "2016-04-23…" as CSL date parts; anything else is no date. */
export function cslDate(date: string | null): { 'date-parts': number[][] } | undefined {
  const m = date ? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(date) : null;
  if (!m) return undefined;
  return { 'date-parts': [[m[1], m[2], m[3]].filter((x): x is string => x !== undefined).map(Number)] };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The CSL-JSON item of the passage's document. A document with a web address is a web page (its
 * publisher is the site), anything else a document (its publisher is the publisher). The quotation
 * and its place go in the note, which every format carries.
 */
export function cslItem(p: CitedPassage): CslItem {
  const url = p.url !== null && /^https?:\/\//i.test(p.url) ? p.url : null;
  const web = url !== null;
  const { label, locator } = locatorOf(p);
  const item: CslItem = {
    id: p.id,
    type: web ? 'webpage' : 'document',
    title: p.title ?? p.file,
    URL: url ?? p.link,
    note: `“${oneLine(p.text)}” (${label} ${locator})`,
  };
  // The cited item is the passage in its document: its pages are the item's pages, which BibTeX
  // (pages), RIS (SP/EP) and the styles carry where they have a field for them.
  if (label === 'page') item.page = locator;
  const author = cslNames(p.author);
  if (author.length > 0) item.author = author;
  const issued = cslDate(p.date);
  if (issued) item.issued = issued;
  if (p.publisher) item[web ? 'container-title' : 'publisher'] = p.publisher;
  return item;
}

/**
 * The passage cited in one format. Formatted styles give the reference, then the quotation with its
 * in-text citation and place ("(Sterling, 2016, para. 3)").
 */
export function citePassage(p: CitedPassage, format: CitationFormat): string {
  const item = cslItem(p);
  const cite = new Cite([item], { forceType: '@csl/list+object' });
  switch (format) {
    case 'csl':
      return `${JSON.stringify([item], null, 2)}\n`;
    case 'bibtex':
      return cite.format('bibtex', { format: 'text' });
    case 'ris':
      return unwrapRis(cite.format('ris', { format: 'text' }));
    default: {
      const template = STYLES[format]!;
      registerStyle(template);
      const reference = cite.format('bibliography', { template, lang: 'en-US', format: 'text' }).trim();
      const { label, locator } = locatorOf(p);
      const inText = cite.format('citation', { template, lang: 'en-US', format: 'text', entry: [{ id: p.id, locator, label }] }).trim();
      return `${reference}\n\n“${oneLine(p.text)}” ${inText}\n`;
    }
  }
}

/** citation-js breaks RIS values after every 70 characters. */
const RIS_WRAP = 70;

/**
 * Joins the lines citation-js's RIS writer wraps: strict RIS readers take a line that does not start
 * with a tag for an error. A value piece of exactly RIS_WRAP characters is always followed by its
 * continuation (which is empty when the value's length is a multiple of RIS_WRAP).
 */
export function unwrapRis(text: string): string {
  const out: string[] = [];
  let continues = false;
  for (const line of text.split('\n')) {
    if (continues) out[out.length - 1] += line;
    else out.push(line);
    const piece: string = continues ? line : line.replace(/^[A-Z][A-Z0-9]  - /, '');
    continues = piece.length === RIS_WRAP;
  }
  return out.join('\n');
}

export function isCitationFormat(v: unknown): v is CitationFormat {
  return typeof v === 'string' && (CITATION_FORMATS as readonly string[]).includes(v);
}
