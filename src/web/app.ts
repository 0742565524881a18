import type { DocumentView, Hit, SearchResponse, Source, Suggestions } from '../search/api-schema.js';
import { showBatch } from './batch.js';
import { citeControl } from './cite.js';
import { readCollectionState, showCollection } from './collection.js';
import { el, errorText, getJson, whenUnauthorized } from './dom.js';
import { exportLinks } from './export.js';
import { findBar } from './find.js';
import { markNew, savedList, saveControl } from './saved.js';
import { pageCitation, type PagePlace } from './citation.js';
import { pageName, passageParagraphs, type PageBreakAt } from './pages.js';
import { ownFileUrl, safeHttpUrl } from './safe-url.js';
import { setUpSignIn } from './sign-in.js';
import { snippetTokens } from './snippet-tokens.js';

/** Wait this long after the last keystroke before searching. */
const DEBOUNCE_MS = 150;
const PAGE_SIZE = 10;
/** Other passages of the same document shown under a hit. */
const MORE_PER_DOC = 3;

/** How a format is named in a citation line. */
const FORMAT_NAMES: Record<string, string> = { pdf: 'PDF', docx: 'Word', eml: 'E-mail', html: 'HTML', markdown: 'Markdown', wordpress: 'WordPress', text: 'Text' };

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('search-form');
const input = $<HTMLInputElement>('q');
const results = $<HTMLOListElement>('results');
const status = $<HTMLParagraphElement>('status');
const facets = $<HTMLElement>('facets');
const more = $<HTMLButtonElement>('more');
const docView = $<HTMLElement>('document');
const suggestions = $<HTMLDataListElement>('suggestions');
const tools = $<HTMLElement>('tools');
const collection = $<HTMLElement>('collection');
const batch = $<HTMLElement>('batch');

/** Shows one of the page's views and hides the others. */
function showOnly(view: 'results' | 'collection' | 'document' | 'batch') {
  results.hidden = view !== 'results';
  more.hidden = more.hidden || view !== 'results';
  tools.hidden = view !== 'results';
  collection.hidden = view !== 'collection';
  docView.hidden = view !== 'document';
  batch.hidden = view !== 'batch';
  if (view === 'document' || view === 'batch') facets.hidden = true;
}

/** Snippet as text nodes and <mark> elements built here: no server string reaches innerHTML. */
function snippetNode(snippet: string): HTMLElement {
  const p = el('p', { class: 'snippet' });
  for (const t of snippetTokens(snippet)) p.append(t.marked ? el('mark', {}, t.text) : document.createTextNode(t.text));
  return p;
}

interface State { q: string; publisher: string[]; year: string[] }

function readState(): State {
  const u = new URL(location.href);
  return { q: u.searchParams.get('q') ?? '', publisher: u.searchParams.getAll('publisher'), year: u.searchParams.getAll('year') };
}

function stateQuery(s: State): URLSearchParams {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const v of s.publisher) p.append('publisher', v);
  for (const v of s.year) p.append('year', v);
  return p;
}

let state = readState();
let offset = 0;
let requestSeq = 0;

function citeLine(s: Source, place?: PagePlace): string {
  return [s.partOf, s.publisher, s.author, s.date, s.format ? FORMAT_NAMES[s.format] ?? s.format : null, pageCitation(place)].filter(Boolean).join(' · ');
}

function hitNode(hit: Hit, others: Hit[]): HTMLLIElement {
  const s = hit.source;
  const li = el('li', { class: 'hit', tabindex: '0', 'data-link': hit.link, 'data-doc': s.docId });
  li.append(el('h2', {}, el('a', { href: hit.link }, s.title ?? s.file)));
  if (hit.passage.heading) li.append(el('p', { class: 'heading' }, hit.passage.heading));
  li.append(snippetNode(hit.snippet));
  const line = citeLine(s, hit.passage);
  const cite = el('p', { class: 'cite' }, line);
  // A PDF opens at the passage's page; anything else at the page it came from, else as its file.
  const file = ownFileUrl(hit.original);
  const original = s.format === 'pdf' ? (file ?? safeHttpUrl(s.url)) : (safeHttpUrl(hit.quote) ?? safeHttpUrl(s.url) ?? file);
  if (original) cite.append(line ? ' · ' : '', el('a', { href: original, rel: 'noopener noreferrer', target: '_blank' }, 'original'));
  li.append(cite);
  if (others.length > 0) {
    const list = el('ul', { class: 'more-passages', 'aria-label': 'More passages from this document' });
    for (const o of others) {
      const item = el('li', {}, el('a', { href: o.link }, `¶${o.passage.position + 1}`), ' ');
      item.append(...Array.from(snippetNode(o.snippet).childNodes));
      list.append(item);
    }
    li.append(list);
  }
  li.append(el('div', { class: 'actions' }, citeControl(hit.id, hit)));
  return li;
}

