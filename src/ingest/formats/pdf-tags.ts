/**
 * A tagged PDF read through its structure tree. Pure.
 *
 * A tagged PDF (ISO 32000 §14.8) carries its producer's document tree beside the page content: a
 * browser's "Print to PDF" writes the page's elements (articles, asides, headings, paragraphs,
 * lists, links), a word processor its headings and paragraphs. That tree is HTML in all but name,
 * so it is written out as HTML (each structure type as the HTML element it stands for, the text of
 * its marked content inside) and cleaned by the HTML path, whose rules were built and measured for
 * exactly this. The reading order is the tree's, not a guess from positions; text outside the tree
 * is what the producer marked as page furniture (artifacts: running heads, page numbers).
 */
import type { BodyItem } from '../passages.js';
import type { RemovedBlock } from '../retention.js';
import { fragmentsOf, unspacedBreak, type PdfPageText, type PdfTextRun } from './pdf-layout.js';
import type { PdfStructElement } from './pdf-structure.js';

/**
 * HTML element of each standard structure type (ISO 32000-1 §14.8.4). Types not listed are
 * grouping elements (div). A form field is a control, as HTML's input or button, which the HTML
 * path leaves out.
 */
const HTML_OF: Record<string, string> = {
  Art: 'article', Aside: 'aside', Sect: 'section', BlockQuote: 'blockquote', Caption: 'figcaption', Figure: 'figure',
  P: 'p', H: 'h2', H1: 'h1', H2: 'h2', H3: 'h3', H4: 'h4', H5: 'h5', H6: 'h6',
  L: 'ul', LI: 'li', Lbl: 'span', LBody: 'span',
  Table: 'table', THead: 'thead', TBody: 'tbody', TFoot: 'tfoot', TR: 'tr', TH: 'th', TD: 'td',
  Span: 'span', Link: 'a', Em: 'em', Strong: 'strong', Quote: 'q', Code: 'code', Note: 'span', Reference: 'span', BibEntry: 'span',
  Sub: 'sub', Sup: 'sup', Form: 'button',
};

/** Same line: baselines closer than this share of the font size (as in the layout). */
const SAME_LINE_EM = 0.4;
/** A gap wider than this share of the font size between two runs is a space the PDF did not write. */
const SPACE_GAP_EM = 0.12;
/** Text at the same place on this many pages, and on half of them, is running page furniture. */
const RUNNING_MIN_PAGES = 2;

