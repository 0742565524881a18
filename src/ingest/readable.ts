import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { HtmlMeta } from './html.js';
import { normalizeSpaces } from './text-stats.js';

/** The main content of a page as Readability finds it, with what the page says about itself. */
export interface ReadableArticle {
  /** The article's HTML: Readability's cleaned subtree. */
  content: string;
  meta: HtmlMeta;
  /** Absolute links of the page, in document order. */
  links: string[];
}

function text(v: string | null | undefined): string | null {
  const t = v ? normalizeSpaces(v) : '';
  return t === '' ? null : t;
}

interface Doc {
  querySelector(sel: string): { getAttribute(n: string): string | null; textContent: string | null } | null;
  querySelectorAll(sel: string): Iterable<{ getAttribute(n: string): string | null; textContent: string | null }>;
  documentElement: { getAttribute(n: string): string | null } | null;
}

function ldObjects(doc: Doc): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const el of doc.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const data = JSON.parse(el.textContent ?? '') as unknown;
      for (const item of Array.isArray(data) ? data : [data]) {
        if (!item || typeof item !== 'object') continue;
        const graph = (item as { '@graph'?: unknown })['@graph'];
        if (Array.isArray(graph)) out.push(...(graph.filter((g) => g && typeof g === 'object') as Record<string, unknown>[]));
        else out.push(item as Record<string, unknown>);
      }
    } catch {
      /* malformed structured data is ignored, as browsers do */
    }
  }
  return out;
}

function nameOf(v: unknown): string | null {
  if (typeof v === 'string') return text(v);
  if (Array.isArray(v)) return nameOf(v[0]);
  if (v && typeof v === 'object' && 'name' in v) return nameOf((v as { name: unknown }).name);
  return null;
}

/** What the head and structured data of a page say: read before Readability rewrites the DOM. */
function readMeta(doc: Doc): HtmlMeta {
  const meta = (sel: string) => text(doc.querySelector(sel)?.getAttribute('content'));
  const ld = ldObjects(doc).find((o) => typeof o.headline === 'string' || typeof o.datePublished === 'string') ?? {};
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
