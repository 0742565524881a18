import type { AnyNode, Element } from 'domhandler';
import { articleObject, cleanText as text, jsonLdObjects, nameOf } from './structured-data.js';

/** What an HTML document says about itself in its head and structured data. */
export interface HtmlMeta {
  title: string | null;
  siteName: string | null;
  author: string | null;
  date: string | null;
  url: string | null;
  lang: string | null;
  publisher: string | null;
}

/** The attributes a <meta> names its value by. */
const META_KEYS = ['property', 'name', 'itemprop', 'http-equiv'] as const;

/** What the page's elements declare, gathered in one pass (first occurrence wins, as a selector's first match). */
interface Declarations {
  /** `property=og:title` and the like, to the meta element's content. */
  meta: Map<string, string>;
  canonical: string | null;
  title: Element | null;
  lang: string | null;
  jsonLd: Element[];
  relAuthor: Element | null;
  time: string | null;
  links: string[];
}

function declarations(root: AnyNode): Declarations {
  const d: Declarations = { meta: new Map(), canonical: null, title: null, lang: null, jsonLd: [], relAuthor: null, time: null, links: [] };
  // Depth-first, in document order; an explicit stack, as pages nest deeper than the call stack likes.
  const stack: AnyNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const el = node as Element;
    if (el.attribs) {
      const a = el.attribs;
      switch (el.name) {
        case 'meta':
          if (a.content !== undefined) {
            for (const key of META_KEYS) {
              const v = a[key];
              if (v !== undefined && !d.meta.has(`${key}=${v}`)) d.meta.set(`${key}=${v}`, a.content);
            }
          }
          break;
        case 'link':
          if (a.rel === 'canonical' && a.href !== undefined) d.canonical ??= a.href;
          break;
        case 'title':
          d.title ??= el;
          break;
        case 'html':
          if (a.lang !== undefined) d.lang ??= a.lang;
          break;
        case 'script':
          if (a.type === 'application/ld+json') d.jsonLd.push(el);
          break;
        case 'time':
          if (a.datetime !== undefined) d.time ??= a.datetime;
          break;
        case 'a':
          if (a.href !== undefined && /^https?:\/\//i.test(a.href)) d.links.push(a.href);
          break;
      }
      if (a.rel === 'author') d.relAuthor ??= el;
    }
    const children = (node as { children?: AnyNode[] }).children;
    if (children) for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return d;
}

/**
 * Title, author, date, publisher, canonical URL and language, from meta tags and JSON-LD, and the
 * page's absolute http(s) links in document order. One pass over the parsed page: a CSS query per
 * field cost a tenth of the cleaner's time on the article-extraction pages.
 */
export function readPageMeta(root: AnyNode, textOf: (el: Element) => string): { meta: HtmlMeta; links: string[] } {
  const d = declarations(root);
  const meta = (key: string) => text(d.meta.get(key));
  const ld = articleObject(jsonLdObjects(d.jsonLd.map(textOf)));
  return {
    meta: {
      title: meta('property=og:title') ?? text(ld.headline as string) ?? text(d.title && textOf(d.title)),
      siteName: meta('property=og:site_name'),
      author: nameOf(ld.author) ?? meta('name=author') ?? meta('property=article:author') ?? text(d.relAuthor && textOf(d.relAuthor)),
      date:
        meta('property=article:published_time') ?? text(ld.datePublished as string) ?? meta('name=date') ?? meta('itemprop=datePublished') ??
        text(d.time),
      url: text(d.canonical) ?? meta('property=og:url'),
      lang: text(d.lang) ?? meta('http-equiv=content-language'),
      publisher: nameOf(ld.publisher),
    },
    links: d.links,
  };
}
