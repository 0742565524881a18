import path from 'node:path';
import { docIdFromFile } from './doc-id.js';
import { marked } from 'marked';
import { IngestError } from '../errors.js';
import { block, type Block } from './blocks.js';
import { classifyBlocks, labelArticleBlocks, type BlockLabel } from './classify.js';
import { agreementWithDensest, densestContainer, readingScope } from './densest.js';
import { hasFrontMatter, pick, pickEntry, splitFrontMatter } from './front-matter.js';
import { htmlToBlocks } from './html.js';
import type { HtmlMeta } from './page-meta.js';
import {
  byline, copyrightOwner, dateLine, detectLang, imageCredit, isCreditLine, isPlaceholderAuthor,
  normalizeLang, parseDate, reportingCredit, sourceLine,
} from './metadata.js';
import { bodyText, splitPassages, type BodyItem, type Passage } from './passages.js';
import { claim, firstClaim, httpUrl, siteOfUrl, type Claim, type FieldEvidence, type MetadataField, type Provenance } from './provenance.js';
import { READABLE_MAX_DEPTH, readableArticle } from './readable.js';
import { decodeTextFile } from './formats/encoding.js';
import { account, type RemovalReason, type RemovedBlock, type Retention } from './retention.js';
import { readPlainText } from './text.js';
import { normalizeSpaces } from '../text/normalise.js';
import { proseWords } from '../text/prose.js';

/** What the document was written in. Messages from an mbox are 'eml', as each is one message. */
/** Every format a document can be read from, as records and the API name it. */
export const SOURCE_FORMATS = ['pdf', 'docx', 'eml', 'html', 'markdown', 'wordpress', 'text'] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

export interface DocumentMetadata {
  title: string | null;
  author: string | null;
  /** ISO 8601 calendar date (YYYY-MM-DD). */
  date: string | null;
  publisher: string | null;
  url: string | null;
  lang: string | null;
}

export interface CleanDocument extends DocumentMetadata {
  docId: string;
  file: string;
  format: SourceFormat;
  /** Headings and paragraphs of the article, in order. */
  items: BodyItem[];
  /** The clean body text that passage ranges point into. */
  body: string;
  passages: Passage[];
  /** The text encoding the file was read in (text formats), else null. */
  encoding: string | null;
  /** Paged sources: the printed label of each page (index 0 is page 1), where the file declares them. */
  pageLabels: Array<string | null>;
  /** Where the document sits inside another: "attachment memo.pdf of message Berth allocation". */
  partOf: string | null;
  /** Words the document came with and kept, overall and of its prose-like text. */
  retention: Retention;
  /**
   * What cleaning left out of the body, with the reason: what the format's reader recognised
   * (running headers, quoted replies…), then the blocks the cleaner left out, in document order.
   */
  removed: RemovedBlock[];
  /** Removed blocks not listed, past the size kept with a document. */
  removedOmitted: number;
  /** For each metadata field that has a value, what the document states that gave it. */
  provenance: Provenance;
}

/** Text a format's reader recognised and kept out of the body. */
export type RemovedText = RemovedBlock;

/** What a format's reader knows besides the blocks: set by the readers of PDF, Word and e-mail. */
export interface SourceInfo {
  format: SourceFormat;
  encoding?: string | null;
  pageLabels?: Array<string | null>;
  partOf?: string | null;
  removed?: RemovedText[];
  /** A stable id the source gives (an e-mail's Message-ID), instead of the file name's. */
  docId?: string;
}

/** A first line longer than this is prose, not a title. */
const TITLE_MAX_WORDS = 30;
/** WordPress shortcodes such as [ad_1] or [caption id="…"]…[/caption]. */
const SHORTCODE = /\[\/?[a-z][\w-]*(?:\s[^\]\n]*)?\]/gi;
const HTML_HINT = /<(?:p|div|span|br|h[1-6]|ul|ol|li|a|article|section|table|img|em|strong|blockquote)\b[^>]*>/gi;


/** Decodes a text file's bytes in the encoding that fits (see decodeTextFile). */
export function decodeText(bytes: Uint8Array): string {
  return decodeTextFile(bytes).text;
}

