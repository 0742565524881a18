import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { CleanDocument } from '../../../src/ingest/ingest.js';
import { block } from '../../../src/ingest/blocks.js';
import { readPdf, type PdfContent } from '../../../src/ingest/formats/pdf.js';
import { headlineAt, ingestFile, pdfDocument, type FileDocuments } from '../../../src/ingest/read-file.js';

const FIXTURES = path.resolve('test/fixtures/formats');
const read = (name: string) => ingestFile(name, fs.readFileSync(path.join(FIXTURES, name)));
/** The passage holding a word, to check which page it cites. */
const passageWith = (doc: CleanDocument, word: string) => {
  const p = doc.passages.find((x) => x.text.includes(word));
  assert.ok(p, `a passage holds "${word}"`);
  return p;
};

describe('a PDF report (harbour-report.pdf)', () => {
  let doc: CleanDocument;
  before(async () => {
    const r = await read('harbour-report.pdf');
    assert.equal(r.documents.length, 1);
    doc = r.documents[0]!;
  });
  it('is a PDF', () => assert.equal(doc.format, 'pdf'));
  it('takes its title from the PDF information', () => assert.equal(doc.title, 'Annual Review of the Harbour Authority'));
  it('takes its author from the PDF information', () => assert.equal(doc.author, 'Records Office of the Harbour Authority'));
  it('takes its date from the creation date', () => assert.equal(doc.date, '2024-03-15'));
  it('keeps the page labels the PDF declares', () => assert.deepEqual(doc.pageLabels, ['i', 'ii', '1', '2', '3']));
  it('cites the page of each sentence', () => {
    assert.equal(passageWith(doc, 'lighthouse keepers').page, 1);
    assert.equal(passageWith(doc, 'archivist').page, 2);
    assert.equal(passageWith(doc, 'quokka').page, 3);
    assert.equal(passageWith(doc, 'cormorants').page, 4);
    assert.equal(passageWith(doc, 'walrus').pageEnd, 5);
  });
  it('says when a passage runs over a page break', () => {
    const p = passageWith(doc, 'pelicans');
    assert.deepEqual([p.page, p.pageEnd], [4, 5]);
  });
  it('says where in the passage the next page starts: after the last word printed on the page before', () => {
    const p = passageWith(doc, 'pelicans');
    assert.deepEqual(p.pageBreaks.map((b) => b.page), [5]);
    assert.match(p.text.slice(0, p.pageBreaks[0]!.offset), /programme before $/);
    assert.match(p.text.slice(p.pageBreaks[0]!.offset), /^the quay could be reopened/);
  });
  it('gives no page breaks to a passage on one page', () => assert.deepEqual(passageWith(doc, 'quokka').pageBreaks, []));
  it('reads the two columns one after the other', () => {
    const body = doc.body;
    assert.ok(body.indexOf('well-known rules for visiting ships') < body.indexOf('The quokka emblem'));
    assert.ok(body.indexOf('its controller') < body.indexOf('The second half of the year'));
  });
  it('mends a word hyphenated at a line end', () => assert.match(doc.body, /twenty reefer containers was opened/));
  it('keeps a compound hyphen', () => assert.match(doc.body, /by a well-known fault/));
  it('joins the paragraph cut by a page break', () => assert.match(doc.body, /programme before the quay could be reopened/));
  it('keeps headings', () => assert.deepEqual(doc.items.filter((i) => i.kind === 'heading').map((i) => i.text).slice(-3), ['A note on sources', 'Inspections of the year', 'Dredging and works']));
  it('drops the running header and page numbers, and lists them', () => {
    assert.doesNotMatch(doc.body, /Annual Review 2023/);
    assert.equal(doc.removed.filter((r) => r.reason === 'running header').length, 5);
    assert.deepEqual(doc.removed.filter((r) => r.reason === 'page number').map((r) => r.text), ['i', 'ii', '1', '2', '3']);
  });
});

