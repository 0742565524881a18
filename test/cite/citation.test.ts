import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseBibtex } from '@retorquere/bibtex-parser';
import { parse as parseRis } from 'astrocite-ris';
import { CITATION_FORMATS, citePassage, cslDate, cslNames, locatorOf, type CitedPassage } from '../../src/cite/citation.js';

// A passage as the API knows it: a Reuters report with a URL, an author and a day.
const reuters: CitedPassage = {
  id: '004_cb672303a775cf7f-3',
  docId: '004_cb672303a775cf7f',
  file: '004_cb672303a775cf7f.txt',
  title: 'Dutch police seize encrypted communication network with 19,000 users',
  author: 'Toby Sterling',
  publisher: 'Reuters',
  date: '2016-04-23',
  url: 'http://feeds.reuters.com/~r/Reuters/worldNews/~3/x',
  text: 'Ennetcom owner Danny Manupassa was arrested\n\non suspicion of money laundering.',
  position: 3,
  link: 'http://127.0.0.1:3000/documents/004_cb672303a775cf7f#p-3',
};
const quote = 'Ennetcom owner Danny Manupassa was arrested on suspicion of money laundering.';

// Text that LaTeX and RIS treat specially: braces, %, &, $, backslashes, quotes, a long line.
const hostile: CitedPassage = {
  ...reuters,
  id: 'odd-0',
  title: 'Costs {rose} 50% & more: $5 \\ "quoted"',
  author: 'Anne-Marie van der Berg and Jean Dupont',
  text: `Braces {x}, 100% sure & a $ sign, a back\\slash and "quotes". ${'A long sentence goes on. '.repeat(8)}`.trim(),
  position: 0,
};

function bib(p: CitedPassage) {
  const lib = parseBibtex(citePassage(p, 'bibtex'));
  assert.deepEqual(lib.errors, []);
  assert.equal(lib.entries.length, 1);
  return lib.entries[0]!;
}

function ris(p: CitedPassage) {
  const items = parseRis(citePassage(p, 'ris'));
  assert.equal(items.length, 1);
  return items[0]! as unknown as Record<string, unknown>;
}

describe('citations parsed back by a BibTeX parser (the one Better BibTeX for Zotero uses)', () => {
  it('keeps title, author, year, month, URL and the quotation with its paragraph', () => {
    const e = bib(reuters);
    assert.equal(e.fields.title, reuters.title);
    assert.deepEqual(
      e.fields.author?.map((a) => [a.lastName, a.firstName]),
      [['Sterling', 'Toby']],
    );
    assert.equal(e.fields.year, '2016');
    assert.match(String(e.fields.month), /^apr/i);
    assert.equal(e.fields.url, reuters.url);
    assert.equal(e.fields.note, `“${quote}” (paragraph 4)`);
  });

  it('round-trips text with LaTeX special characters unchanged', () => {
    const e = bib(hostile);
    assert.equal(e.fields.title, hostile.title);
    assert.deepEqual(
      e.fields.author?.map((a) => [a.prefix ?? '', a.lastName, a.firstName]),
      [['van der', 'Berg', 'Anne-Marie'], ['', 'Dupont', 'Jean']],
    );
    assert.equal(e.fields.note, `“${hostile.text}” (paragraph 1)`);
  });

  it('cites pages when the document states them, and no author or date it does not state', () => {
    const e = bib({ ...reuters, author: null, date: null, url: null, page: 12, pageEnd: 13 });
    assert.equal(e.fields.author, undefined);
    assert.equal(e.fields.year, undefined);
    assert.deepEqual(e.fields.publisher, ['Reuters']);
    assert.equal(e.fields.url, reuters.link, 'a document without a URL is cited at its place in Citable');
    assert.equal(e.fields.note, `“${quote}” (page 12-13)`);
    assert.equal(e.fields.pages, '12–13');
  });

  it('gives no pages to a document without them', () => assert.equal(bib(reuters).fields.pages, undefined));
});

describe('citations parsed back by an RIS parser', () => {
  it('keeps type, title, author, date, URL, site and the quotation', () => {
    const item = ris(reuters);
    assert.equal(item.type, 'webpage');
    assert.equal(item.title, reuters.title);
    assert.deepEqual(item.author, [{ family: 'Sterling', given: 'Toby' }]);
    // This parser reads the year from PY; the day is in DA, which it does not read.
    assert.equal(Number((item.issued as { 'date-parts': number[][] })['date-parts'][0]![0]), 2016);
    assert.match(citePassage(reuters, 'ris'), /^DA {2}- 2016\/0?4\/23\/$/m);
    assert.equal(item.URL, reuters.url);
    assert.equal(String(item.note).replace(/\s+/g, ' '), `“${quote}” (paragraph 4)`);
  });

  it('round-trips special characters and long quotations', () => {
    const item = ris(hostile);
    assert.equal(item.title, hostile.title);
    assert.equal(String(item.note).replace(/\s+/g, ' '), `“${hostile.text}” (paragraph 1)`.replace(/\s+/g, ' '));
  });

  it('carries the pages of the passage, by their printed labels', () => {
    const item = ris({ ...reuters, url: null, page: 3, pageEnd: 3, pageLabel: 'iii', pageEndLabel: 'iii' });
    assert.equal(item.page, 'iii');
  });

  it('types a document without a web address as a generic document with its publisher', () => {
    const item = ris({ ...reuters, url: null });
    assert.notEqual(item.type, 'webpage');
    assert.equal(item.publisher, 'Reuters');
  });
});