/** Tells the format from the content first, the file extension second. */
export function detectFormat(file: string, text: string): TextFormat {
  const ext = path.extname(file).toLowerCase();
  if (hasFrontMatter(text)) {
    const { body } = splitFrontMatter(text);
    return (body.match(HTML_HINT)?.length ?? 0) >= 2 ? 'wordpress' : 'markdown';
  }
  if (/^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(text)) return 'html';
  if (ext === '.html' || ext === '.htm' || ext === '.xhtml') return 'html';
  if (ext === '.md' || ext === '.markdown') return 'markdown';
  // Untitled HTML fragments: markup everywhere.
  const tags = text.match(HTML_HINT)?.length ?? 0;
  if (tags >= 5 && tags * 40 > proseWords(text).length) return 'html';
  return 'text';
}

/** Blocks to judge, and whether they are a whole page or an article already cut from one. */
interface Candidate {
  blocks: Block[];
  scope: 'page' | 'article';
}

/** A document parsed into blocks and declared metadata, before cleaning. */
export interface Parsed {
  title: string | null;
  blocks: Block[];
  scope?: Candidate['scope'];
  /** Other readings of the same document, tried in order when the first finds little article. */
  alternatives?: Array<() => Candidate>;
  /** The blocks already judged, where parsing needed their verdict. */
  extracted?: Extracted;
  declared: Partial<DocumentMetadata>;
  /** Where each declared value was read; a reader that gives none is named as the evidence. */
  declaredEvidence?: Provenance;
  /** Where the title was read, when it is not a declared value (a text file's first line). */
  titleEvidence?: FieldEvidence;
  /** Links the document labels as its source (HTML), in document order. */
  sourceLinks: Claim[];
  /** Every block of text the document shows, what retention is counted against: `blocks` when not given. */
  pageBlocks?: Block[];
  /** Of those, the text of elements dropped whole while parsing (navigation, asides, footers). */
  droppedBlocks?: Block[];
  /** Sets where each body item sits in the source (a tagged PDF's pages), once the body is chosen. */
  placeItems?: (items: BodyItem[]) => BodyItem[];
}

/** Declared values and their evidence, from an HTML head. */
function fromHtmlMeta(meta: HtmlMeta): { declared: Partial<DocumentMetadata>; evidence: Provenance } {
  const e = meta.evidence ?? {};
  const publisher = meta.publisher !== null ? 'publisher' : 'siteName';
  const declared: Partial<DocumentMetadata> = {
    title: meta.title,
    author: meta.author,
    date: meta.date ? parseDate(meta.date) : null,
    publisher: meta[publisher],
    url: httpUrl(meta.url),
    lang: normalizeLang(meta.lang),
  };
  const evidence: Provenance = { title: e.title, author: e.author, date: e.date, publisher: e[publisher], url: e.url, lang: e.lang };
  return { declared, evidence: keepEvidenceOf(declared, evidence) };
}

/** Evidence only for the values that are there (a date that did not parse has none). */
function keepEvidenceOf(declared: Partial<DocumentMetadata>, evidence: Provenance): Provenance {
  const out: Provenance = {};
  for (const [field, ev] of Object.entries(evidence) as Array<[MetadataField, FieldEvidence | undefined]>) {
    if (ev && declared[field] !== null && declared[field] !== undefined) out[field] = ev;
  }
  return out;
}

function fromFrontMatter(data: Record<string, unknown>): { declared: Partial<DocumentMetadata>; evidence: Provenance } {
  const entries = {
    title: pickEntry(data, 'title', 'post_title', 'headline', 'original_title'),
    author: pickEntry(data, 'author', 'authors', 'byline', 'creator'),
    date: pickEntry(data, 'date', 'post_date', 'published', 'published_at', 'pubDate', 'created'),
    publisher: pickEntry(data, 'publisher', 'site_name', 'source', 'site'),
    // The first key that holds an http(s) URL: a relative or javascript: one is no citation.
    url: pickEntry(data, ...['canonical_url', 'canonical', 'original_link', 'url', 'link', 'permalink'].filter((k) => httpUrl(pick(data, k)) !== null)),
    lang: pickEntry(data, 'lang', 'language', 'locale'),
  };
  const declared: Partial<DocumentMetadata> = {
    title: entries.title?.value ?? null,
    author: entries.author?.value ?? null,
    date: entries.date ? parseDate(entries.date.value) : null,
    publisher: entries.publisher?.value ?? null,
    url: httpUrl(entries.url?.value),
    lang: normalizeLang(entries.lang?.value ?? null),
  };
  const evidence: Provenance = {};
  for (const [field, entry] of Object.entries(entries) as Array<[MetadataField, { key: string; value: string } | null]>) {
    if (entry) evidence[field] = { rule: `front matter ${entry.key}`, source: `${entry.key}: ${entry.value}` };
  }
  return { declared, evidence: keepEvidenceOf(declared, evidence) };
}

