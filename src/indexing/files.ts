import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { IngestError, type ErrorCode } from '../errors.js';

/** A file found under one of the job's roots. */
export interface FoundFile {
  /** Path as the user would recognise it (relative to the working directory when possible). */
  path: string;
  realPath: string;
  /** Stable id of the root the file was found under, to scope deletions to that root. */
  rootId: string;
  /** The real path of the root (of those given to the job) that holds the file's real path. */
  realRoot: string;
}

/** A file or folder the job could not index: its path, the reason, and the reason's code. */
export interface Failure {
  file: string;
  error: string;
  code: ErrorCode;
}

/** Deletions are scoped by root; the id hides the server's absolute paths from search clients. */
export function rootIdOf(realRoot: string): string {
  return createHash('sha256').update(realRoot).digest('hex').slice(0, 12);
}

function display(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') ? rel : p;
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    default:
      return e.message ?? String(err);
  }
}

/** True when `real` is `root` or lies inside it (both real paths). */
export function isWithin(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Why a link is not followed: it would index, and serve, a file nobody asked for. */
export const OUTSIDE_ROOTS = 'symbolic link to a file or folder outside the paths given to the job; not followed';

/**
 * Lists the files under the given roots (files or folders), following links that stay inside the
 * roots but not loops, skipping hidden entries. A link that leads outside every root (to
 * /etc/passwd, say) is not followed and is named as a failure. Unreadable paths become failures;
 * nothing throws.
 *
 * Synchronous on purpose: a folder of thousands of small files costs two or three system calls a
 * file, and each asynchronous call is a hop through libuv's thread pool. While Meilisearch indexes
 * on the same cores, those hops wait for the scheduler: measured, the asynchronous walk and reads
 * left the indexer idle half the time.
 */
export async function collectFiles(roots: readonly string[]): Promise<{ files: FoundFile[]; failures: Failure[]; rootIds: string[] }> {
  const files: FoundFile[] = [];
  const failures: Failure[] = [];
  const rootIds: string[] = [];
  const seen = new Set<string>();

  const realRoots: string[] = [];
  const addFile = (p: string, real: string, rootId: string) => {
    if (seen.has(real)) return;
    seen.add(real);
    const realRoot = realRoots.find((r) => isWithin(real, r)) ?? real;
    files.push({ path: display(p), realPath: real, rootId, realRoot });
  };

  const visitDirectory = (p: string, real: string, rootId: string, ancestors: ReadonlySet<string>): void => {
    if (ancestors.has(real)) {
      failures.push({ file: display(p), error: 'symbolic link loop', code: 'ingest_failed' });
      return;
    }
    let entries;
    try {
      entries = fs.readdirSync(p, { withFileTypes: true });
    } catch (err) {
      failures.push({ file: display(p), error: reason(err), code: 'ingest_failed' });
      return;
    }
    const inner = new Set(ancestors).add(real);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue;
      const child = path.join(p, entry.name);
      // A plain entry's real path is its folder's real path plus its name: no system call needed.
      if (entry.isFile()) addFile(child, path.join(real, entry.name), rootId);
      else if (entry.isDirectory()) visitDirectory(child, path.join(real, entry.name), rootId, inner);
      else visit(child, rootId, inner);
    }
  };

  /** Any path: resolves links, then sorts out folders, files and everything else. */
  const visit = (p: string, rootId: string, ancestors: ReadonlySet<string>, isRoot = false): void => {
    let real: string;
    let stat;
    try {
      real = fs.realpathSync(p);
      stat = fs.statSync(real);
    } catch (err) {
      failures.push({ file: display(p), error: reason(err), code: 'ingest_failed' });
      return;
    }
    if (!isRoot && !realRoots.some((r) => isWithin(real, r))) {
      failures.push({ file: display(p), error: OUTSIDE_ROOTS, code: 'ingest_failed' });
      return;
    }
    if (stat.isDirectory()) visitDirectory(p, real, rootId, ancestors);
    else if (stat.isFile()) addFile(p, real, rootId);
    else failures.push({ file: display(p), error: 'not a regular file', code: 'ingest_failed' });
  };

  const resolved: Array<{ root: string; realRoot: string }> = [];
  for (const root of roots) {
    try {
      resolved.push({ root, realRoot: fs.realpathSync(root) });
    } catch (err) {
      failures.push({ file: display(path.resolve(root)), error: reason(err), code: 'ingest_failed' });
    }
  }
  realRoots.push(...resolved.map((r) => r.realRoot));
  for (const { root, realRoot } of resolved) {
    const id = rootIdOf(realRoot);
    rootIds.push(id);
    visit(path.resolve(root), id, new Set(), true);
  }
  return { files, failures, rootIds };
}

/**
 * Reads a listed file, refusing one that has become a link, or whose folder has become one, since
 * it was listed (the file actually opened must still lie inside its root), or that is over
 * `maxBytes`.
 */
export function readFoundFile(file: FoundFile, maxBytes: number): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: a file replaced by a named pipe since it was listed must not block the open.
    fd = fs.openSync(file.realPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new IngestError(OUTSIDE_ROOTS, { cause: err });
    throw err;
  }
  try {
    if (process.platform === 'linux') {
      const opened = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (!isWithin(opened, file.realRoot)) throw new IngestError(OUTSIDE_ROOTS);
    }
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new IngestError('not a regular file');
    const size = stat.size;
    if (size > maxBytes) throw new IngestError(`file of ${size} bytes is over the limit of ${maxBytes} bytes`, { code: 'file_too_large' });
    return fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
