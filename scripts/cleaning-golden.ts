/**
 * Records the digest of the cleaner's output over the fixture documents, with the cleaning version
 * it belongs to (see src/ingest/version.ts). A changed output is recorded only under a new version:
 * otherwise incremental jobs would keep documents cleaned under the old rules.
 *   npm run cleaning:golden
 */
import fs from 'node:fs';
import { CLEANING_VERSION } from '../src/ingest/version.js';
import { cleaningDigest, GOLDEN_FILE, readGolden, type Golden } from '../test/fixtures/cleaning/digest.js';

const current = await cleaningDigest();
const recorded: Golden | null = fs.existsSync(GOLDEN_FILE) ? readGolden() : null;
if (recorded && recorded.digest === current.digest) {
  process.stdout.write(`cleaning output unchanged (version ${recorded.version}, ${current.documents} documents)\n`);
  process.exit(0);
}
if (recorded && recorded.version === CLEANING_VERSION) {
  process.stderr.write(
    `cleaning output changed under version ${CLEANING_VERSION}: bump CLEANING_VERSION in src/ingest/version.ts first, ` +
      'so that the next incremental job cleans every file again\n',
  );
  process.exit(1);
}
const golden: Golden = { version: CLEANING_VERSION, digest: current.digest, documents: current.documents };
fs.writeFileSync(GOLDEN_FILE, `${JSON.stringify(golden, null, 2)}\n`);
process.stdout.write(`recorded cleaning version ${CLEANING_VERSION}: ${current.documents} documents, digest ${current.digest.slice(0, 12)}…\n`);
