import type { Meilisearch } from 'meilisearch';
import { Command, InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, type Config } from '../config.js';
import { CitableError, errorCodeOf, IndexWriteError, type ErrorCode } from '../errors.js';
import { adminClient, connectMeilisearch, connectNodes, type MeiliConnection } from '../meili/connect.js';
import { indexSettings } from '../meili/settings.js';
import { runIndexJob, type JobNode } from './indexer.js';
import { acquireJobLock, describeHolder, type JobLock } from './job-lock.js';
import { removeStrayRebuilds } from './stray.js';
import { describeFlag, formatReport, retentionLine } from './loss-report.js';
import { BoundedIngest } from './bounded-ingest.js';
import { DEFAULT_MAX_FILE_BYTES, ingestRoots } from './read-files.js';

/** Exit codes of `npm run index`, for scripts and schedulers. */
export const EXIT = { ok: 0, someFailed: 1, usage: 2, fault: 3, busy: 75 } as const;

/**
 * The exit code of a job that ended in an error: the one place where error codes become exit
 * codes. What the user can fix (the command, the configuration, an unreachable Meilisearch) is
 * usage; a failed Meilisearch task leaves files unindexed; anything else is a fault of Citable.
 */
export const EXIT_CODE_OF: Readonly<Record<ErrorCode, number>> = {
  invalid_config: EXIT.usage,
  search_unavailable: EXIT.usage,
  task_failed: EXIT.someFailed,
  ingest_failed: EXIT.someFailed,
  file_too_large: EXIT.someFailed,
  // EX_TEMPFAIL of sysexits.h: schedulers read it as "try again later".
  job_busy: EXIT.busy,
  search_rejected: EXIT.fault,
  invalid_parameter: EXIT.fault,
  bad_request: EXIT.fault,
  not_found: EXIT.fault,
  document_not_found: EXIT.fault,
  passage_not_found: EXIT.fault,
  saved_search_not_found: EXIT.fault,
  payload_too_large: EXIT.fault,
  unsupported_media_type: EXIT.fault,
  passage_gone: EXIT.fault,
  uri_too_long: EXIT.fault,
  headers_too_large: EXIT.fault,
  request_timeout: EXIT.fault,
  malformed_request: EXIT.fault,
  method_not_allowed: EXIT.fault,
  unauthorized: EXIT.fault,
  forbidden: EXIT.fault,
  too_many_attempts: EXIT.fault,
  rate_limited: EXIT.fault,
  not_ready: EXIT.fault,
  internal_error: EXIT.fault,
};

function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(v.trim());
  if (!m) throw new InvalidArgumentError('expected a size such as 20MB, 512kb or 1048576');
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * mult);
}

/** `--wait` alone waits as long as it takes; `--wait 600` at most ten minutes. */
function parseWait(v: string | undefined): number {
  if (v === undefined) return Infinity;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a number of seconds');
  return n * 1000;
}

function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

interface CliOptions {
  rebuild: boolean;
  dryRun: boolean;
  ndjson: boolean;
  json: boolean;
  report: boolean;
  maxFileSize: number;
  maxIndexingThreads?: number;
  index?: string;
  /** Milliseconds to wait for another job on the same index; true (no value) is as long as it takes. */
  wait?: number | true;
}

function program(): Command {
  return new Command('index')
    .description('Clean documents into passages and index them in Meilisearch.')
    .argument('[paths...]', 'files or folders to index', ['seeds'])
    .option('--rebuild', 'fill a fresh index and swap it in atomically instead of updating in place', false)
    .option('--dry-run', 'clean and split the documents but send nothing to Meilisearch', false)
    .option('--ndjson', 'with --dry-run: print each passage record on its own line, as it would be sent', false)
    .option('--json', 'print one summary object on stdout', false)
    .option('--report', 'with --dry-run: print, for each document, the words it came with and kept, and flag heavy losses of prose', false)
    .option('--max-file-size <size>', 'skip files larger than this (e.g. 20MB)', parseSize, DEFAULT_MAX_FILE_BYTES)
    .option('--max-indexing-threads <n>', 'threads an embedded Meilisearch started for this job may index with', parsePositive)
    .option('--index <uid>', 'index name (default: INDEX, or "passages")')
    .option('--wait [seconds]', 'when another job is indexing the same index, wait for it (at most this long) instead of exiting with code 75', parseWait)
    .addHelpText(
      'after',
      '\nExit codes: 0 all indexed; 1 some files failed (the rest were indexed); 2 usage or configuration error, or Meilisearch unreachable; 3 an internal fault; ' +
        '75 another job is indexing the same index (try again later, or use --wait); 130 and 143 interrupted by SIGINT and SIGTERM.\n' +
        'Meilisearch: MEILI_URL and MEILI_MASTER_KEY, else the embedded instance under DATA_DIR (attached to when the service runs).',
    )
    .exitOverride();
}

