/*
 * Jobs that die, jobs that collide, and what the next job finds: against the suite's real
 * Meilisearch, and against embedded ones started for the purpose.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { acquireJobLock, lockPath } from '../../src/indexing/job-lock.js';
import { embeddedPaths, pidAlive } from '../../src/meili/embedded.js';
import { termsIndexOf } from '../../src/meili/indexes.js';
import { indexSettings } from '../../src/meili/settings.js';
import { passageReadiness } from '../../src/server/readiness.js';
import { CORPUS_RECORD_ID, type TermRecord } from '../../src/terms/schema.js';
import { freshIndexes, SEED_SYNONYMS, SEEDS_DIR, tempDir, testMeili } from '../helpers.js';

function runCli(args: string[], env: Record<string, string | undefined>) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    cwd: projectRoot,
  });
}


async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('interrupted and concurrent jobs', () => {
  const { url, masterKey, client } = testMeili();
  const fresh = freshIndexes(client);

  it('removes the temporary indexes a killed rebuild left, and only those', async () => {
    const uid = fresh('stray');
    const left = [`${uid}__rebuild_abc`, termsIndexOf(`${uid}__rebuild_abc`)];
    const unrelated = `${uid}x__rebuild_abc`;
    for (const name of [...left, unrelated]) await client.createIndex(name).waitTask();
    const dataDir = tempDir('citable-stray-');
    const run = runCli(['--json', SEEDS_DIR], { MEILI_URL: url, MEILI_MASTER_KEY: masterKey, INDEX: uid, DATA_DIR: dataDir });
    assert.equal(run.status, 0, run.stderr);
    for (const name of left) assert.match(run.stderr, new RegExp(`removed ${name}, left by an interrupted rebuild`));
    const names = new Set((await client.getIndexes({ limit: 1000 })).results.map((i) => i.uid));
    for (const name of left) assert.ok(!names.has(name), `${name} removed`);
    assert.ok(names.has(unrelated), 'another index’s rebuild is left alone');
    assert.ok(names.has(uid));
  });

  it('after a job that died part-way, deletes the passages it left and recounts the statistics', async () => {
    const uid = fresh('dead');
    const dataDir = tempDir('citable-dead-');
    const env = { MEILI_URL: url, MEILI_MASTER_KEY: masterKey, INDEX: uid, DATA_DIR: dataDir };
    assert.equal(runCli(['--json', SEEDS_DIR], env).status, 0);
    const index = client.index(uid);
    const before = (await index.getStats()).numberOfDocuments;
    // What a job killed between sending a shorter document's new passages and deleting its old
    // ones leaves: a passage of the old version, and the statistics marked pending.
    const [first] = (await index.getDocuments({ filter: 'position = 0', limit: 1 })).results as Array<Record<string, unknown>>;
    await index.addDocuments([{ ...first, id: `${first!.docId}-stale-999`, position: 999, docHash: 'an-older-version' }]).waitTask();
    const terms = client.index<TermRecord>(termsIndexOf(uid));
    const corpus = (await terms.getDocuments({ filter: `id = "${CORPUS_RECORD_ID}"` })).results[0]!;
    await terms.addDocuments([{ ...corpus, pending: true }]).waitTask();

    const rerun = runCli(['--json', SEEDS_DIR], env);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.equal(JSON.parse(rerun.stdout).documents.unchanged, 5);
    assert.equal((await index.getStats()).numberOfDocuments, before, 'the leftover passage is gone');
    const after = (await terms.getDocuments({ filter: `id = "${CORPUS_RECORD_ID}"` })).results[0]!;
    assert.equal(after.pending, undefined, 'the statistics are current again');
    assert.equal(after.df, corpus.df, 'recounted to what they were');
  });

  it('a job that changes nothing leaves the statistics as they were, and current', async () => {
    const uid = fresh('same');
    const terms = client.index<TermRecord>(termsIndexOf(uid));
    const corpus = async () => (await terms.getDocuments({ filter: `id = "${CORPUS_RECORD_ID}"` })).results[0];
    await runIndexJob(client, uid, indexSettings(SEED_SYNONYMS), { roots: [SEEDS_DIR] });
    const before = await corpus();
    const again = await runIndexJob(client, uid, indexSettings(SEED_SYNONYMS), { roots: [SEEDS_DIR] });
    assert.equal(again.documents.unchanged, 5);
    assert.deepEqual(await corpus(), before, 'not left marked pending, which would make the next job recount everything');
  });

  it('a second job on an index another job holds exits with 75 and names it, or waits with --wait', async () => {
    const uid = fresh('busy');
    const dataDir = tempDir('citable-busy-');
    const env = { MEILI_URL: url, MEILI_MASTER_KEY: masterKey, INDEX: uid, DATA_DIR: dataDir };
    const lock = await acquireJobLock(dataDir, uid);
    const refused = runCli(['--json', SEEDS_DIR], env);
    assert.equal(refused.status, 75, refused.stderr);
    assert.match(refused.stderr, new RegExp(`another indexing job holds index "${uid}" \\(process ${process.pid}`));
    assert.equal(JSON.parse(refused.stdout).error.code, 'job_busy');
    const waited = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), '--json', '--wait', '120', SEEDS_DIR], {
      env: { ...process.env, ...env },
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    waited.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await until(() => stderr.includes('waiting for the indexing job'), 60_000, 'the second job to wait');
    lock.release();
    const code = await new Promise<number | null>((r) => waited.once('exit', r));
    assert.equal(code, 0, stderr);
    assert.equal(fs.existsSync(lockPath(dataDir, uid)), false, 'the lock is released');
  });

  it('reports the index’s true passage count in /readyz, past a search’s hit limit', async () => {
    const uid = fresh('ready');
    await client.createIndex(uid, { primaryKey: 'id' }).waitTask();
    await client.index(uid).updateSettings({ pagination: { maxTotalHits: 5 } }).waitTask();
    await client.index(uid).addDocuments(Array.from({ length: 30 }, (_, i) => ({ id: `p${i}`, text: `passage ${i}` }))).waitTask();
    const ready = await passageReadiness([{ url, masterKey }], uid);
    assert.deepEqual(ready, { ready: true, passages: 30 });
    const down = await passageReadiness([{ url: 'http://127.0.0.1:9', masterKey }], uid);
    assert.equal(down.ready, false);
  });
});

describe('an embedded Meilisearch and its owner', () => {
  it('dies with its owner killed by SIGKILL, and the next start replaces nothing left behind', async () => {
    const dataDir = tempDir('citable-owner-');
    const code = `
      const { EmbeddedMeilisearch } = await import(${JSON.stringify(path.join(projectRoot, 'src/meili/embedded.ts'))});
      const m = await EmbeddedMeilisearch.start({ dataDir: ${JSON.stringify(dataDir)}, role: 'job' });
      process.stdout.write(String(m.pid) + '\\n');
      setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      owner.stdout!.on('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      owner.once('exit', (c) => reject(new Error(`owner exited with ${c}`)));
    });
    assert.ok(pidAlive(pid));
    owner.kill('SIGKILL');
    await until(() => !pidAlive(pid), 15_000, 'Meilisearch to die with its owner');
  });

  it('is stopped by the CLI on SIGTERM, the lock released, and the job re-run completes', async () => {
    const dataDir = tempDir('citable-term-');
    const tmp = tempDir('citable-term-tmp-');
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, INDEX: 'passages', TMPDIR: tmp };
    delete env.MEILI_URL;
    delete env.MEILI_MASTER_KEY;
    const job = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), '--json', SEEDS_DIR], { env, cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const stateFile = embeddedPaths(dataDir).stateFile;
    await until(() => fs.existsSync(stateFile), 60_000, 'the job to start Meilisearch');
    const { pid } = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as { pid: number };
    job.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => job.once('exit', r));
    assert.equal(code, 143);
    await until(() => !pidAlive(pid), 15_000, 'Meilisearch to stop');
    assert.equal(fs.existsSync(lockPath(dataDir, 'passages')), false);
    assert.deepEqual(fs.readdirSync(tmp).filter((n) => n.startsWith('citable-terms-')), [], 'no spill folder left');
    const rerun = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), '--json', SEEDS_DIR], { env, cwd: projectRoot, encoding: 'utf8' });
    assert.equal(rerun.status, 0, rerun.stderr);
    const d = JSON.parse(rerun.stdout).documents;
    assert.equal(d.indexed + d.unchanged, 5);
  });
});
