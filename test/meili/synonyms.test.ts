import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { loadSynonyms } from '../../src/meili/settings.js';
import { SEED_SYNONYMS } from '../helpers.js';

describe('synonyms belong to a collection', () => {
  it('the product ships none by default', () => {
    const config = loadConfig({});
    assert.equal(path.basename(config.synonymsFile), 'synonyms.json');
    assert.deepEqual(loadSynonyms(config.synonymsFile), {});
  });

  it("the seed collection's own file is an example, read as any collection's", () => {
    const seeds = loadSynonyms(SEED_SYNONYMS);
    assert.deepEqual(seeds.pgp, ['pretty good privacy']);
    assert.ok(!SEED_SYNONYMS.includes(`${path.sep}seeds${path.sep}`), 'not in the indexed seeds folder');
  });
});
