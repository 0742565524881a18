import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A file found under one of the job's roots. */
export interface FoundFile {
  /** Path as the user would recognise it (relative to the working directory when possible). */
  path: string;
  realPath: string;
  /** Stable id of the root the file was found under, to scope deletions to that root. */
  rootId: string;
}

export interface Failure {
  file: string;
  error: string;
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

/**
 * Lists the files under the given roots (files or folders), following links but not loops, skipping
 * hidden entries. Unreadable paths become failures; nothing throws.
 */
export async function collectFiles(roots: readonly string[]): Promise<{ files: FoundFile[]; failures: Failure[]; rootIds: string[] }> {
  const files: FoundFile[] = [];
  const failures: Failure[] = [];
  const rootIds: string[] = [];
  const seen = new Set<string>();

  const visit = async (p: string, rootId: string, ancestors: Set<string>): Promise<void> => {
    let real: string;
    let stat;
    try {
      real = await fs.realpath(p);
      stat = await fs.stat(real);
    } catch (err) {
      failures.push({ file: display(p), error: reason(err) });
      return;
    }
    if (stat.isDirectory()) {
      if (ancestors.has(real)) {
        failures.push({ file: display(p), error: 'symbolic link loop' });
        return;
      }
      let entries;
      try {
        entries = await fs.readdir(p);
      } catch (err) {
        failures.push({ file: display(p), error: reason(err) });
        return;
      }
      const inner = new Set(ancestors).add(real);
      for (const name of entries.sort()) {
        if (name.startsWith('.')) continue;
        await visit(path.join(p, name), rootId, inner);
      }
      return;
    }
    if (!stat.isFile()) {
      failures.push({ file: display(p), error: 'not a regular file' });
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    files.push({ path: display(p), realPath: real, rootId });
  };

  for (const root of roots) {
    let realRoot: string;
    try {
      realRoot = await fs.realpath(root);
    } catch (err) {
      failures.push({ file: display(path.resolve(root)), error: reason(err) });
      continue;
    }
    const id = rootIdOf(realRoot);
    rootIds.push(id);
    await visit(path.resolve(root), id, new Set());
  }
  return { files, failures, rootIds };
}