/** Text formats only: the readers of PDF, Word and e-mail parse their own files. */
type TextFormat = 'text' | 'html' | 'markdown' | 'wordpress';

function parse(text: string, format: TextFormat): Parsed {
  switch (format) {
    case 'text': {
      const { blocks, writtenAsText } = readPlainText(text);
      const first = blocks[0];
      // A title names a text that follows it: a file of one block (a note, a single paragraph) is
      // that text, untitled, not a title with nothing to index.
      const title = first && blocks.length > 1 && proseWords(first.text).length <= TITLE_MAX_WORDS ? first.text : null;
      return {
        title, titleEvidence: title ? { rule: 'first line', source: title } : undefined,
        blocks: title ? blocks.slice(1) : blocks, declared: {}, sourceLinks: [], pageBlocks: blocks,
        // A text written as text has no page furniture around it: only link lists are left out.
        scope: writtenAsText ? 'article' : 'page',
      };
    }
    case 'html': {
      // Own rules first, over the whole page. Where they disagree with the page's densest
      // container (see agreesWithDensest), Readability cuts the article out instead: it reads
      // those pages better, and costs several times more.
      const page = htmlToBlocks(text);
      const { declared, evidence: declaredEvidence } = fromHtmlMeta(page.meta);
      const title = page.meta.title ? normalizeSpaces(page.meta.title) : null;
      // Without the class-name filter when that misleads the rules (a page wrapped in a "header"
      // or "tags" container), as Readability retries.
      const lenient = (): Candidate => ({ blocks: htmlToBlocks(text, { dropByName: false }).blocks, scope: 'page' });
      const own = extractBody({ blocks: page.blocks, scope: 'page' }, declared.lang ?? null, title);
      const ownReading: Parsed = {
        title: page.meta.title, blocks: page.blocks, declared, declaredEvidence, sourceLinks: page.links, extracted: own, alternatives: [lenient],
        pageBlocks: [...page.blocks, ...page.dropped], droppedBlocks: page.dropped,
      };
      const top = densestContainer(own.blocks);
      if (agreesWithDensest(own, top) || page.depth > READABLE_MAX_DEPTH) return ownReading;
      // Readability reads only the part of the page around the article, not the whole page:
      // a fifth faster on the article-extraction pages, with the same F1.
      const part = readingScope(page.blocks, top);
      const article = readableArticle(part === null ? text : `<html><body>${page.outerHtml(part)}</body></html>`);
      if (!article) return ownReading;
      const { blocks } = htmlToBlocks(`<html><body>${article.content}</body></html>`, { dropByName: false });
      // What the page's head says first; Readability's reading of the rest (its byline) after.
      const m = page.meta;
      const a = article.meta;
      const meta: HtmlMeta = { ...m, evidence: { ...m.evidence } };
      for (const field of ['title', 'author', 'siteName', 'date', 'lang'] as const) {
        if (meta[field] !== null || a[field] === null) continue;
        meta[field] = a[field];
        meta.evidence![field] = { rule: `Readability ${field === 'author' ? 'byline' : field}`, source: a[field]! };
      }
      const read = fromHtmlMeta(meta);
      return {
        title: meta.title,
        blocks,
        scope: 'article',
        declared: read.declared,
        declaredEvidence: read.evidence,
        sourceLinks: page.links,
        alternatives: [() => ({ blocks: page.blocks, scope: 'page' }), lenient],
        pageBlocks: [...page.blocks, ...page.dropped],
        droppedBlocks: page.dropped,
      };
    }
    case 'wordpress':
    case 'markdown': {
      const { data, body } = splitFrontMatter(text);
      const fm = fromFrontMatter(data);
      const html = format === 'markdown' ? (marked.parse(body, { async: false }) as string) : body.replace(SHORTCODE, ' ');
      const { blocks, dropped, meta, links } = htmlToBlocks(html);
      const inner = fromHtmlMeta(meta);
      const heading = blocks[0]?.markedHeading ? blocks[0].text : null;
      const title = fm.declared.title ?? heading ?? meta.title;
      return {
        title,
        titleEvidence: fm.declared.title ? fm.evidence.title : heading ? { rule: 'first heading', source: heading } : inner.evidence.title,
        blocks,
        declared: { ...inner.declared, ...stripNulls(fm.declared) },
        declaredEvidence: { ...inner.evidence, ...fm.evidence },
        sourceLinks: links,
        pageBlocks: [...blocks, ...dropped],
        droppedBlocks: dropped,
      };
    }
  }
}

