import type { BatchResult } from '../search/batch.js';
import { ApiError, el, errorText } from './dom.js';
import { snippetTokens } from './snippet-tokens.js';

/**
 * Batch search: paste a list of names (or choose a text or CSV file), run them all, and see them
 * ordered by how many passages match, the ones with no match apart. Results stream in as each
 * query is answered, so a long list shows its progress.
 */

interface Line {
  index: number;
  of: number;
  result: BatchResult;
}

interface Upload {
  body: string;
  type: 'text/plain' | 'text/csv';
}

async function readUpload(text: HTMLTextAreaElement, file: HTMLInputElement): Promise<Upload | null> {
  const f = file.files?.[0];
  if (f) return { body: await f.text(), type: /\.csv$/i.test(f.name) || f.type === 'text/csv' ? 'text/csv' : 'text/plain' };
  return text.value.trim() ? { body: text.value, type: 'text/plain' } : null;
}

async function post(upload: Upload, format: 'ndjson' | 'csv'): Promise<Response> {
  const res = await fetch(`/api/batch?format=${format}`, { method: 'POST', headers: { 'content-type': `${upload.type}; charset=utf-8` }, body: upload.body });
  if (!res.ok) {
    const body = await res.json().catch(() => null);
    throw new ApiError(res.status, (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${res.status}`);
  }
  return res;
}

/** Reads NDJSON lines as they arrive. */
async function* lines(res: Response): AsyncGenerator<Line> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffered += value;
    let nl;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim()) yield JSON.parse(line) as Line;
    }
    if (done) return;
  }
}

function snippet(s: string): HTMLElement {
  const p = el('p', { class: 'snippet' });
  for (const t of snippetTokens(s)) p.append(t.marked ? el('mark', {}, t.text) : document.createTextNode(t.text));
  return p;
}

function resultItem(r: BatchResult): HTMLLIElement {
  const li = el('li', { class: 'batch-result', 'data-query': r.query });
  li.append(
    el('h2', {}, el('a', { href: `/?q=${encodeURIComponent(r.query)}` }, r.query)),
    el('p', { class: 'counts' }, `${r.passages} passage${r.passages === 1 ? '' : 's'} in ${r.documents} document${r.documents === 1 ? '' : 's'}`),
  );
  for (const h of r.hits) li.append(el('div', { class: 'batch-hit' }, el('a', { href: h.link }, h.title ?? h.docId), snippet(h.snippet)));
  return li;
}

/** Draws the batch form into `main`. */
export function showBatch(main: HTMLElement, status: HTMLElement): void {
  document.title = 'Batch search — Citable';
  const text = el('textarea', { id: 'batch-queries', rows: '8', 'aria-describedby': 'batch-help', placeholder: 'Danny Manupassa\nEnnetcom\nSky ECC' });
  const file = el('input', { id: 'batch-file', type: 'file', accept: '.txt,.csv,text/plain,text/csv' });
  const run = el('button', { type: 'submit' }, 'Run batch');
  const csv = el('button', { type: 'button', id: 'batch-csv' }, 'Download CSV');
  csv.hidden = true;
  const form = el(
    'form',
    { id: 'batch-form', 'aria-label': 'Batch search' },
    el('label', { for: 'batch-queries' }, 'Queries, one a line'),
    text,
    el('label', { for: 'batch-file' }, 'Or a text or CSV file (first column)'),
    file,
    el('p', { id: 'batch-help', class: 'help' }, 'Up to 500 queries. A passage matches a query when all its words do; typos are allowed as in search.'),
    el('div', { class: 'actions' }, run, csv),
  );
  const progress = el('progress', { id: 'batch-progress', max: '1', value: '0' });
  progress.hidden = true;
  const found = el('ol', { id: 'batch-found', 'aria-label': 'Queries with hits, most first' });
  const none = el('ul', { id: 'batch-none', 'aria-label': 'Queries without hits' });
  const noneBox = el('section', { class: 'batch-none' }, el('h2', {}, 'No hits'), none);
  noneBox.hidden = true;
  main.replaceChildren(el('h1', {}, 'Batch search'), form, progress, found, noneBox);
  status.textContent = 'Run a list of names, companies or vessels against the whole collection.';

  let last: Upload | null = null;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const upload = await readUpload(text, file);
    if (!upload) {
      status.textContent = 'Type or choose a list of queries first.';
      return;
    }
    found.replaceChildren();
    none.replaceChildren();
    noneBox.hidden = true;
    csv.hidden = true;
    run.disabled = true;
    status.textContent = 'Running…';
    const results: BatchResult[] = [];
    try {
      const res = await post(upload, 'ndjson');
      for await (const line of lines(res)) {
        results.push(line.result);
        progress.hidden = false;
        progress.max = line.of;
        progress.value = results.length;
        status.textContent = `${results.length} of ${line.of} queries answered…`;
      }
      const withHits = results.filter((r) => r.passages > 0).sort((a, b) => b.passages - a.passages || b.documents - a.documents);
      const without = results.filter((r) => r.passages === 0);
      found.replaceChildren(...withHits.map(resultItem));
      none.replaceChildren(...without.map((r) => el('li', { 'data-query': r.query }, r.query)));
      noneBox.hidden = without.length === 0;
      progress.hidden = true;
      status.textContent = `${results.length} queries: ${withHits.length} with hits, ${without.length} without.`;
      last = upload;
      csv.hidden = false;
    } catch (err) {
      status.textContent = '';
      status.append(el('span', { class: 'error' }, errorText(err, 'The batch failed')));
    } finally {
      run.disabled = false;
    }
  });

  csv.addEventListener('click', async () => {
    if (!last) return;
    try {
      const res = await post(last, 'csv');
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'citable-batch.csv';
      const href = URL.createObjectURL(await res.blob());
      const a = el('a', { href, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (err) {
      status.textContent = '';
      status.append(el('span', { class: 'error' }, errorText(err, 'The CSV failed')));
    }
  });
}
