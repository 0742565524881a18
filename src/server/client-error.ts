import type { Socket } from 'node:net';
import type { ErrorCode } from '../errors.js';
import { HTTP_STATUS } from './middleware/errors.js';
import { MAX_URL_LENGTH } from './middleware/security.js';

/**
 * Answers for requests Node's HTTP parser rejects before any handler sees them. Node's own answer
 * is a bare status line with no body; the API promises JSON for every error.
 */
interface ParserError extends Error {
  code?: string;
  /** The bytes the parser was reading when it failed (the start of the request, for a long request line). */
  rawPacket?: Buffer;
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' };

/** A request line: a method, one space, a target. */
const REQUEST_LINE_START = /^[A-Z]{1,16} \S/;

/**
 * Node counts the request line toward `maxHeaderSize` and answers 431 for a URL that is too long as
 * for headers that are. We answer 414 when the bytes the parser saw start with a request line
 * longer than the service's own URL limit (or one that has not ended: the URL is what overflowed),
 * and 431 otherwise. A request line trickled in small pieces can still get 431: the parser shows
 * only the piece it was reading.
 */
export function clientErrorAnswer(err: ParserError): { status: number; code: ErrorCode; message: string } | null {
  const answer = (code: ErrorCode, message: string) => ({ status: HTTP_STATUS[code], code, message });
  switch (err.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return null;
    case 'HPE_HEADER_OVERFLOW': {
      const head = err.rawPacket?.toString('latin1', 0, 64 * 1024) ?? '';
      const lineEnd = head.indexOf('\n');
      const requestLine = lineEnd === -1 ? head.length : lineEnd;
      if (REQUEST_LINE_START.test(head) && (lineEnd === -1 || requestLine > MAX_URL_LENGTH)) {
        return answer('uri_too_long', 'The URL is too long. Search URLs are short: send fewer or shorter parameters.');
      }
      return answer('headers_too_large', 'The request headers are too large.');
    }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return answer('request_timeout', 'The request took too long to arrive.');
    default:
      return answer('malformed_request', `The request is not valid HTTP (${err.code ?? 'parse error'}).`);
  }
}

/** Raw HTTP/1.1 bytes for a JSON error answer that closes the connection. */
export function rawJsonAnswer(status: number, code: string, message: string): string {
  const body = JSON.stringify({ error: { code, message } });
  return [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** The server's `clientError` listener: a JSON answer when the socket can still take one, then close. */
export function onClientError(err: ParserError, socket: Socket): void {
  const answer = clientErrorAnswer(err);
  // A response already under way (a timeout mid-answer) cannot be replaced by another.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (answer === null || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawJsonAnswer(answer.status, answer.code, answer.message));
}
