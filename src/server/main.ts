import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Meilisearch } from 'meilisearch';
import { loadConfig, projectRoot, type Config } from '../config.js';
import { CitableError, errorCodeOf } from '../errors.js';
import type { JobNode } from '../indexing/indexer.js';
import { removeStaleSpillFolders } from '../indexing/spill-folders.js';
import { createLogger, type Logger } from '../log.js';
import { MeiliSearchClient, type SearchTarget } from '../meili/client.js';
import { ADMIN_TIMEOUT_MS, adminClient, connectMeilisearch, connectNodes, type MeiliConnection } from '../meili/connect.js';
import { EmbeddedMeilisearch, embeddedPaths, isHealthy, stopAllOwned } from '../meili/embedded.js';
import { ensureSearchKey } from '../meili/keys.js';
import { configureNetwork } from '../meili/nodes.js';
import { indexSettings, loadSynonyms } from '../meili/settings.js';
import { matchFinder, searchClients } from '../saved/alerts.js';
import { ensureSavedSearchKey, SavedSearchStore } from '../saved/store.js';
import { SearchBackend } from '../search/backend.js';
import { UsersStore } from '../accounts/users-store.js';
import { createApp } from './app.js';
import type { WorkflowDeps } from './workflow-routes.js';
import { AuditLog } from './audit/audit-log.js';
import { createAccess } from './auth/access.js';
import { accessProblem, isLoopbackHost } from './auth/access-policy.js';
import { indexJobs, startLockedJob } from './index-jobs.js';
import { passageReadiness } from './readiness.js';

/** In-flight requests get this long to finish on shutdown before their connections are closed. */
const DRAIN_TIMEOUT_MS = 10_000;
/** An embedded Meilisearch that exits this many times within RESTART_WINDOW_MS is given up on. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;
/** How often an attached (not owned) Meilisearch is checked, to take over if it disappears. */
const MONITOR_INTERVAL_MS = 2_000;

const SEEDS_DIR = path.join(projectRoot, 'seeds');
const WEB_ROOT = path.join(projectRoot, 'dist', 'web');

async function passageCount(client: JobNode['client'], index: string): Promise<number | null> {
  try {
    const stats = await client.index(index).getStats();
    return stats.numberOfDocuments;
  } catch {
    return null;
  }
}

