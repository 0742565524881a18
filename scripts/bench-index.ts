/**
 * Indexing at scale: Citable's indexing job end to end (`npm run index`, in its own process: read,
 * clean, split, count term statistics, upload, wait), then the same job again over the unchanged
 * folder, against pushing the same passages as NDJSON straight to Meilisearch (raw ingestion), on
 * Reuters-21578 stories (19k) written `copies` times over. Each side gets a Meilisearch of its own,
 * so that its peak memory and disk are its own. Prints throughput, the ratio to raw ingestion, the
 * peak RSS of the indexer and of Meilisearch, and the size of Meilisearch's data folder.
 *
 *   npm run bench:index [-- --copies 4 | --passages 1000000] [--phase both|raw|job|again]
 *                         [--work DIR] [--keep] [--max-indexing-threads N] [--max-indexing-memory 2GiB]
 *
 * --work keeps the corpus (and its NDJSON) in DIR between runs, so that the raw and job phases of a
 * large corpus can be run one at a time (--prepare-only writes the corpus and stops); --keep leaves
 * the job's Meilisearch data in DIR/job-meili for `bench:api --data`. --phase again runs only the
 * second job, over the unchanged folder, on the data a --keep run left: after a release that
 * changes what the terms index holds, that job recounts the statistics from the passages kept.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Meilisearch } from 'meilisearch';
import { projectRoot } from '../src/config.js';
import { collectFiles } from '../src/indexing/files.js';
import { ingestFiles } from '../src/indexing/read-files.js';
import { EmbeddedMeilisearch } from '../src/meili/embedded.js';
import { termsIndexOf } from '../src/meili/indexes.js';
import { indexSettings } from '../src/meili/settings.js';
import { waitAll } from '../src/meili/tasks.js';
import { WriteQueue } from '../src/meili/writer.js';
import { readReuters } from './bench/reuters.js';

const { values } = parseArgs({
  options: {
    copies: { type: 'string' },
    passages: { type: 'string' },
    phase: { type: 'string', default: 'both' },
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'prepare-only': { type: 'boolean', default: false },
    'max-indexing-threads': { type: 'string' },
    'max-indexing-memory': { type: 'string' },
  },
});
if (!['both', 'raw', 'job', 'again'].includes(values.phase)) throw new Error('--phase is both, raw, job or again');
if (values.phase === 'again' && !values.work) throw new Error('--phase again needs the --work folder of a --keep run');

/** Measured: one copy of the stories makes 25,000–25,700 passages; --passages rounds copies up. */
const PASSAGES_PER_COPY = 25_000;
const copies = values.passages ? Math.ceil(Number(values.passages) / PASSAGES_PER_COPY) : Number(values.copies ?? '4');

/** Writes each story as a plain-text file (title, blank line, wire-copy body), `n` times, in folders of 10,000 files. */
function writeCorpus(dir: string, n: number): number {
  if (fs.existsSync(path.join(dir, '.complete'))) return Number(fs.readFileSync(path.join(dir, '.complete'), 'utf8'));
  fs.rmSync(dir, { recursive: true, force: true });
  let files = 0;
  const stories = readReuters();
  for (let c = 0; c < n; c++) {
    stories.forEach((s, i) => {
      const folder = path.join(dir, String(Math.floor(files / 10_000)).padStart(3, '0'));
      if (files % 10_000 === 0) fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, `story-${i}-${c}.txt`), `${s.title ?? ''}\n\n${s.body}`);
      files++;
    });
  }
  fs.writeFileSync(path.join(dir, '.complete'), String(files));
  return files;
}

/** Cleans the corpus once into NDJSON passage records, streaming (for the raw push). */
async function writeNdjson(corpus: string, file: string): Promise<number> {
  if (fs.existsSync(`${file}.count`)) return Number(fs.readFileSync(`${file}.count`, 'utf8'));
  const { files } = await collectFiles([corpus]);
  const fd = fs.openSync(file, 'w');
  let n = 0;
  let chunk = '';
  for await (const r of ingestFiles(files)) {
    if ('error' in r) continue;
    for (const rec of r.records) {
      chunk += `${JSON.stringify(rec)}\n`;
      n++;
    }
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.writeFileSync(`${file}.count`, String(n));
  return n;
}

interface Memory {
  rss: number;
  anon: number;
  file: number;
}

function memoryOf(pid: number): Memory | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return null;
  }
}

