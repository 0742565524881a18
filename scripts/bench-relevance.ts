/**
 * Ranking quality on test collections with human judgments (TIME, Cranfield): each story or
 * abstract goes through Citable's own ingest and indexer into its own index; every judged query goes
 * through the API's search code path (group=document, paged as a client would); MAP, nDCG@10, P@10
 * and recall@100 are printed beside whole-document BM25 and Meilisearch's own ranking, from the
 * same run. Each collection also prints its candidate recall: of full BM25's top 100 documents
 * (stemmed, stop words dropped, every document scored), the share the API's ranked list holds at
 * all. The same is measured on Reuters-21578 (the dev dependency), once as it is and once written
 * several times over, with known-item queries sampled from its stories (see synthetic-queries.ts),
 * to show how candidate recall holds as the collection grows.
 * With --threshold, each judged query is also cut to its first 1–6 content words and ranked by
 * Meilisearch's path and by the BM25 path, to measure where one should take over from the other.
 * --skip-judged runs Reuters alone; --reuters-copies 0 skips it.
 * Pasted paragraphs (40–80 words drawn from a story, more terms than a question is ranked with) are
 * measured on Reuters the same way, by the known story's MRR.
 *   npm run bench:relevance -- ../shared/bench/relevance [--reuters-copies 1,4] [--queries 200] [--pasted-queries 100] [--threshold] [--skip-judged]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Meilisearch } from 'meilisearch';
import { stringify } from 'yaml';
import { projectRoot } from '../src/config.js';
import { runIndexJob } from '../src/indexing/indexer.js';
import { termsIndexOf } from '../src/meili/indexes.js';
import { docIdFromFile } from '../src/ingest/ingest.js';
import { stopWordsFor } from '../src/text/stop-words.js';
import { EmbeddedMeilisearch } from '../src/meili/embedded.js';
import { ensureSearchKey } from '../src/meili/keys.js';
import { indexSettings } from '../src/meili/settings.js';
import { SearchBackend } from '../src/search/backend.js';
import { words } from '../src/text/words.js';
import { analyzeQuery } from '../src/search/analyze.js';
import { parseSearchParams, QUERY_MAX_CHARS } from '../src/search/params.js';
import { bm25Runs } from './bench/bm25-baseline.js';
import { FullBm25, meanReciprocalRank, recallOf } from './bench/candidate-recall.js';
import { evaluate, readCranfield, readTime, type Collection } from './bench/relevance-data.js';
import { readReuters, writeReuters } from './bench/reuters.js';
import { sampleQueries, type SampleOptions, type SyntheticQuery } from './bench/synthetic-queries.js';
import { percentile } from './bench/workload.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'reuters-copies': { type: 'string', default: '1,4' },
    queries: { type: 'string', default: '200' },
    'pasted-queries': { type: 'string', default: '100' },
    threshold: { type: 'boolean', default: false },
    'skip-judged': { type: 'boolean', default: false },
  },
});
const dir = positionals[0];
if (!dir) {
  process.stderr.write('usage: npm run bench:relevance -- <relevance dir> [--reuters-copies 1,4] [--queries 200]\n');
  process.exit(2);
}
/** Documents ranked per query: deep enough for MAP as the baseline computes it. */
const DEPTH = 1000;
const PAGE = 50;
/** Full BM25's top documents whose presence among the candidates is counted. */
const RECALL_DEPTH = 100;
/** Synthetic queries: fixed seed, four to eight words (sentence-like, so BM25 ranks them). */
const QUERY_SEED = 21;
const QUERY_WORDS = { minWords: 4, maxWords: 8 };
/**
 * Pasted paragraphs, sampled like the known-item queries but of 40–80 content words in random
 * order (as drawn, the most frequent come first): more than a question is ranked with
 * (QUERY_TERMS_MAX), so that the choice of its terms is measured. Ranked to depth 100: a story
 * past it adds under 0.01 to its reciprocal rank.
 */
const PASTED_WORDS = { minWords: 40, maxWords: 80, shuffle: true };
const PASTED_DEPTH = 100;
/** Depth of the threshold measurement (two pages of the API per query and path). */
const THRESHOLD_DEPTH = 100;

/** One Markdown file per document, with its title and authors as front matter. */
function writeCollection(c: Collection, out: string) {
  fs.mkdirSync(out, { recursive: true });
  for (const d of c.docs) {
    const front = stringify({ ...(d.title ? { title: d.title } : {}), ...(d.author ? { author: d.author } : {}) });
    fs.writeFileSync(path.join(out, `${d.id}.md`), `---\n${front}---\n\n${d.text}\n`);
  }
}

type Row = { name: string; map: number; ndcg10: number; p10: number; recall100: number };
const print = (c: string, rows: Row[]) => {
  process.stdout.write(`\n${c}\n${'ranking'.padEnd(42)} MAP    nDCG@10 P@10   R@100\n`);
  for (const r of rows) {
    process.stdout.write(`${r.name.padEnd(42)} ${r.map.toFixed(3)}  ${r.ndcg10.toFixed(3)}   ${r.p10.toFixed(3)}  ${r.recall100.toFixed(3)}\n`);
  }
};

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'citable-bench-rel-'));
const meili = await EmbeddedMeilisearch.start({ dataDir: path.join(tmp, 'meili') });
const client = new Meilisearch({ host: meili.url, apiKey: meili.masterKey, timeout: 600_000 });
const settings = indexSettings(path.join(projectRoot, 'config', 'synonyms.json'));

