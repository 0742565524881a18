/**
 * The reliability suite: load, faults, interrupted and concurrent jobs, hostile documents, against a
 * real service with its embedded Meilisearch. One line per case with its figures, then a count.
 * Long (several minutes), so not part of `npm test`.
 *   npm run test:reliability [-- --seconds 60 --clients 64 --only load,rebuild-killed]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CASES } from './reliability/cases.js';
import { Service } from './reliability/harness.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    clients: { type: 'string', default: '64' },
    only: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const only = values.only ? new Set(values.only.split(',')) : null;
const unknown = [...(only ?? [])].filter((name) => !CASES.some((c) => c.name === name));
if (unknown.length > 0) {
  process.stderr.write(`unknown case ${unknown.join(', ')}; the cases are: ${CASES.map((c) => c.name).join(', ')}\n`);
  process.exit(2);
}
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'citable-reliability-'));
const log = (line: string) => process.stdout.write(`${line}\n`);
log(`reliability suite: ${os.cpus().length} cores, node ${process.version}, work in ${work}`);

// Rate limiting is the service's defence against one client; the load cases are that one client.
const service = await Service.start(path.join(work, 'service-data'), { RATE_LIMIT_PER_MINUTE: '100000000' });
let passed = 0;
let failed = 0;
try {
  for (const c of CASES) {
    if (only && !only.has(c.name)) continue;
    const caseWork = path.join(work, c.name);
    fs.mkdirSync(caseWork, { recursive: true });
    const started = Date.now();
    let line: string;
    try {
      const r = await c.run({ work: caseWork, service, seconds: Number(values.seconds), clients: Number(values.clients), log });
      line = `${r.ok ? 'PASS' : 'FAIL'} ${c.name}: ${r.figures}`;
      if (r.ok) passed++;
      else failed++;
    } catch (err) {
      line = `FAIL ${c.name}: ${(err as Error).stack ?? err}`;
      failed++;
    }
    log(`${line} [${((Date.now() - started) / 1000).toFixed(0)} s]`);
  }
} finally {
  await service.stop();
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
}
log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
