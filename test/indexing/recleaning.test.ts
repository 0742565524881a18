import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { docHashOf } from '../../src/indexing/read-files.js';
import { ingestDocument } from '../../src/ingest/ingest.js';
import type { PassageRecord } from '../../src/ingest/records.js';
import { CLEANING_VERSION } from '../../src/ingest/version.js';
import { termsIndexOf } from '../../src/meili/indexes.js';
import { BASE_SETTINGS } from '../../src/meili/settings.js';
import { SEEDS_DIR, seedFiles, tempDir, testMeili, uniqueIndex } from '../helpers.js';

/*
 * Changing a cleaning rule in a way that changes its output changes CLEANING_VERSION (the golden
 * digest in test/ingest/cleaning-version.test.ts fails until it does). These tests show the other
 * half: a new version makes the next incremental job clean every file again.
 */
describe('re-cleaning when the cleaning rules change', () => {
  const { client } = testMeili();
  const uid = uniqueIndex('reclean');
  after(async () => {
    await client.deleteIndex(uid).waitTask().catch(() => undefined);
    await client.deleteIndex(termsIndexOf(uid)).waitTask().catch(() => undefined);
  });

  it('a document hash belongs to the cleaning version', () => {
    const bytes = fs.readFileSync(path.join(SEEDS_DIR, seedFiles()[0]!));
    assert.notEqual(docHashOf(bytes, 'older-rules'), docHashOf(bytes, CLEANING_VERSION));
    assert.equal(docHashOf(bytes), docHashOf(bytes, CLEANING_VERSION));
  });

  it('replaces passages cleaned under older rules on the next incremental job, then skips them', async () => {
    const dir = tempDir();
    const [first, second] = seedFiles();
    for (const f of [first!, second!]) fs.copyFileSync(path.join(SEEDS_DIR, f), path.join(dir, f));
    const docId = first!.replace(/\.[^.]+$/, '');
    const index = client.index<PassageRecord>(uid);

    // Given an index built by an older release, whose cleaner kept other text than today's.
    await runIndexJob(client, uid, BASE_SETTINGS, { roots: [dir], cleaningVersion: 'older-rules' });
    const old = await index.getDocuments({ filter: `docId = "${docId}"`, limit: 1000 });
    await index.updateDocuments(old.results.map((r) => ({ id: r.id, text: `As the older rules left it: ${r.text.slice(0, 40)}` }))).waitTask();

    // When the current rules run an incremental job over the same, unchanged files,
    const job = await runIndexJob(client, uid, BASE_SETTINGS, { roots: [dir] });

    // then every file is cleaned again, and the index holds what the current rules produce.
    assert.deepEqual(job.documents, { indexed: 2, unchanged: 0, removed: 0, failed: 0 });
    const now = await index.getDocuments({ filter: `docId = "${docId}"`, limit: 1000, fields: ['position', 'text'] });
    const expected = ingestDocument(first!, fs.readFileSync(path.join(dir, first!))).passages.map((p) => p.text);
    assert.deepEqual([...now.results].sort((a, b) => a.position - b.position).map((r) => r.text), expected);

    // And the job after that has nothing to redo.
    const again = await runIndexJob(client, uid, BASE_SETTINGS, { roots: [dir] });
    assert.deepEqual(again.documents, { indexed: 0, unchanged: 2, removed: 0, failed: 0 });
  });
});
