import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DocumentTable } from '../../src/terms/document-table.js';
import { documentsHolding, rarityLookup } from '../../src/terms/read.js';
import { termId } from '../../src/terms/schema.js';
import { decodeDocumentColumns, decodeDocumentPostings, decodePassagePostings, emptyColumns, encodePostings, type DocumentPosting, type PassagePosting } from '../../src/terms/postings.js';

/*
 * Given postings as the terms index stores them, when they are decoded, then they are what was
 * encoded. Given document ids met in postings, when they are looked up where they lie in encoded blocks,
 * then each id has one row whatever the block it came from, and the postings decoded into columns
 * are the postings decodeDocumentPostings gives.
 */

describe('a table of the documents postings name', () => {
  it('gives an id the same row wherever it is read, and distinct ids distinct rows, past several doublings', () => {
    const table = new DocumentTable(16);
    const ids = Array.from({ length: 5_000 }, (_, i) => `doc-${i}-${'x'.repeat(i % 7)}`);
    const rows = ids.map((id) => table.rowOf(id));
    assert.equal(new Set(rows).size, ids.length);
    assert.equal(table.size, ids.length);
    // The same ids, read inside longer strings, find their rows without adding any.
    ids.forEach((id, i) => {
      const text = `prefix ${id},1,2 suffix`;
      assert.equal(table.rowAt(text, 7, 7 + id.length), rows[i]);
    });
    assert.equal(table.size, ids.length);
    rows.forEach((row, i) => assert.equal(table.idOf(row), ids[i]));
  });

  it('tells apart ids that share a prefix, differ in length, or hold characters beyond ASCII', () => {
    const table = new DocumentTable();
    const ids = ['a', 'ab', 'abc', 'ba', 'café', 'cafe', 'caf\u00e9-1', '日本-1', '日本-2', ''];
    const rows = ids.map((id) => table.rowOf(id));
    assert.equal(new Set(rows).size, ids.length);
    ids.forEach((id, i) => assert.equal(table.rowOf(id), rows[i]));
  });

  it('orders rows by their ids as strings are ordered, wherever the ids were read', () => {
    const table = new DocumentTable(16);
    const ids = ['a', 'ab', 'abc', 'b', 'ba', 'B', 'café', 'cafe', 'caf\u00e9-1', '日本-1', '日本-2', '', 'story-10-0', 'story-9-0'];
    // Half read alone, half from inside one encoded block, so that rows point into different strings.
    const block = ids.slice(7).map((id) => `${id},1,2`).join(' ');
    const rows = [...ids.slice(0, 7).map((id) => table.rowOf(id))];
    let at = 0;
    for (const id of ids.slice(7)) {
      rows.push(table.rowAt(block, at, at + id.length));
      at += id.length + ',1,2 '.length;
    }
    const expected = (x: string, y: string) => Math.sign(x < y ? -1 : x > y ? 1 : 0);
    ids.forEach((x, i) => ids.forEach((y, j) => assert.equal(Math.sign(table.compareIds(rows[i]!, rows[j]!)), expected(x, y), `${x} against ${y}`)));
    rows.forEach((row, i) => assert.equal(table.idOf(row), ids[i]));
  });

  it('decodes blocks into columns that hold the same postings as decodeDocumentPostings, one row per document', () => {
    const first: DocumentPosting[] = [['story-1-0', 3, 120], ['story-2-0', 2, 80], ['b', 1, 7]];
    const second: DocumentPosting[] = [['story-2-0', 1, 80], ['story-3-0', 12, 9001]];
    const table = new DocumentTable();
    const columns = emptyColumns();
    // More postings than the columns start with, so that they grow.
    const many: DocumentPosting[] = Array.from({ length: 700 }, (_, i) => [`m${i}`, 1 + (i % 5), 10 + i]);
    for (const block of [first, second, many]) decodeDocumentColumns(encodePostings(block), table, columns);
    const decoded = [first, second, many].flatMap((b) => decodeDocumentPostings(encodePostings(b)));
    assert.equal(columns.size, decoded.length);
    const back = Array.from({ length: columns.size }, (_, i): DocumentPosting => [table.idOf(columns.rows[i]!), columns.tf[i]!, columns.lengths[i]!]);
    assert.deepEqual(back, decoded);
    assert.equal(columns.rows[1], columns.rows[3], 'story-2-0 read twice, one row');
    assert.equal(table.size, 3 + 1 + 700);
    // Hashed as they are scanned, the ids find the rows a lookup by id finds, and add none.
    for (let i = 0; i < columns.size; i++) assert.equal(table.rowOf(decoded[i]![0]), columns.rows[i]);
    assert.equal(table.size, 3 + 1 + 700);
  });

  it('decodes nothing from a record without postings', () => {
    const table = new DocumentTable();
    const columns = emptyColumns();
    for (const encoded of [undefined, '', 42]) decodeDocumentColumns(encoded, table, columns);
    assert.equal(columns.size, 0);
    assert.equal(table.size, 0);
  });
});

describe('passage postings as stored', () => {
  it('decode to the postings encoded, numbers of several digits and ids of any length included', () => {
    const list: PassagePosting[] = [['a', 0, 1, 1], ['story-15859-13', 12, 3, 120], ['x-y_z', 1234, 56, 78901], ['日本', 7, 1, 9]];
    assert.deepEqual(decodePassagePostings(encodePostings(list)), list);
    assert.deepEqual(decodePassagePostings(encodePostings(list.slice(0, 1))), list.slice(0, 1));
    for (const value of [undefined, '', 42]) assert.deepEqual(decodePassagePostings(value), []);
  });
});

describe("a long query's terms' rarity", () => {
  it('asks only for what says how rare each term is, of its first record', () => {
    const lookup = rarityLookup(['harbour', 'cargo']);
    assert.deepEqual(lookup.attributesToRetrieve, ['term', 'df', 'ddf']);
    assert.equal(lookup.limit, 2);
    for (const t of ['harbour', 'cargo']) assert.ok(lookup.filter.includes(termId(t)), t);
  });
  it('adds up the documents holding a term over the nodes that hold it, passages where documents are not recorded', () => {
    const holding = documentsHolding([
      { term: 'harbour', df: 9, ddf: 4 },
      { term: 'cargo', df: 2, ddf: 1 },
      { term: 'harbour', df: 5, ddf: 3 },
      { term: 'smuggling', df: 6 },
    ]);
    assert.deepEqual(Object.fromEntries(holding), { harbour: 7, cargo: 1, smuggling: 6 });
  });
});
