import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../src/config.js';

/*
 * The README's layout section lists every folder of src/, scripts/ and test/ (and of web/, should
 * one appear at the top), and names nothing that is not there, so that a reader can trust it.
 */
const ROOTS = ['src', 'scripts', 'test', 'web'];

/** The code block of the README's "## Layout" section. */
function layoutBlock(readme: string): string {
  const section = /^## Layout\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  assert.ok(section, 'the README has a "## Layout" section');
  const block = /^```\n([\s\S]*?)^```/m.exec(section)?.[1];
  assert.ok(block, 'the layout section holds a code block');
  return block;
}

/** The paths the block names (`src/ingest/formats/`, `src/errors.ts`), without their trailing slash. */
function listedPaths(block: string): Set<string> {
  const paths = block.match(new RegExp(`(?<![\\w/.-])(?:${ROOTS.join('|')})(?:/[\\w.-]+)*/?`, 'g')) ?? [];
  return new Set(paths.map((p) => p.replace(/\/$/, '')));
}

/** Every folder under the roots that exist, as paths from the project root. */
function folders(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    out.push(rel);
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(`${rel}/${e.name}`);
    }
  };
  for (const r of ROOTS) if (fs.existsSync(path.join(root, r))) walk(r);
  return out.sort();
}

/** Folders the block does not list, and listed paths that do not exist. */
function layoutGaps(block: string, existing: readonly string[], exists: (p: string) => boolean): { unlisted: string[]; missing: string[] } {
  const listed = listedPaths(block);
  return {
    unlisted: existing.filter((f) => !listed.has(f)),
    missing: [...listed].filter((p) => !exists(p)).sort(),
  };
}

describe("the README's layout section", () => {
  const block = layoutBlock(fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8'));
  const all = folders(projectRoot);
  const gaps = layoutGaps(block, all, (p) => fs.existsSync(path.join(projectRoot, p)));

  it('lists every folder of src/', () => {
    assert.ok(all.includes('src/search'));
    assert.deepEqual(gaps.unlisted.filter((f) => f === 'src' || f.startsWith('src/')), []);
  });

  it('lists every folder of scripts/ and test/', () => {
    assert.deepEqual(gaps.unlisted.filter((f) => !(f === 'src' || f.startsWith('src/'))), []);
  });

  it('names nothing that does not exist', () => {
    assert.deepEqual(gaps.missing, []);
  });

  it('finds a folder of src/ that the section leaves out, and a listed folder that is gone', () => {
    const block = 'src/             all of it\nsrc/search/      search\nsrc/gone/        removed long ago\n';
    const found = layoutGaps(block, ['src', 'src/search', 'src/text', 'src/text/sub'], (p) => p !== 'src/gone');
    assert.deepEqual(found, { unlisted: ['src/text', 'src/text/sub'], missing: ['src/gone'] });
  });
});
