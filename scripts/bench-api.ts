/**
 * Proxy overhead: the API against Meilisearch queried directly, interleaved in rounds in one run,
 * at concurrency 1 and 16, on the seeds and on a corpus of 100k+ passages (Reuters-21578 stories,
 * copied to reach the size). Meilisearch is asked two ways: `direct`, for the answer the API gives
 * (the hits with their text cropped and marked, which a client of Meilisearch would ask for), and
 * `upstream`, exactly what the proxy asks it (the proxy marks snippets itself). Prints throughput
 * and p50/p99 latency of each and the proxy's ratios to both. Rounds are short (half a second each
 * side, 24 of them) so that the machine's bursts of other work fall on all sides alike rather than
 * on one long round.
 *   npm run bench:api [-- --seconds 0.5 --rounds 24 --copies 4 --corpus all|seeds|large]
 *   npm run bench:api -- --data DIR --index UID   # an index already built (bench:index --keep leaves
 *                                                 # one in WORK/job-meili, index bench_job)
 *   npm run bench:api -- --access   # also the API with access control (accounts, audit trail), asked
 *                                   # with an API token and with a page session, against it without
 *   npm run bench:api -- --questions   # only the re-ranked questions (their latency, measured longer)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Meilisearch } from 'meilisearch';
import { Agent, request } from 'undici';
import { main as usersCli, type CliIo } from '../src/accounts/cli.js';
import { projectRoot } from '../src/config.js';
import { runIndexJob } from '../src/indexing/indexer.js';
import { EmbeddedMeilisearch } from '../src/meili/embedded.js';
import { ensureSearchKey } from '../src/meili/keys.js';
import { indexSettings } from '../src/meili/settings.js';
import { parseSearchParams } from '../src/search/params.js';
import { needsMeiliHighlight } from '../src/search/highlight.js';
import { buildSearchRequest } from '../src/search/query.js';
import { writeReuters } from './bench/reuters.js';
import { percentile, QUESTIONS, REUTERS_QUERIES } from './bench/workload.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '0.5' },
    rounds: { type: 'string', default: '24' },
    copies: { type: 'string', default: '4' },
    corpus: { type: 'string', default: 'all' },
    data: { type: 'string' },
    index: { type: 'string', default: 'bench_job' },
    access: { type: 'boolean', default: false },
    questions: { type: 'boolean', default: false },
  },
});
if (!['all', 'seeds', 'large'].includes(values.corpus)) throw new Error('--corpus is all, seeds or large');
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);

const SEED_QUERIES = ['Sky ECC', 'Ennetcom', 'Danny Manupassa', 'encrypted phones', 'police', 'EncroChat messages', '"Pretty Good Privacy"', 'cocaine Antwerp', 'Garssen', 'money laundering'];

interface Stats {
  count: number;
  seconds: number;
  latencies: number[];
}

const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });

/** Runs `concurrency` loops for `seconds`, each sending the next request of the mix. */
async function load(send: (i: number) => Promise<void>, concurrency: number, seconds: number): Promise<Stats> {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const i = n++;
        const t = performance.now();
        await send(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { count: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}


function merge(a: Stats, b: Stats): Stats {
  return { count: a.count + b.count, seconds: a.seconds + b.seconds, latencies: a.latencies.concat(b.latencies) };
}

/**
 * Meilisearch asked directly for the API's answer to a query (the hits with their text cropped and
 * marked), and asked exactly what the proxy asks it (the proxy cuts and marks the snippets itself).
 */
const DIRECT_BODIES = {
  direct: (q: string) => buildSearchRequest(parseSearchParams({ q }), { highlight: true }),
  upstream: (q: string) => buildSearchRequest(parseSearchParams({ q }), { highlight: needsMeiliHighlight(q) }),
};

async function compare(
  label: string,
  meiliUrl: string,
  key: string,
  index: string,
  proxyBase: string,
  queryAt: (i: number) => string,
  proxyCpuMs: () => number | null,
  {
    concurrencies = [1, 16],
    directs = ['direct', 'upstream'] as Array<keyof typeof DIRECT_BODIES>,
    access = null as AccessProxy | null,
  } = {},
) {
  const direct = (body: (q: string) => object) => async (i: number) => {
    const res = await request(`${meiliUrl}/indexes/${index}/search`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'accept-encoding': 'identity' },
      body: JSON.stringify(body(queryAt(i))),
    });
    await res.body.json();
    if (res.statusCode !== 200) throw new Error(`direct ${res.statusCode}`);
  };
  const api = (base: string, headers: Record<string, string> = {}) => async (i: number) => {
    const res = await request(`${base}/api/search?q=${encodeURIComponent(queryAt(i))}`, { dispatcher: agent, headers });
    await res.body.json();
    if (res.statusCode !== 200) throw new Error(`proxy ${res.statusCode}`);
  };
  // With access control: the same API with accounts and its audit trail, asked with a token and with a session.
  const guarded = access
    ? [
        { name: 'token', send: api(access.base, { authorization: `Bearer ${access.token}` }), cpuMs: access.cpuMs },
        { name: 'cookie', send: api(access.base, { cookie: access.cookie }), cpuMs: access.cpuMs },
      ]
    : [];
  const sides: Array<{ name: string; send: (i: number) => Promise<void>; cpuMs?: () => number | null }> = [
    ...directs.map((name) => ({ name, send: direct(DIRECT_BODIES[name]) })),
    ...guarded,
    { name: 'proxy', send: api(proxyBase), cpuMs: proxyCpuMs },
  ];
  for (const concurrency of concurrencies) {
    // Warm every side, then alternate rounds so drift affects all alike.
    for (const side of sides) await load(side.send, concurrency, 0.5);
    const stats = sides.map((): Stats => ({ count: 0, seconds: 0, latencies: [] }));
    const cpu = sides.map(() => 0);
    for (let r = 0; r < ROUNDS; r++) {
      // Every other round in reverse, so that no side always follows the same one.
      const order = [...sides.keys()];
      if (r % 2 === 1) order.reverse();
      for (const k of order) {
        const side = sides[k]!;
        const before = side.cpuMs?.() ?? null;
        stats[k] = merge(stats[k]!, await load(side.send, concurrency, SECONDS));
        const after = side.cpuMs?.() ?? null;
        if (before !== null && after !== null) cpu[k]! += after - before;
      }
    }
    const cpuPerRequest = (k: number) => (cpu[k]! * 1000) / stats[k]!.count;
    const qps = (s: Stats) => s.count / s.seconds;
    const p = stats[stats.length - 1]!;
    const row = (name: string, s: Stats) =>
      `  ${name.padEnd(8)} ${qps(s).toFixed(0).padStart(6)} req/s  p50 ${percentile(s.latencies, 50).toFixed(2)} ms  p99 ${percentile(s.latencies, 99).toFixed(2)} ms`;
    const added = (q: number, d: Stats) => {
      const ms = percentile(p.latencies, q) - percentile(d.latencies, q);
      return `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(2)} ms`;
    };
    const ratio = (name: string, d: Stats) =>
      `  proxy/${name.padEnd(8)} throughput ${(qps(p) / qps(d)).toFixed(2)}  p50 ${added(50, d)}  p99 ${added(99, d)}`;
    process.stdout.write(
      [
        `${label}, concurrency ${concurrency}`,
        ...sides.map((side, k) => row(side.name, stats[k]!)),
        ...directs.map((name, k) => ratio(name, stats[k]!)),
        ...guarded.map((side, k) => {
          const g = stats[directs.length + k]!;
          const added = (q: number) => percentile(g.latencies, q) - percentile(p.latencies, q);
          const ms = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(2)} ms`;
          return `  ${side.name.padEnd(6)}/proxy  throughput ${(qps(g) / qps(p)).toFixed(2)}  p50 ${ms(added(50))}  p99 ${ms(added(99))}`;
        }),
        ...sides.flatMap((side, k) => (cpu[k]! > 0 ? [`  ${side.name} CPU ${cpuPerRequest(k).toFixed(0)} µs a request`] : [])),
      ].join('\n') + '\n',
    );
  }
}


/** CPU time (user + system) a process has used, in ms, from /proc; null where there is no /proc. */
function cpuMsOf(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command name: utime and stime are fields 12 and 13 (0-based), in clock ticks (100 Hz).
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** The API with access control, and the credentials a reader asks it with. */
interface AccessProxy {
  base: string;
  token: string;
  cookie: string;
  /** The CPU time its process has used. */
  cpuMs: () => number | null;
}

/** An account made with `npm run users` (a token and a password), and its page session from the sign-in. */
async function withAccess(meiliUrl: string, key: string, index: string): Promise<AccessProxy & { stop: () => void }> {
  const dataDir = fs.mkdtempSync(path.join(tmp, 'access-'));
  const password = 'a passphrase for the benchmark';
  let token = '';
  let said = '';
  const io: CliIo = { stdout: (s) => void (token += s), stderr: (s) => void (said += s), readStdin: async () => password, promptHidden: async () => password };
  if ((await usersCli(['add', 'bench', '--role', 'reader', '--password-stdin'], io, { DATA_DIR: dataDir })) !== 0) throw new Error(`npm run users failed: ${said}`);
  const proxy = await startProxy(meiliUrl, key, index, { ACCESS_DATA_DIR: dataDir });
  const signIn = await request(`${proxy.base}/api/session`, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', password }) });
  await signIn.body.text();
  const setCookie = signIn.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0];
  if (signIn.statusCode !== 200 || !cookie) throw new Error(`sign-in failed: ${signIn.statusCode}`);
  return { base: proxy.base, token: token.trim(), cookie, stop: proxy.stop, cpuMs: proxy.cpuMs };
}

async function startProxy(meiliUrl: string, key: string, index: string, env: Record<string, string> = {}): Promise<{ base: string; stop: () => void; cpuMs: () => number | null }> {
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE_DIR] : [];
  // Through tsx, as `npm start` runs it (measured: the same figures as the compiled server).
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(projectRoot, 'scripts', 'bench', 'serve.ts')], {
    env: { ...process.env, MEILI_URL: meiliUrl, SEARCH_KEY: key, INDEX: index, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { base: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM'), cpuMs: () => cpuMsOf(child.pid) };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'citable-bench-api-'));
const meili = await EmbeddedMeilisearch.start({ dataDir: values.data ? path.resolve(values.data) : path.join(tmp, 'meili') });
const client = new Meilisearch({ host: meili.url, apiKey: meili.masterKey, timeout: 600_000 });
const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));
try {
  const corpora: Array<readonly [string, string, readonly string[]]> = [];
  if (values.data) {
    const passages = (await client.index(values.index).getStats()).numberOfDocuments;
    corpora.push([values.index, `${passages} passages (built by bench:index)`, REUTERS_QUERIES]);
  } else if (values.corpus !== 'large') {
    await runIndexJob(client, 'bench_seeds', settings, { roots: [path.join(projectRoot, 'seeds')] });
    corpora.push(['bench_seeds', 'seeds', SEED_QUERIES]);
  }
  if (!values.data && values.corpus !== 'seeds') {
    const corpus = path.join(tmp, 'reuters');
    fs.mkdirSync(corpus);
    writeReuters(corpus, Number(values.copies));
    const big = await runIndexJob(client, 'bench_large', settings, { roots: [corpus] });
    process.stdout.write(`large corpus: ${big.passages} passages from ${big.documents.indexed} documents\n`);
    corpora.push(['bench_large', `${big.passages} passages`, REUTERS_QUERIES]);
  }
  for (const [index, label, queries] of corpora) {
    const key = await ensureSearchKey(client, index);
    const proxy = await startProxy(meili.url, key, index);
    const access = values.access ? await withAccess(meili.url, key, index) : null;
    try {
      if (!values.questions) await compare(label, meili.url, key, index, proxy.base, (i) => queries[i % queries.length]!, proxy.cpuMs, { access });
      // Re-ranking: the same questions straight to Meilisearch (one search) against the API (term
      // statistics, per-term candidates, BM25). A counter word makes every question new, so the
      // API's short cache of ranked lists never answers.
      let seq = 0;
      await compare(`${label}, questions (re-ranked)`, meili.url, key, index, proxy.base, (i) => `${QUESTIONS[i % QUESTIONS.length]} n${seq++}`, proxy.cpuMs, { directs: ['direct'] });
    } finally {
      proxy.stop();
      access?.stop();
    }
  }
} finally {
  await agent.close();
  await meili.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
