import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BATCH_MAX_QUERIES, BATCH_QUERY_MAX_CHARS, batchCsvRows, byHits, normalizeQueries, queriesFromText, runBatch, type BatchResult } from '../../src/search/batch.js';
import { InvalidParameterError } from '../../src/errors.js';

const result = (query: string, passages: number, documents = passages ? 1 : 0): BatchResult => ({
  query,
  passages,
  documents,
  hits: passages ? [{ id: `${query}-0`, docId: query, title: `About ${query}`, publisher: null, date: null, snippet: query, link: `/documents/${query}#p-0` }] : [],
});

const rejects = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof InvalidParameterError && e.param === 'queries' && pattern.test(e.message));

describe('query lists', () => {
  it('reads one query a line, dropping blanks and repeats and cleaning control characters', () => {
    assert.deepEqual(queriesFromText('\uFEFFDanny Manupassa\r\n\r\n  Aart   Garssen \nEnnetcom\ndanny manupassa\nSky\tECC\n', 'text'), [
      'Danny Manupassa',
      'Aart Garssen',
      'Ennetcom',
      'Sky ECC',
    ]);
  });

  it('reads the first column of a CSV, quoted cells and all', () => {
    assert.deepEqual(queriesFromText('"Manupassa, Danny",suspect\n"The ""Blue"" Vessel",ship\nEnnetcom\n', 'csv'), [
      'Manupassa, Danny',
      'The "Blue" Vessel',
      'Ennetcom',
    ]);
  });

  it('refuses a malformed CSV, an empty list, too many queries and a query too long', () => {
    rejects(() => queriesFromText('"unclosed\nx', 'csv'), /CSV/);
    rejects(() => queriesFromText('\n \n', 'text'), /no query/);
    rejects(() => normalizeQueries(Array.from({ length: BATCH_MAX_QUERIES + 1 }, (_, i) => `name ${i}`)), new RegExp(`at most ${BATCH_MAX_QUERIES}`));
    rejects(() => normalizeQueries(['x'.repeat(BATCH_QUERY_MAX_CHARS + 1)]), new RegExp(`longer than ${BATCH_QUERY_MAX_CHARS}`));
    rejects(() => normalizeQueries(['ok', 42]), /queries\[1\] must be a string/);
  });

  it('accepts exactly the stated limit', () => {
    assert.equal(normalizeQueries(Array.from({ length: BATCH_MAX_QUERIES }, (_, i) => `name ${i}`)).length, BATCH_MAX_QUERIES);
  });
});

describe('runBatch', () => {
  it('keeps at most the given number of searches in flight and answers in the list order', async () => {
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];
    const queries = Array.from({ length: 20 }, (_, i) => `q${i}`);
    const results = await runBatch(
      queries,
      async (q) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5 + (Number(q.slice(1)) % 3) * 5));
        inFlight--;
        return result(q, Number(q.slice(1)));
      },
      { concurrency: 3, onResult: (_r, i) => seen.push(i) },
    );
    assert.equal(most, 3);
    assert.deepEqual(results.map((r) => r.query), queries);
    assert.deepEqual([...seen].sort((a, b) => a - b), queries.map((_, i) => i));
  });

  it('stops at its deadline, sending no more queries', async () => {
    let sent = 0;
    await assert.rejects(
      runBatch(Array.from({ length: 50 }, (_, i) => `q${i}`), async (q) => {
        sent++;
        await new Promise((r) => setTimeout(r, 20));
        return result(q, 1);
      }, { concurrency: 2, signal: AbortSignal.timeout(50) }),
      (e: Error) => e.name === 'TimeoutError',
    );
    assert.ok(sent < 20, `${sent} queries were sent`);
  });

  it('stops sending queries once one fails', async () => {
    let sent = 0;
    await assert.rejects(
      runBatch(Array.from({ length: 50 }, (_, i) => `q${i}`), async (q) => {
        sent++;
        if (q === 'q1') throw new Error('Meilisearch is down');
        await new Promise((r) => setTimeout(r, 5));
        return result(q, 1);
      }, { concurrency: 2 }),
      /down/,
    );
    assert.ok(sent < 10, `${sent} queries were sent after the failure`);
  });
});

describe('byHits and the CSV rows', () => {
  it('orders queries by passages and keeps those with none apart, in list order', () => {
    const { found, none } = byHits([result('a', 2), result('b', 0), result('c', 9), result('d', 0), result('e', 2, 2)]);
    assert.deepEqual(found.map((r) => r.query), ['c', 'e', 'a']);
    assert.deepEqual(none.map((r) => r.query), ['b', 'd']);
  });

  it('gives one row per query with counts and the best hits as absolute links', () => {
    const rows = batchCsvRows([result('Ennetcom', 4), result('Nobody', 0)], 'http://127.0.0.1:3000', 2);
    assert.deepEqual(rows[0], {
      query: 'Ennetcom',
      passages: 4,
      documents: 1,
      hit_1_title: 'About Ennetcom',
      hit_1_link: 'http://127.0.0.1:3000/documents/Ennetcom#p-0',
      hit_2_title: '',
      hit_2_link: '',
    });
    assert.equal(rows[1]!.passages, 0);
  });
});
