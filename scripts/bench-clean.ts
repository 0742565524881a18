/**
 * Article-extraction benchmark: F1 of the cleaner's HTML path on the benchmark's pages and of its
 * plain-text path on the same pages' visible text, with pages per second. `--readability` also runs
 * Readability.js on jsdom over the same pages in the same process, for the speed ratio. Each
 * extractor reads the pages once untimed, then `--rounds` timed times (default 1; the median counts).
 *   npm run bench:clean -- ../shared/bench/article-extraction [--predictions out/] [--readability] [--rounds 3]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { ingestDocument } from '../src/ingest/ingest.js';
import { score } from './bench/extraction-metric.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    predictions: { type: 'string' },
    readability: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
  },
});
const rounds = Math.max(1, Number.parseInt(values.rounds, 10) || 1);
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: npm run bench:clean -- <article-extraction dir> [--predictions <out dir>]\n');
  process.exit(2);
}
const truth = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as Record<string, { articleBody: string }>;
const pageText = (JSON.parse(fs.readFileSync(path.join(dir, 'page-text.json'), 'utf8')) as { output: Record<string, { articleBody: string }> }).output;
const ids = Object.keys(truth).sort();

/** The cleaned body as the benchmark reads it: paragraphs and headings, one per line. */
function clean(file: string, bytes: Uint8Array): string {
  try {
    return ingestDocument(file, bytes).body;
  } catch {
    return '';
  }
}

function run(label: string, input: (id: string) => { file: string; bytes: Uint8Array }, extract = clean) {
  const inputs = ids.map((id) => ({ id, ...input(id) }));
  const predictions: Record<string, { articleBody: string }> = {};
  // A first untimed pass over the pages warms the code up (JIT, lazily loaded modules), so the
  // timed passes compare the extractors' steady speed, as an indexing job runs it.
  const times: number[] = [];
  for (let pass = 0; pass <= rounds; pass++) {
    const started = performance.now();
    for (const { id, file, bytes } of inputs) predictions[id] = { articleBody: extract(file, bytes) };
    if (pass > 0) times.push((performance.now() - started) / 1000);
  }
  const seconds = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  const s = score(ids.map((id) => ({ truth: truth[id]!.articleBody, prediction: predictions[id]!.articleBody })));
  process.stdout.write(
    `${label.padEnd(10)} pages ${ids.length}  precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  F1 ${s.f1.toFixed(3)}  ` +
      `${seconds.toFixed(2)} s  ${(ids.length / seconds).toFixed(1)} pages/s\n`,
  );
  return { predictions, pagesPerSecond: ids.length / seconds };
}

const enc = new TextEncoder();
const passthrough = score(ids.map((id) => ({ truth: truth[id]!.articleBody, prediction: pageText[id]?.articleBody ?? '' })));
process.stdout.write(`baseline   page text unchanged: F1 ${passthrough.f1.toFixed(3)}\n`);
const htmlInput = (id: string) => ({ file: `${id}.html`, bytes: gunzipSync(fs.readFileSync(path.join(dir, 'html', `${id}.html.gz`))) });
const html = run('html', htmlInput);
const text = run('text', (id) => ({ file: `${id}.txt`, bytes: enc.encode(pageText[id]?.articleBody ?? '') }));

if (values.readability) {
  const { JSDOM, VirtualConsole } = await import('jsdom');
  // jsdom reports every stylesheet it cannot parse; those reports are not the benchmark's business.
  const virtualConsole = new VirtualConsole();
  const { Readability } = await import('@mozilla/readability');
  const decoder = new TextDecoder();
  const readability = run('readability', htmlInput, (_file, bytes) => {
    let dom: InstanceType<typeof JSDOM> | undefined;
    try {
      dom = new JSDOM(decoder.decode(bytes), { virtualConsole });
      return new Readability(dom.window.document).parse()?.textContent ?? '';
    } catch {
      return '';
    } finally {
      // Closing the window frees the page; without it jsdom slows down pass after pass.
      dom?.window.close();
    }
  });
  process.stdout.write(`html path speed: ${(html.pagesPerSecond / readability.pagesPerSecond).toFixed(1)}x Readability.js on jsdom\n`);
}

if (values.predictions) {
  fs.mkdirSync(values.predictions, { recursive: true });
  fs.writeFileSync(path.join(values.predictions, 'html.json'), JSON.stringify(html.predictions, null, 1));
  fs.writeFileSync(path.join(values.predictions, 'text.json'), JSON.stringify(text.predictions, null, 1));
  process.stdout.write(`predictions written to ${values.predictions}/html.json and text.json\n`);
}
