import fs from 'node:fs';
import path from 'node:path';
import { embeddedEnv, n, runIndexCli, type CaseContext, type CaseResult, type ReliabilityCase } from '../harness.js';

/** A normal document beside each hostile one: the job must still index it. */
const CONTROL =
  'Phones taken down\n\nInvestigators said the encrypted phone network had been used by thousands of people, and that its messages were read for months before the arrests across Europe.\n\n' +
  'The company that sold the phones denied that it knew who its customers were, and said it would appeal against the ruling.\n';

interface JobSummary {
  documents: { indexed: number; failed: number };
  passages: number;
  failures: Array<{ file: string; error: string }>;
}

/**
 * Indexes a folder holding the hostile file and a control document, into the service's
 * Meilisearch (or only cleans it, with --dry-run), and reports what became of each.
 */
async function indexFolder(ctx: CaseContext, files: (dir: string) => void, opts: { dryRun?: boolean; index?: string } = {}) {
  const dir = path.join(ctx.work, 'docs');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'control.txt'), CONTROL);
  files(dir);
  const args = ['--json', ...(opts.dryRun ? ['--dry-run'] : []), dir];
  const run = await runIndexCli(args, embeddedEnv(ctx.service.dataDir, { INDEX: opts.index ?? `hostile-${path.basename(ctx.work)}` }), 600_000);
  let summary: JobSummary | null = null;
  try {
    summary = JSON.parse(run.stdout) as JobSummary;
  } catch {
    /* reported below */
  }
  return { run, summary };
}

function result(run: { code: number | null; ms: number; stderr: string }, summary: JobSummary | null, expect: { failed: string | null }): CaseResult {
  if (!summary) return { ok: false, figures: `exit ${run.code}, no summary: ${run.stderr.slice(-300)}` };
  const failure = summary.failures[0];
  const ok = expect.failed === null ? summary.failures.length === 0 && summary.documents.indexed === 2 : summary.failures.length === 1 && new RegExp(expect.failed).test(failure!.error) && summary.documents.indexed === 1;
  return {
    ok,
    figures:
      `job ${(run.ms / 1000).toFixed(1)} s, exit ${run.code}: ${summary.documents.indexed} documents indexed (control included), ${n(summary.passages)} passages` +
      (failure ? `, failed: ${path.basename(failure.file)}: ${failure.error}` : ', no failure'),
  };
}

function prose(words: number, seed: number): string {
  const vocab = ['the', 'police', 'said', 'network', 'phones', 'of', 'and', 'messages', 'were', 'read', 'by', 'investigators', 'in', 'a', 'for', 'months', 'Europe', 'servers', 'company', 'users'];
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    out.push(vocab[x % vocab.length]!);
  }
  return out.join(' ');
}

export const bigText: ReliabilityCase = {
  name: 'hostile-19mb-text',
  async run(ctx) {
    const { run, summary } = await indexFolder(
      ctx,
      (dir) => {
        const paragraphs: string[] = ['A long report'];
        let size = 0;
        for (let i = 0; size < 19 * 1024 * 1024; i++) {
          const p = `${prose(40 + (i % 80), i)}.`;
          paragraphs.push(p);
          size += p.length + 2;
        }
        fs.writeFileSync(path.join(dir, 'report.txt'), paragraphs.join('\n\n'));
      },
      { dryRun: true },
    );
    return result(run, summary, { failed: null });
  },
};

export const manyParagraphs: ReliabilityCase = {
  name: 'hostile-200k-paragraphs',
  async run(ctx) {
    const { run, summary } = await indexFolder(
      ctx,
      (dir) => {
        const body = Array.from({ length: 200_000 }, (_, i) => `<p>${prose(10, i)}.</p>`).join('');
        fs.writeFileSync(path.join(dir, 'page.html'), `<!doctype html><html><head><title>Many</title></head><body>${body}</body></html>`);
      },
      { dryRun: true },
    );
    return result(run, summary, { failed: null });
  },
};

export const deepNesting: ReliabilityCase = {
  name: 'hostile-100k-deep-nesting',
  async run(ctx) {
    const { run, summary } = await indexFolder(ctx, (dir) => {
      const depth = 100_000;
      fs.writeFileSync(path.join(dir, 'deep.html'), `<!doctype html><html><head><title>Deep</title></head><body>${'<div>'.repeat(depth)}<p>${prose(60, 7)}.</p>${'</div>'.repeat(depth)}</body></html>`);
    });
    return result(run, summary, { failed: null });
  },
};

export const yamlBomb: ReliabilityCase = {
  name: 'hostile-yaml-alias-bomb',
  async run(ctx) {
    const { run, summary } = await indexFolder(ctx, (dir) => {
      const lines = ['---', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
      for (let i = 1; i <= 9; i++) {
        const name = String.fromCharCode(97 + i);
        lines.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
      }
      lines.push('title: Laughs', '---', '', prose(80, 3));
      fs.writeFileSync(path.join(dir, 'bomb.md'), lines.join('\n'));
    });
    return result(run, summary, { failed: 'alias' });
  },
};

export const symlinkOut: ReliabilityCase = {
  name: 'hostile-symlink-to-etc-passwd',
  async run(ctx) {
    // Into the index the service serves, so that what it serves can be checked.
    const { run, summary } = await indexFolder(ctx, (dir) => fs.symlinkSync('/etc/passwd', path.join(dir, 'passwd')), { index: 'passages' });
    const doc = await fetch(`${ctx.service.url}/api/documents/passwd`).then((r) => r.status);
    const answer = (await fetch(`${ctx.service.url}/api/search?q=${encodeURIComponent('root:x:0:0')}`).then((r) => r.json())) as { hits?: unknown[] };
    const passwd = fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;
    const leaked = (answer.hits ?? []).some((h) => JSON.stringify(h).includes(passwd.split(':')[6] ?? '/bin/') || JSON.stringify(h).includes('root:x:0'));
    const base = result(run, summary, { failed: 'outside the paths given' });
    return { ok: base.ok && doc === 404 && !leaked, figures: `${base.figures}; /api/documents/passwd ${doc}; search for its text: ${leaked ? 'LEAKED' : 'nothing'}` };
  },
};
