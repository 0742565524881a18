import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { concatTransformationMatrix, drawObject, PDFDocument, PDFRawStream, popGraphicsState, pushGraphicsState, StandardFonts } from 'pdf-lib';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import type { PassageRecord } from '../../src/ingest/records.js';
import { indexSettings } from '../../src/meili/settings.js';
import { freshIndexes, seedFiles, SEEDS_DIR, tempDir, testMeili } from '../helpers.js';

const FIXTURES = path.join(projectRoot, 'test', 'fixtures', 'formats');
const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));
const GOOD = ['harbour-report.pdf', 'tide-gauges.docx', 'berth-allocation.eml', 'pilots.mbox', 'windows-1252.txt', 'utf-16le.txt'];
const BAD = ['corrupt.pdf', 'encrypted.pdf', 'scanned.pdf'];

function folder(names: readonly string[], extra: Record<string, Uint8Array> = {}): string {
  const dir = tempDir('citable-formats-');
  for (const f of seedFiles()) fs.copyFileSync(path.join(SEEDS_DIR, f), path.join(dir, f));
  for (const f of names) fs.copyFileSync(path.join(FIXTURES, f), path.join(dir, f));
  for (const [name, bytes] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), bytes);
  return dir;
}

/** A 19 MB PDF: pages of images and sixty pages of text, the sentence "zeppelin" on page 52. */
async function largePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  // Two pages of 9.5 MB greyscale images of noise, stored raw: incompressible, as scans nearly are.
  for (let i = 0; i < 2; i++) {
    const side = 3_080;
    const image = doc.context.register(
      PDFRawStream.of(doc.context.obj({ Type: 'XObject', Subtype: 'Image', Width: side, Height: side, ColorSpace: 'DeviceGray', BitsPerComponent: 8 }), randomBytes(side * side)),
    );
    const page = doc.addPage([612, 792]);
    const name = page.node.newXObject('Scan', image);
    page.pushOperators(pushGraphicsState(), concatTransformationMatrix(612, 0, 0, 792, 0, 0), drawObject(name), popGraphicsState());
  }
  for (let p = 1; p <= 60; p++) {
    const page = doc.addPage([612, 792]);
    for (let l = 0; l < 40; l++) {
      const line = p === 50 && l === 10 ? 'The zeppelin moored over the harbour on the morning of the regatta.' : `Line ${l + 1} of page ${p} of the long report records the tonnage of the day.`;
      page.drawText(line, { x: 72, y: 740 - l * 16, size: 10, font });
    }
  }
  return doc.save();
}

