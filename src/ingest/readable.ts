import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { HtmlMeta } from './page-meta.js';
import { cleanText as text } from './structured-data.js';

/** The main content of a page as Readability finds it, with what Readability read of its metadata. */
export interface ReadableArticle {
  /** The article's HTML: Readability's cleaned subtree. */
  content: string;
  /** Readability's own reading of the page's metadata (its byline, site name, dates, JSON-LD). */
  meta: Pick<HtmlMeta, 'title' | 'author' | 'siteName' | 'date' | 'lang'>;
}

/**
 * Finds the article of an HTML page, or of the part of one around its article, with Readability
 * (Mozilla's, as Firefox Reader View uses) over linkedom, a light DOM. Given a part, Readability
 * reads only the metadata that part holds (a byline, say). Null when it finds nothing readable.
 */
export function readableArticle(html: string): ReadableArticle | null {
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as Document, { keepClasses: false }).parse();
  if (!article?.content) return null;
  return {
    content: article.content,
    meta: {
      title: text(article.title),
      author: text(article.byline),
      siteName: text(article.siteName),
      date: text(article.publishedTime),
      lang: text(article.lang),
    },
  };
}
