import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fragmentsOf, layoutPdf, readingOrder, unspacedBreak, type PdfPageText, type PdfTextRun } from '../../../src/ingest/formats/pdf-layout.js';

/** A run of text at (x, y) in 10-point type, about half an em wide per character. */
const run = (text: string, x: number, y: number, size = 10): PdfTextRun => ({ text, x, y, width: text.length * size * 0.5, size });
const page = (number: number, runs: PdfTextRun[], label: string | null = null): PdfPageText => ({ number, label, width: 612, height: 792, runs });
/** Lines of a column starting at (x, top), one every 13 points. */
const column = (x: number, top: number, lines: string[], size = 10) => lines.map((l, i) => run(l, x, top - i * 13, size));

describe('PDF reading order', () => {
  it('reads a two-column page column by column, under a full-width heading', () => {
    const runs = [
      run('Inspections of the year', 72, 720, 16),
      ...column(72, 690, ['Left column opens the story', 'and carries it down the page']),
      ...column(318, 690, ['Right column takes it up', 'and ends the story here.']),
    ];
    const order = readingOrder(fragmentsOf(runs)).flat().map((f) => f.text);
    assert.deepEqual(order, ['Inspections of the year', 'Left column opens the story', 'and carries it down the page', 'Right column takes it up', 'and ends the story here.']);
  });

  it('keeps bullets with their text rather than reading them as a column', () => {
    const runs = [run('•', 72, 700), run('first point of the list', 90, 700), run('•', 72, 687), run('second point of the list', 90, 687)];
    const order = readingOrder(fragmentsOf(runs)).flat().map((f) => f.text);
    assert.deepEqual(order, ['•', 'first point of the list', '•', 'second point of the list']);
  });

  it('joins lines of Chinese and Japanese without a space, as they write no space between words', () => {
    const runs = column(72, 700, ['パスワード管理ソフトの存在は不可', '欠。自分はずっと愛用しています。']);
    assert.deepEqual(layoutPdf([page(1, runs)]).paragraphs.map((p) => p.text), ['パスワード管理ソフトの存在は不可欠。自分はずっと愛用しています。']);
    assert.equal(unspacedBreak('Kindle', 'for'), false);
    assert.equal(unspacedBreak('한국어', '문장'), false, 'Korean writes spaces between words');
  });

  it('adds the space a PDF leaves out between two runs of a line', () => {
    const [f] = fragmentsOf([{ text: 'harbour', x: 72, y: 700, width: 35, size: 10 }, { text: 'master', x: 109, y: 700, width: 30, size: 10 }]);
    assert.equal(f!.text, 'harbour master');
  });
});

describe('PDF paragraphs', () => {
  it('joins the lines of a paragraph and starts a new one after extra space', () => {
    const runs = [...column(72, 700, ['The first paragraph runs over', 'two lines.']), ...column(72, 660, ['The second paragraph follows.'])];
    const { paragraphs } = layoutPdf([page(1, runs)]);
    assert.deepEqual(paragraphs.map((p) => p.text), ['The first paragraph runs over two lines.', 'The second paragraph follows.']);
  });

  it('mends a word hyphenated at a line end', () => {
    const { paragraphs } = layoutPdf([page(1, column(72, 700, ['one in every twenty reefer con-', 'tainers was opened']))]);
    assert.equal(paragraphs[0]!.text, 'one in every twenty reefer containers was opened');
  });

  it('keeps the hyphen of a compound the document writes with one elsewhere', () => {
    const runs = column(72, 700, ['the well-known rules of the port and a well-', 'known fault in the controller']);
    assert.equal(layoutPdf([page(1, runs)]).paragraphs[0]!.text, 'the well-known rules of the port and a well-known fault in the controller');
  });

  it('marks larger type as a heading', () => {
    const runs = [run('Dredging and works', 72, 720, 16), ...column(72, 690, ['Dredging began in April.'])];
    const { paragraphs } = layoutPdf([page(1, runs)]);
    assert.deepEqual(paragraphs.map((p) => p.heading), [true, false]);
  });

  it('joins a paragraph cut by a page break and says where the page broke', () => {
    const { paragraphs } = layoutPdf([page(1, column(72, 700, ['The quay could not be reopened', 'before'])), page(2, column(72, 700, ['the pelicans had been moved.']))]);
    assert.equal(paragraphs.length, 1);
    assert.equal(paragraphs[0]!.text, 'The quay could not be reopened before the pelicans had been moved.');
    assert.equal(paragraphs[0]!.page, 1);
    assert.deepEqual(paragraphs[0]!.breaks, [{ offset: 'The quay could not be reopened before '.length, page: 2 }]);
  });

  it('does not join a finished sentence to the next page', () => {
    const { paragraphs } = layoutPdf([page(1, column(72, 700, ['The first page ends here.'])), page(2, column(72, 700, ['the next page starts anew.']))]);
    assert.deepEqual(paragraphs.map((p) => p.page), [1, 2]);
  });
});

