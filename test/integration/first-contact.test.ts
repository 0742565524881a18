import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { after, describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { seedFiles, tempDir } from '../helpers.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('first contact: what `npm start` says when it is ready', { timeout: 120_000 }, () => {
  it('logs, as JSON when stdout is not a terminal, where to open the page and how much is indexed', async () => {
    const dataDir = tempDir('citable-first-');
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' };
    delete env.MEILI_URL;
    delete env.MEILI_MASTER_KEY;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'server', 'main.ts')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    after(() => {
      child.kill('SIGTERM');
    });
    const lines = readline.createInterface({ input: child.stdout! });
    type Ready = { msg: string; url: string; documents: number; passages: number };
    let ready: Ready | null = null;
    for await (const line of lines) {
      const entry = JSON.parse(line) as Partial<Ready>;
      if (entry.msg?.startsWith('Citable is ready')) {
        ready = entry as Ready;
        break;
      }
    }
    assert.ok(ready, 'a ready line was logged');
    assert.equal(ready.url, `http://127.0.0.1:${port}/`);
    assert.equal(ready.documents, seedFiles().length);
    const readyz = (await (await fetch(`${ready.url}readyz`)).json()) as { passages: number };
    assert.equal(ready.passages, readyz.passages);
    assert.ok(ready.msg.includes(ready.url), ready.msg);
    assert.ok(ready.msg.includes(`${ready.documents} documents and ${ready.passages} passages indexed`), ready.msg);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
