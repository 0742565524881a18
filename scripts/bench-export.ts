/**
 * Exports on a corpus of 100k+ passages (Reuters-21578 stories, copied to reach the size): the time
 * to stream 1,000 and 10,000 hits as CSV and NDJSON from the API, the API process's memory while it
 * streams (sampled from /proc every 10 ms; its growth over the resting size is what an export costs),
 * and, in the same run, the time Meilisearch alone takes to page through the same hits.
 *   npm run bench:export [-- --copies 4 --rounds 3]
 *   npm run bench:export -- --data DIR --index UID   # an index already built (bench:index --keep
 *                                                    # leaves one in WORK/job-meili, index bench_job)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Meilisearch } from 'meilisearch';
import { projectRoot } from '../src/config.js';
import { runIndexJob } from '../src/indexing/indexer.js';
import { EmbeddedMeilisearch } from '../src/meili/embedded.js';
import { ensureSearchKey } from '../src/meili/keys.js';
import { indexSettings } from '../src/meili/settings.js';
import { EXPORT_PAGE_SIZE } from '../src/search/export.js';
import { writeReuters } from './bench/reuters.js';

const { values } = parseArgs({
  options: {
    copies: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    data: { type: 'string' },
    index: { type: 'string', default: 'bench_job' },
  },
});
const ROUNDS = Number(values.rounds);
/** Broad queries: each has more than 10,000 matching passages in the corpus. */
const QUERIES = ['said', 'oil prices'];

/** Resident memory of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function startApi(meiliUrl: string, key: string, index: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'bench', 'serve.ts')], {
    env: { ...process.env, MEILI_URL: meiliUrl, SEARCH_KEY: key, INDEX: index },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { base: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** Streams one export to nothing, counting bytes and rows, while sampling the API's memory. */
async function exportOnce(base: string, pid: number, q: string, format: 'csv' | 'ndjson', max: number) {
  global.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 10);
  const started = performance.now();
  const res = await fetch(`${base}/api/search/export?q=${encodeURIComponent(q)}&format=${format}&max=${max}`);
  if (!res.ok) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  let bytes = 0;
  let newlines = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const b of chunk) if (b === 10) newlines++;
  }
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, rssMb(pid));
  return { ms, bytes, newlines, before, peak };
}

/** The same hits paged straight from Meilisearch, as the export pages them. */
async function meiliOnce(client: Meilisearch, index: string, q: string, max: number) {
  const started = performance.now();
  let got = 0;
  for (let offset = 0; offset < max; offset += EXPORT_PAGE_SIZE) {
    const r = await client.index(index).search(q, { offset, limit: Math.min(EXPORT_PAGE_SIZE, max - offset), matchingStrategy: 'frequency' });
    got += r.hits.length;
    if (r.hits.length === 0) break;
  }
  return { ms: performance.now() - started, got };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'citable-bench-export-'));
const meili = await EmbeddedMeilisearch.start({ dataDir: values.data ? path.resolve(values.data) : path.join(tmp, 'meili') });
const client = new Meilisearch({ host: meili.url, apiKey: meili.masterKey, timeout: 600_000 });
try {
  const index = values.data ? values.index : 'bench_export';
  if (values.data) {
    const stats = await client.index(index).getStats();
    process.stdout.write(`corpus: ${stats.numberOfDocuments} passages (built by bench:index; the machine is shared: times vary with other work)\n`);
  } else {
    const corpus = path.join(tmp, 'reuters');
    fs.mkdirSync(corpus);
    writeReuters(corpus, Number(values.copies));
    const indexed = await runIndexJob(client, index, indexSettings(path.join(projectRoot, 'config', 'synonyms.json')), { roots: [corpus] });
    process.stdout.write(`corpus: ${indexed.passages} passages from ${indexed.documents.indexed} documents (the machine is shared: times vary with other work)\n`);
  }
  const key = await ensureSearchKey(client, index);
  const api = await startApi(meili.url, key, index);
  const search = new Meilisearch({ host: meili.url, apiKey: key });
  try {
    process.stdout.write('query        format  hits    rows    MB      API ms  Meili ms  ratio  RSS rest MB  RSS peak MB  growth MB\n');
    for (const q of QUERIES) {
      for (const max of [1_000, 10_000]) {
        for (const format of ['csv', 'ndjson'] as const) {
          const runs = [];
          const direct = [];
          for (let r = 0; r < ROUNDS; r++) {
            runs.push(await exportOnce(api.base, api.pid, q, format, max));
            direct.push(await meiliOnce(search, index, q, max));
          }
          const ms = median(runs.map((x) => x.ms));
          const meiliMs = median(direct.map((x) => x.ms));
          const last = runs[runs.length - 1]!;
          // CSV: a header line, and rows may hold line breaks inside quotes; NDJSON: one line a row.
          const rows = format === 'ndjson' ? last.newlines : NaN;
          const growth = Math.max(...runs.map((x) => x.peak - x.before));
          process.stdout.write(
            `${q.padEnd(12)} ${format.padEnd(7)} ${String(max).padEnd(7)} ${String(Number.isNaN(rows) ? '-' : rows).padEnd(7)} ${(last.bytes / 1e6).toFixed(1).padEnd(7)} ` +
              `${ms.toFixed(0).padEnd(7)} ${meiliMs.toFixed(0).padEnd(9)} ${(ms / meiliMs).toFixed(2).padEnd(6)} ${last.before.toFixed(0).padEnd(12)} ${Math.max(...runs.map((x) => x.peak)).toFixed(0).padEnd(12)} ${growth.toFixed(0)}\n`,
          );
        }
      }
    }
  } finally {
    api.stop();
  }
} finally {
  await meili.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
