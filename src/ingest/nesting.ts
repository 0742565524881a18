/*
 * HTML parsers keep a stack of open elements and search it at every tag; htmlparser2 also shifts
 * it, so a page nested n deep costs n² (100,000 levels: 17 s). Browsers stop nesting at 512 levels
 * and put deeper elements beside their ancestor at that depth. `limitNesting` does the same to the
 * markup before it is parsed, in one pass over it.
 */

/** Browsers' own limit on the depth of the HTML tree (Chromium's kMaximumHTMLParserDOMTreeDepth). */
export const MAX_HTML_DEPTH = 512;

/** Elements that never have content. */
const VOID = new Set([
  'area', 'base', 'basefont', 'br', 'col', 'command', 'embed', 'frame', 'hr', 'img', 'input', 'isindex',
  'keygen', 'link', 'meta', 'param', 'source', 'track', 'wbr',
]);
/** Elements whose end tag may be left out: a new one closes the last, so they do not pile up. */
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'option', 'optgroup', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'rp', 'rt']);
/** Elements whose content is raw text, not markup. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'noembed', 'noframes', 'plaintext']);

const NAME_CHAR = /[A-Za-z0-9:_-]/;

function isLetter(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/**
 * The markup with every start and end tag below `maxDepth` open elements replaced by a space, so the
 * text of deeper elements is kept, inside their ancestor at that depth, and how deep the markup
 * nested (before the cut). Markup nested less deeply is returned as it is. Depth is counted as a
 * parser would, roughly: void elements, self-closed tags and elements whose end tag is optional do
 * not count, and comments and raw text are skipped.
 */
export function limitNesting(html: string, maxDepth = MAX_HTML_DEPTH): { html: string; depth: number } {
  const cuts: Array<[number, number]> = [];
  let depth = 0;
  let deepest = 0;
  // The next '>' at or after a position: found once, reused by every tag that starts before it.
  let gt = -1;
  const tagEnd = (from: number): number => {
    if (gt !== -2 && gt < from) gt = html.indexOf('>', from);
    if (gt === -1) gt = -2;
    return gt === -2 ? -1 : gt;
  };
  let i = html.indexOf('<');
  while (i !== -1 && i < html.length) {
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      if (end === -1) break;
      i = html.indexOf('<', end + 3);
      continue;
    }
    const closing = html[i + 1] === '/';
    const nameStart = closing ? i + 2 : i + 1;
    if (!isLetter(html[nameStart])) {
      i = html.indexOf('<', i + 1);
      continue;
    }
    let nameEnd = nameStart + 1;
    while (nameEnd < html.length && NAME_CHAR.test(html[nameEnd]!)) nameEnd++;
    const end = tagEnd(nameEnd);
    if (end === -1) break;
    const name = html.slice(nameStart, nameEnd).toLowerCase();
    const selfClosed = html[end - 1] === '/';
    const counts = !VOID.has(name) && !SELF_CLOSING_SIBLINGS.has(name) && !selfClosed;
    if (closing) {
      if (counts) {
        if (depth > maxDepth) cuts.push([i, end + 1]);
        depth = Math.max(0, depth - 1);
      }
    } else {
      if (counts) {
        depth++;
        deepest = Math.max(deepest, depth);
        if (depth > maxDepth) cuts.push([i, end + 1]);
      }
      if (RAW_TEXT.has(name)) {
        // Skip to the matching end tag; what lies between is text.
        const close = indexOfEndTag(html, name, end + 1);
        if (close === -1) break;
        i = close;
        continue;
      }
    }
    i = html.indexOf('<', end + 1);
  }
  if (cuts.length === 0) return { html, depth: deepest };
  const parts: string[] = [];
  let from = 0;
  for (const [s, e] of cuts) {
    parts.push(html.slice(from, s), ' ');
    from = e;
  }
  parts.push(html.slice(from));
  return { html: parts.join(''), depth: deepest };
}

/** Where `</name` next appears (any case), or -1. */
function indexOfEndTag(html: string, name: string, from: number): number {
  const re = new RegExp(`</${name}[\\s>/]`, 'gi');
  re.lastIndex = from;
  return re.exec(html)?.index ?? -1;
}
