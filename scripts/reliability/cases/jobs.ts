import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Meilisearch } from 'meilisearch';
import { lockPath } from '../../../src/indexing/job-lock.js';
import { EmbeddedMeilisearch, embeddedPaths, pidAlive } from '../../../src/meili/embedded.js';
import { termsIndexOf } from '../../../src/meili/indexes.js';
import { CORPUS_RECORD_ID, type TermRecord } from '../../../src/terms/schema.js';
import { embeddedEnv, meiliPid, n, reutersCorpus, runIndexCli, startIndexCli, until, type CaseContext, type ReliabilityCase } from '../harness.js';

/** Stories in the corpus the job cases index: enough that a job can be stopped half-way. */
const CORPUS_STORIES = 1_500;
const INDEX = 'passages';

interface IndexState {
  passages: number;
  documents: number;
  /** The terms' corpus record: its passage count and whether a job left it pending. */
  df: number | null;
  pending: boolean;
}

/** What the index of an embedded DATA_DIR holds, read by a Meilisearch started for the purpose. */
async function inspect(dataDir: string, index = INDEX): Promise<IndexState> {
  const meili = await EmbeddedMeilisearch.start({ dataDir });
  try {
    return await stateOf(new Meilisearch({ host: meili.url, apiKey: meili.masterKey }), index);
  } finally {
    await meili.stop();
  }
}

async function stateOf(client: Meilisearch, index: string): Promise<IndexState> {
  const idx = client.index(index);
  const [stats, firsts, corpus] = await Promise.all([
    idx.getStats(),
    idx.getDocuments({ filter: 'position = 0', limit: 1, fields: ['id'] }),
    client.index<TermRecord>(termsIndexOf(index)).getDocuments({ filter: `id = "${CORPUS_RECORD_ID}"`, limit: 1 }),
  ]);
  const c = corpus.results[0];
  return { passages: stats.numberOfDocuments, documents: firsts.total, df: c?.df ?? null, pending: c?.pending === true || (c?.postings ?? 0) === 0 };
}

const same = (a: IndexState, b: IndexState) => a.passages === b.passages && a.documents === b.documents && a.df === b.df && !a.pending;
const describe = (s: IndexState) => `${n(s.documents)} documents, ${n(s.passages)} passages, df ${s.df === null ? '–' : n(s.df)}${s.pending ? ', statistics pending' : ''}`;

let corpus: Promise<{ dir: string; reference: IndexState }> | null = null;

/** The corpus, and what a job that runs undisturbed makes of it (computed once). */
function reference(ctx: CaseContext): Promise<{ dir: string; reference: IndexState }> {
  corpus ??= (async () => {
    const dir = reutersCorpus(path.join(ctx.work, '..', 'reuters'), CORPUS_STORIES);
    const dataDir = path.join(ctx.work, '..', 'reference-data');
    const run = await runIndexCli(['--json', dir], embeddedEnv(dataDir));
    if (run.code !== 0) throw new Error(`the reference job failed (${run.code}): ${run.stderr.slice(-500)}`);
    return { dir, reference: await inspect(dataDir) };
  })();
  return corpus;
}

/** Waits until the job's own Meilisearch holds some passages: the job is under way. */
async function underWay(dataDir: string, total: number): Promise<number> {
  let held = 0;
  await until(async () => {
    const pid = meiliPid(dataDir);
    if (pid === null) return false;
    try {
      const state = JSON.parse(fs.readFileSync(embeddedPaths(dataDir).stateFile, 'utf8')) as { url: string };
      const key = fs.readFileSync(embeddedPaths(dataDir).keyFile, 'utf8').trim();
      held = (await new Meilisearch({ host: state.url, apiKey: key, timeout: 1_000 }).index(INDEX).getStats()).numberOfDocuments;
      return held > 0 && held < total;
    } catch {
      return false;
    }
  }, 300_000, 'the job to have sent some passages');
  return held;
}

/** The spill folders (term statistics on disk) a job process has left in the OS temporary folder. */
const spillFoldersOf = (pid: number) => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(`citable-terms-p${pid}s`)).length;

function interrupted(signal: 'SIGTERM' | 'SIGKILL'): ReliabilityCase {
  return {
    name: `job-${signal.toLowerCase()}-then-rerun`,
    async run(ctx) {
      const { dir, reference: ref } = await reference(ctx);
      const dataDir = path.join(ctx.work, 'data');
      const env = embeddedEnv(dataDir);
      const job = startIndexCli(['--json', dir], env);
      const held = await underWay(dataDir, ref.passages);
      const pid = meiliPid(dataDir)!;
      const killed = Date.now();
      job.child.kill(signal);
      const end = await job.done;
      const exitedMs = Date.now() - killed;
      await until(() => !pidAlive(pid), 30_000, 'the job’s Meilisearch to stop');
      const goneMs = Date.now() - killed;
      const lockLeft = fs.existsSync(lockPath(dataDir, INDEX));
      const spillLeft = spillFoldersOf(job.child.pid!);
      const rerun = await runIndexCli(['--json', dir], env);
      const spillAfterRerun = spillFoldersOf(job.child.pid!);
      const summary = rerun.code === 0 ? (JSON.parse(rerun.stdout) as { documents: { indexed: number; unchanged: number } }) : null;
      const after = await inspect(dataDir);
      const leftAfterRerun = meiliPid(dataDir) !== null && pidAlive(meiliPid(dataDir)!);
      const exitOk = signal === 'SIGTERM' ? end.code === 143 : end.signal === 'SIGKILL';
      return {
        ok: exitOk && rerun.code === 0 && same(after, ref) && !leftAfterRerun && spillAfterRerun === 0,
        figures:
          `${signal} after ${n(held)} of ${n(ref.passages)} passages sent: exit ${end.code ?? end.signal} after ${(exitedMs / 1000).toFixed(1)} s, its Meilisearch gone after ${(goneMs / 1000).toFixed(1)} s, ` +
          `lock ${lockLeft ? 'left, stale' : 'released'}, spill folders left ${spillLeft}; re-run exit ${rerun.code} (${summary ? `${n(summary.documents.indexed)} indexed, ${n(summary.documents.unchanged)} unchanged` : rerun.stderr.slice(-200)}) in ${(rerun.ms / 1000).toFixed(1)} s; ` +
          `index ${describe(after)} against ${describe(ref)} undisturbed; processes left: ${leftAfterRerun ? 'Meilisearch' : 'none'}, spill folders left ${spillAfterRerun}`,
      };
    },
  };
}

