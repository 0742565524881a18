/**
 * Runs the whole test suite against one real embedded Meilisearch, started here in a temporary
 * DATA_DIR and stopped at the end. Test files reach it through MEILI_URL and MEILI_MASTER_KEY and
 * each uses its own index names, so they can run side by side.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedMeilisearch } from '../src/meili/embedded.js';

function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? findTests(path.join(dir, e.name)) : e.name.endsWith('.test.ts') ? [path.join(dir, e.name)] : []))
    .sort();
}

const only = process.argv.slice(2);
const files = only.length > 0 ? only : findTests('test');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'citable-test-'));
const meili = await EmbeddedMeilisearch.start({ dataDir });
process.stderr.write(`test Meilisearch ${meili.url} (data in ${dataDir})\n`);

const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
    stdio: 'inherit',
    env: { ...process.env, MEILI_URL: meili.url, MEILI_MASTER_KEY: meili.masterKey, CITABLE_TEST_DATA_DIR: dataDir },
  });
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
});
await meili.stop();
fs.rmSync(dataDir, { recursive: true, force: true });
process.exit(code);