describe('indexing PDFs, Word files, e-mail and legacy encodings', () => {
  const { url, masterKey, client } = testMeili();
  const fresh = freshIndexes(client);

  describe('a folder of the seeds with PDF, Word, e-mail and Windows-1252 files (CLI)', () => {
    let uid: string;
    let status: number | null;
    let stderr: string;
    const hit = async (q: string) => {
      const res = await client.index<PassageRecord>(uid).search(q, { limit: 1 });
      assert.ok(res.hits[0], `a hit for "${q}"`);
      return res.hits[0];
    };
    before(() => {
      uid = fresh('formats');
      const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), '--json', folder(GOOD)], {
        env: { ...process.env, MEILI_URL: url, MEILI_MASTER_KEY: masterKey, INDEX: uid },
        encoding: 'utf8',
        cwd: projectRoot,
      });
      status = run.status;
      stderr = run.stderr;
    });
    it('indexes with exit 0', () => assert.equal(status, 0, stderr));
    it('finds the seeds', async () => assert.equal((await hit('EncroChat')).format, 'text'));
    it('finds the PDF and cites the page of the sentence, with its printed label', async () => {
      const h = await hit('quokka emblem');
      assert.deepEqual([h.format, h.docId, h.page, h.pageEnd, h.pageLabel], ['pdf', 'harbour-report', 3, 3, '1']);
    });
    it('cites both pages of a passage that runs over a page break', async () => {
      const h = await hit('pelicans dolphin');
      assert.deepEqual([h.page, h.pageEnd, h.pageLabel, h.pageEndLabel], [4, 5, '2', '3']);
    });
    it('cites the roman-numbered front matter', async () => assert.equal((await hit('archivist records office')).pageLabel, 'ii'));
    it('finds the Word file', async () => assert.equal((await hit('stilling well')).format, 'docx'));
    it('finds the e-mail message', async () => {
      const h = await hit('objections allocation tide tables');
      assert.deepEqual([h.format, h.title, h.author], ['eml', 'Berth allocation for the spring season', 'Maria Jensen <maria.jensen@harbour.example>']);
    });
    it('finds the attachment and says whose it is', async () => {
      const h = await hit('second tug station narrows');
      assert.deepEqual([h.format, h.partOf], ['pdf', 'attachment berth-memo.pdf of message Berth allocation for the spring season']);
    });
    it('finds each message of the mbox', async () => {
      assert.equal((await hit('radar beacon outer mole')).title, 'Re: Fog delays at the fairway buoy');
      assert.equal((await hit('terrace marina warehouse')).title, 'Café on the quay');
    });
    it('finds the Windows-1252 text and records its encoding', async () => {
      const h = await hit('berthing fee gross tonne');
      assert.deepEqual([h.format, h.encoding], ['text', 'windows-1252']);
    });
    it('finds the UTF-16 text', async () => assert.equal((await hit('Ørsted survey')).encoding, 'utf-16le'));
  });

  it('names a corrupt, an encrypted and a scanned PDF, and indexes a 19 MB PDF and the rest beside them', async () => {
    const uid = fresh('badpdf');
    const big = await largePdf();
    assert.ok(big.length > 19_000_000 && big.length < 20 * 2 ** 20, `the large PDF is 19 MB (${big.length} bytes)`);
    const s = await runIndexJob(client, uid, settings, { roots: [folder([...BAD, 'harbour-report.pdf'], { 'large.pdf': big })] });
    const reasons = Object.fromEntries(s.failures.map((f) => [path.basename(f.file), f.error]));
    assert.deepEqual(Object.keys(reasons).sort(), BAD.slice().sort());
    assert.match(reasons['corrupt.pdf']!, /corrupt PDF/);
    assert.match(reasons['encrypted.pdf']!, /encrypted PDF/);
    assert.match(reasons['scanned.pdf']!, /no text layer/);
    assert.equal(s.documents.indexed, seedFiles().length + 2);
    const res = await client.index<PassageRecord>(uid).search('zeppelin regatta', { limit: 1 });
    assert.deepEqual([res.hits[0]?.docId, res.hits[0]?.page], ['large', 52]);
  });

  describe('bounds on every reader, text and web pages as much as PDF', () => {
    // A web page of 200,000 paragraphs: read whole within the default bounds, but it takes seconds
    // and a few hundred megabytes, where a seed takes milliseconds and a few.
    const many = () => {
      const body = Array.from({ length: 200_000 }, (_, i) => `<p>Paragraph ${i} says the police read the messages of the network for months.</p>`).join('');
      return new TextEncoder().encode(`<html><head><title>Many</title></head><body>${body}</body></html>`);
    };

    it('stops a reader past its time bound, names the file and indexes the rest', { timeout: 120_000 }, async () => {
      const uid = fresh('slow');
      // Seeds only beside it: a PDF's first read loads pdf.js, which takes seconds on a busy machine.
      const s = await runIndexJob(client, uid, settings, { roots: [folder([], { 'many.html': many() })], bounds: { timeoutMs: 2_000 } });
      assert.deepEqual(s.failures.map((f) => [path.basename(f.file), f.error]), [['many.html', 'reading the file took longer than 2 s; stopped']]);
      assert.equal(s.documents.indexed, seedFiles().length);
    });

    it('stops a reader past its memory bound, names the file and indexes the rest', { timeout: 120_000 }, async () => {
      const uid = fresh('heap');
      const s = await runIndexJob(client, uid, settings, { roots: [folder(['harbour-report.pdf'], { 'many.html': many() })], bounds: { maxHeapMb: 256 } });
      assert.deepEqual(s.failures.map((f) => [path.basename(f.file), f.error]), [['many.html', 'reading the file needed more than 256 MB of memory; stopped']]);
      assert.equal(s.documents.indexed, seedFiles().length + 1);
    });
  });
});