/** Drops an index and its terms index, so the next collection has the machine to itself. */
async function dropIndex(uid: string) {
  for (const name of [uid, termsIndexOf(uid)]) await client.deleteIndex(name).waitTask({ timeout: 600_000 });
}

/**
 * Every query through the API's search path (group=document), paged to the end of its list or
 * `depth`; `longQueryTerms` overrides where BM25 takes over from Meilisearch.
 */
async function apiRuns(uid: string, queries: ReadonlyArray<{ id: string; text: string }>, depth = DEPTH, longQueryTerms?: number) {
  const key = await ensureSearchKey(client, uid);
  const backend = new SearchBackend(() => ({ url: meili.url, key, index: uid }), {
    synonyms: settings.synonyms ?? {},
    ...(longQueryTerms === undefined ? {} : { longQueryTerms }),
  });
  const runs = new Map<string, string[]>();
  const latencies: number[] = [];
  try {
    for (const q of queries) {
      const ranking: string[] = [];
      for (let offset = 0; offset < depth && offset <= 1000; offset += PAGE) {
        const t = performance.now();
        const res = await backend.search(parseSearchParams({ q: q.text.slice(0, QUERY_MAX_CHARS), group: 'document', limit: String(PAGE), offset: String(offset) }));
        latencies.push(performance.now() - t);
        ranking.push(...res.hits.map((h) => h.source.docId));
        if (res.hits.length < PAGE) break;
      }
      runs.set(q.id, ranking);
    }
  } finally {
    await backend.close();
  }
  return { runs, latencies };
}

/**
 * The line that prints the mean candidate recall of the API's lists against full BM25's top
 * RECALL_DEPTH, and the same against its top DEPTH (the depth MAP is measured at): how much of the
 * deep list the API's holds.
 */
function candidateRecallLine(full: FullBm25, queries: ReadonlyArray<{ id: string; text: string }>, runs: ReadonlyMap<string, readonly string[]>): string {
  let sum = 0;
  let deep = 0;
  for (const q of queries) {
    const run = new Set(runs.get(q.id));
    sum += recallOf(full.top(q.text, RECALL_DEPTH), run);
    deep += recallOf(full.top(q.text, DEPTH), run);
  }
  const n = Math.max(1, queries.length);
  return `candidate recall@${RECALL_DEPTH} against full BM25 (stemmed): ${(sum / n).toFixed(3)}; of its top ${DEPTH}, the API's list holds ${(deep / n).toFixed(3)}\n`;
}

/**
 * The keyword/question threshold, measured: each judged query cut to its first n content words
 * (queries with fewer are left out), ranked by Meilisearch's path and by the BM25 path.
 */
async function thresholdTable(c: Collection, uid: string) {
  process.stdout.write(`${c.name}: query cut to n content words, MAP at depth ${THRESHOLD_DEPTH} (queries with n words or more)\n   n  queries  Meilisearch path  BM25 path\n`);
  for (let n = 1; n <= 6; n++) {
    const queries = c.queries.flatMap((q) => {
      const words = analyzeQuery(q.text).words;
      return words.length >= n ? [{ id: q.id, text: words.slice(0, n).join(' ') }] : [];
    });
    const subset = { ...c, queries };
    const meiliPath = evaluate(subset, (await apiRuns(uid, queries, THRESHOLD_DEPTH, Number.POSITIVE_INFINITY)).runs);
    const bm25Path = evaluate(subset, (await apiRuns(uid, queries, THRESHOLD_DEPTH, 0)).runs);
    process.stdout.write(`  ${String(n).padStart(2)}  ${String(queries.length).padStart(7)}  ${meiliPath.map.toFixed(3).padStart(16)}  ${bm25Path.map.toFixed(3).padStart(9)}\n`);
  }
}

