import * as cheerio from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { IngestError } from '../errors.js';
import { block, type Block, type BlockKind, type ElementRef } from './blocks.js';
import { limitNesting } from './nesting.js';
import { readPageMeta, type HtmlMeta } from './page-meta.js';
import type { Claim } from './provenance.js';
import { normalizeSpaces } from '../text/normalise.js';

/** Elements that never hold article text. */
const DROP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'svg', 'canvas', 'object', 'embed',
  // Not <form>: whole pages are wrapped in one (ASP.NET); comment forms fall out as furniture.
  'video', 'audio', 'map', 'nav', 'aside', 'footer', 'button', 'select', 'input',
  'textarea', 'label', 'dialog', 'menu',
]);
/** ARIA roles of page furniture. */
const DROP_ROLES = new Set(['navigation', 'complementary', 'banner', 'contentinfo', 'dialog']);

/** Dropped elements that hold no reading text at all (code, media, form controls), so are not listed as removed. */
const NO_TEXT_TAGS = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'svg', 'canvas', 'object', 'embed', 'video', 'audio', 'map', 'button', 'select', 'input', 'textarea']);

function isHidden(el: Element): boolean {
  return el.attribs.hidden !== undefined || el.attribs['aria-hidden'] === 'true';
}

/** The text of an element dropped as furniture and the share of it inside links, for the list of what cleaning removed. */
function droppedText(el: Element): { text: string; linkChars: number } {
  let text = '';
  let linkChars = 0;
  const gather = (node: AnyNode, inLink: boolean): void => {
    if (node.type === 'text') {
      const data = (node as unknown as { data: string }).data;
      text += data;
      if (inLink) linkChars += normalizeSpaces(data).length;
      return;
    }
    if (node.type !== 'tag') return;
    const child = node as Element;
    if (NO_TEXT_TAGS.has(child.name) || isHidden(child)) return;
    if (BLOCK_TAGS.has(child.name)) text += ' ';
    for (const c of child.children ?? []) gather(c, inLink || child.name === 'a');
  };
  for (const c of el.children ?? []) gather(c, el.name === 'a');
  return { text: normalizeSpaces(text), linkChars };
}

function isDropped(el: Element): boolean {
  const a = el.attribs;
  return DROP_TAGS.has(el.name) || a.hidden !== undefined || a['aria-hidden'] === 'true' || (a.role !== undefined && DROP_ROLES.has(a.role));
}

/**
 * Class and id words of page furniture (after Readability's "unlikely candidates"): an element so
 * named is dropped unless its name also says it holds content.
 */
const FURNITURE_NAME =
  /(?:^|[-_\s])(?:ads?|advert\w*|banner|breadcrumbs?|combx|comments?|cookie\w*|disqus|extra|foot(?:er)?|header|legends?|menu|modal|newsletter|outbrain|pager|pagination|popup|promo\w*|related|remark|replies|rss|share\w*|shoutbox|sidebar|skyscraper|social\w*|sponsor\w*|subscribe|tags?|taboola|tools?|widgets?)(?:$|[-_\s])/i;
const CONTENT_NAME = /(?:^|[-_\s])(?:article|body|content|entry|main|page|post|story|text|blog)/i;

const HEADING_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements whose tag says what kind of block their text is; the innermost one counts. */
const OWNER_TAGS = new Set([...HEADING_TAGS, 'li', 'blockquote', 'p']);
/** Elements that end the current block of inline text. */
const BLOCK_TAGS = new Set([
  'address', 'article', 'blockquote', 'body', 'br', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt',
  'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'html', 'li', 'main', 'ol', 'p',
  'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'ul',
]);

function isFurnitureElement(el: Element): boolean {
  const name = `${el.attribs.class ?? ''} ${el.attribs.id ?? ''}`.trim();
  if (name === '' || el.name === 'body' || el.name === 'html' || el.name === 'article' || el.name === 'main') return false;
  return FURNITURE_NAME.test(name) && !CONTENT_NAME.test(name);
}

function kindOf(tag: string | undefined): BlockKind {
  if (tag && HEADING_TAGS.has(tag)) return 'heading';
  if (tag === 'li' || tag === 'dd' || tag === 'dt') return 'list-item';
  if (tag === 'blockquote') return 'quote';
  return 'paragraph';
}

/**
 * More elements than this and a page is refused: a DOM costs a few hundred bytes per element, and
 * ten times more elements than the longest real pages hold is an attack, not a page.
 */
export const MAX_HTML_ELEMENTS = 1_000_000;
const ELEMENT_START = /<[a-zA-Z]/g;

/** The text of an element and everything inside it, walked without recursion. */
export function textOf(root: AnyNode): string {
  let out = '';
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'text') out += (node as unknown as { data: string }).data;
    const children = (node as { children?: AnyNode[] }).children;
    if (children && node.type !== 'comment') for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return out;
}

