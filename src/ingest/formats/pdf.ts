import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument, VerbosityLevel } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { IngestError } from '../../errors.js';
import type { PdfPageText, PdfTextRun } from './pdf-layout.js';
import { readStructure, type PdfStructElement } from './pdf-structure.js';

/** What a PDF states about itself, in its Info dictionary and its XMP metadata. */
export interface PdfMetadata {
  title: string | null;
  author: string | null;
  /** ISO date (YYYY-MM-DD) of the document's creation. */
  created: string | null;
  lang: string | null;
  /** Where each value was read: "Info /Title", "XMP dc:title"… */
  sources: Partial<Record<'title' | 'author' | 'created' | 'lang', string>>;
}

export interface PdfContent {
  pages: PdfPageText[];
  metadata: PdfMetadata;
  /** A tagged PDF's structure elements, whose marked content runs name (`PdfTextRun.mcid`); null when untagged. */
  structure?: PdfStructElement[] | null;
}

/*
 * Bounds on what one PDF may cost, besides the time and memory limits of the process that reads it.
 */
/** Pages read from one file; a longer document is refused rather than read in part. */
export const PDF_MAX_PAGES = 5_000;
/** Characters of text read from one file. */
export const PDF_MAX_CHARS = 20_000_000;

const pdfjsRoot = path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/**
 * pdf.js runs without evaluating code from the file (no `eval` of Type 4 functions, no scripting,
 * no XFA forms) and without fetching anything: character maps and standard font metrics come from
 * the package's own folders.
 */
const PDFJS_OPTIONS = {
  isEvalSupported: false,
  enableXfa: false,
  disableFontFace: true,
  useSystemFonts: false,
  useWorkerFetch: false,
  stopAtErrors: false,
  verbosity: VerbosityLevel.ERRORS,
  cMapUrl: `${path.join(pdfjsRoot, 'cmaps')}/`,
  cMapPacked: true,
  standardFontDataUrl: `${path.join(pdfjsRoot, 'standard_fonts')}/`,
} as const;

/** A title that names a file or a template, not the document. */
const PLACEHOLDER_TITLE = /^(?:untitled\b|microsoft (?:word|powerpoint|excel) - |document\d*$|\s*$)|\.(?:docx?|pdf|rtf|odt|indd|tex|html?|txt)$/i;

function clean(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.replace(/\s+/g, ' ').trim();
  return v === '' ? null : v;
}

/** PDF date strings (D:YYYYMMDDHHmmSS…) and XMP dates (ISO 8601) to a calendar date. */
export function pdfDate(value: unknown): string | null {
  const v = clean(value);
  if (!v) return null;
  const m = /^(?:D:)?(\d{4})(?:-?(\d{2}))?(?:-?(\d{2}))?/.exec(v);
  if (!m) return null;
  const [year, month = '01', day = '01'] = [m[1]!, m[2], m[3]];
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  // A date that only gives a year or a month is not made more precise than it is.
  if (m[3] === undefined) return null;
  return `${year}-${month}-${day}`;
}

/** Reads the Info dictionary first, XMP second: both are the file's own statements. */
export function pdfMetadata(info: Record<string, unknown>, xmp: Map<string, unknown> | null): PdfMetadata {
  const sources: PdfMetadata['sources'] = {};
  const pick = (field: keyof PdfMetadata['sources'], candidates: Array<[string, unknown]>, accept: (v: string) => string | null = (v) => v) => {
    for (const [source, raw] of candidates) {
      const v = clean(Array.isArray(raw) ? raw.join('; ') : raw);
      const value = v === null ? null : accept(v);
      if (value !== null) {
        sources[field] = source;
        return value;
      }
    }
    return null;
  };
  const x = (name: string) => xmp?.get(name) ?? null;
  const title = pick('title', [['Info /Title', info.Title], ['XMP dc:title', x('dc:title')]], (v) => (PLACEHOLDER_TITLE.test(v) ? null : v));
  const author = pick('author', [['Info /Author', info.Author], ['XMP dc:creator', x('dc:creator')]]);
  const created = pick('created', [['Info /CreationDate', info.CreationDate], ['XMP xmp:CreateDate', x('xmp:createdate')]], pdfDate);
  const lang = pick('lang', [['Catalog /Lang', info.Language], ['XMP dc:language', x('dc:language')]]);
  return { title, author, created, lang, sources };
}

/**
 * The characters a text run means. pdf.js gives U+0000 for a glyph its font maps to no character:
 * a shape, not text. Fonts often map ideographs to the Kangxi radicals or compatibility ideographs
 * that look the same; the text means the unified ideographs (their NFKC form), as typed and searched.
 */
export function pdfText(str: string): string {
  return str.replace(/\u0000/g, '').replace(/[\u2E80-\u2FDF\uF900-\uFAFF]/g, (c) => c.normalize('NFKC'));
}

