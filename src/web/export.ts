import { el } from './dom.js';

/** Downloads of the current search's hits (up to 10,000), in each export format. */
export function exportLinks(search: URLSearchParams): HTMLElement {
  const links = (['csv', 'json', 'ndjson'] as const).map((format) => {
    const q = new URLSearchParams(search);
    q.set('format', format);
    return el('a', { href: `/api/search/export?${q}`, download: '', class: 'export', 'data-format': format }, format.toUpperCase());
  });
  const box = el('span', { class: 'export-links' }, 'Export: ');
  links.forEach((a, i) => box.append(...(i > 0 ? [' · '] : []), a));
  return box;
}