/** One step of the walk: entering a node, or leaving an element after its children. */
interface Step {
  node: AnyNode;
  inLink: boolean;
  leaving: boolean;
}

/**
 * Turns HTML (a whole page or a fragment) into blocks of text, each with its link density and
 * whether the markup called it a heading. Entities are decoded by the parser. `outerHtml` gives
 * back the markup of the element a block's enclosing element id names, for a reader that needs
 * only that part; `depth` is how deeply the markup nests its elements. Markup nested deeper than
 * browsers nest it is flattened first (see limitNesting), and the walk keeps its own stack, so that a
 * page nested a hundred thousand deep is read, not a stack overflow.
 */
export function htmlToBlocks(
  markup: string,
  opts: { dropByName?: boolean } = {},
): { blocks: Block[]; dropped: Block[]; meta: HtmlMeta; links: Claim[]; outerHtml: (id: number) => string; depth: number } {
  const dropByName = opts.dropByName ?? true;
  const { html, depth } = limitNesting(markup);
  let elementCount = 0;
  ELEMENT_START.lastIndex = 0;
  while (ELEMENT_START.exec(html) !== null) {
    if (++elementCount > MAX_HTML_ELEMENTS) {
      throw new IngestError(`more than ${MAX_HTML_ELEMENTS.toLocaleString('en')} HTML elements`);
    }
  }
  // htmlparser2, not parse5: it reads pages several times faster (a fifth of the cleaner's time went
  // to parse5 on the article-extraction pages), with the same F1 there.
  const $ = cheerio.load(html, { xml: { xmlMode: false, decodeEntities: true } });
  const root = $.root()[0]!;
  const { meta, links } = readPageMeta(root, textOf);

  const blocks: Block[] = [];
  /** Shown text of the elements dropped whole (navigation, asides, footers, elements named as furniture). */
  const dropped: Block[] = [];
  let buf = '';
  let linkChars = 0;
  /** Enclosing heading, list item, quote and paragraph tags: what kind of block the text is. */
  const owners: string[] = [];
  const open: ElementRef[] = [];
  const elements: Element[] = [];
  const flush = () => {
    const t = normalizeSpaces(buf);
    if (t !== '') {
      const kind = kindOf(owners[owners.length - 1]);
      blocks.push(
        block(t, {
          kind,
          linkDensity: Math.min(1, linkChars / t.length),
          markedHeading: kind === 'heading',
          // The block's own element is not among its enclosing elements.
          element: open[open.length - 2] ?? null,
        }),
      );
    }
    buf = '';
    linkChars = 0;
  };
  const stack: Step[] = [{ node: root, inLink: false, leaving: false }];
  while (stack.length > 0) {
    const { node, inLink, leaving } = stack.pop()!;
    if (node.type === 'text') {
      const data = (node as unknown as { data: string }).data;
      buf += data;
      if (inLink) linkChars += normalizeSpaces(data).length;
      continue;
    }
    if (node.type !== 'tag' && node.type !== 'root') continue;
    const el = node as Element;
    const tag = node.type === 'tag' ? el.name : undefined;
    const isBlock = tag !== undefined && BLOCK_TAGS.has(tag);
    const isOwner = tag !== undefined && OWNER_TAGS.has(tag);
    if (leaving) {
      // Flushed while the element is still open, so the block knows what encloses it.
      if (isBlock) {
        flush();
        open.pop()!.last = elements.length - 1;
      }
      if (isOwner) owners.pop();
      if (tag === 'img') buf += ' ';
      continue;
    }
    // Dropped elements are skipped whole, as if removed before the walk; what they showed is kept aside.
    if (node.type === 'tag' && (isDropped(el) || (dropByName && isFurnitureElement(el)))) {
      if (!NO_TEXT_TAGS.has(el.name) && !isHidden(el)) {
        const { text, linkChars: inLinks } = droppedText(el);
        if (text !== '') dropped.push(block(text, { linkDensity: Math.min(1, (inLink ? text.length : inLinks) / text.length) }));
      }
      continue;
    }
    if (isBlock) {
      flush();
      const parent = open[open.length - 1] ?? null;
      const ref: ElementRef = { id: elements.length, parent, depth: parent ? parent.depth + 1 : 0, last: elements.length };
      open.push(ref);
      elements.push(el);
    }
    if (isOwner) owners.push(tag);
    stack.push({ node, inLink, leaving: true });
    const children = el.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, inLink: inLink || tag === 'a', leaving: false });
  }
  flush();
  const outerHtml = (id: number): string => {
    const el = elements[id];
    return el ? $.html(el) : '';
  };
  return { blocks, dropped, meta, links, outerHtml, depth };
}
