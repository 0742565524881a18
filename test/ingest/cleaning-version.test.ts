import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLEANING_VERSION } from '../../src/ingest/version.js';
import { cleaningDigest, readGolden } from '../fixtures/cleaning/digest.js';

describe('the cleaning version', () => {
  it('changes whenever what cleaning produces changes', async () => {
    const golden = readGolden();
    const { digest } = await cleaningDigest();
    if (digest !== golden.digest) {
      assert.notEqual(
        CLEANING_VERSION,
        golden.version,
        `cleaning output changed under version ${golden.version}: bump CLEANING_VERSION in src/ingest/version.ts, then run \`npm run cleaning:golden\``,
      );
      assert.fail(`cleaning version ${CLEANING_VERSION} has no recorded digest yet: run \`npm run cleaning:golden\``);
    }
    assert.equal(golden.version, CLEANING_VERSION, `the digest was recorded under version ${golden.version}: run \`npm run cleaning:golden\``);
  });
});