describe('PDF page furniture', () => {
  const words = ['first', 'second', 'third'];
  const body = (n: number) => column(72, 700, [`The ${words[n - 1]} page says something of its own`, `and goes on about the ${words[n - 1]} matter.`]);
  const pages = [1, 2, 3].map((n) => page(n, [run('Harbour Authority Annual Review', 72, 750, 8), ...body(n), run(String(n), 300, 40, 8)]));

  it('drops a header repeated at the same place and the page numbers, and lists them', () => {
    const { paragraphs, dropped } = layoutPdf(pages);
    assert.ok(paragraphs.every((p) => !p.text.includes('Harbour Authority')));
    assert.ok(paragraphs.every((p) => !/^\d$/.test(p.text)));
    assert.deepEqual(dropped.map((d) => d.reason).sort(), ['page number', 'page number', 'page number', 'running header', 'running header', 'running header']);
  });

  it('drops a banner printed at the same place in the middle of most pages, and lists it', () => {
    const banner = (n: number) => page(n, [...body(n), run('We store small files on your device to count visitors', 72, 300)]);
    const { paragraphs, dropped } = layoutPdf([banner(1), banner(2), banner(3)]);
    assert.ok(paragraphs.every((p) => !p.text.includes('small files')));
    assert.deepEqual(dropped.map((d) => `${d.page} ${d.reason}`), ['1 running footer', '2 running footer', '3 running footer']);
  });

  it('keeps a line in the middle of a page that only one other page of many repeats', () => {
    const pagesWithLine = [1, 2, 3].map((n) => page(n, [...body(n), ...(n !== 2 ? [run('A line two pages share', 72, 400)] : [])]));
    const more = [4, 5].map((n) => page(n, column(72, 700, [`Page ${n} goes on`])));
    const { paragraphs } = layoutPdf([...pagesWithLine, ...more]);
    assert.equal(paragraphs.filter((p) => p.text === 'A line two pages share').length, 2);
  });

  it('keeps a line that appears once at the top of a page', () => {
    const { paragraphs } = layoutPdf([page(1, [run('A heading of its own', 72, 750, 8), ...body(1)])]);
    assert.equal(paragraphs[0]!.text, 'A heading of its own');
  });
});

describe('PDF paragraph ends and links', () => {
  it('ends a paragraph at a line that stopped although the next word would have fitted', () => {
    // Same pitch, no indent, no full stop: only the room left on the first line says it ended there.
    const runs = column(72, 700, ['Share on a network', 'A line of body text that fills its column width to the edge']);
    const texts = layoutPdf([page(1, runs)]).paragraphs.map((p) => p.text);
    assert.deepEqual(texts, ['Share on a network', 'A line of body text that fills its column width to the edge']);
  });

  it('keeps a line that ends short because the next word is too long for it', () => {
    const runs = column(72, 700, ['The committee met on Tuesday to discuss the', 'extraordinarily long agenda of the year.']);
    const texts = layoutPdf([page(1, runs)]).paragraphs.map((p) => p.text);
    assert.deepEqual(texts, ['The committee met on Tuesday to discuss the extraordinarily long agenda of the year.']);
  });

  it('measures how much of a paragraph lies under link annotations', () => {
    const runs = [{ ...run('Related stories', 72, 700), link: 1 }, run('Plain text of the page', 72, 660)];
    const { paragraphs } = layoutPdf([page(1, runs)]);
    assert.deepEqual(paragraphs.map((p) => p.linkDensity), [1, 0]);
  });
});