function stripNulls<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as Partial<T>;
}

/** Evidence found in the text itself: date lines, bylines, credits, copyright lines, source lines. */
export interface Evidence {
  date: Claim | null;
  author: Claim | null;
  creditAuthor: Claim | null;
  copyright: Claim | null;
  /** Read to take the line out of the body; a credited photographer or agency is not the publisher. */
  imageCredit: Claim | null;
  sourceUrl?: Claim | null;
}

/** Takes metadata lines out of the block list, keeping what they say and why each line left. */
function takeMetadataLines(blocks: Block[]): { blocks: Block[]; evidence: Evidence; reasons: Map<string, RemovalReason> } {
  const evidence: Evidence = { date: null, author: null, creditAuthor: null, copyright: null, imageCredit: null, sourceUrl: null };
  const reasons = new Map<string, RemovalReason>();
  const kept: Block[] = [];
  for (const b of blocks) {
    const t = b.text;
    const d = dateLine(t);
    if (d) {
      evidence.date ??= claim(d, 'date line', t);
      reasons.set(t, 'date line');
      continue;
    }
    const by = byline(t);
    if (by) {
      evidence.author ??= claim(by, 'byline', t);
      reasons.set(t, 'byline');
      continue;
    }
    if (isCreditLine(t)) {
      evidence.creditAuthor ??= claim(reportingCredit(t), 'reporting credit', t);
      reasons.set(t, 'credit line');
      continue;
    }
    const owner = copyrightOwner(t);
    if (owner) {
      evidence.copyright ??= claim(owner, 'copyright line', t);
      reasons.set(t, 'copyright line');
      continue;
    }
    const source = sourceLine(t);
    if (source) {
      evidence.sourceUrl ??= claim(source, 'source line', t);
      reasons.set(t, 'source line');
      continue;
    }
    const credit = imageCredit(t);
    if (credit) {
      evidence.imageCredit ??= claim(credit, 'image credit', t);
      reasons.set(t, 'image credit');
      continue;
    }
    kept.push(b);
  }
  return { blocks: kept, evidence, reasons };
}

/**
 * An article shorter than this makes the cleaner try its other readings of the document. Measured
 * on the article-extraction pages: 60 words keeps F1 (0.953 against 0.952 at 150) and spares most
 * pages the two extra parses.
 */
const RETRY_BELOW_WORDS = 60;

function bodyWords(items: readonly BodyItem[]): number {
  return items.reduce((n, i) => n + (i.kind === 'paragraph' ? proseWords(i.text).length : 0), 0);
}

export interface Extracted {
  items: BodyItem[];
  evidence: Evidence;
  lang: string | null;
  /** The blocks judged (metadata lines taken out) and the verdict on each. */
  blocks: Block[];
  labels: BlockLabel[];
  /** Why each block left out of the body was left out, by its text. */
  reasons?: Map<string, RemovalReason>;
  /** The language was told from the text (else it is the declared one). */
  langFromText?: boolean;
}

/**
 * Where the rules' body and the densest container (the element most paragraphs vote for, as
 * Readability picks) disagree, the rules have most likely kept a comment thread or a list of
 * teasers, or lost the article to a short block of furniture. Measured on the article-extraction
 * pages: a quarter of them disagree by this test, and Readability reads those better, while reading
 * the rest no better. F1 0.950 for the mix, against 0.925 for the rules alone and 0.953 for
 * Readability on every page at half the speed. Thresholds from 0.5 to 0.8 score within 0.001.
 */
const AGREEMENT_MIN = 0.7;

function agreesWithDensest(e: Extracted, top: number | null): boolean {
  const { cover, reach } = agreementWithDensest(e.blocks, (i) => e.labels[i] === 'body', top);
  return cover >= AGREEMENT_MIN && reach >= AGREEMENT_MIN;
}

