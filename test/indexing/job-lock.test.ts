import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { acquireJobLock, lockPath, type LockHolder } from '../../src/indexing/job-lock.js';
import { projectRoot } from '../../src/config.js';
import { tempDir } from '../helpers.js';

/** A process that takes the lock, says so, and holds it until killed. */
function holder(dataDir: string, index: string) {
  const code = `
    const { acquireJobLock } = await import(${JSON.stringify(path.join(projectRoot, 'src/indexing/job-lock.ts'))});
    await acquireJobLock(${JSON.stringify(dataDir)}, ${JSON.stringify(index)});
    process.stdout.write('held\\n');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const held = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
    child.once('exit', (c) => reject(new Error(`holder exited with ${c}`)));
  });
  return { child, held };
}

describe('the job lock', () => {
  it('is taken, refused to a second job while held (naming the holder), and free once released', async () => {
    const dataDir = tempDir('citable-lock-');
    const lock = await acquireJobLock(dataDir, 'passages');
    await assert.rejects(acquireJobLock(dataDir, 'passages'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'job_busy');
      assert.match(err.message, new RegExp(`process ${process.pid}`));
      return true;
    });
    // Another index is another lock.
    (await acquireJobLock(dataDir, 'other')).release();
    lock.release();
    assert.equal(fs.existsSync(lockPath(dataDir, 'passages')), false);
    (await acquireJobLock(dataDir, 'passages')).release();
  });

  it('is taken over at once when its holder was killed with SIGKILL', async () => {
    const dataDir = tempDir('citable-lock-');
    const { child, held } = holder(dataDir, 'passages');
    await held;
    await assert.rejects(acquireJobLock(dataDir, 'passages'), /another indexing job holds index "passages"/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(fs.existsSync(lockPath(dataDir, 'passages')), 'a killed holder leaves its file behind');
    const lock = await acquireJobLock(dataDir, 'passages');
    assert.equal(lock.holder.pid, process.pid);
    lock.release();
  });

  it('waits for a live holder when asked to, and gets the lock when it ends', async () => {
    const dataDir = tempDir('citable-lock-');
    const { child, held } = holder(dataDir, 'passages');
    await held;
    let told: LockHolder | null = null;
    const waiting = acquireJobLock(dataDir, 'passages', { waitMs: 60_000, onWait: (h) => (told = h) });
    setTimeout(() => child.kill('SIGTERM'), 500);
    const lock = await waiting;
    assert.equal(told!.pid, child.pid);
    lock.release();
  });

  it('does not mistake a new process that reuses a dead holder’s pid for the holder', async () => {
    const dataDir = tempDir('citable-lock-');
    const file = lockPath(dataDir, 'passages');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // Our own pid, with another start time: what a dead holder whose pid was reused looks like.
    const stale: LockHolder = { pid: process.pid, processStart: '1', host: os.hostname(), index: 'passages', since: '2020-01-01T00:00:00.000Z' };
    fs.writeFileSync(file, JSON.stringify(stale));
    (await acquireJobLock(dataDir, 'passages')).release();
  });

  it('goes to exactly one of several jobs racing for a stale lock', async () => {
    const dataDir = tempDir('citable-lock-');
    const file = lockPath(dataDir, 'passages');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(file, JSON.stringify({ pid: dead, processStart: null, host: os.hostname(), index: 'passages', since: 'then' }));
    const code = `
      const { acquireJobLock } = await import(${JSON.stringify(path.join(projectRoot, 'src/indexing/job-lock.ts'))});
      try { await acquireJobLock(${JSON.stringify(dataDir)}, 'passages'); process.stdout.write('won'); await new Promise((r) => setTimeout(r, 3000)); }
      catch (e) { process.stdout.write(e.code); }`;
    const racers = Array.from({ length: 4 }, () =>
      new Promise<string>((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
        c.once('exit', () => resolve(out));
      }),
    );
    const outcomes = await Promise.all(racers);
    assert.equal(outcomes.filter((o) => o === 'won').length, 1, outcomes.join(' '));
    assert.equal(outcomes.filter((o) => o === 'job_busy').length, 3, outcomes.join(' '));
  });
});
