/**
 * PDF benchmark: the article-extraction pages printed to PDF by Chromium, read back by Citable's
 * PDF path, scored against the ground-truth articles with the same metric as bench:clean, beside
 * the HTML path on the same pages. Prints F1, documents and PDF pages per second, and peak memory,
 * and the PDF path's F1 on each half of the pages: rules are tuned on the even places of the sorted
 * ids (the tuning half) and checked on the odd ones (the checking half).
 *
 *   npm run bench:pdf -- ../shared/bench/article-extraction [--print tagged|untagged|both]
 *     [--half tuning|checking] [--out /tmp/citable-bench-pdf] [--limit N] [--predictions DIR]
 *     [--retry-unprintable]
 *
 * Printing: Debian's Chromium (/usr/bin/chromium) through playwright-core, scripts off and every
 * network request refused (the saved pages' stylesheets and images are not on this machine), Letter
 * paper, Chromium's defaults otherwise. Each page is printed twice: tagged (with its structure tree,
 * as a browser's own "Save as PDF" writes it) and untagged (no structure tree, as Playwright prints
 * by default): the two paths of the PDF reader. `--print` picks one. The PDFs are cached in the
 * --out folder (default: a folder in the system's temporary directory) and reused by later runs; a
 * page that could not be printed is remembered there (ID.failed, with the reason) and scores 0
 * without being tried again, unless --retry-unprintable.
 * Pages in Chinese, Japanese or Korean print without text unless the machine has fonts for them
 * (Debian's fonts-noto-cjk): their PDFs are then named among the failures ("no text layer").
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ingestDocument } from '../src/ingest/ingest.js';
import { ingestFile } from '../src/ingest/read-file.js';
import { score } from './bench/extraction-metric.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: path.join(os.tmpdir(), 'citable-bench-pdf') },
    limit: { type: 'string' },
    predictions: { type: 'string' },
    print: { type: 'string', default: 'both' },
    half: { type: 'string' },
    'retry-unprintable': { type: 'boolean', default: false },
  },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: npm run bench:pdf -- <article-extraction dir> [--print tagged|untagged|both] [--half tuning|checking] [--out <pdf cache dir>] [--limit N]\n');
  process.exit(2);
}
const printings = values.print === 'both' ? (['tagged', 'untagged'] as const) : values.print === 'tagged' || values.print === 'untagged' ? ([values.print] as const) : null;
const halves = { tuning: 0, checking: 1 } as const;
if (!printings || (values.half !== undefined && !(values.half in halves))) {
  process.stderr.write('--print takes tagged, untagged or both; --half takes tuning or checking\n');
  process.exit(2);
}
const truth = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as Record<string, { articleBody: string }>;
// The tuning half is the even places of the sorted ids, the checking half the odd ones.
const half = values.half === undefined ? null : halves[values.half as keyof typeof halves];
const ids = Object.keys(truth)
  .sort()
  .filter((_, i) => half === null || i % 2 === half)
  .slice(0, values.limit ? Number(values.limit) : undefined);
const htmlOf = (id: string) => gunzipSync(fs.readFileSync(path.join(dir, 'html', `${id}.html.gz`)));
const scoreOf = (predictions: Record<string, string>, which = ids) => score(which.map((id) => ({ truth: truth[id]!.articleBody, prediction: predictions[id] ?? '' })));
const line = (label: string, s: { precision: number; recall: number; f1: number }) =>
  `${label.padEnd(14)} pages ${ids.length}  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}`;
const sortedIds = Object.keys(truth).sort();
const place = new Map(sortedIds.map((id, i) => [id, i]));

// 1. Print the pages that are not cached yet.
async function printMissing(pdfDir: string, tagged: boolean): Promise<void> {
  const failedFile = (id: string) => path.join(pdfDir, `${id}.failed`);
  const missing = ids.filter((id) => !fs.existsSync(path.join(pdfDir, `${id}.pdf`)) && (values['retry-unprintable'] || !fs.existsSync(failedFile(id))));
  if (missing.length > 0) {
    const printStarted = performance.now();
    // A fresh browser for each batch of pages, and again after any failure: a crashed or stuck
    // renderer costs one page, not the run.
    const PAGES_PER_BROWSER = 20;
    const withTimeout = <T>(p: Promise<T>, ms: number) =>
      Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s`)), ms).unref())]);
    for (let i = 0; i < missing.length; ) {
      const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
      try {
        const context = await browser.newContext({ javaScriptEnabled: false });
        await context.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
        const page = await context.newPage();
        for (let n = 0; n < PAGES_PER_BROWSER && i < missing.length; n++) {
          const id = missing[i++]!;
          try {
            await withTimeout(page.setContent(htmlOf(id).toString('utf8'), { waitUntil: 'load', timeout: 30_000 }), 40_000);
            fs.writeFileSync(path.join(pdfDir, `${id}.pdf`), await withTimeout(page.pdf({ format: 'Letter', tagged }), 60_000));
            fs.rmSync(failedFile(id), { force: true });
          } catch (err) {
            const reason = (err as Error).message.split('\n')[0]!;
            process.stderr.write(`could not print ${id}: ${reason}\n`);
            fs.writeFileSync(failedFile(id), `${reason}\n`);
            break;
          }
        }
      } finally {
        await withTimeout(browser.close(), 10_000).catch(() => undefined);
      }
    }
    process.stdout.write(`printed ${missing.length} pages to PDF in ${((performance.now() - printStarted) / 1000).toFixed(1)} s (cached in ${pdfDir})\n`);
  }
}

// 2. The PDF path, timed alone, with its peak memory.
async function readBack(printing: 'tagged' | 'untagged'): Promise<void> {
  const pdfDir = path.join(values.out, printing === 'tagged' ? 'pdf-tagged' : 'pdf');
  fs.mkdirSync(pdfDir, { recursive: true });
  await printMissing(pdfDir, printing === 'tagged');
  const pdfs = ids.map((id) => ({ id, file: path.join(pdfDir, `${id}.pdf`) })).filter((p) => fs.existsSync(p.file));
  const inputs = pdfs.map((p) => ({ id: p.id, bytes: fs.readFileSync(p.file) }));
  const predictions: Record<string, string> = {};
  const failures: string[] = [];
  let pdfPages = 0;
  let peakRss = process.memoryUsage().rss;
  const started = performance.now();
  for (const { id, bytes } of inputs) {
    try {
      const { documents } = await ingestFile(`${id}.pdf`, bytes);
      const doc = documents[0]!;
      predictions[id] = doc.body;
      pdfPages += Math.max(doc.pageLabels.length, 1);
    } catch (err) {
      predictions[id] = '';
      failures.push(`${id}: ${(err as Error).message}`);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - started) / 1000;
  const pdfScore = scoreOf(predictions);
  // The PDF path's rules were tuned on the pages at even places of the sorted ids only; the odd ones
  // check that a gain holds on pages nobody tuned on.
  const halfScore = (parity: number) => scoreOf(predictions, ids.filter((id) => place.get(id)! % 2 === parity));
    const label = `pdf ${printing}`;
  process.stdout.write(
    `${line(label, pdfScore)}  ${seconds.toFixed(2)} s  ${(inputs.length / seconds).toFixed(1)} documents/s  ${(pdfPages / seconds).toFixed(1)} PDF pages/s (${pdfPages} PDF pages)  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB\n` +
      `${label} F1 on the tuning half ${halfScore(0).f1.toFixed(3)}, on the checking half ${halfScore(1).f1.toFixed(3)}\n` +
      (ids.length > inputs.length ? `${label}: ${ids.length - inputs.length} page(s) could not be printed (score 0; --retry-unprintable tries them again)\n` : '') +
      (failures.length > 0 ? `${label} failed: ${failures.length}\n${failures.map((f) => `  ${f}`).join('\n')}\n` : ''),
  );
  if (values.predictions) {
    fs.mkdirSync(values.predictions, { recursive: true });
    const file = path.join(values.predictions, `pdf-${printing}.json`);
    fs.writeFileSync(file, JSON.stringify(Object.fromEntries(ids.map((id) => [id, { articleBody: predictions[id] ?? '' }])), null, 1));
    process.stdout.write(`predictions written to ${file}\n`);
  }
}

for (const printing of printings) await readBack(printing);

// 3. The HTML path on the same pages, for comparison.
const htmlPredictions: Record<string, string> = {};
for (const id of ids) {
  try {
    htmlPredictions[id] = ingestDocument(`${id}.html`, htmlOf(id)).body;
  } catch {
    htmlPredictions[id] = '';
  }
}
process.stdout.write(`${line('html', scoreOf(htmlPredictions))}\n`);