/** Steps 3 and 4 of the workflow: metadata lines out, then body, headings and furniture. */
function extractBody(candidate: Candidate, declaredLang: string | null, title: string | null): Extracted {
  const { blocks, evidence, reasons } = takeMetadataLines(candidate.blocks);
  // The language decides which function words count as prose; tell it from the longest blocks.
  const sample = [...blocks].sort((a, b) => b.text.length - a.text.length).slice(0, 20).map((b) => b.text).join(' ');
  // Pages often declare a template's language, not the article's: the text decides.
  const detected = detectLang(sample);
  const lang = detected ?? declaredLang;
  const labels = candidate.scope === 'article' ? labelArticleBlocks(blocks, lang) : classifyBlocks(blocks, lang);
  const items: BodyItem[] = [];
  blocks.forEach((b, i) => {
    const label = labels[i];
    const paged = b.page !== undefined ? { page: b.page, breaks: b.breaks ?? [] } : {};
    if (label === 'body') items.push({ kind: 'paragraph', text: b.text, ...paged });
    else if (label === 'heading' && !(items.length === 0 && title && sameText(b.text, title))) items.push({ kind: 'heading', text: b.text, ...paged });
  });
  // A heading with no paragraph after it introduces nothing.
  while (items.length > 0 && items[items.length - 1]!.kind === 'heading') items.pop();
  blocks.forEach((b, i) => {
    if (labels[i] === 'furniture' && !reasons.has(b.text)) reasons.set(b.text, 'furniture');
  });
  return { items, evidence, lang, langFromText: detected !== null, blocks, labels, reasons };
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  return norm(a) === norm(b);
}

/**
 * Cleans one document into its metadata, body and passages. Pure: bytes and a file name in, plain
 * data out.
 *
 * 1. Decode (refusing binary, empty and non-UTF-8 input) and detect the format from the content.
 * 2. Parse into a title, blocks and declared metadata (front matter, HTML head, structured data);
 *    for whole HTML pages whose own reading disagrees with their densest container, Readability
 *    cuts the article out.
 * 3. Take date lines, bylines, credits and copyright lines out of the blocks as evidence.
 * 4. Classify the remaining blocks into body, headings and furniture.
 * 5. Merge the metadata: declared values first, then the document's own evidence.
 * 6. Split the body into passages.
 */
export function ingestDocument(file: string, bytes: Uint8Array): CleanDocument {
  const { text, encoding } = decodeTextFile(bytes);
  return ingestText(file, text, encoding);
}

/** Cleans a decoded text document (plain text, HTML, Markdown, WordPress export). */
export function ingestText(file: string, text: string, encoding: string | null = null): CleanDocument {
  const format = detectFormat(file, text);
  let parsed: Parsed;
  try {
    parsed = parse(text, format);
  } catch (err) {
    throw new IngestError(`could not parse as ${format}: ${(err as Error).message}`, { cause: err });
  }
  return cleanParsed(file, parsed, { format, encoding });
}

/** Cleans HTML that another format's reader produced (a Word file's content), with its own metadata. */
export function parseHtml(html: string): Parsed {
  return parse(html, 'html');
}

/**
 * Steps 3 to 6 for a parsed document, whatever its format: metadata lines out, body and headings,
 * metadata merged, passages.
 */
