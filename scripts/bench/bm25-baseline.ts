import { bm25, type CorpusStats } from '../../src/text/bm25.js';
import { words } from '../../src/text/words.js';
import type { Collection } from './relevance-data.js';

function counts(text: string): { counts: Map<string, number>; length: number } {
  const ts = words(text);
  const out = new Map<string, number>();
  for (const t of ts) out.set(t, (out.get(t) ?? 0) + 1);
  return { counts: out, length: ts.length };
}

/**
 * The benchmark's baseline: whole-document BM25 (k1 1.2, b 0.75) over lower-cased tokens, no
 * stemming, no stop words removed, the query as given.
 */
export function bm25Runs(c: Collection, depth = 1000): Map<string, string[]> {
  const docs = c.docs.map((d) => ({ id: d.id, ...counts(`${d.title ?? ''} ${d.text}`) }));
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const avgLength = docs.reduce((s, d) => s + d.length, 0) / docs.length;
  const stats: CorpusStats = { passages: docs.length, avgLength, avgDocLength: avgLength, df };
  const runs = new Map<string, string[]>();
  for (const q of c.queries) {
    const qterms = [...counts(q.text).counts.keys()];
    const scored = docs.map((d) => ({ id: d.id, s: bm25(d.counts, d.length, qterms, stats) })).filter((x) => x.s > 0);
    scored.sort((a, b) => b.s - a.s);
    runs.set(q.id, scored.slice(0, depth).map((x) => x.id));
  }
  return runs;
}
