import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Meilisearch } from 'meilisearch';
import { IndexWriteError } from '../../src/errors.js';
import { DocumentBatcher, WriteQueue } from '../../src/meili/writer.js';
import { testMeili, uniqueIndex } from '../helpers.js';

const { client } = testMeili();
const created: string[] = [];
after(async () => {
  for (const uid of created) await client.deleteIndex(uid).catch(() => undefined);
});

const doc = (i: number) => ({ id: `d${i}`, text: `passage ${i} ${'x'.repeat(400)}` });

describe('batched writes', () => {
  it('bounds each request by bytes as well as by count, and every document arrives', async () => {
    const uid = uniqueIndex('writer_bytes');
    created.push(uid);
    const queue = new WriteQueue(client, { maxDocuments: 50, maxBytes: 2_000, inFlight: 2 });
    const batcher = new DocumentBatcher(queue, client, uid);
    await batcher.add(Array.from({ length: 30 }, (_, i) => doc(i)));
    await batcher.flush();
    await queue.wait({ intervalMs: 20 });
    // About 440 bytes a document: four fit under 2,000 bytes, so 30 documents take 8 requests.
    assert.equal(batcher.sent, 30);
    const { results } = await client.tasks.getTasks({ indexUids: [uid], types: ['documentAdditionOrUpdate'] });
    assert.equal(results.length, 8);
    assert.ok(results.every((t) => (t.details as { receivedDocuments: number }).receivedDocuments <= 4));
    assert.equal((await client.index(uid).getStats()).numberOfDocuments, 30);
  });

  it('names the index, the batch and Meilisearch’s code of a write that fails in its task', async () => {
    const uid = uniqueIndex('writer_task');
    created.push(uid);
    const queue = new WriteQueue(client, { maxDocuments: 10 });
    const batcher = new DocumentBatcher(queue, client, uid);
    await batcher.add(Array.from({ length: 10 }, (_, i) => doc(i)));
    await batcher.add([{ id: 'not a valid id', text: 'x' }]);
    await batcher.flush();
    await assert.rejects(queue.wait({ intervalMs: 20 }), (err: unknown) => {
      assert.ok(err instanceof IndexWriteError);
      assert.equal(err.index, uid);
      assert.equal(err.batch, 2);
      assert.equal(err.meiliCode, 'invalid_document_id');
      assert.equal(err.code, 'task_failed');
      assert.match(err.message, new RegExp(`index ${uid}, batch 2: invalid_document_id`));
      return true;
    });
  });

  it('reports a request Meilisearch refuses at once, without waiting for a task', async () => {
    const queue = new WriteQueue(client);
    const batcher = new DocumentBatcher(queue, client, 'not a valid uid');
    await batcher.add([doc(1)]);
    await batcher.flush();
    await assert.rejects(queue.drain(), (err: unknown) => err instanceof IndexWriteError && err.meiliCode === 'invalid_index_uid' && err.batch === 1);
  });

  it('retries a request that got no answer, then reports it as a failed request', async () => {
    const dead = new Meilisearch({ host: 'http://127.0.0.1:9', apiKey: 'x', timeout: 1_000 });
    const queue = new WriteQueue(dead, { retries: 2, retryPauseMs: 10 });
    let attempts = 0;
    await queue.send('somewhere', 1, 'a test write', () => {
      attempts++;
      return dead.index('somewhere').addDocuments([doc(1)]);
    });
    await assert.rejects(queue.drain(), (err: unknown) => err instanceof IndexWriteError && err.meiliCode === 'request_failed' && err.index === 'somewhere');
    assert.equal(attempts, 3);
  });

  it('holds the producer back while the requests in flight fill their slots', async () => {
    const queue = new WriteQueue(client, { inFlight: 1 });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    await queue.send('x', 1, 'first', async () => {
      order.push('first sent');
      await gate;
      return { taskUid: 0 } as never;
    });
    const second = queue.send('x', 2, 'second', async () => {
      order.push('second sent');
      return { taskUid: 0 } as never;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(order, ['first sent']);
    release();
    await second;
    await queue.drain();
    assert.deepEqual(order, ['first sent', 'second sent']);
  });
});
