import path from 'node:path';
import { IngestError } from '../errors.js';
import { block, type Block } from './blocks.js';
import { MAX_LINK_DENSITY } from './classify.js';
import { messageDocId, readMessage, splitMbox, type MailMessage } from './formats/email.js';
import { decodeTextFile } from './formats/encoding.js';
import { layoutPdf } from './formats/pdf-layout.js';
import { taggedHtml } from './formats/pdf-tags.js';
import type { PdfContent } from './formats/pdf.js';
import { sniffFile, type FileKind } from './formats/sniff.js';
import { cleanParsed, docIdFromFile, ingestText, parseHtml, type CleanDocument, type Parsed, type SourceInfo } from './ingest.js';
import { normalizeLang } from './metadata.js';

/** One part of a file that could not be read, while the rest of the file was. */
export interface PartFailure {
  /** Which part: "message 3", "attachment memo.pdf of message 2". */
  part: string;
  error: string;
}

export interface FileDocuments {
  kind: FileKind;
  documents: CleanDocument[];
  failures: PartFailure[];
}

/**
 * A tagged PDF is read through its structure tree when the tree holds at least this share of its
 * text; a tree that leaves most of it out is a partial tagging (a few figures or headings marked),
 * and the layout reads the whole page instead.
 */
const TAGGED_MIN_COVERAGE = 0.5;
/** Attachments inside attachments are read to this depth (a forwarded message's attachment). */
const MAX_ATTACHMENT_DEPTH = 2;
/** Messages read from one mbox; the rest are named as one failure. */
const MAX_MBOX_MESSAGES = 100_000;

/**
 * Reads a file's bytes into clean documents, whatever its format: what the content is (magic
 * bytes, e-mail headers) decides, the extension only breaks ties. A PDF, a Word file, a text file
 * make one document; an e-mail makes one for the message and one for each readable attachment; an
 * mbox, one for each message and its attachments. Throws an IngestError when nothing in the file
 * can be read; parts that fail while others succeed are listed in `failures`.
 */
export async function ingestFile(file: string, bytes: Uint8Array, depth = 0): Promise<FileDocuments> {
  const kind = await sniffFile(file, bytes);
  switch (kind) {
    case 'text': {
      const { text, encoding } = decodeTextFile(bytes);
      return { kind, documents: [ingestText(file, text, encoding)], failures: [] };
    }
    case 'pdf':
      return { kind, documents: [await ingestPdf(file, bytes)], failures: [] };
    case 'docx':
      return { kind, documents: [await ingestDocx(file, bytes)], failures: [] };
    case 'email':
      return { kind, ...(await ingestMessage(file, bytes, null, depth)) };
    case 'mbox': {
      const messages = splitMbox(bytes);
      const documents: CleanDocument[] = [];
      const failures: PartFailure[] = [];
      for (const [i, message] of messages.slice(0, MAX_MBOX_MESSAGES).entries()) {
        try {
          const r = await ingestMessage(file, message, i + 1, depth);
          documents.push(...r.documents);
          failures.push(...r.failures);
        } catch (err) {
          failures.push({ part: `message ${i + 1}`, error: (err as Error).message });
        }
      }
      if (messages.length > MAX_MBOX_MESSAGES) failures.push({ part: `messages ${MAX_MBOX_MESSAGES + 1}–${messages.length}`, error: `over the limit of ${MAX_MBOX_MESSAGES} messages per file` });
      if (documents.length === 0) throw new IngestError(messages.length === 0 ? 'no messages in mbox' : `no readable message in mbox (${failures[0]?.error ?? 'no text'})`);
      return { kind, documents, failures };
    }
  }
}

/** A PDF: text per page in reading order, page furniture out, page breaks kept for citations. */
export async function ingestPdf(file: string, bytes: Uint8Array, source: Partial<SourceInfo> = {}): Promise<CleanDocument> {
  // pdf.js and mammoth are loaded on first use: a job of text and web pages never needs them.
  const { readPdf } = await import('./formats/pdf.js');
  return pdfDocument(file, await readPdf(bytes), source);
}

/**
 * A PDF's text as pdf.js reads it, cleaned: a tagged PDF through its structure tree, as the HTML the
 * tree describes; any other by its layout. Pure.
 */
export function pdfDocument(file: string, { pages, metadata, structure }: PdfContent, source: Partial<SourceInfo> = {}): CleanDocument {
  const declared = { title: metadata.title, author: metadata.author, date: metadata.created, lang: normalizeLang(metadata.lang) };
  const pageLabels = pages.map((p) => p.label);
  // A tagged PDF whose tree holds its text is read as the HTML its tree describes.
  const tagged = structure ? taggedHtml(pages, structure, { title: metadata.title, lang: metadata.lang }) : null;
  if (tagged && tagged.coverage >= TAGGED_MIN_COVERAGE) {
    const parsed = parseHtml(tagged.html);
    return cleanParsed(
      file,
      { ...parsed, title: metadata.title ?? parsed.title, declared, declaredEvidence: undefined, sourceLinks: [], placeItems: tagged.place },
      { format: 'pdf', pageLabels, removed: tagged.artifacts, ...source },
    );
  }
  const layout = layoutPdf(pages);
  const blocks = layout.paragraphs.map((p) =>
    block(p.text, { kind: p.heading ? 'heading' : 'paragraph', markedHeading: p.heading, linkDensity: p.linkDensity, page: p.page, breaks: p.breaks }),
  );
  // Without a title in its metadata, a PDF's title is the heading it opens with, if it opens with one.
  const opening = blocks[0]?.markedHeading && blocks[0].page === 1 ? blocks[0].text : null;
  // The article starts at its headline: what comes before it on the page (a printed web page's
  // menus and lists) is outside the article, as the HTML path's container leaves it out.
  const headline = metadata.title ? headlineAt(blocks, metadata.title) : -1;
  const parsed: Parsed = {
    title: metadata.title ?? opening,
    blocks: headline > 0 ? blocks.slice(headline) : blocks,
    pageBlocks: blocks,
    declared,
    sourceLinks: [],
  };
  return cleanParsed(file, parsed, {
    format: 'pdf',
    pageLabels,
    removed: layout.dropped.map((d) => ({ text: d.text, reason: d.reason, page: d.page })),
    ...source,
  });
}

