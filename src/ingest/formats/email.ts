import { createHash } from 'node:crypto';
import * as cheerio from 'cheerio';
import PostalMime from 'postal-mime';
import { IngestError } from '../../errors.js';
import { htmlToBlocks } from '../html.js';

/** A message's own words, what it quotes and signs, its headers and its attachments. */
export interface MailMessage {
  subject: string | null;
  /** The sender as the From header gives it: "Name <address>", or the address alone. */
  from: string | null;
  /** Calendar date (YYYY-MM-DD) as the Date header writes it, in the sender's own time zone. */
  date: string | null;
  messageId: string | null;
  /** Paragraphs of the message's own text. */
  paragraphs: string[];
  /** Quoted replies and signatures, recognised and kept apart from the message's own words. */
  removed: Array<{ text: string; reason: 'quoted reply' | 'signature' }>;
  attachments: Array<{ filename: string; mimeType: string; content: Uint8Array }>;
}

/** Limits given to the MIME parser: nesting and header sizes far above real mail, far below harm. */
const MIME_LIMITS = { maxNestingDepth: 20, maxHeadersSize: 256 * 1024 };
/** A closing line this close to the end of a message's own text starts its signature… */
const SIGNATURE_MAX_PARAGRAPHS_FROM_END = 6;
/** …when what follows it is this short (a name, a role, a telephone number). */
const SIGNATURE_MAX_WORDS = 40;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** "On Tue, 12 Mar 2024, Ann wrote:", "Am … schrieb …:", "Le … a écrit :", "El … escribió:". */
const ATTRIBUTION = /^(?:on\b.{0,300}\bwrote|am\b.{0,300}\bschrieb|le\b.{0,300}\ba écrit|el\b.{0,300}\bescribió|op\b.{0,300}\bschreef)\s*:\s*$/isu;
/** Separators mail programs put above a forwarded or replied-to message. */
const ORIGINAL_MESSAGE = /^(?:-{2,}\s*(?:original message|forwarded message|ursprüngliche nachricht|message d'origine)\s*-{2,}|_{20,})\s*$/iu;
/** The signature delimiter of RFC 3676 ("-- "), often stripped to "--". */
const SIGNATURE_DELIMITER = /^--\s?$/;
const SENT_FROM = /^sent from my\b/i;
/** Closing lines that sign a message off. */
const CLOSING = /^(?:(?:best|kind|warm|many|with)?\s*(?:regards|wishes|thanks|thank you)|cheers|sincerely|yours(?: truly| sincerely)?|best|mit freundlichen grüßen|viele grüße|cordialement|bien à vous|saludos|met vriendelijke groet)\s*(?:,|!?\s*(?:\n|$))/iu;

/** The calendar date a Date header writes ("Tue, 12 Mar 2024 10:15:00 +0100" → 2024-03-12). */
export function mailDate(header: string | null | undefined): string | null {
  const m = /\b(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})\b/.exec(header ?? '');
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
  const day = Number(m[1]);
  if (month === 0 || day < 1 || day > 31) return null;
  return `${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A stable id from a Message-ID: the same message gives the same id in any file. */
export function messageDocId(messageId: string): string {
  return `msg-${createHash('sha256').update(messageId.trim().replace(/^<|>$/g, '').toLowerCase()).digest('hex').slice(0, 16)}`;
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/**
 * Separates a message's own words from what it quotes and how it signs off. Takes the message's
 * paragraphs (lines kept), some already known as quotes (HTML blockquotes).
 *
 * 1. Lines starting with ">" are quoted; an attribution line ("On … wrote:") goes with them.
 * 2. After an "Original Message" separator, everything is the quoted message.
 * 3. The signature starts at the "-- " delimiter, at "Sent from my…", or at a closing line
 *    ("Best regards,") near the end after which only a few short lines follow.
 */
export function separateReply(paragraphs: ReadonlyArray<{ text: string; quote?: boolean }>): Pick<MailMessage, 'paragraphs' | 'removed'> {
  const own: string[] = [];
  const removed: MailMessage['removed'] = [];
  let forwarded = false;
  let signature = false;
  for (const p of paragraphs) {
    if (forwarded || p.quote) {
      removed.push({ text: p.text, reason: 'quoted reply' });
      continue;
    }
    const kept: string[] = [];
    const quoted: string[] = [];
    const signed: string[] = [];
    for (const line of p.text.split('\n')) {
      const t = line.trim();
      if (forwarded || t.startsWith('>') || ATTRIBUTION.test(t)) {
        quoted.push(t);
        signature = false;
      } else if (ORIGINAL_MESSAGE.test(t)) {
        forwarded = true;
        quoted.push(t);
      } else if (signature || SIGNATURE_DELIMITER.test(line) || SENT_FROM.test(t)) {
        signature = true;
        signed.push(t);
      } else kept.push(t);
    }
    if (quoted.length > 0) removed.push({ text: quoted.join('\n'), reason: 'quoted reply' });
    if (signed.length > 0) removed.push({ text: signed.join('\n'), reason: 'signature' });
    const text = kept.join(' ').replace(/\s+/g, ' ').trim();
    if (text !== '') own.push(text);
  }
  // A closing near the end, followed only by a name and a few short lines, signs the message.
  for (let i = Math.max(0, own.length - SIGNATURE_MAX_PARAGRAPHS_FROM_END); i < own.length; i++) {
    const closing = CLOSING.exec(own[i]!);
    if (!closing) continue;
    const rest = own.slice(i);
    if (wordCount(rest.join(' ')) - wordCount(closing[0]) > SIGNATURE_MAX_WORDS) continue;
    removed.push({ text: rest.join('\n'), reason: 'signature' });
    own.length = i;
    break;
  }
  return { paragraphs: own, removed };
}

/** Plain-text paragraphs (blank-line separated), lines kept for the quote and signature rules. */
function textParagraphs(text: string): Array<{ text: string }> {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((t) => ({ text: t.replace(/^\n+|\n+$/g, '') }))
    .filter((p) => p.text.trim() !== '');
}

/** Elements in which mail programs put the message replied to. */
const HTML_QUOTES = 'blockquote, .gmail_quote, .moz-cite-prefix, #divRplyFwdMsg, #appendonsend ~ *, [type="cite"]';

/** HTML bodies: the quoted containers apart, then the blocks of the rest. */
function htmlParagraphs(html: string): Array<{ text: string; quote?: boolean }> {
  const $ = cheerio.load(html);
  const quotes: Array<{ text: string; quote: boolean }> = [];
  $(HTML_QUOTES).each((_, el) => {
    const text = $(el).text().replace(/\s+/g, ' ').trim();
    if (text !== '') quotes.push({ text, quote: true });
  });
  $(HTML_QUOTES).remove();
  const own = htmlToBlocks($.html(), { dropByName: false }).blocks.map((b) => ({ text: b.text }));
  return [...own, ...quotes];
}

function sender(address: { name?: string; address?: string } | undefined): string | null {
  if (!address) return null;
  const name = address.name?.trim();
  const mail = address.address?.trim();
  if (name && mail) return `${name} <${mail}>`;
  return name || mail || null;
}

/** Parses one RFC 5322 message with postal-mime. */
export async function readMessage(bytes: Uint8Array): Promise<MailMessage> {
  let email;
  try {
    email = await PostalMime.parse(bytes, { ...MIME_LIMITS, attachmentEncoding: 'arraybuffer' });
  } catch (err) {
    throw new IngestError(`unreadable e-mail: ${(err as Error).message}`, { cause: err });
  }
  const header = (key: string) => email.headers.find((h) => h.key === key)?.value ?? null;
  // The HTML part marks quotes as blockquotes; the plain part marks them with ">".
  const body = email.html ? htmlParagraphs(email.html) : textParagraphs(email.text ?? '');
  const { paragraphs, removed } = separateReply(body);
  const from = email.from && 'address' in email.from ? sender(email.from) : (email.from?.name ?? null);
  return {
    subject: email.subject?.trim() || null,
    from,
    date: mailDate(header('date')),
    messageId: email.messageId?.trim() || null,
    paragraphs,
    removed,
    attachments: email.attachments
      .filter((a) => a.disposition !== 'inline' || a.filename)
      .map((a, i) => ({
        filename: a.filename?.trim() || `attachment-${i + 1}`,
        mimeType: a.mimeType,
        content: new Uint8Array(a.content as ArrayBuffer),
      })),
  };
}

/** Lines that open a message in an mbox: "From " after a blank line (or at the start). */
const MBOX_SEPARATOR = /(?:^|\n\n|\r\n\r\n)From [^\n]*\n/g;

/**
 * Splits an mbox file into its messages' bytes, unescaping ">From " lines (mboxrd). Works on the
 * bytes as Latin-1 so that every message keeps its own encoding.
 */
export function splitMbox(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const starts: Array<{ at: number; body: number }> = [];
  for (const m of text.matchAll(MBOX_SEPARATOR)) {
    const lead = m[0].startsWith('\r\n') ? 4 : m[0].startsWith('\n') ? 2 : 0;
    starts.push({ at: m.index! + lead, body: m.index! + m[0].length });
  }
  return starts.map((s, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.at : text.length;
    const message = text.slice(s.body, end).replace(/^>(>*From )/gm, '$1');
    return new Uint8Array(Buffer.from(message, 'latin1'));
  });
}
