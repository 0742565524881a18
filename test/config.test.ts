import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has defaults', () => {
    const c = loadConfig({});
    assert.deepEqual([c.port, c.host, c.index, c.meiliUrl, c.dataDir], [3000, '127.0.0.1', 'passages', null, path.resolve('./data')]);
  });
  it('names every bad value in one message', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', INDEX: 'bad name!', MEILI_URL: 'localhost:7700' }),
      (e: Error) => /PORT/.test(e.message) && /INDEX/.test(e.message) && /MEILI_URL/.test(e.message),
    );
  });
  it('wants a master key with an external Meilisearch', () => {
    assert.throws(() => loadConfig({ MEILI_URL: 'http://localhost:7700' }), /MEILI_MASTER_KEY/);
    assert.equal(loadConfig({ MEILI_URL: 'http://m:7700/', MEILI_MASTER_KEY: 'k'.repeat(16) }).meiliUrl, 'http://m:7700');
  });
  it('reads several Meilisearch nodes, or says what is wrong with the list', () => {
    const c = loadConfig({ MEILI_NODES: 'http://a:7700, http://b:7700 own-key', MEILI_MASTER_KEY: 'shared' });
    assert.deepEqual(c.meiliNodes.map((n) => [n.name, n.url, n.key]), [['a-7700', 'http://a:7700', 'shared'], ['b-7700', 'http://b:7700', 'own-key']]);
    assert.deepEqual(loadConfig({}).meiliNodes, []);
    assert.throws(() => loadConfig({ MEILI_NODES: 'http://a:7700', MEILI_URL: 'http://a:7700', MEILI_MASTER_KEY: 'k' }), /MEILI_NODES and MEILI_URL exclude each other/);
    assert.throws(() => loadConfig({ MEILI_NODES: 'http://a:7700, a:7700' }), (e: Error) => /http:\/\/a:7700 has no key/.test(e.message) && /"a:7700"/.test(e.message));
  });
});
