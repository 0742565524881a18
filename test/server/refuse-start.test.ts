import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { tempDir } from '../helpers.js';

/** `npm start`'s service process, with this environment on top of a clean one (embedded mode). */
function startService(env: Record<string, string>) {
  const base: NodeJS.ProcessEnv = { ...process.env, PORT: '0', LOG_LEVEL: 'warn' };
  delete base.MEILI_URL;
  delete base.MEILI_MASTER_KEY;
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'server', 'main.ts')], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
}

describe('starting off loopback', { timeout: 120_000 }, () => {
  it('refuses without access configured, naming the two ways, before starting anything', () => {
    const dataDir = tempDir();
    const r = startService({ HOST: '0.0.0.0', DATA_DIR: dataDir });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /Refusing to listen on 0\.0\.0\.0 without access control/);
    assert.match(r.stderr, /npm run users -- add/);
    assert.match(r.stderr, /AUTH_PROXY_HEADER/);
    assert.deepEqual(fs.readdirSync(dataDir), [], 'no Meilisearch was started and nothing was written');
  });

  it('refuses a single-sign-on header without the proxy addresses', () => {
    const r = startService({ HOST: '0.0.0.0', DATA_DIR: tempDir(), AUTH_PROXY_HEADER: 'X-Forwarded-User' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /AUTH_PROXY_ADDRESSES/);
  });
});
