import fs from 'node:fs';
import path from 'node:path';
import { pidAlive } from '../meili/embedded.js';
import { processStart } from './job-lock.js';

/*
 * A job's term statistics spill to a folder of its own in the OS temporary folder (term-spill.ts).
 * A job killed by SIGKILL or the out-of-memory killer cannot remove it, and it can hold gigabytes.
 * The folder's name says which process owns it (pid and start time, so a reused pid is not taken
 * for the owner): the next job, or the service's start, removes those whose owner is gone.
 */

const PREFIX = 'citable-terms-';
/** `citable-terms-p<pid>s<start time, or x where /proc is missing>-<random>`. */
const OWNED = /^citable-terms-p(\d+)s(\d+|x)-/;

/** This process's folders, removed at exit even when a signal handler ends it with process.exit. */
const mine = new Set<string>();
let exitHook = false;

/** Creates a spill folder under `parent`, named for this process; remove it with removeSpillFolder. */
export function createSpillFolder(parent: string): string {
  const dir = fs.mkdtempSync(path.join(parent, `${PREFIX}p${process.pid}s${processStart(process.pid) ?? 'x'}-`));
  mine.add(dir);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const d of mine) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

export function removeSpillFolder(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  mine.delete(dir);
}

/**
 * Removes the spill folders under `parent` whose owning process is gone; returns their names.
 * Folders of live jobs, and any folder not named by its owner, are left alone.
 */
export function removeStaleSpillFolders(parent: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = OWNED.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    const start = m[2] === 'x' ? null : m[2]!;
    const now = pidAlive(pid) ? processStart(pid) : undefined;
    const ownerAlive = now !== undefined && (start === null || now === null || now === start);
    if (ownerAlive) continue;
    fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}