/** Documents and passages in the index, over every node: each document's first passage stands for it. */
async function collectionSize(conns: readonly MeiliConnection[], index: string): Promise<{ documents: number; passages: number } | null> {
  try {
    const sizes = await Promise.all(
      conns.map(async (conn) => {
        const idx = adminClient(conn).index(index);
        const [docs, stats] = await Promise.all([idx.getDocuments({ filter: 'position = 0', limit: 1, fields: ['id'] }), idx.getStats()]);
        return { documents: docs.total, passages: stats.numberOfDocuments };
      }),
    );
    return { documents: sizes.reduce((s, x) => s + x.documents, 0), passages: sizes.reduce((s, x) => s + x.passages, 0) };
  } catch {
    return null;
  }
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** Indexes the seeds when the index is missing or empty (on every node), so a fresh start serves something. */
async function seedIfEmpty(nodes: readonly JobNode[], config: Config, logger: Logger): Promise<void> {
  const counts = await Promise.all(nodes.map((n) => passageCount(n.client, config.index)));
  if (counts.some((c) => c !== null && c > 0)) return;
  // The job lock keeps the seeding out of a job already filling the index, and that job out of it.
  let job: Awaited<ReturnType<typeof startLockedJob>>;
  try {
    job = await startLockedJob({ dataDir: config.dataDir, index: config.index, settings: indexSettings(config.synonymsFile), nodes: () => nodes }, { roots: [SEEDS_DIR] });
  } catch (err) {
    if (errorCodeOf(err) !== 'job_busy') throw err;
    logger.info({ reason: (err as Error).message }, 'index is empty, but an indexing job is filling it: not indexing the seeds');
    return;
  }
  logger.info({ seeds: SEEDS_DIR }, 'index is empty: indexing the seeds');
  const { summary } = await job.done;
  logger.info({ summary }, 'seeds indexed');
}

/**
 * Several nodes (MEILI_NODES): each gets a search-only key and knows the others as remotes, and
 * searches are federated over all of them. Returns the first node's connection (for health and
 * counts) and the search target.
 */
async function connectNetwork(config: Config, logger: Logger): Promise<{ conn: MeiliConnection; nodes: Array<MeiliConnection & { name: string }>; target: () => SearchTarget }> {
  const nodes = await connectNodes(config);
  await seedIfEmpty(nodes.map((n) => ({ name: n.name, client: adminClient(n) })), config, logger);
  const keys = await Promise.all(nodes.map((n) => ensureSearchKey(adminClient(n), config.index)));
  await configureNetwork(nodes.map((n, i) => ({ name: n.name, url: n.url, key: n.masterKey, admin: adminClient(n), searchKey: keys[i]! })));
  logger.info({ nodes: nodes.map((n) => n.url) }, 'Meilisearch nodes connected');
  const targets = nodes.map((n, i) => ({ name: n.name, url: n.url, key: keys[i]! }));
  return { conn: nodes[0]!, nodes, target: () => ({ url: nodes[0]!.url, key: keys[0]!, index: config.index, nodes: targets }) };
}

/**
 * Runs the service.
 *
 * 1. Validate the configuration; off loopback, refuse to start unless access is configured. Remove
 *    the spill folders of indexing jobs that were killed.
 * 2. Attach to or start Meilisearch (external with MEILI_URL, else embedded under DATA_DIR).
 * 3. Index the seeds if the index is empty; get a search-only key.
 * 4. Serve HTTP; watch Meilisearch and restart an embedded one that dies.
 * 5. On SIGINT/SIGTERM: stop accepting, drain in-flight requests, then stop Meilisearch.
 */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  const users = new UsersStore(config.dataDir);
  try {
    const problem = accessProblem(config.host, { accounts: users.hasAccounts(), proxyAuth: config.proxyAuth !== null });
    if (problem) throw new CitableError('invalid_config', problem);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const spills = removeStaleSpillFolders(os.tmpdir());
  if (spills.length > 0) logger.info({ removed: spills }, 'removed the spill folders of indexing jobs that were killed');
  const audit = new AuditLog(config.dataDir, { rotateBytes: config.auditRotateBytes });
  let shuttingDown = false;
  let server: Server | null = null;
  let conn: MeiliConnection;
  const restarts: number[] = [];

  const shutdown = async (code: number, reason: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    if (server) {
      const s = server;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      s.closeIdleConnections();
      const force = setTimeout(() => s.closeAllConnections(), DRAIN_TIMEOUT_MS);
      await closed;
      clearTimeout(force);
    }
    await backend?.close().catch(() => undefined);
    await workflowMeili?.close().catch(() => undefined);
    await conn?.embedded?.stop();
    // A restart may be under way, with an instance not yet handed to `conn`.
    await stopAllOwned();
    await audit.close().catch(() => undefined);
    logger.info('stopped');
    process.exit(code);
  };

  const onUnexpectedExit = (code: number | null, signal: NodeJS.Signals | null) => {
    if (shuttingDown) return;
    const now = Date.now();
    restarts.push(now);
    while (restarts.length > 0 && restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
    const log = embeddedPaths(config.dataDir).logFile;
    if (restarts.length > MAX_RESTARTS) {
      logger.fatal({ code, signal, log }, `embedded Meilisearch exited ${MAX_RESTARTS} times in a minute; giving up (see ${log})`);
      void shutdown(1, 'meilisearch keeps exiting');
      return;
    }
    logger.error({ code, signal, log }, 'embedded Meilisearch exited; restarting it');
    void restartEmbedded();
  };

  const restartEmbedded = async () => {
    const port = conn.embedded ? Number(new URL(conn.embedded.url).port) : undefined;
    try {
      const embedded = await EmbeddedMeilisearch.startOrAttach({
        dataDir: config.dataDir,
        port,
        maxIndexingThreads: config.maxIndexingThreads,
        maxIndexingMemory: config.maxIndexingMemory,
        onUnexpectedExit,
      });
      conn = { url: embedded.url, masterKey: embedded.masterKey, embedded };
      logger.info({ url: embedded.url, owned: embedded.owned }, 'Meilisearch is back');
    } catch (err) {
      logger.error({ err }, 'could not restart Meilisearch');
      setTimeout(() => onUnexpectedExit(null, null), 1_000);
    }
  };

  process.on('SIGINT', () => void shutdown(0, 'SIGINT'));
  process.on('SIGTERM', () => void shutdown(0, 'SIGTERM'));
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception');
    void shutdown(1, 'uncaught exception');
  });
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err }, 'unhandled rejection');
    void shutdown(1, 'unhandled rejection');
  });

  let backend: SearchBackend | null = null;
  /** Every node, when MEILI_NODES lists several (else empty: `conn` is the one Meilisearch). */
  let allNodes: Array<MeiliConnection & { name: string }> = [];
  let workflowMeili: MeiliSearchClient | null = null;
  let workflow: WorkflowDeps | undefined;
  /** The Meilisearch instances whose passages /readyz counts. */
  let counted: () => readonly MeiliConnection[] = () => [conn];
  try {
    let target: () => SearchTarget;
    if (config.meiliNodes.length > 0) {
      const network = await connectNetwork(config, logger);
      conn = network.conn;
      allNodes = network.nodes;
      target = network.target;
      counted = () => network.nodes;
    } else {
      conn = await connectMeilisearch(config, { onUnexpectedExit });
      logger.info({ url: conn.url, embedded: conn.embedded !== null, owned: conn.embedded?.owned ?? false }, 'Meilisearch connected');
      await seedIfEmpty([{ name: 'meilisearch', client: adminClient(conn) }], config, logger);
      const searchKey = await ensureSearchKey(adminClient(conn), config.index);
      target = () => ({ url: conn.url, key: searchKey, index: config.index });
    }
    backend = new SearchBackend(target, { synonyms: loadSynonyms(config.synonymsFile) });
    // Saved searches live on the (first) node; the workflow routes search as the API does.
    await SavedSearchStore.ensureIndex(adminClient(conn), config.index);
    const savedKey = await ensureSavedSearchKey(adminClient(conn), config.index);
    workflowMeili = new MeiliSearchClient(target);
    workflow = {
      meili: workflowMeili,
      saved: {
        store: new SavedSearchStore(new Meilisearch({ host: conn.url, apiKey: savedKey, timeout: ADMIN_TIMEOUT_MS }), config.index),
        // Matches are read from every node, as the indexing job's check reads them.
        find: matchFinder(searchClients(target(), ADMIN_TIMEOUT_MS), config.index),
      },
    };
  } catch (err) {
    const message = err instanceof CitableError ? err.message : (err as Error).stack;
    logger.fatal({ err }, 'could not start');
    process.stderr.write(`error: ${message}\n`);
    await shutdown(2, 'start-up failed');
    return;
  }
  const search = backend;

  const readiness = () => passageReadiness(counted(), config.index);

  // An attached instance belongs to another process; if it goes away, start our own.
  setInterval(() => {
    if (shuttingDown || !conn.embedded || conn.embedded.owned) return;
    void isHealthy(conn.url).then((ok) => {
      if (!ok && !shuttingDown) void restartEmbedded();
    });
  }, MONITOR_INTERVAL_MS).unref();

  const app = createApp({
    search,
    readiness,
    logger,
    corsOrigins: config.corsOrigins,
    rateLimitPerMinute: config.rateLimitPerMinute,
    webRoot: WEB_ROOT,
    workflow,
    indexing: indexJobs({
      dataDir: config.dataDir,
      index: config.index,
      settings: indexSettings(config.synonymsFile),
      roots: config.indexRoots,
      // The same node names as the CLI's jobs: routing hashes them.
      nodes: () => (allNodes.length > 0 ? allNodes : [{ ...conn, name: 'meilisearch' }]).map((c) => ({ name: c.name, client: adminClient(c) })),
      logger,
    }),
    logQueries: config.logQueries,
    access: createAccess({ store: users, loopback: isLoopbackHost(config.host), proxyAuth: config.proxyAuth, trustProxy: config.trustProxy, audit }),
  });
  const accessMode = [users.hasAccounts() ? 'accounts and API tokens' : null, config.proxyAuth ? `single-sign-on header ${config.proxyAuth.header}` : null].filter(Boolean);
  logger.info({ access: accessMode.length ? accessMode : 'open (loopback, nothing configured)', audit: audit.file }, 'access control');
  server = app.listen(config.port, config.host, () => {
    const addr = server?.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.port;
    // A wildcard address is not one a browser can open.
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}/`;
    void collectionSize(allNodes.length > 0 ? allNodes : [conn], config.index).then((size) => {
      const held = size ? `${plural(size.documents, 'document')} and ${plural(size.passages, 'passage')} indexed` : 'the index could not be counted';
      logger.info({ url, documents: size?.documents ?? null, passages: size?.passages ?? null }, `Citable is ready: open ${url} in a browser (${held})`);
    });
  });
  server.on('error', (err) => {
    logger.fatal({ err }, `cannot listen on ${config.host}:${config.port}`);
    void shutdown(2, 'listen failed');
  });
}

await main();
