import path from 'node:path';
import { CitableError, IngestError } from '../errors.js';
import { OUTSIDE_ROOTS, readFoundFile } from '../indexing/files.js';
import { DEFAULT_MAX_FILE_BYTES, docHashOf } from '../indexing/read-files.js';
import type { DocumentFile } from '../search/backend.js';

/** An original file as the service sends it. */
export interface OriginalFile {
  bytes: Buffer;
  contentType: string;
  /** Only a PDF is shown inline (the browser's PDF viewer); everything else downloads. */
  disposition: 'inline' | 'attachment';
  filename: string;
}

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  eml: 'message/rfc822',
  html: 'text/html',
  markdown: 'text/markdown',
  wordpress: 'text/markdown',
  text: 'text/plain',
};

function contentTypeOf(f: DocumentFile): string {
  // An attachment or a message is served as the file it came in: the message, or the mailbox.
  if (f.partOf || f.format === 'eml') return path.extname(f.file).toLowerCase() === '.mbox' ? 'application/mbox' : 'message/rfc822';
  const type = CONTENT_TYPES[f.format ?? ''] ?? 'application/octet-stream';
  return type.startsWith('text/') && f.encoding ? `${type}; charset=${f.encoding}` : type;
}

function gone(f: DocumentFile, why: string): CitableError {
  return new CitableError('document_not_found', `The original file of document "${f.docId}" ${why}`);
}

/**
 * Reads a document's original file for serving: only from inside the root it was indexed under
 * (the file actually opened, links resolved, must lie there, as when the job read it), at most the
 * job's size limit, and only while its content is what was indexed, so that page citations hold for
 * the file served.
 */
export function readOriginalFile(f: DocumentFile, maxBytes = DEFAULT_MAX_FILE_BYTES): OriginalFile {
  let bytes: Buffer;
  try {
    bytes = readFoundFile({ path: f.file, realPath: f.path, rootId: '', realRoot: f.rootPath }, maxBytes);
  } catch (err) {
    if (err instanceof IngestError && err.message === OUTSIDE_ROOTS) throw gone(f, 'is no longer inside the folder it was indexed from');
    if (err instanceof IngestError && err.code === 'file_too_large') throw gone(f, `is larger than the ${maxBytes} bytes the service sends`);
    throw gone(f, 'can no longer be read where it was indexed');
  }
  if (docHashOf(bytes) !== f.docHash) throw gone(f, 'has changed since it was indexed (or was indexed under older cleaning rules); index it again to serve it');
  const type = contentTypeOf(f);
  return { bytes, contentType: type, disposition: type === 'application/pdf' ? 'inline' : 'attachment', filename: path.basename(f.path) };
}
