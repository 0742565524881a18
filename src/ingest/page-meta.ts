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

/**
 * The few queries reading a page's metadata needs, so that one reader serves both DOMs the cleaner
 * parses with (cheerio for fragments and fallbacks, linkedom under Readability).
 */
export interface PageQuery {
  /** An attribute of the first element matching the selector. */
  attr(selector: string, name: string): string | null | undefined;
  /** The text of the first element matching the selector. */
  text(selector: string): string | null | undefined;
  /** The texts of every element matching the selector. */
  texts(selector: string): string[];
  /** The attribute of every element matching the selector. */
  attrs(selector: string, name: string): string[];
}

/** Title, author, date, publisher, canonical URL and language, from meta tags and JSON-LD. */
export function readPageMeta(q: PageQuery): HtmlMeta {
  const meta = (sel: string) => text(q.attr(sel, 'content'));
  const ld = articleObject(jsonLdObjects(q.texts('script[type="application/ld+json"]')));
  return {
    title: meta('meta[property="og:title"]') ?? text(ld.headline as string) ?? text(q.text('title')),
    siteName: meta('meta[property="og:site_name"]'),
    author:
      nameOf(ld.author) ?? meta('meta[name="author"]') ?? meta('meta[property="article:author"]') ?? text(q.text('[rel="author"]')),
    date:
      meta('meta[property="article:published_time"]') ?? text(ld.datePublished as string) ?? meta('meta[name="date"]') ??
      meta('meta[itemprop="datePublished"]') ?? text(q.attr('time[datetime]', 'datetime')),
    url: text(q.attr('link[rel="canonical"]', 'href')) ?? meta('meta[property="og:url"]'),
    lang: text(q.attr('html', 'lang')) ?? meta('meta[http-equiv="content-language"]'),
    publisher: nameOf(ld.publisher),
  };
}

/** Absolute http(s) links of the page, in document order. */
export function pageLinks(q: PageQuery): string[] {
  return q.attrs('a[href]', 'href').filter((href) => /^https?:\/\//i.test(href));
}