function progressBar(): ((e: { phase: string; done: number; total: number }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{phase} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  return (e) => {
    if (e.phase !== phase) {
      if (phase) bar.stop();
      phase = e.phase;
      bar.start(e.total, e.done, { phase: e.phase });
    } else bar.update(e.done);
    if (e.done >= e.total) bar.stop();
  };
}

/**
 * Work that follows every indexing job (the entry point composes it; see scripts/index.ts): its
 * summary joins the job's, its lines join the job's report.
 */
export type AfterJob = (clients: readonly Meilisearch[], index: string) => Promise<{ summary: Record<string, unknown>; lines: string[] }>;

/** Runs the CLI and returns its exit code. */
export async function main(argv: string[], afterJob?: AfterJob): Promise<number> {
  const cmd = program();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return EXIT.ok;
    return EXIT.usage;
  }
  const opts = cmd.opts<CliOptions>();
  const roots = cmd.processedArgs[0] as string[];
  if ((opts.ndjson || opts.report) && !opts.dryRun) {
    process.stderr.write(`error: ${opts.ndjson ? '--ndjson' : '--report'} goes with --dry-run\n`);
    return EXIT.usage;
  }

  // The readers' workers load while the job starts Meilisearch and lists the files.
  const reader = new BoundedIngest().warm();
  try {
    return await runJob(opts, roots, reader, afterJob);
  } finally {
    await reader.close();
  }
}

