import * as cheerio from 'cheerio';
import JSZip from 'jszip';
import mammoth from 'mammoth';
import { IngestError } from '../../errors.js';

/** What a Word file states about itself in its core properties (docProps/core.xml). */
export interface DocxMetadata {
  title: string | null;
  author: string | null;
  /** ISO date (YYYY-MM-DD) of dcterms:created. */
  created: string | null;
  lang: string | null;
}

export interface DocxContent {
  /** The document as structured HTML: headings as h1–h6, paragraphs, lists, tables. */
  html: string;
  metadata: DocxMetadata;
}

/**
 * A Word file is a ZIP archive: its parts are inflated in memory, so their declared sizes are
 * checked first. Real documents are a few megabytes of XML; a ZIP bomb declares gigabytes.
 */
const DOCX_MAX_UNPACKED_BYTES = 256 * 1024 * 1024;
const DOCX_MAX_PARTS = 10_000;

function clean(value: string | undefined): string | null {
  const v = value?.replace(/\s+/g, ' ').trim();
  return v ? v : null;
}

/** Reads core properties: title, creator, creation date and language, as the file states them. */
export function docxCoreProperties(xml: string): DocxMetadata {
  const $ = cheerio.load(xml, { xml: true });
  const field = (name: string) => clean($(name.replace(':', '\\:')).first().text());
  const created = field('dcterms:created');
  return {
    title: field('dc:title'),
    author: field('dc:creator'),
    created: created && /^\d{4}-\d{2}-\d{2}/.test(created) ? created.slice(0, 10) : null,
    lang: field('dc:language'),
  };
}

/** Converts a .docx file to HTML with mammoth and reads its core properties. */
export async function readDocx(bytes: Uint8Array): Promise<DocxContent> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (err) {
    throw new IngestError(`corrupt Word file: ${(err as Error).message}`, { cause: err });
  }
  let unpacked = 0;
  let parts = 0;
  zip.forEach((_, entry) => {
    parts++;
    // JSZip keeps each entry's declared size in its private data; it is what inflating would cost.
    unpacked += (entry as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
  });
  if (parts > DOCX_MAX_PARTS || unpacked > DOCX_MAX_UNPACKED_BYTES) {
    throw new IngestError(`Word file unpacks to ${unpacked} bytes in ${parts} parts, over the limit of ${DOCX_MAX_UNPACKED_BYTES} bytes`);
  }
  const core = zip.file('docProps/core.xml');
  const metadata = core ? docxCoreProperties(await core.async('string')) : { title: null, author: null, created: null, lang: null };
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
  } catch (err) {
    throw new IngestError(`unreadable Word file: ${(err as Error).message}`, { cause: err });
  }
  return { html, metadata };
}
