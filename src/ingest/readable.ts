import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { pageLinks, readPageMeta, type HtmlMeta, type PageQuery } from './page-meta.js';
import { cleanText as text } from './structured-data.js';

/** The main content of a page as Readability finds it, with what the page says about itself. */
export interface ReadableArticle {
  /** The article's HTML: Readability's cleaned subtree. */
  content: string;
  meta: HtmlMeta;
  /** Absolute links of the page, in document order. */
  links: string[];
}

interface DomElement {
  getAttribute(name: string): string | null;
  textContent: string | null;
}

/** The page queries of page-meta over a standard DOM (linkedom's). */
function domQuery(doc: { querySelector(sel: string): DomElement | null; querySelectorAll(sel: string): Iterable<DomElement> }): PageQuery {
  return {
    attr: (sel, name) => doc.querySelector(sel)?.getAttribute(name),
    text: (sel) => doc.querySelector(sel)?.textContent,
    texts: (sel) => [...doc.querySelectorAll(sel)].map((el) => el.textContent ?? ''),
    attrs: (sel, name) => [...doc.querySelectorAll(sel)].map((el) => el.getAttribute(name) ?? ''),
  };
}

/**
 * Finds the article of a whole HTML page with Readability (Mozilla's, as Firefox Reader View uses)
 * over linkedom, a light DOM. Null when Readability finds nothing readable.
 */
export function readableArticle(html: string): ReadableArticle | null {
  const { document } = parseHTML(html);
  // Read before Readability rewrites the DOM.
  const query = domQuery(document as unknown as Parameters<typeof domQuery>[0]);
  const meta = readPageMeta(query);
  const links = pageLinks(query);
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