/** Samples a process's resident memory every 250 ms and keeps the peaks (kB). */
function sampler(pid: () => number | undefined) {
  const peak: Memory = { rss: 0, anon: 0, file: 0 };
  const timer = setInterval(() => {
    const p = pid();
    const m = p ? memoryOf(p) : null;
    if (m) for (const k of ['rss', 'anon', 'file'] as const) peak[k] = Math.max(peak[k], m[k]);
  }, 250);
  return { peak, stop: () => clearInterval(timer) };
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

function diskMb(dir: string): string {
  return `${(Number(execFileSync('du', ['-sk', dir], { encoding: 'utf8' }).split('\t')[0]) / 1024).toFixed(0)} MB`;
}

async function startMeili(dataDir: string): Promise<EmbeddedMeilisearch> {
  return EmbeddedMeilisearch.start({
    dataDir,
    maxIndexingThreads: values['max-indexing-threads'] ? Number(values['max-indexing-threads']) : null,
    maxIndexingMemory: values['max-indexing-memory'] ?? null,
  });
}

/** Pushes an NDJSON file to Meilisearch in the job's own batch bounds and waits for every task. */
async function rawPush(meili: EmbeddedMeilisearch, ndjson: string, passages: number): Promise<number> {
  const client = new Meilisearch({ host: meili.url, apiKey: meili.masterKey, timeout: 600_000 });
  const uid = 'bench_raw';
  await waitAll(client, [client.createIndex(uid, { primaryKey: 'id' })]);
  await waitAll(client, [client.index(uid).updateSettings(indexSettings(path.join(projectRoot, 'config', 'synonyms.json')))]);
  const queue = new WriteQueue(client);
  const { maxDocuments, maxBytes } = queue.limits;
  const started = performance.now();
  const fd = fs.openSync(ndjson, 'r');
  const buf = Buffer.alloc(4 << 20);
  let rest = '';
  let lines: string[] = [];
  let bytes = 0;
  let batch = 0;
  const send = async () => {
    if (lines.length === 0) return;
    const body = lines.join('\n');
    lines = [];
    bytes = 0;
    await queue.send(uid, ++batch, 'raw', () => client.index(uid).addDocumentsFromString(body, 'application/x-ndjson', { primaryKey: 'id' }));
  };
  for (;;) {
    const read = fs.readSync(fd, buf, 0, buf.length, null);
    const text = rest + buf.toString('utf8', 0, read);
    const parts = text.split('\n');
    rest = read === 0 ? '' : parts.pop()!;
    for (const line of parts) {
      if (line === '') continue;
      const size = Buffer.byteLength(line) + 1;
      if (lines.length > 0 && (bytes + size > maxBytes || lines.length >= maxDocuments)) await send();
      lines.push(line);
      bytes += size;
    }
    if (read === 0) break;
  }
  await send();
  fs.closeSync(fd);
  await queue.wait();
  const ms = performance.now() - started;
  const count = (await client.index(uid).getStats()).numberOfDocuments;
  if (count !== passages) throw new Error(`raw push: ${count} documents indexed of ${passages}`);
  return ms;
}

/**
 * Runs `npm run index -- --json` in its own process (as a user would, with the heap limit its
 * script sets), under /usr/bin/time for its peak RSS (the largest process of the tree).
 */
async function runJob(meili: EmbeddedMeilisearch, corpus: string): Promise<{ ms: number; code: number; summary: any; peakKb: number }> {
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-v', 'npm', 'run', '--silent', 'index', '--', '--json', '--index', 'bench_job', corpus], {
    cwd: projectRoot,
    env: { ...process.env, MEILI_URL: meili.url, MEILI_MASTER_KEY: meili.masterKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  const ms = performance.now() - started;
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1] ?? 0);
  let summary: any = null;
  try {
    summary = JSON.parse(out.trim().split('\n').pop() ?? '');
  } catch {
    process.stdout.write(`  the job printed no summary; its stderr ends:\n${err.slice(-2_000)}\n`);
  }
  return { ms, code, summary, peakKb };
}

/** The job again over the unchanged folder: quick, unless the terms index must be recounted. */
async function runAgain(meili: EmbeddedMeilisearch, m: ReturnType<typeof sampler>): Promise<void> {
  const again = await runJob(meili, corpus);
  const a = again.summary?.documents;
  process.stdout.write(
    `  again, unchanged: ${(again.ms / 1000).toFixed(1)} s  exit ${again.code}; unchanged ${a?.unchanged}, indexed ${a?.indexed}, removed ${a?.removed}; ` +
      `indexer peak RSS ${mb(again.peakKb)}; Meilisearch peak RSS ${mb(m.peak.rss)}; data ${diskMb(path.join(work, 'job-meili', 'meili'))}\n`,
  );
}