async function runJob(opts: CliOptions, roots: string[], reader: BoundedIngest, afterJob?: AfterJob): Promise<number> {
  if (opts.dryRun) {
    const { ingested, failures } = await ingestRoots(roots, { maxFileBytes: opts.maxFileSize, reader });
    const passages = ingested.reduce((n, f) => n + f.records.length, 0);
    if (opts.ndjson) {
      // A reader that stops early (`| head`) closes the pipe: that ends the output, not in a crash.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
        process.exit(EXIT.ok);
      });
      for (const f of ingested) for (const r of f.records) process.stdout.write(`${JSON.stringify(r)}\n`);
    }
    for (const f of failures) process.stderr.write(`failed: ${f.file}: ${f.error}\n`);
    // A dry run cleans every file, so each has its retention.
    const lines = ingested.map((f) => retentionLine(f.file.path, f.docId, f.retention!));
    const flagged = lines.filter((l) => l.flagged).map(({ flagged: _, ...flag }) => flag);
    const summary = {
      documents: { indexed: ingested.length, unchanged: 0, removed: 0, failed: failures.length },
      passages,
      failures,
      flagged,
      ...(opts.report ? { report: lines } : {}),
      tookMs: 0,
    };
    if (opts.json && !opts.ndjson) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else if (!opts.ndjson) {
      if (opts.report) process.stdout.write(formatReport(lines));
      for (const f of flagged) process.stderr.write(`${describeFlag(f)}\n`);
      process.stderr.write(`dry run: ${ingested.length} documents, ${passages} passages, ${failures.length} failed, ${flagged.length} flagged\n`);
    }
    return failures.length > 0 ? EXIT.someFailed : EXIT.ok;
  }

  let conn: MeiliConnection | null = null;
  let lock: JobLock | null = null;
  // SIGTERM and SIGINT stop the job, and the Meilisearch it started, before the process ends; a
  // stopped job leaves what it had sent for the next one to complete.
  const interrupt = (signal: NodeJS.Signals) => {
    process.stderr.write(`interrupted by ${signal}: stopping\n`);
    void (async () => {
      await conn?.embedded?.stop().catch(() => undefined);
      lock?.release();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    })();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    const config = loadConfig();
    if (opts.maxIndexingThreads) config.maxIndexingThreads = opts.maxIndexingThreads;
    const index = opts.index ?? config.index;
    const waitMs = opts.wait === true ? Infinity : (opts.wait ?? 0);
    const deadline = Date.now() + waitMs;
    const onWait = (what: string) => process.stderr.write(`waiting for ${what} to finish…\n`);
    lock = await acquireJobLock(config.dataDir, index, { waitMs, onWait: (h) => onWait(`the indexing job of ${describeHolder(h)}`) });
    let nodes: JobNode[];
    if (config.meiliNodes.length > 0) nodes = (await connectNodes(config)).map((n) => ({ name: n.name, client: adminClient(n) }));
    else {
      conn = await connectAsJob(config, deadline, () => onWait('the indexing job that runs the embedded Meilisearch'));
      nodes = [{ name: 'meilisearch', client: adminClient(conn) }];
    }
    for (const n of nodes) {
      for (const uid of await removeStrayRebuilds(n.client, index)) {
        process.stderr.write(`removed ${uid}, left by an interrupted rebuild${nodes.length > 1 ? ` on ${n.name}` : ''}\n`);
      }
    }
    const summary = await runIndexJob(nodes, index, indexSettings(config.synonymsFile), {
      roots,
      rebuild: opts.rebuild,
      maxFileBytes: opts.maxFileSize,
      reader,
      onProgress: opts.json ? undefined : progressBar(),
    });
    let after: Awaited<ReturnType<AfterJob>> = { summary: {}, lines: [] };
    if (afterJob) {
      // What follows the job never undoes it: a failure here is reported, and the job stands.
      after = await afterJob(nodes.map((n) => n.client), index).catch((err: unknown) => ({ summary: {}, lines: [`warning: ${(err as Error).message}`] }));
    }
    if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, ...after.summary })}\n`);
    else {
      const d = summary.documents;
      process.stderr.write(
        `indexed ${d.indexed}, unchanged ${d.unchanged}, removed ${d.removed}, failed ${d.failed}, flagged ${summary.flagged.length}; ${summary.passages} passages in ${summary.tookMs} ms\n`,
      );
      for (const f of summary.failures) process.stderr.write(`failed: ${f.file}: ${f.error}\n`);
      for (const f of summary.flagged) process.stderr.write(`${describeFlag(f)}\n`);
    }
    for (const line of after.lines) if (!opts.json || line.startsWith('warning:')) process.stderr.write(`${line}\n`);
    if (summary.failures.length > 0) return EXIT.someFailed;
    if (d0(summary)) {
      process.stderr.write('error: no documents found under the given paths\n');
      return EXIT.someFailed;
    }
    return EXIT.ok;
  } catch (err) {
    const e = err as Error;
    process.stderr.write(`error: ${e instanceof CitableError ? e.message : e.stack ?? e.message}\n`);
    // A script reading --json gets the failure as an object too: its code, and for a write
    // Meilisearch refused, the index, the batch and Meilisearch's own code.
    if (opts.json) {
      const where = e instanceof IndexWriteError ? { index: e.index, batch: e.batch, meiliCode: e.meiliCode } : {};
      process.stdout.write(`${JSON.stringify({ error: { code: errorCodeOf(e), ...where, message: e.message } })}\n`);
    }
    return EXIT_CODE_OF[errorCodeOf(e)];
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await conn?.embedded?.stop();
    lock?.release();
  }
}

/**
 * Connects as an indexing job: to the service's Meilisearch if it runs, else to one started for this
 * job. While another job runs the embedded Meilisearch of DATA_DIR, waits for it until `deadline`.
 */
async function connectAsJob(config: Config, deadline: number, onWait: () => void): Promise<MeiliConnection> {
  let told = false;
  for (;;) {
    try {
      return await connectMeilisearch(config, { role: 'job' });
    } catch (err) {
      if (errorCodeOf(err) !== 'job_busy' || Date.now() >= deadline) throw err;
      if (!told) onWait();
      told = true;
      await sleep(Math.min(1_000, Math.max(1, deadline - Date.now())));
    }
  }
}

function d0(s: { documents: { indexed: number; unchanged: number } }): boolean {
  return s.documents.indexed + s.documents.unchanged === 0;
}
