import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { embeddedPaths, pidAlive } from '../../src/meili/embedded.js';
import { seedFiles, tempDir } from '../helpers.js';

/** The service as `npm start` runs it, with its own DATA_DIR and no MEILI_URL: embedded mode. */
function serviceEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  delete env.MEILI_URL;
  delete env.MEILI_MASTER_KEY;
  return env;
}

function start(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'server', 'main.ts')], {
    env: serviceEnv(dataDir, port),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function status(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 0;
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - started;
}


function meiliPid(dataDir: string): number {
  return (JSON.parse(fs.readFileSync(embeddedPaths(dataDir).stateFile, 'utf8')) as { pid: number }).pid;
}

/**
 * The passages index as the running embedded Meilisearch holds it: when it was created, and how
 * many document additions it has had. Read with the master key, as only a test may.
 */
async function passagesIndexState(dataDir: string): Promise<{ createdAt: string; additions: number }> {
  const paths = embeddedPaths(dataDir);
  const { url } = JSON.parse(fs.readFileSync(paths.stateFile, 'utf8')) as { url: string };
  const headers = { authorization: `Bearer ${fs.readFileSync(paths.keyFile, 'utf8').trim()}` };
  const index = (await (await fetch(`${url}/indexes/passages`, { headers })).json()) as { createdAt: string };
  const tasks = (await (await fetch(`${url}/tasks?indexUids=passages&types=documentAdditionOrUpdate&limit=1000`, { headers })).json()) as {
    results: unknown[];
  };
  return { createdAt: index.createdAt, additions: tasks.results.length };
}

async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the service in embedded mode (npm start)', { timeout: 240_000 }, () => {
  const dataDir = tempDir('citable-service-');
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    try {
      process.kill(meiliPid(dataDir), 'SIGKILL');
    } catch {
      /* already stopped */
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts from nothing, indexes the seeds, stops cleanly and starts again on the same index without re-indexing', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = start(dataDir, port);
    children.push(first);
    await waitFor(async () => (await status(`${base}/readyz`)) === 200, 60_000, 'first /readyz');
    for (const f of seedFiles()) {
      assert.equal(await status(`${base}/api/documents/${f.replace(/\.[^.]+$/, '')}`), 200, `${f} is indexed`);
    }
    assert.equal(await status(`${base}/healthz`), 200);
    const keyFile = embeddedPaths(dataDir).keyFile;
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    const key = fs.readFileSync(keyFile, 'utf8').trim();
    const pid = meiliPid(dataDir);
    assert.ok(fs.statSync(embeddedPaths(dataDir).logFile).size > 0, 'Meilisearch log kept under DATA_DIR');

    const firstIndex = await passagesIndexState(dataDir);
    assert.ok(firstIndex.additions > 0, 'the first start indexed the seeds');
    first.kill('SIGTERM');
    assert.equal(await exited(first), 0);
    assert.equal(pidAlive(pid), false, 'no meilisearch left behind');

    const second = start(dataDir, port);
    children.push(second);
    await waitFor(async () => (await status(`${base}/readyz`)) === 200, 60_000, 'second /readyz');
    assert.equal(fs.readFileSync(keyFile, 'utf8').trim(), key, 'same key');
    // What makes the second start the quicker: the database is reused, and nothing is indexed again.
    assert.deepEqual(await passagesIndexState(dataDir), firstIndex, 'same index, no new additions');

    // The indexing CLI attaches to the running instance instead of opening the database twice.
    const livePid = meiliPid(dataDir);
    const cli = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), '--json', path.join(projectRoot, 'seeds')], {
      env: serviceEnv(dataDir, port),
      encoding: 'utf8',
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(JSON.parse(cli.stdout).documents.unchanged, 5);
    assert.equal(meiliPid(dataDir), livePid);
    assert.ok(pidAlive(livePid), 'the CLI left the service’s Meilisearch running');

    // Meilisearch dies under the service, and the service brings it back without a restart of its
    // own. How long /readyz answers 503 in between depends on the machine's load (the restart can
    // win the race with any poll), so the 503 itself is asserted in unavailable.test.ts; here, what
    // must hold: a new Meilisearch, and /readyz back to 200 on the same index.
    process.kill(livePid, 'SIGKILL');
    const restarted = () => {
      try {
        return meiliPid(dataDir) !== livePid;
      } catch {
        return false;
      }
    };
    await waitFor(async () => restarted() && (await status(`${base}/readyz`)) === 200, 60_000, 'a new Meilisearch and /readyz back to 200');

    const restartedPid = meiliPid(dataDir);
    assert.notEqual(restartedPid, livePid);
    assert.deepEqual(await passagesIndexState(dataDir), firstIndex, 'the restarted Meilisearch serves the same index');
    second.kill('SIGINT');
    assert.equal(await exited(second), 0);
    assert.equal(pidAlive(restartedPid), false, 'no meilisearch left behind after Ctrl-C');
  });

  it('replaces a Meilisearch orphaned by a killed service instead of failing on its lock', async () => {
    const dataDir = tempDir('citable-orphan-');
    after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const a = start(dataDir, port);
    children.push(a);
    await waitFor(async () => (await status(`${base}/readyz`)) === 200, 60_000, '/readyz');
    const orphan = meiliPid(dataDir);
    a.kill('SIGKILL');
    await exited(a);
    const b = start(dataDir, port);
    children.push(b);
    await waitFor(async () => (await status(`${base}/readyz`)) === 200, 60_000, '/readyz after orphan');
    assert.equal(pidAlive(orphan), false, 'the orphan was stopped');
    b.kill('SIGTERM');
    assert.equal(await exited(b), 0);
  });
});
