/**
 * PDF benchmark: the article-extraction pages printed to PDF by Chromium, read back by Citable's
 * PDF path, scored against the ground-truth articles with the same metric as bench:clean, beside
 * the HTML path on the same pages. Prints F1, documents and PDF pages per second, and peak memory,
 * and the PDF path's F1 on each half of the pages: rules are tuned on the even places of the sorted
 * ids and checked on the odd ones.
 *
 *   npm run bench:pdf -- ../shared/bench/article-extraction [--out /tmp/citable-bench-pdf] [--limit N]
 *
 * Printing: Debian's Chromium (/usr/bin/chromium) through playwright-core, scripts off and every
 * network request refused (the saved pages' stylesheets and images are not on this machine), Letter
 * paper, Chromium's defaults otherwise. The PDFs are cached in the --out folder (default: a folder in
 * the system's temporary directory) and reused by later runs.
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
  },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: npm run bench:pdf -- <article-extraction dir> [--out <pdf cache dir>] [--limit N]\n');
  process.exit(2);
}
const truth = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as Record<string, { articleBody: string }>;
const ids = Object.keys(truth).sort().slice(0, values.limit ? Number(values.limit) : undefined);
const pdfDir = path.join(values.out, 'pdf');
fs.mkdirSync(pdfDir, { recursive: true });
const htmlOf = (id: string) => gunzipSync(fs.readFileSync(path.join(dir, 'html', `${id}.html.gz`)));

// 1. Print the pages that are not cached yet.
const missing = ids.filter((id) => !fs.existsSync(path.join(pdfDir, `${id}.pdf`)));
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
          fs.writeFileSync(path.join(pdfDir, `${id}.pdf`), await withTimeout(page.pdf({ format: 'Letter' }), 60_000));
        } catch (err) {
          process.stderr.write(`could not print ${id}: ${(err as Error).message.split('\n')[0]}\n`);
          break;
        }
      }
    } finally {
      await withTimeout(browser.close(), 10_000).catch(() => undefined);
    }
  }
  process.stdout.write(`printed ${missing.length} pages to PDF in ${((performance.now() - printStarted) / 1000).toFixed(1)} s (cached in ${pdfDir})\n`);
}

// 2. The PDF path, timed alone, with its peak memory.
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
const pdfScore = score(ids.map((id) => ({ truth: truth[id]!.articleBody, prediction: predictions[id] ?? '' })));
// The PDF path's rules were tuned on the pages at even places of the sorted ids only; the odd ones
// check that a gain holds on pages nobody tuned on.
const half = (parity: number) => score(ids.filter((_, i) => i % 2 === parity).map((id) => ({ truth: truth[id]!.articleBody, prediction: predictions[id] ?? '' })));

// 3. The HTML path on the same pages, for comparison.
const htmlPredictions: Record<string, string> = {};
for (const id of ids) {
  try {
    htmlPredictions[id] = ingestDocument(`${id}.html`, htmlOf(id)).body;
  } catch {
    htmlPredictions[id] = '';
  }
}
const htmlScore = score(ids.map((id) => ({ truth: truth[id]!.articleBody, prediction: htmlPredictions[id]! })));

const line = (label: string, s: { precision: number; recall: number; f1: number }) =>
  `${label.padEnd(5)} pages ${ids.length}  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}`;
process.stdout.write(
  `${line('pdf', pdfScore)}  ${seconds.toFixed(2)} s  ${(inputs.length / seconds).toFixed(1)} documents/s  ${(pdfPages / seconds).toFixed(1)} PDF pages/s (${pdfPages} PDF pages)  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB\n` +
    `${line('html', htmlScore)}\n` +
    `pdf F1 on the tuning half ${half(0).f1.toFixed(3)}, on the checking half ${half(1).f1.toFixed(3)}\n` +
    (failures.length > 0 ? `failed: ${failures.length}\n${failures.map((f) => `  ${f}`).join('\n')}\n` : ''),
);
if (values.predictions) {
  fs.mkdirSync(values.predictions, { recursive: true });
  fs.writeFileSync(path.join(values.predictions, 'pdf.json'), JSON.stringify(Object.fromEntries(ids.map((id) => [id, { articleBody: predictions[id] ?? '' }])), null, 1));
  process.stdout.write(`predictions written to ${values.predictions}/pdf.json\n`);
}
