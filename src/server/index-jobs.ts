import { randomUUID } from 'node:crypto';
import type { Settings } from 'meilisearch';
import { z } from 'zod';
import { CitableError, errorCodeOf, JobBusyError } from '../errors.js';
import { runIndexJob, type IndexSummary, type JobNode } from '../indexing/indexer.js';
import { acquireJobLock } from '../indexing/job-lock.js';
import { removeStrayRebuilds } from '../indexing/stray.js';
import type { Logger } from '../log.js';
import { afterIndexJob } from '../saved/alerts.js';

/** The body of `POST /api/index`: nothing, or whether to rebuild. The folders are never the request's. */
export const indexJobBodySchema = z.strictObject({
  rebuild: z.boolean().default(false).meta({ description: 'Fill a fresh index and swap it in, as `npm run index -- --rebuild`.' }),
});

const jobSummarySchema = z
  .looseObject({
    documents: z.strictObject({ indexed: z.int(), unchanged: z.int(), removed: z.int(), failed: z.int() }),
    passages: z.int(),
    failures: z.array(z.object({ file: z.string(), error: z.string(), code: z.string() })),
    tookMs: z.number(),
  })
  .meta({ description: 'As `npm run index -- --json` prints it.' });

/** One indexing job the service ran, as `GET /api/index` shows it. */
export const indexJobStatusSchema = z.strictObject({
  id: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  rebuild: z.boolean(),
  roots: z.array(z.string()),
  startedBy: z.string().nullable().meta({ description: 'The account that started it; null when access is open.' }),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  summary: jobSummarySchema.nullable().meta({ description: 'Null until the job ends well.' }),
  removedStrayIndexes: z.array(z.string()).meta({ description: 'Temporary indexes of a killed rebuild that the job removed first.' }),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** What both `/api/index` routes answer: the last job started over HTTP, or null before the first. */
export const indexJobAnswerSchema = z.strictObject({ job: indexJobStatusSchema.nullable() });

export type IndexJobStatus = z.output<typeof indexJobStatusSchema>;

export interface LockedJobDeps {
  dataDir: string;
  index: string;
  settings: Settings;
  /** The nodes to write to, asked at the job's start (an embedded Meilisearch may have been restarted). */
  nodes: () => readonly JobNode[];
}

/**
 * The indexing job as the CLI runs it, under the index's job lock (taken without waiting: a busy
 * index is a JobBusyError at once). Returns the running job's promise once the lock is held.
 * Temporary indexes of a rebuild that died are removed first; saved searches are checked after.
 */
export async function startLockedJob(
  deps: LockedJobDeps,
  opts: { roots: readonly string[]; rebuild?: boolean },
): Promise<{ done: Promise<{ summary: IndexSummary & Record<string, unknown>; removed: string[] }> }> {
  const lock = await acquireJobLock(deps.dataDir, deps.index);
  const run = async () => {
    try {
      const nodes = deps.nodes();
      const removed: string[] = [];
      for (const n of nodes) removed.push(...(await removeStrayRebuilds(n.client, deps.index)));
      const summary = await runIndexJob(nodes, deps.index, deps.settings, { roots: opts.roots, rebuild: opts.rebuild });
      // What follows the job never undoes it (as in the CLI).
      const after = await afterIndexJob(nodes.map((n) => n.client), deps.index).catch(() => ({ summary: {} }));
      return { summary: { ...summary, ...after.summary }, removed };
    } finally {
      lock.release();
    }
  };
  return { done: run() };
}

/** The jobs an editor starts with `POST /api/index`: on the configured roots, one at a time. */
export interface IndexJobs {
  /** Starts a job; a JobBusyError when a job (this service's or the CLI's) holds the index. */
  start(opts: { rebuild: boolean; startedBy: string | null }): Promise<IndexJobStatus>;
  /** The last job started here, running or ended; null before the first. */
  last(): IndexJobStatus | null;
}

/**
 * Indexing over HTTP. `roots` empty (INDEX_ROOTS unset) leaves it off: every start is refused with
 * the setting to use, and indexing stays with `npm run index`.
 */
export function indexJobs(deps: LockedJobDeps & { roots: readonly string[]; logger?: Logger }): IndexJobs {
  let last: IndexJobStatus | null = null;
  return {
    last: () => (last ? structuredClone(last) : null),
    async start({ rebuild, startedBy }) {
      if (deps.roots.length === 0) {
        throw new CitableError('not_found', 'Indexing over HTTP is not set up on this service: set INDEX_ROOTS to the folders it indexes, or run `npm run index`.');
      }
      const { done } = await startLockedJob(deps, { roots: deps.roots, rebuild }).catch((err: unknown) => {
        // The lock's message ends with the CLI's way to wait; over HTTP, the client tries again.
        if (errorCodeOf(err) !== 'job_busy') throw err;
        throw new JobBusyError(`${(err as Error).message.split('; ')[0]}; try again when it has finished`, { cause: err });
      });
      const job: IndexJobStatus = {
        id: randomUUID(),
        state: 'running',
        rebuild,
        roots: [...deps.roots],
        startedBy,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        summary: null,
        removedStrayIndexes: [],
        error: null,
      };
      last = job;
      deps.logger?.info({ job: job.id, roots: job.roots, rebuild, startedBy }, 'indexing job started over HTTP');
      done.then(
        ({ summary, removed }) => {
          Object.assign(job, { state: 'done', summary, removedStrayIndexes: removed, finishedAt: new Date().toISOString() });
          deps.logger?.info({ job: job.id, documents: summary.documents, passages: summary.passages }, 'indexing job done');
        },
        (err: unknown) => {
          Object.assign(job, { state: 'failed', error: { code: errorCodeOf(err), message: (err as Error).message }, finishedAt: new Date().toISOString() });
          deps.logger?.error({ job: job.id, err }, 'indexing job failed');
        },
      );
      return structuredClone(job);
    },
  };
}
