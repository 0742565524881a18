import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { IngestError } from '../../errors.js';

/** Text decoded from a file's bytes, and the encoding that was found to fit. */
export interface DecodedText {
  text: string;
  /** WHATWG-style name of the encoding: utf-8, utf-16le, utf-16be, windows-1252, iso-8859-2… */
  encoding: string;
}

/** Bytes looked at to tell UTF-16 without a byte-order mark and binary data apart. */
const PROBE_BYTES = 8_192;
/**
 * UTF-16 text in a Latin script has a zero in nearly every other byte (the high byte of ASCII
 * letters) and almost none in the other half; binary data has zeros scattered on both sides.
 */
const UTF16_ZERO_SHARE = 0.3;
const UTF16_OTHER_ZERO_MAX = 0.02;
/**
 * A decoding fits when control characters (other than tab, line and page breaks) are at most this
 * share of the text: every byte decodes in a single-byte code page, so a wrong guess or a binary
 * file shows up as controls, not as an error.
 */
const MAX_CONTROL_SHARE = 0.001;
/** Single-byte and multi-byte encodings tried after UTF-8, in chardet's order of confidence. */
const FALLBACKS = ['windows-1252'];

const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F-\u009F\uFFFD]/g;

function fits(text: string): boolean {
  const controls = text.match(CONTROL)?.length ?? 0;
  return controls <= text.length * MAX_CONTROL_SHARE;
}

/** The byte order of UTF-16 text without a byte-order mark, or null when the zeros say otherwise. */
function utf16Order(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(bytes.length, PROBE_BYTES) & ~1;
  if (n < 4) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZeros++;
    if (bytes[i + 1] === 0) oddZeros++;
  }
  const pairs = n / 2;
  if (oddZeros >= pairs * UTF16_ZERO_SHARE && evenZeros <= pairs * UTF16_OTHER_ZERO_MAX) return 'utf-16le';
  if (evenZeros >= pairs * UTF16_ZERO_SHARE && oddZeros <= pairs * UTF16_OTHER_ZERO_MAX) return 'utf-16be';
  return null;
}

function decodeUtf16(bytes: Uint8Array, order: 'utf-16le' | 'utf-16be'): string {
  return new TextDecoder(order).decode(bytes);
}

/** iconv-lite's name for a chardet name, or null when it has no such codec. */
function codec(name: string): string | null {
  // ISO-8859-1 as labelled on the web is windows-1252 (WHATWG Encoding): the same letters, plus
  // curly quotes, dashes and the euro sign where ISO-8859-1 has unused control codes.
  const n = name.toLowerCase() === 'iso-8859-1' ? 'windows-1252' : name.toLowerCase();
  return iconv.encodingExists(n) ? n : null;
}

/**
 * Decodes a text file's bytes, finding its encoding: a byte-order mark first, then UTF-16 by the
 * place of its zero bytes, then strict UTF-8, then the encodings chardet finds likely, in order of
 * confidence, the first whose text has no stray control characters. Refuses empty files, binary
 * data, and text that no encoding fits, saying which were tried.
 */
export function decodeTextFile(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) throw new IngestError('empty file');
  const decoded = decode(bytes);
  const text = decoded.text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new IngestError('empty document (only whitespace)');
  return { text, encoding: decoded.encoding };
}

function decode(bytes: Uint8Array): DecodedText {
  const b = bytes;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { text: new TextDecoder('utf-8').decode(b), encoding: 'utf-8' };
  if (b[0] === 0xff && b[1] === 0xfe) return { text: decodeUtf16(b.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
  if (b[0] === 0xfe && b[1] === 0xff) return { text: decodeUtf16(b.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  const probe = b.subarray(0, PROBE_BYTES);
  if (probe.includes(0)) {
    const order = utf16Order(b);
    if (order) {
      const text = decodeUtf16(b, order);
      if (fits(text)) return { text, encoding: order };
    }
    throw new IngestError('binary file (NUL bytes), not a text document');
  }
  // isUtf8 validates natively, several times faster than a fatal TextDecoder.
  if (isUtf8(b)) return { text: Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'), encoding: 'utf-8' };
  const tried = ['utf-8'];
  const candidates = [...chardet.analyse(b).map((m) => codec(m.name)), ...FALLBACKS];
  for (const name of candidates) {
    if (name === null || tried.includes(name) || name.startsWith('utf')) continue;
    tried.push(name);
    const text = iconv.decode(Buffer.from(b.buffer, b.byteOffset, b.byteLength), name);
    if (fits(text)) return { text, encoding: name };
  }
  throw new IngestError(`no text encoding fits (tried ${tried.join(', ')})`);
}