try {
  for (const c of values['skip-judged'] ? [] : [readTime(path.join(dir, 'time')), readCranfield(path.join(dir, 'cran'))]) {
    const uid = `relevance_${c.name.toLowerCase()}`;
    const docsDir = path.join(tmp, uid);
    writeCollection(c, docsDir);
    const summary = await runIndexJob(client, uid, settings, { roots: [docsDir] });
    process.stdout.write(`${c.name}: ${c.docs.length} documents → ${summary.passages} passages (${summary.documents.failed} failed), ${c.queries.length} judged queries\n`);
    const { runs: api, latencies } = await apiRuns(uid, c.queries);

    // Meilisearch ranking alone, on the same passages, one document per hit.
    const meiliRuns = async (strategy: 'last' | 'frequency') => {
      const runs = new Map<string, string[]>();
      for (const q of c.queries) {
        const res = await client.index(uid).search(q.text, { limit: DEPTH, distinct: 'docId', matchingStrategy: strategy, attributesToRetrieve: ['docId'] });
        runs.set(q.id, res.hits.map((h) => h.docId as string));
      }
      return runs;
    };
    print(c.name, [
      { name: 'BM25, whole documents, no stemming', ...evaluate(c, bm25Runs(c, DEPTH)) },
      { name: 'Meilisearch defaults (matchingStrategy last)', ...evaluate(c, await meiliRuns('last')) },
      { name: 'Meilisearch, matchingStrategy frequency', ...evaluate(c, await meiliRuns('frequency')) },
      { name: 'Citable API (GET /api/search path)', ...evaluate(c, api) },
    ]);
    const full = new FullBm25(c.docs.map((d) => ({ id: d.id, text: `${d.title ?? ''} ${d.text}` })));
    process.stdout.write(candidateRecallLine(full, c.queries, api));
    process.stdout.write(`API search latency over ${latencies.length} calls: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms\n\n`);
    if (values.threshold) await thresholdTable(c, uid);
    await dropIndex(uid);
  }

  // Reuters-21578, as it is and written several times over: candidate recall as the collection grows.
  const stories = readReuters();
  const stop = stopWordsFor('en');
  const storyTexts = stories.map((s) => ({ id: s.name, text: `${s.title} ${s.body}` }));
  const sample = (count: string | undefined, shape: Pick<SampleOptions, 'minWords' | 'maxWords' | 'shuffle'>) =>
    sampleQueries(storyTexts, words, (w) => stop.has(w), { count: Number(count), seed: QUERY_SEED, ...shape });
  const queries = sample(values.queries, QUERY_WORDS);
  const pasted = sample(values['pasted-queries'], PASTED_WORDS);
  /** Each query's story, as its first copy is indexed. */
  const knownStories = (qs: readonly SyntheticQuery[]) => new Map(qs.map((q) => [q.id, docIdFromFile(`${q.docId}-0.txt`)]));
  for (const copies of values['reuters-copies']!.split(',').map(Number).filter((n) => n > 0)) {
    const uid = `relevance_reuters_${copies}`;
    const docsDir = path.join(tmp, uid);
    fs.mkdirSync(docsDir);
    writeReuters(docsDir, copies, stories);
    const started = performance.now();
    const summary = await runIndexJob(client, uid, settings, { roots: [docsDir] });
    const indexSeconds = (performance.now() - started) / 1000;
    const { runs: api, latencies } = await apiRuns(uid, queries);
    const docs = stories.flatMap((s) => Array.from({ length: copies }, (_, c) => ({ id: docIdFromFile(`${s.name}-${c}.txt`), text: `${s.title} ${s.body}` })));
    const full = new FullBm25(docs);
    const known = knownStories(queries);
    const fullRuns = new Map(queries.map((q) => [q.id, full.top(q.text, DEPTH)]));
    const stats = await client.index(uid).getStats();
    const termStats = await client.index(termsIndexOf(uid)).getStats();
    process.stdout.write(
      `\nReuters-21578 ×${copies}: ${summary.documents.indexed} documents → ${summary.passages} passages, indexed in ${indexSeconds.toFixed(0)} s ` +
        `(${(summary.passages / indexSeconds).toFixed(0)} passages/s); terms index ${termStats.numberOfDocuments} records, ` +
        `${(termStats.rawDocumentDbSize / 2 ** 20).toFixed(0)} MB of documents beside ${(stats.rawDocumentDbSize / 2 ** 20).toFixed(0)} MB of passages\n` +
        `${queries.length} sampled queries (seed ${QUERY_SEED}, ${QUERY_WORDS.minWords}–${QUERY_WORDS.maxWords} words drawn from a story)\n` +
        candidateRecallLine(full, queries, api) +
        `known story's MRR: full BM25 ${meanReciprocalRank(fullRuns, known).toFixed(3)}, Citable API ${meanReciprocalRank(api, known).toFixed(3)}\n` +
        `API search latency over ${latencies.length} calls: p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms\n`,
    );
    if (pasted.length > 0) {
      const { runs: pastedRuns } = await apiRuns(uid, pasted, PASTED_DEPTH);
      const pastedKnown = knownStories(pasted);
      const pastedFull = new Map(pasted.map((q) => [q.id, full.top(q.text, PASTED_DEPTH)]));
      const chars = pasted.map((q) => q.text.length);
      process.stdout.write(
        `${pasted.length} pasted paragraphs (seed ${QUERY_SEED}, ${PASTED_WORDS.minWords}–${PASTED_WORDS.maxWords} words drawn from a story, in random order; ` +
          `${percentile(chars, 50)} characters at the median, ${chars.filter((n) => n > 512).length} over 512)\n` +
          `known story's MRR at depth ${PASTED_DEPTH}: full BM25 over every term ${meanReciprocalRank(pastedFull, pastedKnown).toFixed(3)}, Citable API ${meanReciprocalRank(pastedRuns, pastedKnown).toFixed(3)}\n`,
      );
    }
    await dropIndex(uid);
    fs.rmSync(docsDir, { recursive: true, force: true });
  }
} finally {
  await meili.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
