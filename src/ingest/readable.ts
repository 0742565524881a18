import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { HtmlMeta } from './html.js';
import { articleObject, cleanText as text, jsonLdObjects, nameOf } from './structured-data.js';

/** The main content of a page as Readability finds it, with what the page says about itself. */
export interface ReadableArticle {
  /** The article's HTML: Readability's cleaned subtree. */
  content: string;
  meta: HtmlMeta;
  /** Absolute links of the page, in document order. */
  links: string[];
}

interface Doc {
  querySelector(sel: string): { getAttribute(n: string): string | null; textContent: string | null } | null;
  querySelectorAll(sel: string): Iterable<{ getAttribute(n: string): string | null; textContent: string | null }>;
  documentElement: { getAttribute(n: string): string | null } | null;
}

/** What the head and structured data of a page say: read before Readability rewrites the DOM. */
function readMeta(doc: Doc): HtmlMeta {
  const meta = (sel: string) => text(doc.querySelector(sel)?.getAttribute('content'));
  const ld = articleObject(jsonLdObjects([...doc.querySelectorAll('script[type="application/ld+json"]')].map((el) => el.textContent ?? '')));
  return {
    title: meta('meta[property="og:title"]') ?? text(ld.headline as string) ?? text(doc.querySelector('title')?.textContent),
    siteName: meta('meta[property="og:site_name"]'),
    author: nameOf(ld.author) ?? meta('meta[name="author"]') ?? meta('meta[property="article:author"]'),
    date:
      meta('meta[property="article:published_time"]') ?? text(ld.datePublished as string) ?? meta('meta[name="date"]') ??
      meta('meta[itemprop="datePublished"]') ?? text(doc.querySelector('time[datetime]')?.getAttribute('datetime')),
    url: text(doc.querySelector('link[rel="canonical"]')?.getAttribute('href')) ?? meta('meta[property="og:url"]'),
    lang: text(doc.documentElement?.getAttribute('lang')),
    publisher: nameOf(ld.publisher),
  };
}

/**
 * Finds the article of a whole HTML page with Readability (Mozilla's, as Firefox Reader View uses)
 * over linkedom, a light DOM. Null when Readability finds nothing readable.
 */
export function readableArticle(html: string): ReadableArticle | null {
  const { document } = parseHTML(html);
  const doc = document as unknown as Doc;
  const meta = readMeta(doc);
  const links: string[] = [];
  for (const a of doc.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href') ?? '';
    if (/^https?:\/\//i.test(href)) links.push(href);
  }
  const article = new Readability(document as unknown as Document, { keepClasses: false }).parse();
  if (!article?.content) return null;
  return {
    content: article.content,
    meta: {
      ...meta,
      title: meta.title ?? text(article.title),
      author: meta.author ?? text(article.byline),
      siteName: meta.siteName ?? text(article.siteName),
      date: meta.date ?? text(article.publishedTime),
      lang: meta.lang ?? text(article.lang),
    },
    links,
  };
}