function runOf(item: TextItem): PdfTextRun | null {
  const [a, b, c, d, e, f] = item.transform as number[];
  // Rotated and vertical text (stamps, margin notes, watermarks) is not part of the reading order.
  if (Math.abs(b!) > Math.abs(a!) * 0.01 || Math.abs(c!) > Math.abs(d!) * 0.01 || a! <= 0 || d! <= 0) return null;
  return { text: pdfText(item.str), x: e!, y: f!, width: item.width, size: Math.abs(d!) };
}

/**
 * Reads a PDF's text runs page by page, its page labels and its metadata, with pdf.js. Refuses
 * encrypted files that need a password, files pdf.js cannot parse, and files without a text layer
 * (scanned pages), each with its reason.
 */
export async function readPdf(bytes: Uint8Array): Promise<PdfContent> {
  // pdf.js takes ownership of the buffer it is given; the caller keeps its own.
  const task = getDocument({ ...PDFJS_OPTIONS, data: new Uint8Array(bytes) });
  try {
    let doc;
    try {
      doc = await task.promise;
    } catch (err) {
      // pdf.js names its exceptions; it does not export every class.
      const name = (err as Error).name;
      if (name === 'PasswordException') throw new IngestError('encrypted PDF: a password is needed to open it', { cause: err });
      if (name === 'InvalidPDFException') throw new IngestError(`corrupt PDF: ${(err as Error).message}`, { cause: err });
      throw new IngestError(`unreadable PDF: ${(err as Error).message}`, { cause: err });
    }
    if (doc.numPages > PDF_MAX_PAGES) throw new IngestError(`PDF of ${doc.numPages} pages is over the limit of ${PDF_MAX_PAGES} pages`);
    const [labels, meta, markInfo] = await Promise.all([doc.getPageLabels().catch(() => null), doc.getMetadata().catch(() => null), doc.getMarkInfo().catch(() => null)]);
    // A tagged PDF's structure tree says which element each piece of text belongs to.
    const structure = markInfo?.Marked ? await readStructure(bytes) : null;
    const pages: PdfPageText[] = [];
    let chars = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [x0, y0, x1, y1] = page.view as [number, number, number, number];
      const [content, annotations] = await Promise.all([
        page.getTextContent({ includeMarkedContent: structure !== null }),
        page.getAnnotations({ intent: 'display' }).catch(() => []),
      ]);
      const links = (annotations as Array<{ subtype?: string; rect?: number[] }>).filter((a) => a.subtype === 'Link' && a.rect?.length === 4).map((a) => a.rect!);
      const runs: PdfTextRun[] = [];
      // Marked content open around the current item (innermost last): its MCID, or null.
      const marked: Array<number | null> = [];
      for (const item of content.items) {
        if (!('str' in item)) {
          if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent') {
            const mcid = typeof item.id === 'string' ? /_mc(\d+)$/.exec(item.id)?.[1] : undefined;
            marked.push(mcid === undefined ? null : Number(mcid));
          } else if (item.type === 'endMarkedContent') marked.pop();
          continue;
        }
        const run = runOf(item);
        if (!run) continue;
        // Text under a link annotation is link text, as an <a> is in HTML: the share of the run's
        // width that link rectangles cover on its line.
        const cy = run.y + run.size / 3;
        let covered = 0;
        for (const [ax, ay, bx, by] of links) {
          if (cy < Math.min(ay!, by!) || cy > Math.max(ay!, by!)) continue;
          covered += Math.max(0, Math.min(run.x + run.width, Math.max(ax!, bx!)) - Math.max(run.x, Math.min(ax!, bx!)));
        }
        const link = run.width > 0 ? Math.min(1, covered / run.width) : 0;
        const mcid = marked.findLast((m) => m !== null);
        runs.push({ ...run, x: run.x - x0, y: run.y - y0, ...(link > 0 ? { link } : {}), ...(mcid != null ? { mcid } : {}) });
        chars += item.str.length;
      }
      if (chars > PDF_MAX_CHARS) throw new IngestError(`PDF text is over the limit of ${PDF_MAX_CHARS} characters`);
      pages.push({ number: n, label: clean(labels?.[n - 1]) ?? null, width: x1 - x0, height: y1 - y0, runs });
      page.cleanup();
    }
    if (!pages.some((p) => p.runs.some((r) => r.text.trim() !== ''))) {
      throw new IngestError(`no text layer: none of its ${pages.length} page(s) has text (a scanned document needs optical character recognition)`);
    }
    const info = (meta?.info ?? {}) as Record<string, unknown>;
    const xmp = meta?.metadata ? new Map<string, unknown>([...(meta.metadata as unknown as Iterable<[string, unknown]>)]) : null;
    return { pages, metadata: pdfMetadata(info, xmp), structure: structure?.elements ?? null };
  } finally {
    await task.destroy().catch(() => undefined);
  }
}
