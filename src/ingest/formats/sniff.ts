import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import { IngestError } from '../../errors.js';

/** What a file holds, told from its bytes. */
export type FileKind = 'pdf' | 'docx' | 'email' | 'mbox' | 'text';

/** PDF readers accept the header anywhere in the first kilobyte (ISO 32000-1, annex H). */
const PDF_HEADER_WINDOW = 1_024;
/** Bytes read to tell e-mail headers from prose. */
const HEADER_PROBE = 16_384;
const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
/** Header fields that mark a message (RFC 5322 and MIME); two of them make an e-mail. */
const MAIL_FIELDS = new Set(['from', 'to', 'cc', 'subject', 'date', 'message-id', 'mime-version', 'received', 'return-path', 'reply-to', 'in-reply-to', 'references', 'content-type', 'delivered-to', 'x-mailer']);
/** An mbox message starts with a "From " line: the envelope sender, then a date. */
const MBOX_FROM_LINE = /^From \S+ +.+\n/;
const HEADER_LINE = /^([!-9;-~]+):[ \t]*(.*)$/;

function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  return signature.every((b, i) => bytes[at + i] === b);
}

function findAscii(bytes: Uint8Array, needle: string, within: number): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, within)).indexOf(needle, 0, 'latin1');
}

/** True when the text opens with a block of header fields of which at least two are mail fields. */
export function looksLikeMessage(head: string): boolean {
  let mailFields = 0;
  for (const line of head.replace(/\r\n?/g, '\n').split('\n')) {
    if (line === '') return mailFields >= 2;
    if (/^[ \t]/.test(line)) continue; // a folded continuation of the field before
    const m = HEADER_LINE.exec(line);
    if (!m) return false;
    if (MAIL_FIELDS.has(m[1]!.toLowerCase())) mailFields++;
  }
  return mailFields >= 2;
}

/** Names the type of a binary file for a failure message, e.g. "image/png (.png)". */
async function binaryType(bytes: Uint8Array): Promise<string | null> {
  const found = await fileTypeFromBuffer(bytes).catch(() => undefined);
  return found ? `${found.mime} (.${found.ext})` : null;
}

/** Types file-type knows that are text all the same, to be read by the text path. */
function isTextType(mime: string): boolean {
  return mime.startsWith('text/') || mime === 'application/xml' || mime === 'image/svg+xml';
}

/**
 * Tells what a file holds from its content; the extension only settles a message without a
 * header block that says so. Binary files of a type Citable cannot read are refused with the type
 * found, so the failure says what the file was.
 */
export async function sniffFile(file: string, bytes: Uint8Array): Promise<FileKind> {
  if (findAscii(bytes, '%PDF-', PDF_HEADER_WINDOW) >= 0) return 'pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    const found = await fileTypeFromBuffer(bytes).catch(() => undefined);
    if (found?.mime === DOCX_MIME) return 'docx';
    throw new IngestError(`unsupported file type: ${found ? `${found.mime} (.${found.ext})` : 'ZIP archive'}`);
  }
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, HEADER_PROBE)).toString('latin1');
  if (MBOX_FROM_LINE.test(head) && looksLikeMessage(head.slice(head.indexOf('\n') + 1))) return 'mbox';
  if (looksLikeMessage(head)) return 'email';
  const ext = path.extname(file).toLowerCase();
  if (ext === '.mbox' && MBOX_FROM_LINE.test(head)) return 'mbox';
  // Text that decodes as UTF-8 or starts with a byte-order mark is text, whatever a signature
  // table would make of its first bytes.
  const probe = bytes.subarray(0, HEADER_PROBE);
  const bom = startsWith(bytes, [0xef, 0xbb, 0xbf]) || startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff]);
  if (bom || (!probe.includes(0) && isUtf8(bytes.subarray(0, lastCharBoundary(probe))))) return 'text';
  const type = await binaryType(bytes);
  if (type !== null && !isTextType(type)) throw new IngestError(`unsupported file type: ${type}`);
  return 'text';
}

/** The probe cut before a UTF-8 sequence the cut would split, so a valid file validates. */
function lastCharBoundary(probe: Uint8Array): number {
  let end = probe.length;
  for (let back = 0; back < 4 && end > 0; back++) {
    const byte = probe[end - 1]!;
    if (byte < 0x80) break;
    end--;
    if (byte >= 0xc0) break; // the lead byte of the sequence that was cut: drop it too
  }
  return end;
}
