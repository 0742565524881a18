import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Batcher } from '../../src/meili/batch.js';

/** A batcher that doubles numbers, failing on negatives, and records the batches it was given. */
function doubler(maxSize: number) {
  const batches: number[][] = [];
  const batcher = new Batcher<number, number>(async (items) => {
    batches.push(items);
    return items.map((n) => (n < 0 ? { status: 'rejected', reason: new Error(`negative ${n}`) } : { status: 'fulfilled', value: n * 2 }));
  }, maxSize);
  return { batcher, batches };
}

describe('Batcher', () => {
  it('sends the calls of one tick together and answers each its own', async () => {
    const { batcher, batches } = doubler(10);
    assert.deepEqual(await Promise.all([1, 2, 3].map((n) => batcher.add(n))), [2, 4, 6]);
    assert.deepEqual(batches, [[1, 2, 3]]);
  });

  it('sends a full batch at once and starts another', async () => {
    const { batcher, batches } = doubler(2);
    assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n))), [2, 4, 6, 8, 10]);
    assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
  });

  it('does not hold a lone call for company', async () => {
    const { batcher, batches } = doubler(10);
    assert.equal(await batcher.add(7), 14);
    assert.equal(await batcher.add(8), 16);
    assert.deepEqual(batches, [[7], [8]]);
  });

  it('fails only the call whose answer failed', async () => {
    const { batcher } = doubler(10);
    const results = await Promise.allSettled([1, -2, 3].map((n) => batcher.add(n)));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [2, 'negative -2', 6],
    );
  });

  it('fails every call of a batch that could not be sent, thrown or rejected', async () => {
    for (const run of [
      () => Promise.reject(new Error('down')),
      () => {
        throw new Error('down');
      },
    ]) {
      const batcher = new Batcher<number, number>(run, 10);
      const results = await Promise.allSettled([1, 2].map((n) => batcher.add(n)));
      assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    }
  });

  it('fails calls left without an answer rather than leaving them pending', async () => {
    const batcher = new Batcher<number, number>(async () => [{ status: 'fulfilled', value: 1 }], 10);
    const results = await Promise.allSettled([1, 2].map((n) => batcher.add(n)));
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
  });
});
