import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createLogger } from '../src/log.js';
import { tempDir } from './helpers.js';

describe('createLogger', () => {
  it('writes readable lines, not JSON, when asked to be pretty (as on a terminal)', () => {
    const file = path.join(tempDir(), 'pretty.log');
    const logger = createLogger('info', file, true);
    logger.info({ documents: 5, masterKey: 'secret' }, 'Citable is ready');
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /INFO.*Citable is ready/);
    assert.throws(() => JSON.parse(text.split('\n')[0]!));
    assert.ok(!text.includes('secret'), 'secrets are redacted in readable lines too');
  });

  it('writes JSON lines elsewhere', async () => {
    const file = path.join(tempDir(), 'json.log');
    const logger = createLogger('info', file, false);
    logger.info({ documents: 5 }, 'Citable is ready');
    await new Promise<void>((resolve, reject) => logger.flush((err) => (err ? reject(err) : resolve())));
    const entry = JSON.parse(fs.readFileSync(file, 'utf8').trim()) as { msg: string; documents: number };
    assert.equal(entry.msg, 'Citable is ready');
    assert.equal(entry.documents, 5);
  });
});