function renderFacets(f: SearchResponse['facets']) {
  facets.replaceChildren();
  const group = (name: 'publisher' | 'year', legend: string) => {
    const entries = Object.entries(f[name]).sort((a, b) => b[1] - a[1]);
    const selected = state[name];
    for (const v of selected) if (!f[name][v]) entries.push([v, 0]);
    if (entries.length === 0) return;
    const fs = el('fieldset', {}, el('legend', {}, legend));
    for (const [value, count] of entries) {
      const box = el('input', { type: 'checkbox', name, value });
      box.checked = selected.includes(value);
      box.addEventListener('change', () => {
        state = { ...state, [name]: box.checked ? [...selected, value] : selected.filter((v) => v !== value) };
        navigate(true);
      });
      fs.append(el('label', {}, box, value, el('span', { class: 'count' }, String(count))));
    }
    facets.append(fs);
  };
  group('publisher', 'Publisher');
  group('year', 'Year');
  facets.hidden = facets.childElementCount === 0;
}

async function runSearch(append: boolean) {
  const seq = ++requestSeq;
  if (!state.q) {
    results.replaceChildren();
    more.hidden = true;
    showOnly('collection');
    await showCollection(collection, facets, status, readCollectionState(new URL(location.href)), (query) => {
      const qs = query.toString();
      history.pushState(null, '', qs ? `/?${qs}` : '/');
      route();
    });
    if (seq !== requestSeq) return;
    const saved = await savedList();
    if (saved && seq === requestSeq) collection.prepend(saved);
    return;
  }
  showOnly('results');
  tools.replaceChildren(exportLinks(stateQuery(state)), saveControl(state, status));
  results.setAttribute('aria-busy', 'true');
  status.textContent = 'Searching…';
  const base = stateQuery(state);
  try {
    const grouped = new URLSearchParams(base);
    grouped.set('group', 'document');
    grouped.set('limit', String(PAGE_SIZE));
    grouped.set('offset', String(offset));
    const all = new URLSearchParams(base);
    all.set('limit', '50');
    const [docs, passages] = await Promise.all([
      getJson<SearchResponse>(`/api/search?${grouped}`),
      append ? Promise.resolve(null) : getJson<SearchResponse>(`/api/search?${all}`),
    ]);
    if (seq !== requestSeq) return; // a newer search has started: drop this stale answer
    if (!append) {
      results.replaceChildren();
      morePool = passages?.hits ?? [];
    }
    for (const hit of docs.hits) {
      const others = morePool.filter((h) => h.source.docId === hit.source.docId && h.id !== hit.id).slice(0, MORE_PER_DOC);
      results.append(hitNode(hit, others));
    }
    renderFacets(docs.facets);
    const shown = results.childElementCount;
    status.textContent = docs.total === 0 && shown === 0 ? `No passages match “${state.q}”.` : `${shown} of ${docs.total} documents`;
    more.hidden = docs.hits.length < PAGE_SIZE;
    const savedId = new URL(location.href).searchParams.get('saved');
    if (savedId && !append) await markNew(savedId, results, status);
  } catch (err) {
    if (seq !== requestSeq) return;
    results.replaceChildren();
    more.hidden = true;
    status.textContent = '';
    status.append(el('span', { class: 'error' }, errorText(err, 'Search failed')));
  } finally {
    if (seq === requestSeq) results.removeAttribute('aria-busy');
  }
}
let morePool: Hit[] = [];

