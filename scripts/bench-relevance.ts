/**
 * Ranking quality on test collections with human judgments (TIME, Cranfield): each story or
 * abstract goes through Citable's own ingest and indexer into its own index; every judged query goes
 * through the API's search code path (group=document, paged as a client would); MAP, nDCG@10, P@10
 * and recall@100 are printed beside whole-document BM25 and Meilisearch's own ranking, from the
 * same run.
 *   npm run bench:relevance -- ../shared/bench/relevance
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Meilisearch } from 'meilisearch';
import { stringify } from 'yaml';
import { projectRoot } from '../src/config.js';
import { runIndexJob } from '../src/indexing/indexer.js';
import { EmbeddedMeilisearch } from '../src/meili/embedded.js';
import { ensureSearchKey } from '../src/meili/keys.js';
import { indexSettings } from '../src/meili/settings.js';
import { SearchBackend } from '../src/search/backend.js';
import { parseSearchParams } from '../src/search/params.js';
import { bm25Runs } from './bench/bm25-baseline.js';
import { evaluate, readCranfield, readTime, type Collection } from './bench/relevance-data.js';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: npm run bench:relevance -- <relevance dir>\n');
  process.exit(2);
}
/** Documents ranked per query: deep enough for MAP as the baseline computes it. */
const DEPTH = 1000;
const PAGE = 50;

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
try {
  for (const c of [readTime(path.join(dir, 'time')), readCranfield(path.join(dir, 'cran'))]) {
    const uid = `relevance_${c.name.toLowerCase()}`;
    const docsDir = path.join(tmp, uid);
    writeCollection(c, docsDir);
    const summary = await runIndexJob(client, uid, settings, { roots: [docsDir] });
    process.stdout.write(`${c.name}: ${c.docs.length} documents → ${summary.passages} passages (${summary.documents.failed} failed), ${c.queries.length} judged queries\n`);

    const key = await ensureSearchKey(client, uid);
    const backend = new SearchBackend(() => ({ url: meili.url, key, index: uid }), { synonyms: settings.synonyms ?? {} });
    const api = new Map<string, string[]>();
    const latencies: number[] = [];
    for (const q of c.queries) {
      const ranking: string[] = [];
      for (let offset = 0; offset < DEPTH && offset <= 1000; offset += PAGE) {
        const t = performance.now();
        const res = await backend.search(parseSearchParams({ q: q.text.slice(0, 512), group: 'document', limit: String(PAGE), offset: String(offset) }));
        latencies.push(performance.now() - t);
        ranking.push(...res.hits.map((h) => h.source.docId));
        if (res.hits.length < PAGE) break;
      }
      api.set(q.id, ranking);
    }
    await backend.close();

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
    latencies.sort((a, b) => a - b);
    process.stdout.write(`API search latency over ${latencies.length} calls: p50 ${latencies[Math.floor(latencies.length / 2)]!.toFixed(1)} ms, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(1)} ms\n\n`);
  }
} finally {
  await meili.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