describe('a web page printed to a tagged PDF (printed-article.pdf)', () => {
  let doc: CleanDocument;
  let content: PdfContent;
  /** The page whose text holds a phrase, as pdf.js reads the page. */
  const pageHolding = (phrase: string) => content.pages.find((p) => p.runs.map((r) => r.text).join(' ').replace(/\s+/g, ' ').includes(phrase))?.number;
  before(async () => {
    const bytes = fs.readFileSync(path.join(FIXTURES, 'printed-article.pdf'));
    content = await readPdf(bytes);
    doc = (await ingestFile('printed-article.pdf', bytes)).documents[0]!;
  });
  it('has a structure tree, and its text is marked', () => {
    assert.ok(content.structure && content.structure.some((e) => e.role === 'Art') && content.structure.some((e) => e.role === 'Aside'));
    assert.ok(content.pages.every((p) => p.runs.some((r) => r.mcid !== undefined)));
  });
  it('reads the article, first paragraph to last', () => {
    assert.match(doc.body, /^The harbour authority will put its pilots back on the night roster/);
    assert.match(doc.body, /add a second tug to the night watch so that a vessel that loses power in the channel can be held until the morning\.$/);
  });
  it('leaves out the menu, the teasers of the aside and the footer', () => {
    for (const furniture of ['Weather', 'Dredging of the inner basin', 'About us']) assert.ok(!doc.body.includes(furniture), furniture);
  });
  it('leaves out the banner printed on every page, and lists it as running text on each page', () => {
    assert.ok(!doc.body.includes('small files'));
    const banner = doc.removed.filter((r) => r.text.includes('small files'));
    assert.deepEqual(banner.map((r) => r.page), content.pages.map((p) => p.number));
    assert.ok(banner.every((r) => r.reason === 'running footer'));
  });
  it('cites the page each sentence is printed on', () => {
    for (const phrase of ['quokka census', 'fourteen-hour shift', 'second tug']) {
      const expected = pageHolding(phrase);
      assert.ok(expected !== undefined, phrase);
      assert.equal(passageWith(doc, phrase).page, expected, phrase);
    }
    assert.ok(new Set(['quokka census', 'fourteen-hour shift', 'second tug'].map(pageHolding)).size > 1, 'the sentences are on different pages');
  });
  it('says where the next page starts inside the paragraph that runs over a page break', () => {
    const p = passageWith(doc, 'Their cooperative');
    assert.equal(p.pageBreaks.length, 1);
    const { offset, page } = p.pageBreaks[0]!;
    assert.equal(page, p.page! + 1);
    // The words after the break are the first the next page prints; those before it, the last of this one.
    const first = content.pages[page - 1]!.runs.find((r) => r.text.trim() !== '' && r.mcid !== undefined)!.text.trim();
    assert.ok(p.text.slice(offset).startsWith(first), `"${p.text.slice(offset, offset + 40)}" starts with "${first}"`);
    assert.ok(pageHolding(p.text.slice(Math.max(0, offset - 30), offset).trim()) === p.page);
  });
  it('takes its author from the byline, its title from the PDF information', () => {
    assert.equal(doc.author, 'Ines Marlow');
    assert.equal(doc.title, 'Harbour pilots return to the night roster | The Coastal Ledger');
  });
  it('reads the same file by its layout when the tree is left aside', () => {
    const byLayout = pdfDocument('printed-article.pdf', { ...content, structure: null });
    assert.match(byLayout.body, /night roster/);
    assert.equal(passageWith(byLayout, 'fourteen-hour shift').page, pageHolding('fourteen-hour shift'));
  });
});

describe('PDFs that cannot be read', () => {
  it('names an encrypted PDF', () => assert.rejects(read('encrypted.pdf'), /encrypted PDF: a password is needed/));
  it('names a corrupt PDF', () => assert.rejects(read('corrupt.pdf'), /corrupt PDF/));
  it('names a scanned PDF as having no text layer', () => assert.rejects(read('scanned.pdf'), /no text layer/));
});

describe('a Word file (tide-gauges.docx)', () => {
  let doc: CleanDocument;
  before(async () => {
    doc = (await read('tide-gauges.docx')).documents[0]!;
  });
  it('is a Word file', () => assert.equal(doc.format, 'docx'));
  it('takes its title from the core properties', () => assert.equal(doc.title, 'Tide gauge maintenance plan'));
  it('takes its author from the core properties', () => assert.equal(doc.author, 'Harbour Engineering'));
  it('has no date where the file states none', () => assert.equal(doc.date, null));
  it('keeps its headings as headings', () => assert.deepEqual(doc.items.filter((i) => i.kind === 'heading').map((i) => i.text), ['Inspection schedule', 'Spare parts']));
  it('holds its paragraphs', () => assert.match(doc.body, /stilling well/));
});

