import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidParameterError } from '../../src/errors.js';
import { parseSearchParams, QUERY_MAX_CHARS } from '../../src/search/params.js';
import { buildFilter, buildSearchRequest } from '../../src/search/query.js';

const bad = (query: Record<string, unknown>, param: string) =>
  assert.throws(() => parseSearchParams(query), (e: unknown) => e instanceof InvalidParameterError && e.param === param);

describe('search parameters', () => {
  it('default limit and offset', () => {
    const p = parseSearchParams({ q: 'sky ecc' });
    assert.deepEqual([p.q, p.limit, p.offset, p.group], ['sky ecc', 10, 0, null]);
  });
  it('accept repeated sources', () => assert.deepEqual(parseSearchParams({ source: ['a', 'b'] }).sources, ['a', 'b']));
  it('reject out-of-range and malformed numbers', () => {
    bad({ limit: '0' }, 'limit');
    bad({ limit: '51' }, 'limit');
    bad({ limit: '1e3' }, 'limit');
    bad({ offset: '1001' }, 'offset');
    bad({ offset: '-1' }, 'offset');
  });
  it('reject bad dates and reversed ranges', () => {
    bad({ from: '2020-13-01' }, 'from');
    bad({ to: 'yesterday' }, 'to');
    bad({ from: '2021-01-01', to: '2020-01-01' }, 'from');
  });
  it('reject unknown parameters and repeated scalars', () => {
    bad({ qq: 'x' }, 'qq');
    bad({ q: ['a', 'b'] }, 'q');
    bad({ group: 'publisher' }, 'group');
  });
  it('reject an over-long query', () => bad({ q: 'x'.repeat(QUERY_MAX_CHARS + 1) }, 'q'));
  it('accept a query of the longest length', () => assert.equal(parseSearchParams({ q: 'w'.repeat(QUERY_MAX_CHARS) }).q.length, QUERY_MAX_CHARS));
});

describe('filters', () => {
  it('quote user values so they cannot change the expression', () => {
    const f = buildFilter({ sources: ['a" OR docId != "x'], publishers: ['P\\'], years: [], from: null, to: null });
    assert.equal(f, '(file = "a\\" OR docId != \\"x" OR docId = "a\\" OR docId != \\"x") AND publisher = "P\\\\"');
  });
  it('filter by source format, one or several, and refuse any other value', () => {
    assert.equal(buildFilter(parseSearchParams({ format: 'pdf' })), 'format = "pdf"');
    assert.equal(buildFilter(parseSearchParams({ format: ['docx', 'eml'] })), 'format IN ["docx", "eml"]');
    bad({ format: 'exe' }, 'format');
    bad({ format: 'pdf" OR format != "x' }, 'format');
  });
  it('turn a date range into whole days', () => {
    const f = buildFilter({ sources: [], publishers: [], years: [], from: '2020-01-01', to: '2020-01-01' });
    assert.equal(f, 'timestamp >= 1577836800 AND timestamp <= 1577923199');
  });
  it('group by document through distinct', () => {
    assert.equal(buildSearchRequest(parseSearchParams({ q: 'x', group: 'document' }), { highlight: false }).distinct, 'docId');
    assert.equal(buildSearchRequest(parseSearchParams({ q: 'x' }), { highlight: false }).distinct, undefined);
  });
});
