import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PdfPageText, PdfTextRun } from '../../../src/ingest/formats/pdf-layout.js';
import type { PdfStructElement } from '../../../src/ingest/formats/pdf-structure.js';
import { taggedHtml } from '../../../src/ingest/formats/pdf-tags.js';

/** A run in 10-point type, half an em wide per character, in marked content `mcid`. */
const run = (text: string, x: number, y: number, mcid?: number): PdfTextRun => ({ text, x, y, width: text.length * 5, size: 10, ...(mcid === undefined ? {} : { mcid }) });
const page = (number: number, runs: PdfTextRun[]): PdfPageText => ({ number, label: null, width: 612, height: 792, runs });

/*
 * Document
 *   Art: H1 (page 1, mcid 0), P (page 1 mcid 1, then page 2 mcid 0)
 *   Aside: P (page 1, mcid 2)
 * The first page draws the aside's text before the article's: the tree, not the drawing order, is the reading order.
 */
const elements: PdfStructElement[] = [
  { role: 'Document', parent: -1, kids: [{ element: 1 }, { element: 4 }] },
  { role: 'Art', parent: 0, kids: [{ element: 2 }, { element: 3 }] },
  { role: 'H1', parent: 1, kids: [{ page: 0, mcid: 0 }] },
  { role: 'P', parent: 1, kids: [{ page: 0, mcid: 1 }, { page: 1, mcid: 0 }] },
  { role: 'Aside', parent: 0, kids: [{ element: 5 }] },
  { role: 'P', parent: 4, kids: [{ page: 0, mcid: 2 }] },
];
const pages = [
  page(1, [
    run('Related: the ferry timetable', 400, 700, 2),
    run('Pilots return to the night roster', 72, 720, 0),
    run('The authority will put its pilots', 72, 690, 1),
    run('back on the night roster from May,', 72, 677, 1),
    run('3', 300, 30),
  ]),
  page(2, [run('ending a pause of two years.', 72, 720, 0), run('4', 300, 30)]),
];

describe('a tagged PDF as HTML', () => {
  const reading = taggedHtml(pages, elements, { title: 'Pilots return', lang: 'en' });

  it('writes each structure type as the HTML element it stands for', () => {
    assert.match(reading.html, /<article><h1>Pilots return to the night roster<\/h1><p>/);
    assert.match(reading.html, /<aside><p>\s?Related: the ferry timetable<\/p><\/aside>/);
    assert.match(reading.html, /<title>Pilots return<\/title>/);
    assert.match(reading.html, /<html lang="en">/);
  });

  it('reads the text in the order of the tree, whatever order the page draws it in', () => {
    const text = reading.html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    assert.ok(text.indexOf('Pilots return to the night roster') < text.indexOf('Related: the ferry'));
  });

  it('joins the lines of an element with a space, across a page break too', () => {
    assert.match(reading.html, /<p>\s?The authority will put its pilots back on the night roster from May, ending a pause of two years\.<\/p>/);
  });

  it('joins the lines of Japanese text without a space', () => {
    const jp = taggedHtml(
      [page(1, [run('パスワード管理ソフトの存在は不可', 72, 700, 0), run('欠。自分はずっと愛用しています。', 72, 687, 0)])],
      [{ role: 'P', parent: -1, kids: [{ page: 0, mcid: 0 }] }],
      { title: null, lang: 'ja' },
    );
    assert.match(jp.html, /<p>パスワード管理ソフトの存在は不可欠。自分はずっと愛用しています。<\/p>/);
  });

  it('lists text outside the tree as artifacts, by page', () => {
    assert.deepEqual(reading.artifacts, [
      { text: '3', reason: 'artifact', page: 1 },
      { text: '4', reason: 'artifact', page: 2 },
    ]);
  });

  it('measures how much of the text the tree holds', () => {
    const inTree = 'Related:theferrytimetablePilotsreturntothenightrosterTheauthoritywillputitspilotsbackonthenightrosterfromMay,endingapauseoftwoyears.'.length;
    assert.equal(reading.coverage, inTree / (inTree + 2));
  });

  it('cites the page an item starts on and where the next page starts inside it', () => {
    const text = 'The authority will put its pilots back on the night roster from May, ending a pause of two years.';
    const [heading, paragraph] = reading.place([
      { kind: 'heading', text: 'Pilots return to the night roster' },
      { kind: 'paragraph', text },
    ]);
    assert.equal(heading!.page, 1);
    assert.deepEqual(heading!.breaks, []);
    assert.equal(paragraph!.page, 1);
    assert.deepEqual(paragraph!.breaks, [{ offset: text.indexOf('ending'), page: 2 }]);
  });

  it('gives no page to text it cannot find, rather than guess one', () => {
    const [item] = reading.place([{ kind: 'paragraph', text: 'A sentence the PDF does not hold.' }]);
    assert.equal(item!.page, undefined);
  });

  it('leaves out text printed at the same place on most pages, and lists it as running text', () => {
    const banner = (mcid: number) => run('We store small files on your device', 72, 100, mcid);
    const withBanner = [page(1, [...pages[0]!.runs, banner(3)]), page(2, [...pages[1]!.runs, banner(1)])];
    const tree: PdfStructElement[] = [
      ...elements.map((e, i) => (i === 0 ? { ...e, kids: [...e.kids, { element: 6 }] } : e)),
      { role: 'NonStruct', parent: 0, kids: [{ page: 0, mcid: 3 }, { page: 1, mcid: 1 }] },
    ];
    const r = taggedHtml(withBanner, tree, { title: null, lang: null });
    assert.doesNotMatch(r.html, /small files/);
    assert.deepEqual(
      r.artifacts.filter((a) => a.reason !== 'artifact'),
      [
        { text: 'We store small files on your device', reason: 'running footer', page: 1 },
        { text: 'We store small files on your device', reason: 'running footer', page: 2 },
      ],
    );
  });
});
