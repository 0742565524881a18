import { el } from './dom.js';

/**
 * Find in the document: every occurrence of the words typed in the document view's own search box
 * is marked, the current one is counted ("3 of 17"), Enter and Shift+Enter (or F3 and Shift+F3)
 * step through them, and the URL keeps the words and the position so the link can be shared.
 */

/** Letters compared without case or accents, as a reader expects "Zurich" to find "Zürich". */
function fold(ch: string): string {
  return ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Where `needle` occurs in `text`, ignoring case, accents and runs of white space, as
 * [start, end) offsets into `text`. Occurrences do not overlap.
 */
export function findRanges(text: string, needle: string): Array<[number, number]> {
  const want = Array.from(needle.trim().replace(/\s+/g, ' ')).map(fold).join('');
  if (want === '') return [];
  // The folded text, with each folded character's offset in the original.
  let folded = '';
  const origin: number[] = [];
  let i = 0;
  let lastSpace = false;
  for (const ch of text) {
    const space = /\s/.test(ch);
    if (!(space && lastSpace)) {
      const f = space ? ' ' : fold(ch);
      for (let k = 0; k < f.length; k++) origin.push(i);
      folded += f;
    }
    lastSpace = space;
    i += ch.length;
  }
  origin.push(text.length);
  const out: Array<[number, number]> = [];
  for (let at = folded.indexOf(want); at !== -1; at = folded.indexOf(want, at + want.length)) {
    const end = at + want.length;
    // The end is just past the original character of the last folded one.
    const last = origin[end - 1]!;
    let stop = last + (text.codePointAt(last)! > 0xffff ? 2 : 1);
    // Accents written as separate marks belong to the letter before them.
    while (stop < text.length && /\p{M}/u.test(text[stop]!)) stop++;
    out.push([origin[at]!, stop]);
  }
  return out;
}

/** Marks every occurrence in the text nodes under `root`; returns the marks in reading order. */
export function markAll(root: Element, needle: string): HTMLElement[] {
  const marks: HTMLElement[] = [];
  if (needle.trim() === '') return marks;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement?.closest('.find-skip') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const nodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n as Text);
  for (const node of nodes) {
    const text = node.data;
    const ranges = findRanges(text, needle);
    if (ranges.length === 0) continue;
    const frag = document.createDocumentFragment();
    let pos = 0;
    for (const [s, e] of ranges) {
      if (s > pos) frag.append(text.slice(pos, s));
      const m = document.createElement('mark');
      m.className = 'find';
      m.textContent = text.slice(s, e);
      frag.append(m);
      marks.push(m);
      pos = e;
    }
    if (pos < text.length) frag.append(text.slice(pos));
    node.replaceWith(frag);
  }
  return marks;
}

/** Removes the marks markAll made, leaving the text as it was. */
export function unmarkAll(root: Element): void {
  for (const m of Array.from(root.querySelectorAll('mark.find'))) {
    const parent = m.parentNode!;
    m.replaceWith(document.createTextNode(m.textContent ?? ''));
    parent.normalize();
  }
}

export interface FindBar {
  element: HTMLElement;
  /** Runs the find for the words and position in the URL (after the document is drawn). */
  restore(): void;
}

/**
 * The find bar of a document view: a search box, the count, and previous/next buttons. `scope` is
 * the element whose text is searched.
 */
export function findBar(scope: Element): FindBar {
  const input = el('input', { type: 'search', id: 'find', placeholder: 'Find in this document', 'aria-label': 'Find in this document', autocomplete: 'off' });
  const count = el('span', { class: 'find-count', role: 'status', 'aria-live': 'polite' });
  const prev = el('button', { type: 'button', 'aria-label': 'Previous occurrence (Shift+Enter)' }, '↑');
  const next = el('button', { type: 'button', 'aria-label': 'Next occurrence (Enter)' }, '↓');
  const form = el('form', { class: 'find-bar find-skip', role: 'search', 'aria-label': 'Find in this document' }, input, count, prev, next);

  let marks: HTMLElement[] = [];
  let current = -1;
  let words = '';

  const writeUrl = () => {
    const u = new URL(location.href);
    if (words) u.searchParams.set('find', words);
    else u.searchParams.delete('find');
    if (words && current >= 0) u.searchParams.set('at', String(current + 1));
    else u.searchParams.delete('at');
    history.replaceState(history.state, '', u);
  };

  const show = (i: number, scroll = true) => {
    marks[current]?.classList.remove('current');
    current = marks.length === 0 ? -1 : ((i % marks.length) + marks.length) % marks.length;
    const m = marks[current];
    if (m) {
      m.classList.add('current');
      if (scroll) m.scrollIntoView({ block: 'center' });
    }
    count.textContent = words === '' ? '' : marks.length === 0 ? 'No matches' : `${current + 1} of ${marks.length}`;
    form.dataset.current = String(current + 1);
    form.dataset.total = String(marks.length);
    writeUrl();
  };

  const run = (w: string, at: number, scroll = true) => {
    unmarkAll(scope);
    words = w.trim();
    marks = markAll(scope, words);
    current = -1;
    show(at, scroll);
  };

  let debounce: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => run(input.value, 0), 120);
  });
  const step = (by: number) => {
    clearTimeout(debounce);
    if (input.value.trim() !== words) run(input.value, 0);
    else show(current + by);
  };
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    } else if (e.key === 'Escape') {
      input.value = '';
      run('', 0, false);
    }
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  prev.addEventListener('click', () => step(-1));
  next.addEventListener('click', () => step(1));
  // F3 / Shift+F3 anywhere in the document view, as in browsers' own find.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'F3' && form.isConnected) {
      e.preventDefault();
      step(e.shiftKey ? -1 : 1);
    }
  });

  return {
    element: form,
    restore() {
      const u = new URL(location.href);
      const w = u.searchParams.get('find') ?? '';
      if (!w) return;
      input.value = w;
      const at = Number(u.searchParams.get('at') ?? '1');
      run(w, Number.isInteger(at) && at >= 1 ? at - 1 : 0);
    },
  };
}
