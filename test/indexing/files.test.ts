import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { collectFiles, OUTSIDE_ROOTS, readFoundFile } from '../../src/indexing/files.js';
import { tempDir } from '../helpers.js';

describe('symbolic links', () => {
  const setup = () => {
    const root = tempDir('citable-root-');
    const other = tempDir('citable-other-');
    fs.writeFileSync(path.join(root, 'story.txt'), 'A story.');
    fs.mkdirSync(path.join(root, 'sub'));
    fs.writeFileSync(path.join(root, 'sub', 'inner.txt'), 'Inner.');
    fs.writeFileSync(path.join(other, 'outside.txt'), 'Outside.');
    fs.symlinkSync('/etc/passwd', path.join(root, 'passwd'));
    fs.symlinkSync(other, path.join(root, 'elsewhere'));
    fs.symlinkSync(path.join(root, 'sub', 'inner.txt'), path.join(root, 'alias.txt'));
    return { root, other };
  };

  it('leading outside the roots are not followed, and are named', async () => {
    const { root } = setup();
    const { files, failures } = await collectFiles([root]);
    const real = files.map((f) => f.realPath);
    assert.ok(!real.includes('/etc/passwd'));
    assert.ok(!real.some((p) => p.endsWith('outside.txt')));
    assert.deepEqual(
      failures.map((f) => [path.basename(f.file), f.error]).sort(),
      [['elsewhere', OUTSIDE_ROOTS], ['passwd', OUTSIDE_ROOTS]],
    );
    assert.deepEqual(files.map((f) => path.basename(f.realPath)).sort(), ['inner.txt', 'story.txt']);
  });

  it('into another root of the same job are followed', async () => {
    const { root, other } = setup();
    const { files, failures } = await collectFiles([root, other]);
    assert.ok(files.some((f) => f.realPath.endsWith('outside.txt')));
    assert.deepEqual(failures.map((f) => path.basename(f.file)), ['passwd']);
  });

  it('put in place of a file after it was listed are refused when it is read', async () => {
    const { root } = setup();
    const { files } = await collectFiles([root]);
    const story = files.find((f) => f.realPath.endsWith('story.txt'))!;
    assert.equal(readFoundFile(story, 1_000).toString(), 'A story.');
    fs.rmSync(story.realPath);
    fs.symlinkSync('/etc/passwd', story.realPath);
    assert.throws(() => readFoundFile(story, 1_000_000), new RegExp(OUTSIDE_ROOTS.slice(0, 40)));
    // …and so is a folder on its path swapped for a link leading out.
    const inner = files.find((f) => f.realPath.endsWith('inner.txt'))!;
    const outside = tempDir('citable-swap-');
    fs.writeFileSync(path.join(outside, 'inner.txt'), 'Not yours.');
    fs.rmSync(path.join(root, 'sub'), { recursive: true });
    fs.symlinkSync(outside, path.join(root, 'sub'));
    assert.throws(() => readFoundFile(inner, 1_000_000), new RegExp(OUTSIDE_ROOTS.slice(0, 40)));
  });

  it('cannot make a file over the size limit readable', async () => {
    const { root } = setup();
    const { files } = await collectFiles([root]);
    assert.throws(() => readFoundFile(files[0]!, 3), /over the limit of 3 bytes/);
  });
});
