import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidParameterError } from '../errors.js';

/**
 * The first query-string parameter whose percent-encoding is malformed (`%E0%A4%A`, a lone `%`) or
 * does not decode to UTF-8, or null. Node's and Express's query parsers pass such bytes on as
 * replacement characters, which would then be searched for as if the client had meant them.
 */
export function malformedParameter(query: string): { param: string; which: 'name' | 'value' } | null {
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const rawValue = eq === -1 ? '' : pair.slice(eq + 1);
    let name: string;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      return { param: rawName.slice(0, 64), which: 'name' };
    }
    try {
      decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      return { param: name.slice(0, 64), which: 'value' };
    }
  }
  return null;
}

/** Rejects a request whose query string is malformed with a 400 naming the parameter. */
export function rejectMalformedQuery() {
  return (req: IncomingMessage, _res: ServerResponse, next: (err?: unknown) => void): void => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const bad = q === -1 ? null : malformedParameter(url.slice(q + 1));
    if (!bad) return next();
    next(new InvalidParameterError(bad.param, bad.which === 'name' ? 'a parameter name has malformed percent-encoding' : 'has malformed percent-encoding (each % must start two hex digits of UTF-8)'));
  };
}