describe('an e-mail with an HTML body and a PDF attachment (berth-allocation.eml)', () => {
  let r: FileDocuments;
  let message: CleanDocument;
  let attachment: CleanDocument;
  before(async () => {
    r = await read('berth-allocation.eml');
    [message, attachment] = r.documents as [CleanDocument, CleanDocument];
  });
  it('makes a document for the message and one for the attachment', () => assert.deepEqual(r.documents.map((d) => d.format), ['eml', 'pdf']));
  it('takes the subject as title', () => assert.equal(message.title, 'Berth allocation for the spring season'));
  it('takes the sender as author', () => assert.equal(message.author, 'Maria Jensen <maria.jensen@harbour.example>'));
  it('takes the date the Date header writes', () => assert.equal(message.date, '2024-03-12'));
  it('has an id from its Message-ID', () => assert.match(message.docId, /^msg-[0-9a-f]{16}$/));
  it('keeps the quoted reply out of its own words', () => {
    assert.doesNotMatch(message.body, /berth plan before the pilots' meeting/);
    assert.ok(message.removed.some((x) => x.reason === 'quoted reply' && x.text.includes('berth plan')));
  });
  it('keeps the signature out of its own words', () => {
    assert.doesNotMatch(message.body, /Operations Office/);
    assert.ok(message.removed.some((x) => x.reason === 'signature' && x.text.includes('Maria Jensen')));
  });
  it('cites the attachment as part of the message', () => assert.equal(attachment.partOf, 'attachment berth-memo.pdf of message Berth allocation for the spring season'));
  it('reads the attachment', () => assert.match(attachment.body, /second tug on station/));
  it('gives the attachment an id under the message', () => assert.equal(attachment.docId, `${message.docId}-att1`));
});

describe('an mbox of three messages (pilots.mbox)', () => {
  let docs: CleanDocument[];
  before(async () => {
    docs = (await read('pilots.mbox')).documents;
  });
  it('makes one document per message', () => assert.deepEqual(docs.map((d) => d.title), ['Fog delays at the fairway buoy', 'Re: Fog delays at the fairway buoy', 'Café on the quay']));
  it('unescapes a ">From " line', () => assert.match(docs[0]!.body, /From the bridge of the cutter/));
  it('keeps a signature after "-- " apart', () => assert.doesNotMatch(docs[0]!.body, /North Mole/));
  it('keeps the quoted message out of the reply', () => assert.doesNotMatch(docs[1]!.body, /Thick fog/));
  it('decodes a Latin-1 message and its encoded headers', () => {
    assert.equal(docs[2]!.author, 'René Müller <archive@harbour.example>');
    assert.match(docs[2]!.body, /The café on the quay/);
  });
});

describe('text in legacy encodings', () => {
  for (const [name, encoding, words] of [
    ['windows-1252.txt', 'windows-1252', 'raises the berthing fee to €4.20 per gross tonne'],
    ['utf-16le.txt', 'utf-16le', 'as the Ørsted survey of the basin recommended'],
    ['utf-16be-bom.txt', 'utf-16be', 'wait for a berth at the southern anchorage'],
  ] as const) {
    it(`reads ${name} as ${encoding} and records it`, async () => {
      const doc = (await read(name)).documents[0]!;
      assert.equal(doc.encoding, encoding);
      assert.ok(doc.body.includes(words));
    });
  }
});

describe('detection by content', () => {
  it('reads a PDF whatever its extension', async () => assert.equal((await ingestFile('report.txt', fs.readFileSync(path.join(FIXTURES, 'harbour-report.pdf')))).kind, 'pdf'));
  it('reads an e-mail without its extension', async () => assert.equal((await ingestFile('message', fs.readFileSync(path.join(FIXTURES, 'berth-allocation.eml')))).kind, 'email'));
  it('names the type of a binary file it cannot read', () =>
    assert.rejects(ingestFile('photo.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0])), /unsupported file type: image\/png/));
  it('names a ZIP archive that is not a Word file', async () => {
    const JSZip = (await import('jszip')).default;
    const zip = new JSZip();
    zip.file('notes.txt', 'not a document');
    await assert.rejects(ingestFile('archive.docx', await zip.generateAsync({ type: 'uint8array' })), /unsupported file type: application\/zip/);
  });
});

describe('the headline of a printed web page', () => {
  const blocks = ['Home News Sport', 'Harbour Times', 'Pilots strike over night shifts', 'The pilots of the port stopped work on Monday.', 'Harbour Times'].map((t, i) =>
    block(t, { linkDensity: i === 0 ? 1 : 0 }),
  );
  it('is the block that opens the title, the site name left out', () => assert.equal(headlineAt(blocks, 'Pilots strike over night shifts | Harbour Times'), 2));
  it('is never the site name, which the page prints at its head and foot', () => assert.equal(headlineAt(blocks, 'Harbour Times: Pilots strike over night shifts'), -1));
  it('is not a link', () => assert.equal(headlineAt(blocks, 'Home News Sport'), -1));
});
