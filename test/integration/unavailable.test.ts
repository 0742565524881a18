import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, it } from 'node:test';
import { Meilisearch } from 'meilisearch';
import request from 'supertest';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { createLogger } from '../../src/log.js';
import { EmbeddedMeilisearch } from '../../src/meili/embedded.js';
import { ensureSearchKey } from '../../src/meili/keys.js';
import { indexSettings } from '../../src/meili/settings.js';
import { SearchBackend } from '../../src/search/backend.js';
import { createApp } from '../../src/server/app.js';
import { SEEDS_DIR, SEED_SYNONYMS, tempDir } from '../helpers.js';

describe('when Meilisearch goes away', { timeout: 120_000 }, () => {
  const dataDir = tempDir('citable-unavailable-');
  let meili: EmbeddedMeilisearch | null = null;
  after(async () => {
    await meili?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After, then serves again once it is back, without a restart', async () => {
    meili = await EmbeddedMeilisearch.start({ dataDir });
    const port = Number(new URL(meili.url).port);
    const admin = new Meilisearch({ host: meili.url, apiKey: meili.masterKey });
    await runIndexJob(admin, 'passages', indexSettings(SEED_SYNONYMS), { roots: [SEEDS_DIR] });
    const key = await ensureSearchKey(admin, 'passages');
    let url = meili.url;
    const backend = new SearchBackend(() => ({ url, key, index: 'passages' }), { synonyms: {} });
    const app = createApp({ search: backend, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent') });

    assert.equal((await request(app).get('/api/search?q=Ennetcom')).status, 200);

    await meili.stop();
    for (const p of ['/api/search?q=Ennetcom', '/api/search?q=how+did+police+read+encrypted+messages+of+criminal+gangs', '/api/documents/000_89e9f66e6ae9edbb', '/api/suggest?q=dut']) {
      const down = await request(app).get(p);
      assert.equal(down.status, 503, p);
      assert.equal(down.body.error.code, 'search_unavailable');
      assert.equal(down.headers['retry-after'], '5');
    }

    meili = await EmbeddedMeilisearch.start({ dataDir, port });
    url = meili.url;
    const back = await request(app).get('/api/search?q=Ennetcom');
    assert.equal(back.status, 200);
    assert.equal(back.body.hits[0].source.docId, '004_cb672303a775cf7f');
    await backend.close();
  });
});