async function showDocument(docId: string) {
  more.hidden = true;
  showOnly('document');
  status.textContent = 'Loading document…';
  try {
    const doc = await getJson<DocumentView>(`/api/documents/${encodeURIComponent(docId)}`);
    document.title = `${doc.title ?? doc.docId} — Citable`;
    docView.replaceChildren(el('h1', {}, doc.title ?? doc.docId));
    const url = safeHttpUrl(doc.url);
    const file = ownFileUrl(doc.original);
    const source: Source = { docId: doc.docId, file: doc.file, title: doc.title, publisher: doc.publisher, author: doc.author, date: doc.date, url, format: doc.format, partOf: doc.partOf };
    const line = citeLine(source);
    const meta = el('p', { class: 'meta' }, line);
    const original = doc.format === 'pdf' ? (file ?? url) : (url ?? file);
    if (original) meta.append(line ? ' · ' : '', el('a', { href: original, rel: 'noopener noreferrer', target: '_blank' }, 'original'));
    const find = findBar(docView);
    docView.append(meta, provenanceNode(doc), find.element);
    let heading: string | null = null;
    let page: number | null = null;
    /** Where a page starts, with a link to it in the original PDF. */
    /** A page's name, linking to the page in the original PDF (an attachment is served inside its message: no page to open there). */
    const pageMark = (b: PageBreakAt) => {
      const at = doc.format === 'pdf' && !doc.partOf && file ? `${file}#page=${b.page}` : null;
      return at ? el('a', { href: at, target: '_blank', rel: 'noopener noreferrer' }, pageName(b.page, b.label)) : pageName(b.page, b.label);
    };
    for (const p of doc.passages) {
      if (p.page !== null && p.page !== page) {
        docView.append(el('p', { class: 'page-break find-skip', id: `page-${p.page}` }, pageMark({ offset: 0, page: p.page, label: p.pageLabel })));
      }
      if (p.heading && p.heading !== heading) docView.append(el('h2', {}, p.heading));
      heading = p.heading;
      const section = el('section', { class: 'passage', id: `p-${p.position}`, 'aria-label': `Passage ${p.position + 1}` });
      const breaks = p.pageBreaks ?? [];
      section.append(...passageParagraphs(p.text, breaks, pageMark));
      // Indexed before page starts were recorded: the passage says where it ends.
      if (breaks.length === 0 && p.pageEnd !== null && p.page !== null && p.pageEnd !== p.page) {
        section.append(el('p', { class: 'page-note' }, `Runs on to ${pageCitation({ ...p, page: p.pageEnd, pageLabel: p.pageEndLabel, pageEnd: null, pageEndLabel: null })}`));
      }
      page = p.pageEnd ?? p.page;
      section.append(el('div', { class: 'actions find-skip' }, citeControl(`${doc.docId}-${p.position}`, { text: p.text, source, passage: p, quote: safeHttpUrl(p.quote), link: p.link })));
      docView.append(section);
    }
    const removed = removedNode(doc);
    if (removed) docView.append(removed);
    status.textContent = '';
    highlightTarget();
    find.restore();
  } catch (err) {
    const e = err as Error & { status?: number };
    status.textContent = '';
    status.append(el('span', { class: 'error' }, e.status === 404 ? 'No such document.' : `Could not load the document: ${e.message}`));
  }
}

const FIELDS = ['title', 'author', 'date', 'publisher', 'url', 'lang'] as const;

/** Where each metadata field came from, shown on demand: "publisher: Reuters — from the copyright line". */
function provenanceNode(doc: DocumentView): HTMLElement {
  const p = doc.provenance ?? {};
  const list = el('dl', { class: 'provenance' });
  for (const field of FIELDS) {
    const value = doc[field];
    const e = p[field];
    list.append(el('dt', {}, field));
    if (value === null) list.append(el('dd', { class: 'empty' }, 'not stated in the document'));
    else list.append(el('dd', {}, `${value}`, e ? ` — from the ${e.rule}: ` : '', e ? el('q', {}, e.source) : ''));
  }
  return el('details', { class: 'provenance-box' }, el('summary', {}, 'Where this citation comes from'), list);
}

