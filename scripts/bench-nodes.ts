/**
 * Three Meilisearch nodes against one, on the same collection (Reuters-21578 stories written
 * `copies` times over; 4 copies make about 100k passages): indexing time on each, whether the
 * answers agree (keyword queries: the same hits; questions: the same top 10), search latency at
 * concurrency 1 and 16 through each, and what the API answers while one of the three nodes is
 * killed in the middle of a stream of searches.
 *   npm run bench:nodes [-- --copies 4 --seconds 5]
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Meilisearch } from 'meilisearch';
import { projectRoot } from '../src/config.js';
import { runIndexJob, type JobNode } from '../src/indexing/indexer.js';
import { createLogger } from '../src/log.js';
import { EmbeddedMeilisearch } from '../src/meili/embedded.js';
import { ensureSearchKey } from '../src/meili/keys.js';
import { configureNetwork } from '../src/meili/nodes.js';
import { indexSettings } from '../src/meili/settings.js';
import { SearchBackend } from '../src/search/backend.js';
import { parseSearchParams } from '../src/search/params.js';
import type { SearchResponse } from '../src/search/api-schema.js';
import { createApp } from '../src/server/app.js';
import { writeReuters } from './bench/reuters.js';
import { percentile, QUESTIONS, REUTERS_QUERIES } from './bench/workload.js';

const { values } = parseArgs({ options: { copies: { type: 'string', default: '4' }, seconds: { type: 'string', default: '5' } } });



async function latency(backend: SearchBackend, queries: readonly string[], concurrency: number, seconds: number): Promise<string> {
  const times: number[] = [];
  const end = performance.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        // A counter word makes every question new, so the ranked-list cache never answers.
        const q = `${queries[n % queries.length]}${queries === QUESTIONS ? ` n${n}` : ''}`;
        n++;
        const t = performance.now();
        await backend.search(parseSearchParams({ q }));
        times.push(performance.now() - t);
      }
    }),
  );
  return `${(times.length / seconds).toFixed(0)} req/s, p50 ${percentile(times, 50).toFixed(1)} ms, p99 ${percentile(times, 99).toFixed(1)} ms`;
}

const ids = (r: SearchResponse) => r.hits.map((h) => h.id);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'citable-bench-nodes-'));
const meilis: EmbeddedMeilisearch[] = [];
const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));
try {
  const corpus = path.join(tmp, 'corpus');
  fs.mkdirSync(corpus);
  writeReuters(corpus, Number(values.copies));
  for (let i = 0; i < 4; i++) meilis.push(await EmbeddedMeilisearch.start({ dataDir: path.join(tmp, `meili${i}`) }));
  const client = (m: EmbeddedMeilisearch) => new Meilisearch({ host: m.url, apiKey: m.masterKey, timeout: 600_000 });
  const one: JobNode[] = [{ name: 'one', client: client(meilis[0]!) }];
  const three: JobNode[] = meilis.slice(1).map((m, i) => ({ name: `node${i + 1}`, client: client(m) }));
  const uid = 'passages';
  process.stdout.write(`machine: ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)} (shared with other work)\n`);
  for (const [label, nodes] of [['one node', one], ['three nodes', three]] as const) {
    const s = await runIndexJob(nodes, uid, settings, { roots: [corpus] });
    process.stdout.write(`${label}: ${s.passages} passages indexed in ${(s.tookMs / 1000).toFixed(1)} s\n`);
  }
  const keys = await Promise.all([...one, ...three].map((n) => ensureSearchKey(n.client, uid)));
  await configureNetwork(three.map((n, i) => ({ name: n.name, url: meilis[i + 1]!.url, key: meilis[i + 1]!.masterKey, admin: n.client, searchKey: keys[i + 1]! })));
  const synonyms = { synonyms: settings.synonyms ?? {} };
  const single = new SearchBackend(() => ({ url: meilis[0]!.url, key: keys[0]!, index: uid }), synonyms);
  const targets = three.map((n, i) => ({ name: n.name, url: meilis[i + 1]!.url, key: keys[i + 1]! }));
  const spread = new SearchBackend(() => ({ url: targets[0]!.url, key: targets[0]!.key, index: uid, nodes: targets }), synonyms);

  // Agreement. The corpus holds each story several times over, so many hits tie: passages of equal
  // score may come in any order, and which of a group tied at the page's end make the page is
  // arbitrary. Two answers agree when their scores are the same, rank by rank, and the same passages
  // stand above the score of the page's last hit.
  const agree = (a: SearchResponse, b: SearchResponse) => {
    const scores = (r: SearchResponse) => r.hits.map((h) => h.score ?? 0);
    const [sa, sb] = [scores(a), scores(b)];
    const maxDiff = Math.max(0, ...sa.map((x, i) => Math.abs(x - (sb[i] ?? Infinity))));
    const floor = sa[sa.length - 1] ?? 0;
    const above = (r: SearchResponse) => r.hits.filter((h) => (h.score ?? 0) > floor + 1e-9).map((h) => h.id).sort().join();
    return { order: ids(a).join() === ids(b).join(), upToTies: sa.length === sb.length && maxDiff < 1e-9 && above(a) === above(b), maxDiff };
  };
  for (const [label, queries, limit] of [['keyword queries', REUTERS_QUERIES, '20'], ['questions', QUESTIONS, '10']] as const) {
    let sameOrder = 0;
    let sameUpToTies = 0;
    for (const q of queries) {
      const p = parseSearchParams({ q, limit });
      const [a, b] = await Promise.all([single.search(p), spread.search(p)]);
      const r = agree(a, b);
      if (r.order) sameOrder++;
      if (r.upToTies) sameUpToTies++;
      else process.stdout.write(`  differs: "${q}": largest score difference ${r.maxDiff.toExponential(2)}\n    one:   ${ids(a).join(' ')}\n    three: ${ids(b).join(' ')}\n`);
    }
    process.stdout.write(`${label}: ${sameOrder}/${queries.length} the same first ${limit} in the same order, ${sameUpToTies}/${queries.length} the same up to the order of equal scores\n`);
  }

  const seconds = Number(values.seconds);
  for (const concurrency of [1, 16]) {
    for (const [label, queries] of [['keyword', REUTERS_QUERIES], ['questions', QUESTIONS]] as const) {
      process.stdout.write(`${label}, concurrency ${concurrency}: one node ${await latency(single, queries, concurrency, seconds)}; three nodes ${await latency(spread, queries, concurrency, seconds)}\n`);
    }
  }

  // A node dies while searches stream through the API.
  const app = createApp({ search: spread, readiness: async () => ({ ready: true, passages: 1 }), logger: createLogger('silent'), rateLimitPerMinute: 1_000_000 });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const seen = new Map<string, number>();
  let sample = '';
  const stream = (async () => {
    const end = performance.now() + 4_000;
    for (let i = 0; performance.now() < end; i++) {
      const res = await fetch(`${base}/api/search?q=${encodeURIComponent(REUTERS_QUERIES[i % REUTERS_QUERIES.length]!)}`);
      const body = (await res.json()) as { partial?: unknown; error?: unknown };
      const kind = `${res.status}${body.partial ? ' partial' : ''}`;
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
      if (body.partial && !sample) sample = JSON.stringify({ total: (body as { total?: number }).total, partial: body.partial });
    }
  })();
  await new Promise((r) => setTimeout(r, 1_500));
  await meilis[3]!.stop();
  await stream;
  server.close();
  process.stdout.write(`API answers while node3 was killed after 1.5 s of 4 s: ${[...seen].map(([k, n]) => `${n} × ${k}`).join(', ')}\n  e.g. ${sample}\n`);
  await single.close();
  await spread.close();
} finally {
  for (const m of meilis) await m.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
