import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readStructure } from '../../../src/ingest/formats/pdf-structure.js';

const FIXTURES = path.resolve('test/fixtures/formats');
const fixture = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));

describe('a PDF structure tree', () => {
  it('reads the elements of a tagged PDF in document order, each after its parent', async () => {
    const s = await readStructure(fixture('printed-article.pdf'));
    assert.ok(s);
    s.elements.forEach((e, i) => assert.ok(e.parent < i));
    const roles = s.elements.map((e) => e.role);
    assert.ok(roles.indexOf('Art') < roles.indexOf('H1') && roles.indexOf('H1') < roles.indexOf('Aside'));
    // Every element is listed among its parent's kids, in the order the tree gives.
    s.elements.forEach((e, i) => {
      if (e.parent >= 0) assert.ok(s.elements[e.parent]!.kids.some((k) => 'element' in k && k.element === i));
    });
  });
  it('ties marked content to pages', async () => {
    const s = await readStructure(fixture('printed-article.pdf'));
    const pages = new Set(s!.elements.flatMap((e) => e.kids.flatMap((k) => ('page' in k ? [k.page] : []))));
    assert.deepEqual([...pages].sort(), [0, 1, 2]);
  });
  it('has nothing to say about an untagged PDF', async () => assert.equal(await readStructure(fixture('harbour-report.pdf')), null));
  it('has nothing to say about a file that is not a PDF, rather than throw', async () => assert.equal(await readStructure(fixture('corrupt.pdf')), null));
});