export interface TaggedReading {
  html: string;
  /** Share of the document's characters that the structure tree holds (the rest is artifacts). */
  coverage: number;
  /** Text outside the structure tree, by page: what the producer marked as page furniture. */
  artifacts: RemovedBlock[];
  /** Sets the page (and page breaks) of each body item by finding its text in the tree's text. */
  place: (items: BodyItem[]) => BodyItem[];
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttr = (s: string) => escapeHtml(s).replace(/"/g, '&quot;');

/** Writes a tagged PDF's structure tree as HTML, keeping where each page starts in its text. */
export function taggedHtml(pages: readonly PdfPageText[], elements: readonly PdfStructElement[], meta: { title: string | null; lang: string | null }): TaggedReading {
  // Runs of each piece of marked content, in the order the page draws them.
  const runsOf = new Map<string, PdfTextRun[]>();
  const running = repeatedRuns(pages);
  let total = 0;
  pages.forEach((page, p) =>
    page.runs.forEach((run) => {
      total += run.text.replace(/\s+/g, '').length;
      if (run.mcid === undefined || running.has(run)) return;
      const key = `${p}:${run.mcid}`;
      const list = runsOf.get(key);
      if (list) list.push(run);
      else runsOf.set(key, [run]);
    }),
  );

  const out: string[] = [];
  // The text without white space, and where each page starts in it: body items are found in it
  // whatever spacing the HTML path gives them.
  const compact: string[] = [];
  let compactLength = 0;
  const pageStarts: Array<{ at: number; page: number }> = [];
  let last: { page: number; run: PdfTextRun; text: string } | null = null;
  const used = new Set<string>();
  const writeContent = (page: number, mcid: number) => {
    const key = `${page}:${mcid}`;
    if (used.has(key)) return;
    used.add(key);
    for (const run of runsOf.get(key) ?? []) {
      if (run.text === '') continue;
      // A new line or a wide gap is a space the PDF did not write (a browser drops the space where it breaks a line).
      if (last && !/\s$/.test(last.text) && !/^\s/.test(run.text)) {
        const newLine = last.page !== page || Math.abs(last.run.y - run.y) > SAME_LINE_EM * Math.min(last.run.size, run.size);
        if ((newLine && !unspacedBreak(last.text, run.text)) || run.x - (last.run.x + last.run.width) > SPACE_GAP_EM * run.size) out.push(' ');
      }
      if (pageStarts[pageStarts.length - 1]?.page !== page + 1) pageStarts.push({ at: compactLength, page: page + 1 });
      out.push(escapeHtml(run.text));
      const c = run.text.replace(/\s+/g, '');
      compact.push(c);
      compactLength += c.length;
      last = { page, run, text: run.text };
    }
  };
  const hasElementKid = elements.map((e) => e.kids.some((k) => 'element' in k));
  const secondary = articlesAbout(elements, runsOf);
  const writeElement = (index: number, depth: number) => {
    const e = elements[index]!;
    // A grouping element that holds only text is a browser's wrapper around a run of text.
    const tag = secondary[index] ? 'aside' : (HTML_OF[e.role] ?? (hasElementKid[index] ? 'div' : 'span'));
    out.push(`<${tag}>`);
    for (const kid of e.kids) {
      if ('element' in kid) writeElement(kid.element, depth + 1);
      else writeContent(kid.page, kid.mcid);
    }
    out.push(`</${tag}>`);
  };
  elements.forEach((e, i) => {
    if (e.parent < 0) writeElement(i, 0);
  });

  const head = `${meta.title ? `<title>${escapeHtml(meta.title)}</title>` : ''}`;
  const html = `<!doctype html><html${meta.lang ? ` lang="${escapeAttr(meta.lang)}"` : ''}><head><meta charset="utf-8">${head}</head><body>${out.join('')}</body></html>`;

  // Text outside the tree, and text printed at the same place on most pages, line by line as the layout reads it.
  const artifacts: RemovedBlock[] = [];
  pages.forEach((page, p) => {
    const outside = page.runs.filter((r) => !running.has(r) && (r.mcid === undefined || !used.has(`${p}:${r.mcid}`)));
    for (const f of fragmentsOf(outside)) artifacts.push({ text: f.text, reason: 'artifact', page: page.number });
    for (const f of fragmentsOf(page.runs.filter((r) => running.has(r)))) {
      artifacts.push({ text: f.text, reason: f.y > page.height / 2 ? 'running header' : 'running footer', page: page.number });
    }
  });

  const full = compact.join('');
  const pageAt = (at: number) => {
    let page = pageStarts[0]?.page ?? 1;
    for (const s of pageStarts) {
      if (s.at > at) break;
      page = s.page;
    }
    return page;
  };
  const place = (items: BodyItem[]): BodyItem[] => {
    let cursor = 0;
    return items.map((item) => {
      const c = item.text.replace(/\s+/g, '');
      if (c === '') return item;
      let at = full.indexOf(c, cursor);
      if (at < 0) at = full.indexOf(c);
      // Not found (the HTML path changed the text): no page rather than a guessed one.
      if (at < 0) return item;
      cursor = at + c.length;
      const breaks: Array<{ offset: number; page: number }> = [];
      for (const s of pageStarts) {
        if (s.at <= at || s.at >= at + c.length) continue;
        breaks.push({ offset: offsetOfCompact(item.text, s.at - at), page: s.page });
      }
      return { ...item, page: pageAt(at), breaks };
    });
  };
  const covered = total === 0 ? 0 : compactLength / total;
  return { html, coverage: Math.min(1, covered), artifacts, place };
}

/**
 * Articles inside an article that are about it rather than part of it. In HTML, an article nested
 * in another is "related to the contents of the outer article", such as its readers' comments
 * (WHATWG HTML, the article element); it is written as an aside, which the HTML path leaves out.
 * An outer article that holds less text of its own than the inner one is a wrapper around it
 * instead, and the inner one stays.
 */
function articlesAbout(elements: readonly PdfStructElement[], runsOf: ReadonlyMap<string, readonly PdfTextRun[]>): boolean[] {
  const chars = elements.map((e) => e.kids.reduce((n, k) => n + ('page' in k ? (runsOf.get(`${k.page}:${k.mcid}`) ?? []).reduce((m, r) => m + r.text.length, 0) : 0), 0));
  // Characters inside the outermost articles below each element.
  const inArticles = elements.map(() => 0);
  for (let i = elements.length - 1; i >= 0; i--) {
    const parent = elements[i]!.parent;
    if (parent < 0) continue;
    chars[parent]! += chars[i]!;
    inArticles[parent]! += elements[i]!.role === 'Art' ? chars[i]! : inArticles[i]!;
  }
  return elements.map((e, i) => {
    if (e.role !== 'Art') return false;
    let outer = e.parent;
    while (outer >= 0 && elements[outer]!.role !== 'Art') outer = elements[outer]!.parent;
    return outer >= 0 && chars[i]! < chars[outer]! - inArticles[outer]!;
  });
}

/**
 * Runs printed with the same text at the same place on at least half the pages (and two or more):
 * running heads and feet, and what a browser repeats on every printed page (fixed banners, cookie
 * notices). Tagged PDFs should mark them as artifacts; not every producer does.
 */
function repeatedRuns(pages: readonly PdfPageText[]): Set<PdfTextRun> {
  const out = new Set<PdfTextRun>();
  if (pages.length < 2) return out;
  const minPages = Math.max(RUNNING_MIN_PAGES, Math.ceil(pages.length / 2));
  const places = new Map<string, { pages: Set<number>; runs: PdfTextRun[] }>();
  pages.forEach((page, p) => {
    for (const run of page.runs) {
      if (run.text.trim() === '') continue;
      const key = `${Math.round(run.x)},${Math.round(run.y)},${run.text}`;
      const place = places.get(key) ?? { pages: new Set<number>(), runs: [] };
      place.pages.add(p);
      place.runs.push(run);
      places.set(key, place);
    }
  });
  for (const place of places.values()) if (place.pages.size >= minPages) for (const run of place.runs) out.add(run);
  return out;
}

/** Index in `text` of its `n`-th character that is not white space. */
function offsetOfCompact(text: string, n: number): number {
  let seen = 0;
  for (let i = 0; i < text.length; i++) {
    if (/\s/.test(text[i]!)) continue;
    if (seen === n) return i;
    seen++;
  }
  return text.length;
}
