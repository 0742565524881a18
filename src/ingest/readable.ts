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
 * Readability walks a page recursively and reads each element's whole text at every level: on a
 * page nested this deep its time grows with the square of the depth, and past a few thousand levels
 * it overflows the stack. Deeper pages are read by the cleaner's own rules alone. Real pages nest
 * their block elements a few dozen deep; HTML parsers in browsers stop nesting at 512.
 */
export const READABLE_MAX_DEPTH = 256;

/**
 * Finds the article of an HTML page, or of the part of one around its article, with Readability
 * (Mozilla's, as Firefox Reader View uses) over linkedom, a light DOM. Given a part, Readability
 * reads only the metadata that part holds (a byline, say). Null when it finds nothing readable.
 */
export function readableArticle(html: string): ReadableArticle | null {
  let article: ReturnType<Readability['parse']>;
  try {
    const { document } = parseHTML(html);
    article = new Readability(document as unknown as Document, { keepClasses: false }).parse();
  } catch (err) {
    // Its recursion overflowed the stack: the cleaner's own reading stands.
    if (err instanceof RangeError) return null;
    throw err;
  }
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
