/**
 * Every case of the reliability suite, in the order they run. To add one: write a ReliabilityCase
 * (see harness.ts) in cases/ and list it here.
 */
import type { ReliabilityCase } from './harness.js';
import { bigText, deepNesting, manyParagraphs, symlinkOut, yamlBomb } from './cases/hostile.js';
import { jobSigkill, jobSigterm, rebuildKilled, twoJobs } from './cases/jobs.js';
import { load, meiliKilled } from './cases/load.js';

export const CASES: readonly ReliabilityCase[] = [
  load,
  meiliKilled,
  jobSigterm,
  jobSigkill,
  twoJobs,
  rebuildKilled,
  bigText,
  manyParagraphs,
  deepNesting,
  yamlBomb,
  symlinkOut,
];