export function cleanParsed(file: string, parsed: Parsed, source: SourceInfo): CleanDocument {
  const title = parsed.title ? normalizeSpaces(parsed.title) : null;
  let { items, evidence, lang, reasons, langFromText } = parsed.extracted ?? extractBody({ blocks: parsed.blocks, scope: parsed.scope ?? 'page' }, parsed.declared.lang ?? null, title);
  // Little article found: try the other readings and keep whichever finds most.
  for (const alternative of parsed.alternatives ?? []) {
    if (bodyWords(items) >= RETRY_BELOW_WORDS) break;
    const other = extractBody(alternative(), parsed.declared.lang ?? null, title);
    if (bodyWords(other.items) > bodyWords(items)) ({ items, evidence, lang, reasons, langFromText } = other);
  }
  // No prose at all (a table of figures, a list): index what the document holds rather than lose it.
  if (!items.some((i) => i.kind === 'paragraph')) {
    const all = takeMetadataLines(parsed.blocks).blocks.filter((b) => b.linkDensity <= 0.5 && proseWords(b.text).length > 0);
    items = all.map((b) => ({ kind: 'paragraph', text: b.text }));
  }
  if (items.length === 0) throw new IngestError('no text found');
  if (parsed.placeItems) items = parsed.placeItems(items);

  const body = bodyText(items);
  const textLang = langFromText ? lang : detectLang(body);
  const langClaim = textLang
    ? claim(textLang, 'language of the text', `its function words are ${textLang}`)
    : declaredClaim(parsed, 'lang', source.format);
  const metadata = resolveMetadata(parsed, title, evidence, langClaim, source.format);
  const docLang = metadata.lang;
  const keptTexts = new Set(items.map((i) => i.text));
  if (title) keptTexts.add(title);
  const allReasons = new Map<string, RemovalReason>((parsed.droppedBlocks ?? []).map((b) => [b.text, 'furniture element']));
  for (const [text, reason] of reasons ?? []) allReasons.set(text, reason);
  // A reader that hands over the body itself (an e-mail's own words) shows what it kept.
  const shown = parsed.pageBlocks ?? (parsed.blocks.length > 0 ? parsed.blocks : items.map((i) => block(i.text)));
  const { retention, removed, removedOmitted } = account(shown, { texts: keptTexts, body }, allReasons, docLang);
  return {
    docId: source.docId ?? docIdFromFile(file),
    file: path.basename(file),
    format: source.format,
    ...metadata,
    items,
    body,
    passages: splitPassages(items),
    encoding: source.encoding ?? null,
    pageLabels: source.pageLabels ?? [],
    partOf: source.partOf ?? null,
    retention,
    removed: [...(source.removed ?? []), ...removed],
    removedOmitted,
    provenance: metadata.provenance,
  };
}

/** What readers of other formats declare, named as evidence when they give no finer one. */
const READER_EVIDENCE: Partial<Record<SourceFormat, string>> = {
  pdf: 'PDF document information',
  docx: 'Word document properties',
  eml: 'e-mail headers',
};

/** A declared value with its evidence. */
function declaredClaim(parsed: Parsed, field: MetadataField, format: SourceFormat): Claim | null {
  const value = parsed.declared[field];
  if (value === null || value === undefined) return null;
  const ev = parsed.declaredEvidence?.[field] ?? { rule: READER_EVIDENCE[format] ?? 'declared metadata', source: value };
  return { value, ...ev };
}

/**
 * Step 5 of the workflow: each field from the first thing the document states about it, with that
 * evidence. No positional guesses: a URL only from the document's own declaration or a link or line
 * it labels as its source; a publisher only from a declaration, a copyright line, or the site of
 * that URL (by the public suffix list), never from an image credit or an unlabelled link.
 */
function resolveMetadata(
  parsed: Parsed,
  title: string | null,
  evidence: Evidence,
  lang: Claim | null,
  format: SourceFormat,
): DocumentMetadata & { provenance: Provenance } {
  const named = (c: Claim | null) => (c && !isPlaceholderAuthor(c.value) ? c : null);
  const titleClaim = title
    ? { value: title, ...(parsed.titleEvidence ?? (parsed.declared.title === parsed.title ? declaredClaim(parsed, 'title', format) : null) ?? { rule: 'first heading', source: title }) }
    : declaredClaim(parsed, 'title', format);
  const url = firstClaim(declaredClaim(parsed, 'url', format), evidence.sourceUrl, parsed.sourceLinks[0]);
  const site = siteOfUrl(url?.value ?? null);
  const fields: Record<MetadataField, Claim | null> = {
    title: titleClaim,
    author: firstClaim(named(declaredClaim(parsed, 'author', format)), named(evidence.author), named(evidence.creditAuthor)),
    date: firstClaim(declaredClaim(parsed, 'date', format), evidence.date),
    publisher: firstClaim(
      declaredClaim(parsed, 'publisher', format),
      evidence.copyright,
      site && url ? { value: site, rule: `site of the ${url.rule} (public suffix list)`, source: url.value } : null,
    ),
    url: url && httpUrl(url.value) ? url : null,
    lang,
  };
  const provenance: Provenance = {};
  for (const [field, c] of Object.entries(fields) as Array<[MetadataField, Claim | null]>) if (c) provenance[field] = { rule: c.rule, source: c.source };
  return {
    title: fields.title?.value ?? null,
    author: fields.author?.value ?? null,
    date: fields.date?.value ?? null,
    publisher: fields.publisher?.value ?? null,
    url: fields.url?.value ?? null,
    lang: fields.lang?.value ?? null,
    provenance,
  };
}

export { docIdFromFile };