describe('CSL-JSON and formatted styles', () => {
  it('serves CSL-JSON as a list of one item that citation tools read', () => {
    const items = JSON.parse(citePassage(reuters, 'csl')) as Array<Record<string, unknown>>;
    assert.equal(items.length, 1);
    assert.equal(items[0]!.type, 'webpage');
    assert.equal(items[0]!['container-title'], 'Reuters');
    assert.deepEqual(items[0]!.issued, { 'date-parts': [[2016, 4, 23]] });
  });

  it('APA gives the reference, then the quotation with author, year and paragraph', () => {
    const text = citePassage(reuters, 'apa');
    const [reference, quoted] = text.trim().split('\n\n');
    assert.equal(reference, `Sterling, T. (2016, April 23). ${reuters.title}. Reuters. ${reuters.url}`);
    assert.equal(quoted, `“${quote}” (Sterling, 2016, para. 4)`);
  });

  it('APA cites the pages of a PDF passage in the reference and in the text', () => {
    const [reference, quoted] = citePassage({ ...reuters, url: null, page: 4, pageEnd: 5, pageLabel: '2', pageEndLabel: '3' }, 'apa').trim().split('\n\n');
    assert.match(reference!, /\(pp\. 2–3\)/);
    assert.equal(quoted, `“${quote}” (Sterling, 2016, pp. 2–3)`);
  });

  it('Harvard names the site and the address', () => {
    const text = citePassage(reuters, 'harvard');
    assert.match(text, /^Sterling, T\. \(2016\) /);
    assert.ok(text.includes(`Available at: ${reuters.url}`), text);
    assert.ok(text.includes(`“${quote}” (Sterling, 2016, para. 4)`), text);
  });

  it('Chicago (author-date) gives the record\'s author, year, title, site and URL, then the quotation', () => {
    // The record's fields, as the passage states them.
    const [given, family] = reuters.author!.split(' ');
    const year = reuters.date!.slice(0, 4);
    const [reference, quoted] = citePassage(reuters, 'chicago').trim().split('\n\n');
    // Chicago inverts the first author's name and puts the year right after it.
    assert.ok(reference!.startsWith(`${family}, ${given}. ${year}. `), reference);
    // Titles of web pages are quoted, in headline case.
    const title = /“([^”]+)”/.exec(reference!)?.[1] ?? '';
    assert.equal(title.replace(/[.,]$/, '').toLowerCase(), reuters.title!.toLowerCase());
    assert.ok(reference!.includes(` ${reuters.publisher}. `), reference);
    assert.ok(reference!.includes(reuters.url!), reference);
    // The in-text citation of author-date: author and year without a comma, then the place.
    assert.equal(quoted, `“${quote}” (${family} ${year}, para. ${reuters.position + 1})`);
  });

  it('Chicago cites a document without author or date by its title and "n.d.", and a page by its printed label', () => {
    const anonymous = citePassage({ ...reuters, author: null, date: null, url: null, publisher: 'Openbaar Ministerie' }, 'chicago');
    const [reference, quoted] = anonymous.trim().split('\n\n');
    assert.ok(reference!.toLowerCase().startsWith(`“${reuters.title!.toLowerCase()}.”`), reference);
    assert.ok(reference!.includes(' n.d. '), reference);
    assert.ok(reference!.includes('Openbaar Ministerie'), reference);
    assert.ok(reference!.includes(reuters.link), 'without an address of its own, the passage in Citable is the URL');
    // The title stands for the author, its comma inside the quotation marks (American usage).
    assert.ok(quoted!.toLowerCase().endsWith(`(“${reuters.title!.toLowerCase()},” n.d., para. 4)`), quoted);
    const paged = citePassage({ ...reuters, page: 12, pageEnd: 12, pageLabel: 'xii' }, 'chicago');
    assert.ok(paged.trim().endsWith(`(Sterling 2016, xii)`), paged);
  });

  it('every format includes the quotation', () => {
    for (const f of CITATION_FORMATS) {
      const text = citePassage(reuters, f).replace(/\s+/g, ' ');
      assert.ok(text.includes('Danny Manupassa was arrested'), `${f}: ${text}`);
    }
  });
});

describe('citation parts', () => {
  it('reads author lists, particles and one-word names', () => {
    assert.deepEqual(cslNames('Toby Sterling and Anthony Deutsch'), [
      { given: 'Toby', family: 'Sterling' },
      { given: 'Anthony', family: 'Deutsch' },
    ]);
    assert.deepEqual(cslNames('Sterling, Toby'), [{ given: 'Toby', family: 'Sterling' }]);
    assert.deepEqual(cslNames('Reuters'), [{ literal: 'Reuters' }]);
    assert.deepEqual(cslNames(null), []);
  });

  it('reads dates of a year, a month or a day, and nothing else', () => {
    assert.deepEqual(cslDate('2016'), { 'date-parts': [[2016]] });
    assert.deepEqual(cslDate('2016-04'), { 'date-parts': [[2016, 4]] });
    assert.deepEqual(cslDate('2016-04-23T10:00:00Z'), { 'date-parts': [[2016, 4, 23]] });
    assert.equal(cslDate('April 2016'), undefined);
    assert.equal(cslDate(null), undefined);
  });

  it('locates by pages when known, else by paragraph', () => {
    assert.deepEqual(locatorOf({ position: 0 }), { label: 'paragraph', locator: '1' });
    assert.deepEqual(locatorOf({ position: 5, page: 3, pageEnd: 3 }), { label: 'page', locator: '3' });
    assert.deepEqual(locatorOf({ position: 5, page: 3, pageEnd: 4 }), { label: 'page', locator: '3-4' });
    assert.deepEqual(locatorOf({ position: 5, page: 3, pageEnd: 4, pageLabel: 'iii', pageEndLabel: 'iv' }), { label: 'page', locator: 'iii-iv' }, 'printed labels first');
  });
});
