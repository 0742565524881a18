import type { savedDetail, savedSummary } from '../saved/saved-search.js';
import { el, errorText, getJson } from './dom.js';

/**
 * Saved searches on the page: "Save this search" under results, the list of saved searches with
 * their new matches on the landing page, and new matches marked in a saved search's results.
 */

type Summary = ReturnType<typeof savedSummary>;
type Detail = ReturnType<typeof savedDetail>;

export interface SearchState {
  q: string;
  publisher: string[];
  year: string[];
}

/** The page URL that runs a saved search and marks its new matches. */
function runPath(s: Summary): string {
  const u = new URLSearchParams();
  if (s.q) u.set('q', s.q);
  for (const v of s.filters.publishers) u.append('publisher', v);
  for (const v of s.filters.years) u.append('year', String(v));
  u.set('saved', s.id);
  return `/?${u}`;
}

/** "Save this search": a name (the query by default), then a POST. */
export function saveControl(state: SearchState, status: HTMLElement): HTMLElement {
  const open = el('button', { type: 'button', id: 'save-search' }, 'Save this search');
  const name = el('input', { id: 'save-name', type: 'text', maxlength: '100', 'aria-label': 'Name of the saved search' });
  const save = el('button', { type: 'submit' }, 'Save');
  const form = el('form', { id: 'save-form', class: 'save-form', 'aria-label': 'Save this search' }, name, save);
  form.hidden = true;
  open.addEventListener('click', () => {
    form.hidden = !form.hidden;
    name.value = name.value || state.q;
    if (!form.hidden) name.focus();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      await getJson<Detail>('/api/saved', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: name.value, q: state.q, publisher: state.publisher, year: state.year }),
      });
      form.hidden = true;
      open.textContent = 'Saved';
      open.disabled = true;
      status.textContent = `Saved as “${name.value.trim()}”. Passages that match it are marked new after each indexing job.`;
    } catch (err) {
      status.textContent = '';
      status.append(el('span', { class: 'error' }, errorText(err, 'Could not save the search')));
    } finally {
      save.disabled = false;
    }
  });
  return el('div', { class: 'save-search' }, open, form);
}

/** The saved searches, with their new matches, for the landing page; null when there are none. */
export async function savedList(): Promise<HTMLElement | null> {
  let list: { savedSearches: Summary[] };
  try {
    list = await getJson<{ savedSearches: Summary[] }>('/api/saved');
  } catch {
    // Saved searches are a convenience on the landing page: the collection still shows.
    return null;
  }
  if (list.savedSearches.length === 0) return null;
  const ul = el('ul', { id: 'saved-list' });
  for (const s of list.savedSearches) {
    const li = el('li', { 'data-saved': s.id }, el('a', { href: runPath(s) }, s.name));
    if (s.newCount > 0) li.append(' ', el('span', { class: 'badge new-count' }, `${s.newCount} new`));
    const remove = el('button', { type: 'button', class: 'link', 'aria-label': `Delete the saved search ${s.name}` }, 'Delete');
    remove.addEventListener('click', async () => {
      const res = await fetch(`/api/saved/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      if (res.ok) li.remove();
    });
    li.append(' ', el('a', { href: s.feed, class: 'feed', 'aria-label': `Atom feed of ${s.name}` }, 'Feed'), ' ', remove);
    ul.append(li);
  }
  return el('section', { class: 'saved', 'aria-label': 'Saved searches' }, el('h2', {}, 'Saved searches'), ul);
}

/**
 * Marks the results of a saved search that hold its new matches, and says how many there are.
 * Hits are documents (their best passage): a document with a new matching passage is new.
 */
export async function markNew(savedId: string, results: HTMLElement, status: HTMLElement): Promise<void> {
  let saved: Detail;
  try {
    saved = await getJson<Detail>(`/api/saved/${encodeURIComponent(savedId)}`);
  } catch (err) {
    status.append(' ', el('span', { class: 'error' }, errorText(err, 'Could not read the saved search')));
    return;
  }
  const newDocs = new Set(saved.newMatches.map((m) => m.docId));
  for (const hit of Array.from(results.querySelectorAll<HTMLElement>('.hit'))) {
    if (!newDocs.has(hit.dataset.doc ?? '')) continue;
    hit.classList.add('new');
    hit.querySelector('h2')?.prepend(el('span', { class: 'badge' }, 'New'), ' ');
  }
  const when = saved.checkedAt ? ` (indexing job of ${saved.checkedAt.slice(0, 16).replace('T', ' ')} UTC)` : '';
  status.append('. ', el('span', { class: 'saved-note' }, `“${saved.name}”: ${saved.newCount} new since the last indexing job${when}.`));
}
