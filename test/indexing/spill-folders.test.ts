import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { projectRoot } from '../../src/config.js';
import { runIndexJob } from '../../src/indexing/indexer.js';
import { createSpillFolder, removeSpillFolder } from '../../src/indexing/spill-folders.js';
import { indexSettings } from '../../src/meili/settings.js';
import { freshIndexes, SEEDS_DIR, SEED_SYNONYMS, tempDir, testMeili } from '../helpers.js';

/** A process that makes a spill folder under `parent` and is killed before it can remove it. */
function killedJobLeaves(parent: string): string {
  const code = `
    const { createSpillFolder } = await import(${JSON.stringify(path.join(projectRoot, 'src/indexing/spill-folders.ts'))});
    const dir = createSpillFolder(${JSON.stringify(parent)});
    (await import('node:fs')).default.writeFileSync(dir + '/partition-00', 'term passage');
    process.stdout.write(dir);
    process.kill(process.pid, 'SIGKILL');`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.equal(run.signal, 'SIGKILL');
  assert.ok(fs.existsSync(run.stdout), 'the killed process left its folder');
  return path.basename(run.stdout);
}

describe('spill folders of killed jobs', () => {
  const { client } = testMeili();
  const uid = freshIndexes(client)('spill');

  it('are removed by the next job; a live job’s folder, and folders not named by their owner, are left', async () => {
    const parent = tempDir('citable-spill-parent-');
    const dead = killedJobLeaves(parent);
    const live = createSpillFolder(parent);
    // This process's pid with another start time: a process that died and whose pid was reused.
    const reused = `citable-terms-p${process.pid}s1-abcdef`;
    const unnamed = 'citable-terms-Xy12Ab';
    for (const name of [reused, unnamed, 'other-tool-folder']) fs.mkdirSync(path.join(parent, name));

    const summary = await runIndexJob(client, uid, indexSettings(SEED_SYNONYMS), { roots: [SEEDS_DIR], spillDir: parent });
    assert.equal(summary.documents.indexed, 5);

    const left = new Set(fs.readdirSync(parent));
    assert.ok(!left.has(dead), 'the killed job’s folder is gone');
    assert.ok(!left.has(reused), 'a folder whose pid now belongs to another process is gone');
    assert.ok(left.has(path.basename(live)), 'a live job’s folder stays');
    assert.ok(left.has(unnamed) && left.has('other-tool-folder'), 'folders not named by an owner stay');
    assert.equal([...left].filter((n) => n.startsWith('citable-terms-p')).length, 1, 'the job removed its own folder');
    removeSpillFolder(live);
  });
});