const work = values.work ? path.resolve(values.work) : fs.mkdtempSync(path.join(os.tmpdir(), 'citable-bench-index-'));
fs.mkdirSync(work, { recursive: true });
const corpus = path.join(work, `corpus-${copies}`);
process.stdout.write(`machine: ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB, load ${os.loadavg()[0]!.toFixed(1)} (shared with other work)\n`);
const files = writeCorpus(corpus, copies);
// The raw push needs the passages cleaned beforehand; the job alone does not.
const passages = values.phase === 'job' || values.phase === 'again' ? null : await writeNdjson(corpus, `${corpus}.ndjson`);
process.stdout.write(`corpus ×${copies}: ${files} files${passages === null ? '' : `, ${passages} passages`}\n`);
if (values['prepare-only']) process.exit(0);

let rawRate: number | null = null;
try {
  if (values.phase === 'both' || values.phase === 'raw') {
    const dataDir = path.join(work, 'raw-meili');
    fs.rmSync(dataDir, { recursive: true, force: true });
    const meili = await startMeili(dataDir);
    const m = sampler(() => meili.pid);
    try {
      const ms = await rawPush(meili, `${corpus}.ndjson`, passages!);
      rawRate = passages! / (ms / 1000);
      process.stdout.write(
        `  raw NDJSON push:  ${(ms / 1000).toFixed(1)} s  ${rawRate.toFixed(0)} passages/s; ` +
          `Meilisearch peak RSS ${mb(m.peak.rss)} (anonymous ${mb(m.peak.anon)}, mapped files ${mb(m.peak.file)}), data ${diskMb(path.join(dataDir, 'meili'))}\n`,
      );
    } finally {
      m.stop();
      await meili.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (values.phase === 'both' || values.phase === 'job') {
    const dataDir = path.join(work, 'job-meili');
    fs.rmSync(dataDir, { recursive: true, force: true });
    const meili = await startMeili(dataDir);
    const m = sampler(() => meili.pid);
    try {
      const first = await runJob(meili, corpus);
      const rate = (first.summary?.passages ?? 0) / (first.ms / 1000);
      const d = first.summary?.documents;
      process.stdout.write(
        `  npm run index:    ${(first.ms / 1000).toFixed(1)} s  ${rate.toFixed(0)} passages/s  exit ${first.code}; ` +
          `indexed ${d?.indexed}, failed ${d?.failed}, ${first.summary?.passages} passages\n` +
          `    indexer peak RSS ${mb(first.peakKb)}; Meilisearch peak RSS ${mb(m.peak.rss)} (anonymous ${mb(m.peak.anon)}, mapped files ${mb(m.peak.file)}); ` +
          `data ${diskMb(path.join(dataDir, 'meili'))}\n`,
      );
      if (rawRate) process.stdout.write(`  ratio:            ${(rate / rawRate).toFixed(2)} of raw Meilisearch ingestion\n`);
      const admin = new Meilisearch({ host: meili.url, apiKey: meili.masterKey });
      const [passageStats, termStats] = await Promise.all([admin.index('bench_job').getStats(), admin.index(termsIndexOf('bench_job')).getStats()]);
      const dbMb = (s: { rawDocumentDbSize?: number }) => `${((s.rawDocumentDbSize ?? 0) / 2 ** 20).toFixed(0)} MB`;
      process.stdout.write(
        `  terms index:      ${termStats.numberOfDocuments} records, documents ${dbMb(termStats)} (passages index: ${passageStats.numberOfDocuments} records, ${dbMb(passageStats)})\n`,
      );
      await runAgain(meili, m);
    } finally {
      m.stop();
      await meili.stop();
      if (!values.keep) fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (values.phase === 'again') {
    const dataDir = path.join(work, 'job-meili');
    if (!fs.existsSync(dataDir)) throw new Error(`${dataDir}: no kept job data (run with --keep first)`);
    const meili = await startMeili(dataDir);
    const m = sampler(() => meili.pid);
    try {
      await runAgain(meili, m);
    } finally {
      m.stop();
      await meili.stop();
    }
  }
} finally {
  if (!values.work) fs.rmSync(work, { recursive: true, force: true });
}