/** Words of a text, for comparing a heading with a title. */
const wordsOf = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/**
 * The first block that reads as the document's headline: not a link, and its words are the title's
 * or more than half of them from its start (a web page's title adds the site's name: "Headline |
 * Site"; a match at the end would be the site's name, which its header and footer print too). -1
 * when none does.
 */
export function headlineAt(blocks: readonly Block[], title: string): number {
  const t = wordsOf(title).join(' ');
  const titleWords = t.split(' ').length;
  return blocks.findIndex((b) => {
    if (b.linkDensity > MAX_LINK_DENSITY) return false;
    const w = wordsOf(b.text);
    if (w.length * 2 <= titleWords) return false;
    const h = w.join(' ');
    return h === t || t.startsWith(`${h} `);
  });
}

/** A Word file: its HTML through the HTML path, its core properties as declared metadata. */
export async function ingestDocx(file: string, bytes: Uint8Array, source: Partial<SourceInfo> = {}): Promise<CleanDocument> {
  const { readDocx } = await import('./formats/docx.js');
  const { html, metadata } = await readDocx(bytes);
  const parsed = parseHtml(html);
  const title = metadata.title ?? parsed.title;
  return cleanParsed(
    file,
    {
      ...parsed,
      title,
      declared: { ...parsed.declared, title, author: metadata.author, date: metadata.created, lang: normalizeLang(metadata.lang) ?? parsed.declared.lang ?? null },
    },
    { format: 'docx', ...source },
  );
}

/** Types of attachment read as documents of their own; others are listed, not read. */
function readableAttachment(name: string, mimeType: string): boolean {
  const ext = path.extname(name).toLowerCase();
  return (
    ['.pdf', '.docx', '.txt', '.text', '.md', '.markdown', '.html', '.htm', '.eml'].includes(ext) ||
    ['application/pdf', 'text/plain', 'text/html', 'text/markdown', 'message/rfc822', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'].includes(mimeType)
  );
}

/** The message as a document (subject, sender, date, own words), then its readable attachments. */
async function ingestMessage(file: string, bytes: Uint8Array, index: number | null, depth: number): Promise<{ documents: CleanDocument[]; failures: PartFailure[] }> {
  const message = await readMessage(bytes);
  const label = index === null ? 'message' : `message ${index}`;
  const docId = message.messageId ? messageDocId(message.messageId) : index === null ? docIdFromFile(file) : `${docIdFromFile(file)}-${index}`;
  const documents: CleanDocument[] = [];
  const failures: PartFailure[] = [];
  if (message.paragraphs.length > 0) documents.push(messageDocument(file, message, docId));
  const subject = message.subject ?? '(no subject)';
  for (const [i, attachment] of message.attachments.entries()) {
    const part = `attachment ${attachment.filename} of ${label}`;
    if (depth >= MAX_ATTACHMENT_DEPTH) {
      failures.push({ part, error: `attachments nested deeper than ${MAX_ATTACHMENT_DEPTH} levels are not read` });
      continue;
    }
    if (!readableAttachment(attachment.filename, attachment.mimeType)) continue;
    try {
      const inner = await ingestFile(attachment.filename, attachment.content, depth + 1);
      inner.documents.forEach((d, j) => {
        d.docId = `${docId}-att${i + 1}${inner.documents.length > 1 ? `-${j + 1}` : ''}`;
        d.file = path.basename(file);
        d.partOf ??= `attachment ${attachment.filename} of message ${subject}`;
        documents.push(d);
      });
      failures.push(...inner.failures.map((f) => ({ part: `${f.part} in ${part}`, error: f.error })));
    } catch (err) {
      failures.push({ part, error: (err as Error).message });
    }
  }
  if (documents.length === 0) throw new IngestError(failures[0]?.error ?? 'e-mail without text or readable attachments');
  return { documents, failures };
}

function messageDocument(file: string, message: MailMessage, docId: string): CleanDocument {
  const parsed: Parsed = {
    title: message.subject,
    blocks: [],
    declared: { title: message.subject, author: message.from, date: message.date },
    sourceLinks: [],
    // A message is all body: its own words are known once quotes and signature are apart.
    extracted: {
      items: message.paragraphs.map((text) => ({ kind: 'paragraph' as const, text })),
      evidence: { date: null, author: null, creditAuthor: null, copyright: null, imageCredit: null },
      lang: null,
      blocks: [],
      labels: [],
    },
  };
  return cleanParsed(file, parsed, { format: 'eml', docId, removed: message.removed.map((r) => ({ text: r.text, reason: r.reason })) });
}