/** What cleaning left out of the document, collapsed, so a reader can check nothing that matters went. */
function removedNode(doc: DocumentView): HTMLElement | null {
  const removed = doc.removed ?? [];
  if (removed.length === 0) return null;
  const list = el('ol', { class: 'removed' });
  for (const r of removed) list.append(el('li', {}, el('span', { class: 'reason' }, r.page ? `${r.reason}, page ${r.page}` : r.reason), ' ', r.text));
  const omitted = doc.removedOmitted ? ` (${doc.removedOmitted} more not kept)` : '';
  return el('details', { class: 'removed-box' }, el('summary', {}, `Removed by cleaning: ${removed.length} blocks${omitted}`), list);
}

function highlightTarget() {
  for (const old of docView.querySelectorAll('.cited')) old.classList.remove('cited');
  const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (target) {
    target.classList.add('cited');
    target.scrollIntoView({ block: 'center' });
  }
}

function navigate(push: boolean) {
  offset = 0;
  const qs = stateQuery(state).toString();
  const url = qs ? `/?${qs}` : '/';
  if (push && location.pathname + location.search !== url) history.pushState(null, '', url);
  else if (!push) history.replaceState(null, '', url);
  void runSearch(false);
}

function route() {
  if (location.pathname === '/batch') {
    requestSeq++;
    showOnly('batch');
    showBatch(batch, status);
    return;
  }
  const m = /^\/documents\/([^/]+)$/.exec(location.pathname);
  if (m) {
    void showDocument(decodeURIComponent(m[1]!));
    return;
  }
  state = readState();
  input.value = state.q;
  offset = 0;
  void runSearch(false);
}

let debounce: ReturnType<typeof setTimeout> | undefined;
input.addEventListener('input', () => {
  clearTimeout(debounce);
  debounce = setTimeout(() => {
    state = { ...state, q: input.value.trim() };
    if (location.pathname !== '/') history.pushState(null, '', '/');
    navigate(false);
    void suggest(input.value.trim());
  }, DEBOUNCE_MS);
});
form.addEventListener('submit', (e) => {
  e.preventDefault();
  clearTimeout(debounce);
  state = { ...state, q: input.value.trim() };
  if (location.pathname !== '/') history.pushState(null, '', '/');
  navigate(true);
});
more.addEventListener('click', () => {
  offset += PAGE_SIZE;
  void runSearch(true);
});

let suggestSeq = 0;
async function suggest(q: string) {
  const seq = ++suggestSeq;
  if (q.length < 2) return suggestions.replaceChildren();
  try {
    const r = await getJson<Suggestions>(`/api/suggest?q=${encodeURIComponent(q)}`);
    if (seq === suggestSeq) suggestions.replaceChildren(...r.suggestions.map((s) => el('option', { value: s.text })));
  } catch {
    /* suggestions are a convenience; search itself reports errors */
  }
}

document.addEventListener('keydown', (e) => {
  const active = document.activeElement;
  if (e.key === '/' && active !== input) {
    e.preventDefault();
    input.focus();
    input.select();
    return;
  }
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Enter') return;
  const hits = Array.from(results.querySelectorAll<HTMLElement>('.hit'));
  if (hits.length === 0 || results.hidden) return;
  const i = hits.indexOf(active as HTMLElement);
  if (e.key === 'Enter') {
    if (i >= 0) location.assign(hits[i]!.dataset.link!);
    return;
  }
  e.preventDefault();
  const next = e.key === 'ArrowDown' ? Math.min(i + 1, hits.length - 1) : i <= 0 ? -1 : i - 1;
  if (next < 0) input.focus();
  else hits[next]!.focus();
});

/** Signed out: nothing of the collection stays on the page. */
function clearView() {
  requestSeq++;
  for (const id of ['results', 'document', 'facets', 'suggestions', 'tools', 'collection', 'batch']) document.getElementById(id)?.replaceChildren();
  status.textContent = '';
  more.hidden = true;
}

window.addEventListener('popstate', route);
window.addEventListener('hashchange', highlightTarget);
const access = setUpSignIn(route, clearView);
whenUnauthorized(access.signInAgain);
void access.start();
