/**
 * The version of what cleaning produces: metadata and its evidence, body, passages, what was
 * removed. A document's hash includes it, so when it changes the next incremental job cleans every
 * file again instead of keeping passages cleaned under older rules.
 *
 * It cannot be forgotten: test/ingest/cleaning-version.test.ts digests the cleaner's output over
 * fixture documents (the seeds, every format fixture, real articles in nine plain-text layouts)
 * and fails when the output changes while this stays the same. `npm run cleaning:golden` records
 * the new digest, and refuses to under the version the old digest was recorded with.
 */
export const CLEANING_VERSION = '7';
