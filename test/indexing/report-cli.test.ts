import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { termsIndexOf } from '../../src/meili/indexes.js';
import { BASE_SETTINGS } from '../../src/meili/settings.js';
import { SEEDS_DIR, seedFiles, tempDir, testMeili, uniqueIndex } from '../helpers.js';

function dryRun(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), '--dry-run', ...args], { encoding: 'utf8', cwd: projectRoot });
}

const STORY = (n: number) =>
  `Story ${n}: the council voted on Tuesday to close the old harbour bridge for repairs, after inspectors found that several of its supports had rusted through over the winter.`;
const MENU = Array.from({ length: 30 }, (_, i) => `Section ${i}`).join('\n');

describe('the dry-run report of words in and kept', () => {
  it('--report prints a line per document with its words in and kept', () => {
    const out = dryRun(['--report', SEEDS_DIR]);
    assert.equal(out.status, 0, out.stderr);
    const lines = out.stdout.trim().split('\n');
    assert.match(lines[0]!, /^file\s+words in\s+kept\s+prose in\s+prose kept\s+removed$/);
    for (const f of seedFiles()) assert.ok(lines.some((l) => l.includes(f) && /\d+%$/.test(l)), `a line for ${f}`);
    assert.match(out.stderr, /0 flagged/);
  });

  it('flags a document that lost most of its prose, in the progress output and in --json', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'front-page.txt'), `Front page\n\n${STORY(1)}\n\n${MENU}\n\n${STORY(2)}\n\n${MENU}\n\n${STORY(3)}`);
    const text = dryRun([dir]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stderr, /flagged: .*front-page\.txt: cleaning removed \d+% of its prose-like words/);
    const json = dryRun(['--json', '--report', dir]);
    const summary = JSON.parse(json.stdout) as { flagged: Array<{ file: string; proseRemoved: number }>; report: unknown[] };
    assert.equal(summary.flagged.length, 1);
    assert.match(summary.flagged[0]!.file, /front-page\.txt$/);
    assert.ok(summary.flagged[0]!.proseRemoved > 0.5);
    assert.equal(summary.report.length, 1);
  });

  it('--report without --dry-run is a usage error', () => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), '--report'], { encoding: 'utf8', cwd: projectRoot });
    assert.equal(out.status, 2);
    assert.match(out.stderr, /--report goes with --dry-run/);
  });
});

describe('an indexing job flags documents that lost most of their prose', () => {
  it('names them in its summary, and only when they are cleaned', async () => {
    const { client } = testMeili();
    const uid = uniqueIndex('flagged');
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'front-page.txt'), `Front page\n\n${STORY(1)}\n\n${MENU}\n\n${STORY(2)}\n\n${MENU}\n\n${STORY(3)}`);
    fs.copyFileSync(path.join(SEEDS_DIR, seedFiles()[0]!), path.join(dir, seedFiles()[0]!));
    try {
      const first = await runIndexJob(client, uid, BASE_SETTINGS, { roots: [dir] });
      assert.deepEqual(first.flagged.map((f) => f.docId), ['front-page']);
      assert.ok(first.flagged[0]!.proseWordsKept < first.flagged[0]!.proseWordsIn / 2);
      // Unchanged files are not cleaned again, so not judged again.
      const second = await runIndexJob(client, uid, BASE_SETTINGS, { roots: [dir] });
      assert.equal(second.documents.unchanged, 2);
      assert.deepEqual(second.flagged, []);
    } finally {
      await client.deleteIndex(uid).waitTask().catch(() => undefined);
      await client.deleteIndex(termsIndexOf(uid)).waitTask().catch(() => undefined);
    }
  });
});