export const jobSigterm = interrupted('SIGTERM');
export const jobSigkill = interrupted('SIGKILL');

/** Three jobs at once on the same data: one runs, one is turned away at once, one waits its turn. */
export const twoJobs: ReliabilityCase = {
  name: 'jobs-at-once',
  async run(ctx) {
    const { dir, reference: ref } = await reference(ctx);
    const dataDir = path.join(ctx.work, 'data');
    const env = embeddedEnv(dataDir);
    const a = startIndexCli(['--json', dir], env);
    await new Promise((r) => setTimeout(r, 300));
    const b = startIndexCli(['--json', dir], env);
    await new Promise((r) => setTimeout(r, 300));
    const c = startIndexCli(['--json', '--wait', '600', dir], env);
    const [ra, rb, rc] = await Promise.all([a.done, b.done, c.done]);
    const firstTwo = [ra.code, rb.code].sort();
    const turnedAway = [ra, rb].find((r) => r.code === 75);
    const after = await inspect(dataDir);
    const ok = firstTwo[0] === 0 && firstTwo[1] === 75 && rc.code === 0 && same(after, ref) && /another indexing job/.test(turnedAway?.stderr ?? '');
    return {
      ok,
      figures:
        `exits ${ra.code}, ${rb.code} (0.3 s later) and ${rc.code} (--wait, 0.6 s later) in ${(ra.ms / 1000).toFixed(1)}, ${(rb.ms / 1000).toFixed(1)} and ${(rc.ms / 1000).toFixed(1)} s; ` +
        `turned away with "${(turnedAway?.stderr ?? '').trim().split('\n').pop()?.slice(0, 110)}"; index ${describe(after)}`,
    };
  },
};

/**
 * A rebuild killed half-way while the service serves: the old index keeps serving, and the next job
 * removes the temporary indexes the dead one left.
 */
export const rebuildKilled: ReliabilityCase = {
  name: 'rebuild-killed',
  async run(ctx) {
    const { dir } = await reference(ctx);
    const index = 'rebuilt';
    const { service } = ctx;
    const env = embeddedEnv(service.dataDir, { INDEX: index });
    const first = await runIndexCli(['--json', dir], env);
    if (first.code !== 0) return { ok: false, figures: `the first job failed: ${first.stderr.slice(-300)}` };
    const state = JSON.parse(fs.readFileSync(embeddedPaths(service.dataDir).stateFile, 'utf8')) as { url: string };
    const client = new Meilisearch({ host: state.url, apiKey: fs.readFileSync(embeddedPaths(service.dataDir).keyFile, 'utf8').trim() });
    const before = await stateOf(client, index);
    const strays = async () => (await client.getIndexes({ limit: 1_000 })).results.map((i) => i.uid).filter((u) => u.startsWith(`${index}__rebuild_`));
    const rebuild = startIndexCli(['--json', '--rebuild', dir], env);
    let strayHeld = 0;
    await until(async () => {
      const s = (await strays()).filter((u) => !u.endsWith('__terms'));
      if (s.length === 0) return false;
      strayHeld = (await client.index(s[0]!).getStats()).numberOfDocuments;
      return strayHeld > 0;
    }, 300_000, 'the rebuild to fill its temporary index');
    rebuild.child.kill('SIGKILL');
    await rebuild.done;
    const during = await stateOf(client, index);
    const left = await strays();
    const serving = await fetch(`${service.url}/readyz`).then((r) => r.status);
    const next = await runIndexCli(['--json', dir], env);
    const afterwards = await strays();
    const removedLines = next.stderr.split('\n').filter((l) => l.includes('left by an interrupted rebuild')).length;
    return {
      ok: during.passages === before.passages && left.length > 0 && next.code === 0 && afterwards.length === 0 && serving === 200,
      figures:
        `killed with ${n(strayHeld)} passages in ${left.filter((u) => !u.endsWith('__terms'))[0]}; old index still ${n(during.passages)} passages (${n(before.passages)} before), /readyz ${serving}; ` +
        `${left.length} temporary indexes left, the next job (exit ${next.code}) removed ${removedLines}, ${afterwards.length} remain`,
    };
  },
};
