import assert from 'node:assert/strict';
import { text } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import { InvalidParameterError } from '../../src/errors.js';
import { encodeExport, EXPORT_COLUMNS, EXPORT_MAX_HITS, exportFileName, exportRow, pagedHits, parseExportParams, type ExportRow } from '../../src/search/export.js';
import type { RawHit } from '../../src/search/shape.js';

const raw = (i: number, over: Partial<RawHit> = {}): RawHit => ({
  id: `doc${i}-${i % 3}`,
  docId: `doc${i}`,
  file: `doc${i}.txt`,
  title: `Title ${i}`,
  heading: null,
  text: `Passage ${i}, with "quotes", commas\nand a line break.`,
  position: i % 3,
  start: 0,
  end: 10,
  author: 'Toby Sterling',
  date: '2016-04-23',
  publisher: 'Reuters',
  url: 'https://example.org/a',
  fragment: 'Passage',
  ...over,
});

async function* rowsOf(n: number): AsyncGenerator<ExportRow> {
  for (let i = 0; i < n; i++) yield exportRow(raw(i), i + 1, 'http://127.0.0.1:3000');
}

describe('export rows', () => {
  it('carry rank, citation fields, absolute links and the text', () => {
    const row = exportRow(raw(7), 3, 'http://127.0.0.1:3000');
    assert.equal(row.rank, 3);
    assert.equal(row.passage_id, 'doc7-1');
    assert.equal(row.paragraph, 2);
    assert.equal(row.link, 'http://127.0.0.1:3000/documents/doc7#p-1');
    assert.equal(row.quote_link, 'https://example.org/a#:~:text=Passage');
    assert.equal(row.page, null);
  });

  it('give the page of a paged original, its printed label first', () => {
    assert.equal(exportRow({ ...raw(1), page: 4, pageEnd: 5, pageLabel: null, pageEndLabel: null }, 1, 'http://h').page, '4');
    assert.equal(exportRow({ ...raw(1), page: 4, pageEnd: 4, pageLabel: 'iv', pageEndLabel: 'iv' }, 1, 'http://h').page, 'iv');
  });

  it('never link to an address that is not http(s)', () => {
    const row = exportRow(raw(1, { url: 'javascript:alert(1)' }), 1, 'http://h');
    assert.equal(row.url, null);
    assert.equal(row.quote_link, null);
  });
});

describe('encodeExport', () => {
  it('writes CSV with a header, quoting that a CSV parser reads back, and formulas defused', async () => {
    async function* rows() {
      yield* rowsOf(2);
      yield exportRow(raw(9, { title: '=HYPERLINK("http://evil")', text: '@SUM(A1)' }), 3, 'http://h');
    }
    const csv = await text(encodeExport(rows(), 'csv'));
    const records = parseCsv(csv, { columns: true, bom: true }) as Array<Record<string, string>>;
    assert.deepEqual(Object.keys(records[0]!), [...EXPORT_COLUMNS]);
    assert.equal(records.length, 3);
    assert.equal(records[0]!.text, 'Passage 0, with "quotes", commas\nand a line break.');
    assert.equal(records[2]!.title, `'=HYPERLINK("http://evil")`);
    assert.equal(records[2]!.text, `'@SUM(A1)`);
  });

  it('writes a JSON array and NDJSON that parse back to the same rows', async () => {
    const json = JSON.parse(await text(encodeExport(rowsOf(3), 'json'))) as ExportRow[];
    assert.equal(json.length, 3);
    assert.deepEqual(json[1], exportRow(raw(1), 2, 'http://127.0.0.1:3000'));
    const ndjson = (await text(encodeExport(rowsOf(3), 'ndjson'))).trim().split('\n').map((l) => JSON.parse(l) as ExportRow);
    assert.deepEqual(ndjson, json);
    assert.deepEqual(JSON.parse(await text(encodeExport(rowsOf(0), 'json'))), []);
  });

  for (const format of ['csv', 'json', 'ndjson'] as const) {
    it(`reads rows only as fast as the ${format} is consumed`, async () => {
      let pulled = 0;
      async function* counted() {
        for await (const r of rowsOf(100_000)) {
          pulled++;
          yield r;
        }
      }
      const stream = encodeExport(counted(), format);
      const first = await new Promise<unknown>((resolve) => stream.once('data', resolve));
      assert.ok(first);
      stream.pause();
      await new Promise((r) => setTimeout(r, 50));
      assert.ok(pulled < 2_000, `${pulled} rows read before the reader asked for them`);
      stream.destroy();
    });
  }
});

describe('pagedHits', () => {
  it('reads pages until the limit, then stops', async () => {
    const asked: Array<[number, number]> = [];
    const got: number[] = [];
    for await (const h of pagedHits(async (offset, limit) => {
      asked.push([offset, limit]);
      return Array.from({ length: limit }, (_, i) => offset + i);
    }, 25, 10)) got.push(h);
    assert.deepEqual(asked, [[0, 10], [10, 10], [20, 5]]);
    assert.deepEqual(got, Array.from({ length: 25 }, (_, i) => i));
  });

  it('stops at the first short page', async () => {
    let calls = 0;
    const got: number[] = [];
    for await (const h of pagedHits(async (offset) => {
      calls++;
      return offset === 0 ? [1, 2, 3] : [];
    }, 100, 10)) got.push(h);
    assert.equal(calls, 1);
    assert.deepEqual(got, [1, 2, 3]);
  });
});

describe('parseExportParams', () => {
  it('takes the search filters, a format and a maximum', () => {
    const p = parseExportParams({ q: 'Sky ECC', publisher: 'Reuters', format: 'ndjson', max: '20' });
    assert.equal(p.search.q, 'Sky ECC');
    assert.deepEqual(p.search.publishers, ['Reuters']);
    assert.equal(p.format, 'ndjson');
    assert.equal(p.max, 20);
    assert.equal(parseExportParams({ q: 'x' }).max, EXPORT_MAX_HITS);
    assert.equal(parseExportParams({ q: 'x' }).format, 'csv');
  });

  for (const [query, param] of [
    [{ format: 'xlsx' }, 'format'],
    [{ max: '10001' }, 'max'],
    [{ max: '0' }, 'max'],
    [{ max: 'lots' }, 'max'],
    [{ limit: '10' }, 'limit'],
    [{ offset: '10' }, 'offset'],
    [{ year: 'last' }, 'year'],
    [{ colour: 'red' }, 'colour'],
  ] as const) {
    it(`rejects ${JSON.stringify(query)}, naming ${param}`, () => {
      assert.throws(() => parseExportParams({ q: 'x', ...query }), (e: unknown) => e instanceof InvalidParameterError && e.param === param);
    });
  }
});

describe('exportFileName', () => {
  it('names the query and the day, in characters any file system takes', () => {
    const day = new Date('2026-12-02T10:00:00Z');
    assert.equal(exportFileName('Sky ECC', 'csv', day), 'citable-sky-ecc-2026-12-02.csv');
    assert.equal(exportFileName('"Gendarmerie" -France ../../etc', 'json', day), 'citable-gendarmerie-france-etc-2026-12-02.json');
    assert.equal(exportFileName('Café Zürich', 'ndjson', day), 'citable-cafe-zurich-2026-12-02.ndjson');
    assert.equal(exportFileName('', 'csv', day), 'citable-all-2026-12-02.csv');
  });
});
