import type { CitationFormat } from '../cite/citation.js';
import { plainCitation, type CitationInput } from './citation.js';
import { copyText, el, getText } from './dom.js';

/** The formats offered, in the order people reach for them; "text" is the page's own plain line. */
const FORMATS: Array<[CitationFormat | 'text', string]> = [
  ['text', 'Plain text'],
  ['apa', 'APA'],
  ['chicago', 'Chicago'],
  ['harvard', 'Harvard'],
  ['vancouver', 'Vancouver'],
  ['bibtex', 'BibTeX'],
  ['ris', 'RIS'],
  ['csl', 'CSL-JSON'],
];
const REMEMBERED = 'citable.citationFormat';

function remembered(): string {
  try {
    return localStorage.getItem(REMEMBERED) ?? 'text';
  } catch {
    return 'text';
  }
}

function citeUrl(passageId: string, format: string, download = false): string {
  return `/api/passages/${encodeURIComponent(passageId)}/cite?format=${format}${download ? '&download=1' : ''}`;
}

/**
 * "Copy citation" with a choice of format, and a download of the chosen one for reference
 * managers (BibTeX, RIS and CSL-JSON files import into Zotero, EndNote, Mendeley…).
 */
export function citeControl(passageId: string, hit: CitationInput): HTMLElement {
  const label = hit.source.title ?? hit.source.file;
  const button = el('button', { type: 'button', class: 'copy-cite', 'aria-label': `Copy citation for ${label}` }, 'Copy citation');
  const select = el('select', { 'aria-label': `Citation format for ${label}`, class: 'cite-format' });
  for (const [value, name] of FORMATS) select.append(el('option', { value }, name));
  select.value = FORMATS.some(([f]) => f === remembered()) ? remembered() : 'text';
  const download = el('a', { class: 'cite-download', 'aria-label': `Download citation for ${label}` }, 'Download');
  const sync = () => {
    const f = select.value;
    download.hidden = f === 'text';
    if (f !== 'text') download.setAttribute('href', citeUrl(passageId, f, true));
  };
  sync();
  select.addEventListener('change', () => {
    try {
      localStorage.setItem(REMEMBERED, select.value);
    } catch {
      /* private mode: the choice lasts for this page */
    }
    sync();
  });
  button.addEventListener('click', async () => {
    const f = select.value;
    let text: string;
    try {
      text = f === 'text' ? plainCitation(hit, location.origin) : await getText(citeUrl(passageId, f));
    } catch (err) {
      button.textContent = 'Could not cite';
      button.title = (err as Error).message;
      return;
    }
    await copyText(text);
    button.textContent = 'Copied';
    button.dataset.copied = text;
    setTimeout(() => (button.textContent = 'Copy citation'), 2_000);
  });
  return el('span', { class: 'cite-control' }, button, select, download);
}
