import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JobBusyError } from '../errors.js';
import { pidAlive } from '../meili/embedded.js';

/*
 * One indexing job at a time per index. The lock is a file created atomically (written aside, then
 * hard-linked into place, so nobody reads it half-written) naming the process that holds it. A lock
 * whose process has died, however it died (SIGKILL, the out-of-memory killer), is stale: the next
 * job sees that at once, by the process id and its start time, and takes the lock over.
 */

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number;
  /** The process's start time as the kernel counts it (Linux), so a reused pid is not mistaken for the holder. */
  processStart: string | null;
  host: string;
  index: string;
  since: string;
}

/** How often a waiting job looks at the lock again. */
const POLL_MS = 500;

/** Where the lock of an index lives under DATA_DIR. */
export function lockPath(dataDir: string, index: string): string {
  return path.join(dataDir, 'locks', `${encodeURIComponent(index)}.lock`);
}

/** The process's start time from /proc (clock ticks since boot), or null where there is no /proc. */
export function processStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}


/** True while the process the lock names is running (on another host: assumed running). */
export function holderAlive(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return true;
  if (!pidAlive(h.pid)) return false;
  const start = processStart(h.pid);
  return h.processStart === null || start === null || start === h.processStart;
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

function sameHolder(a: LockHolder | null, b: LockHolder | null): boolean {
  return a !== null && b !== null && a.pid === b.pid && a.processStart === b.processStart && a.since === b.since && a.host === b.host;
}

export function describeHolder(h: LockHolder): string {
  return `process ${h.pid}${h.host !== os.hostname() ? ` on ${h.host}` : ''}, since ${h.since}`;
}

/** A held lock; release it when the job ends (it is also released if the process exits). */
export interface JobLock {
  readonly file: string;
  readonly holder: LockHolder;
  release(): void;
}

/**
 * Takes the job lock of `index` under `dataDir`. When a live job holds it: waits up to `waitMs`
 * (0: not at all; Infinity: as long as it takes), calling `onWait` once, then throws a JobBusyError
 * naming the holder. A stale lock is taken over.
 */
export async function acquireJobLock(
  dataDir: string,
  index: string,
  opts: { waitMs?: number; onWait?: (holder: LockHolder) => void } = {},
): Promise<JobLock> {
  const file = lockPath(dataDir, index);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me: LockHolder = { pid: process.pid, processStart: processStart(process.pid), host: os.hostname(), index, since: new Date().toISOString() };
  const deadline = Date.now() + (opts.waitMs ?? 0);
  let told = false;
  for (;;) {
    if (tryCreate(file, me)) return held(file, me);
    const holder = readHolder(file);
    if (holder === null) {
      // Gone between our attempt and the read, or unreadable: a lock nobody can name is stale.
      if (fs.existsSync(file) && ageMs(file) > 2_000) breakLock(file, null);
      await sleep(50);
      continue;
    }
    if (!holderAlive(holder)) {
      breakLock(file, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new JobBusyError(
        `another indexing job holds index "${index}" (${describeHolder(holder)}); ` +
          'wait for it to finish, or run this one with --wait',
      );
    }
    if (!told) {
      opts.onWait?.(holder);
      told = true;
    }
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** Creates the lock with its content in one step; false when it exists. */
function tryCreate(file: string, me: LockHolder): boolean {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(aside, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  try {
    fs.linkSync(aside, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

/**
 * Removes a stale lock, and only that one: it is first renamed aside (atomic), then checked to be
 * the lock judged stale; a live lock taken meanwhile by another job is put back.
 */
function breakLock(file: string, stale: LockHolder | null): void {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = readHolder(aside);
  if (stale !== null && !sameHolder(moved, stale) && moved !== null && holderAlive(moved)) {
    try {
      fs.linkSync(aside, file);
    } catch {
      /* the slot was taken again: that job holds it now */
    }
  }
  fs.rmSync(aside, { force: true });
}

const heldLocks = new Map<string, LockHolder>();
let exitHook = false;

function held(file: string, me: LockHolder): JobLock {
  heldLocks.set(file, me);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const [f, h] of heldLocks) releaseFile(f, h);
    });
  }
  return {
    file,
    holder: me,
    release: () => {
      heldLocks.delete(file);
      releaseFile(file, me);
    },
  };
}

function releaseFile(file: string, me: LockHolder): void {
  if (sameHolder(readHolder(file), me)) fs.rmSync(file, { force: true });
}
