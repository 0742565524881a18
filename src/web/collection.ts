import type { DocumentList, DocumentSort } from '../search/documents.js';
import { el, errorText, getJson } from './dom.js';

/**
 * The collection at a glance, shown when there is no query: its documents (newest first, sortable,
 * paged), a count per publisher, year and format that filters the list, and a histogram of
 * documents over time.
 */

const SORTS: Array<[DocumentSort, string]> = [
  ['date:desc', 'Newest first'],
  ['date:asc', 'Oldest first'],
  ['passages:desc', 'Longest first'],
  ['passages:asc', 'Shortest first'],
];
const PER_PAGE = 20;
const FACETS: Array<['publisher' | 'year' | 'format', string]> = [
  ['publisher', 'Publisher'],
  ['year', 'Year'],
  ['format', 'Format'],
];

export interface CollectionState {
  sort: DocumentSort;
  page: number;
  publisher: string[];
  year: string[];
  format: string[];
}

export function readCollectionState(u: URL): CollectionState {
  const sort = u.searchParams.get('sort') as DocumentSort | null;
  const page = Number(u.searchParams.get('page') ?? '1');
  return {
    sort: sort && SORTS.some(([s]) => s === sort) ? sort : 'date:desc',
    page: Number.isInteger(page) && page >= 1 ? page : 1,
    publisher: u.searchParams.getAll('publisher'),
    year: u.searchParams.getAll('year'),
    format: u.searchParams.getAll('format'),
  };
}

function stateQuery(s: CollectionState): URLSearchParams {
  const p = new URLSearchParams();
  if (s.sort !== 'date:desc') p.set('sort', s.sort);
  if (s.page > 1) p.set('page', String(s.page));
  for (const k of ['publisher', 'year', 'format'] as const) for (const v of s[k]) p.append(k, v);
  return p;
}

/** A bar chart of documents per period, as SVG (no inline styles: the page's CSP allows none). */
function histogram(h: DocumentList['histogram']): HTMLElement | null {
  if (h.bars.length === 0) return null;
  const most = Math.max(...h.bars.map((b) => b.documents), 1);
  const width = 100 / h.bars.length;
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 100 40');
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img');
  const described = h.bars.map((b) => `${b.period}: ${b.documents}`).join(', ');
  svg.setAttribute('aria-label', `Documents per ${h.unit}: ${described}`);
  h.bars.forEach((b, i) => {
    const height = (b.documents / most) * 38;
    const rect = document.createElementNS(ns, 'rect');
    rect.setAttribute('x', String(i * width + width * 0.1));
    rect.setAttribute('y', String(40 - height));
    rect.setAttribute('width', String(width * 0.8));
    rect.setAttribute('height', String(height));
    rect.setAttribute('class', 'bar');
    const title = document.createElementNS(ns, 'title');
    title.textContent = `${b.period}: ${b.documents} document${b.documents === 1 ? '' : 's'}`;
    rect.append(title);
    svg.append(rect);
  });
  const first = h.bars[0]!.period;
  const last = h.bars[h.bars.length - 1]!.period;
  const caption = el('figcaption', {}, `Documents per ${h.unit}, ${first}${last !== first ? `–${last}` : ''}`);
  if (h.undated > 0) caption.append(` · ${h.undated} undated`);
  return el('figure', { class: 'histogram' }, svg, caption);
}

/** Draws the collection into `main` and its facets into `aside`; `go` changes the URL's state. */
export async function showCollection(main: HTMLElement, aside: HTMLElement, status: HTMLElement, state: CollectionState, go: (query: URLSearchParams) => void): Promise<void> {
  const api = stateQuery(state);
  api.delete('page');
  api.set('page', String(state.page));
  api.set('perPage', String(PER_PAGE));
  status.textContent = 'Loading the collection…';
  let list: DocumentList;
  try {
    list = await getJson<DocumentList>(`/api/documents?${api}`);
  } catch (err) {
    status.textContent = '';
    status.append(el('span', { class: 'error' }, errorText(err, 'Could not list the collection')));
    return;
  }
  const change = (next: Partial<CollectionState>) => go(stateQuery({ ...state, page: 1, ...next }));

  aside.replaceChildren();
  for (const [name, legend] of FACETS) {
    const counts = list.facets[name];
    const entries = Object.entries(counts).sort((a, b) => (name === 'year' ? Number(b[0]) - Number(a[0]) : b[1] - a[1]));
    for (const v of state[name]) if (!(v in counts)) entries.push([v, 0]);
    if (entries.length === 0) continue;
    const fs = el('fieldset', {}, el('legend', {}, legend));
    for (const [value, count] of entries) {
      const box = el('input', { type: 'checkbox', name, value });
      box.checked = state[name].includes(value);
      box.addEventListener('change', () => change({ [name]: box.checked ? [...state[name], value] : state[name].filter((v) => v !== value) }));
      fs.append(el('label', {}, box, value, el('span', { class: 'count' }, String(count))));
    }
    aside.append(fs);
  }
  aside.hidden = aside.childElementCount === 0;

  const sort = el('select', { id: 'collection-sort', 'aria-label': 'Sort documents' });
  for (const [value, name] of SORTS) sort.append(el('option', { value }, name));
  sort.value = state.sort;
  sort.addEventListener('change', () => change({ sort: sort.value as DocumentSort }));

  const table = el('table', { class: 'documents' });
  table.append(el('caption', { class: 'visually-hidden' }, 'Documents in the collection'));
  table.append(el('thead', {}, el('tr', {}, ...['Title', 'Publisher', 'Date', 'Format', 'Passages'].map((h) => el('th', { scope: 'col' }, h)))));
  const body = el('tbody');
  for (const d of list.documents) {
    body.append(
      el(
        'tr',
        { 'data-doc': d.docId },
        el('td', {}, el('a', { href: d.link }, d.title ?? d.file)),
        el('td', {}, d.publisher ?? ''),
        el('td', {}, d.date ?? ''),
        el('td', {}, d.format ?? ''),
        el('td', { class: 'num' }, String(d.passages)),
      ),
    );
  }
  table.append(body);

  const pages = Math.max(1, Math.ceil(list.total / list.perPage));
  const pager = el('nav', { class: 'pager', 'aria-label': 'Pages of documents' });
  const prev = el('button', { type: 'button' }, '← Previous');
  prev.disabled = state.page <= 1;
  prev.addEventListener('click', () => go(stateQuery({ ...state, page: state.page - 1 })));
  const next = el('button', { type: 'button' }, 'Next →');
  next.disabled = state.page >= pages;
  next.addEventListener('click', () => go(stateQuery({ ...state, page: state.page + 1 })));
  pager.append(prev, el('span', {}, `Page ${state.page} of ${pages}`), next);

  const head = el('div', { class: 'collection-head' }, el('h1', {}, 'The collection'), el('label', { for: 'collection-sort' }, 'Sort ', sort));
  const chart = histogram(list.histogram);
  main.replaceChildren(head, ...(chart ? [chart] : []), table, ...(pages > 1 ? [pager] : []));
  status.textContent = `${list.total} document${list.total === 1 ? '' : 's'}. Type words above to search their passages.`;
}
