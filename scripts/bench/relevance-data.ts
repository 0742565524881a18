import fs from 'node:fs';
import path from 'node:path';

/** A test collection: documents, queries, and graded judgments (gain > 0 is relevant). */
export interface Collection {
  name: string;
  docs: Array<{ id: string; title: string | null; author: string | null; text: string }>;
  queries: Array<{ id: string; text: string }>;
  /** query id → doc id → gain */
  qrels: Map<string, Map<string, number>>;
}

/** TIME: `*TEXT NNN date PAGE n` stories; judgments number stories by their order in the file. */
export function readTime(dir: string): Collection {
  const all = fs.readFileSync(path.join(dir, 'TIME.ALL'), 'latin1');
  const docs = all
    .split(/^\*TEXT /m)
    .slice(1)
    .map((chunk, i) => {
      const body = chunk.slice(chunk.indexOf('\n') + 1).replace(/\*STOP\s*$/m, '');
      return { id: String(i + 1), title: null, author: null, text: body.replace(/\s+/g, ' ').trim() };
    });
  const queries = fs
    .readFileSync(path.join(dir, 'TIME.QUE'), 'latin1')
    .split(/^\*FIND\s+/m)
    .slice(1)
    .map((chunk) => {
      const id = chunk.slice(0, chunk.indexOf('\n')).trim();
      return { id, text: chunk.slice(chunk.indexOf('\n') + 1).replace(/\*STOP\s*$/m, '').replace(/\s+/g, ' ').trim() };
    });
  const qrels = new Map<string, Map<string, number>>();
  for (const line of fs.readFileSync(path.join(dir, 'TIME.REL'), 'latin1').split('\n')) {
    const [q, ...rel] = line.trim().split(/\s+/);
    if (!q || rel.length === 0) continue;
    qrels.set(q, new Map(rel.map((d) => [d, 1])));
  }
  return { name: 'TIME', docs, queries: queries.filter((q) => qrels.has(q.id)), qrels };
}

/** Cranfield: `.I/.T/.A/.B/.W` abstracts; queries numbered 1–225 in file order; grades 1 (best) to 4. */
export function readCranfield(dir: string): Collection {
  const fields = (chunk: string) => {
    const out: Record<string, string> = {};
    for (const part of chunk.split(/^\.(?=[TABW]\s*$)/m).slice(1)) {
      out[part[0]!] = part.slice(1).replace(/\s+/g, ' ').trim();
    }
    return out;
  };
  const docs = fs
    .readFileSync(path.join(dir, 'cran.all.1400'), 'utf8')
    .split(/^\.I /m)
    .slice(1)
    .map((chunk) => {
      const id = chunk.slice(0, chunk.indexOf('\n')).trim();
      const f = fields(chunk);
      return { id, title: f.T ?? null, author: f.A ?? null, text: f.W ?? '' };
    });
  const queries = fs
    .readFileSync(path.join(dir, 'cran.qry'), 'utf8')
    .split(/^\.I /m)
    .slice(1)
    .map((chunk, i) => ({ id: String(i + 1), text: (fields(chunk).W ?? '').trim() }));
  const qrels = new Map<string, Map<string, number>>();
  for (const line of fs.readFileSync(path.join(dir, 'cranqrel'), 'utf8').split('\n')) {
    const [q, d, g] = line.trim().split(/\s+/);
    if (!q || !d || !g) continue;
    const grade = Number(g);
    if (grade < 1 || grade > 4) continue;
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)!.set(d, 5 - grade);
  }
  return { name: 'Cranfield', docs, queries: queries.filter((q) => qrels.has(q.id)), qrels };
}

/** MAP, nDCG@10, P@10 and recall@100 of rankings (query id → doc ids, best first). */
export function evaluate(c: Collection, runs: Map<string, string[]>) {
  let ap = 0;
  let ndcg = 0;
  let p10 = 0;
  let r100 = 0;
  let n = 0;
  for (const q of c.queries) {
    const rel = c.qrels.get(q.id)!;
    const ranking = runs.get(q.id) ?? [];
    n++;
    let hits = 0;
    let sum = 0;
    ranking.forEach((d, i) => {
      if (rel.has(d)) {
        hits++;
        sum += hits / (i + 1);
      }
    });
    ap += sum / rel.size;
    p10 += ranking.slice(0, 10).filter((d) => rel.has(d)).length / 10;
    r100 += ranking.slice(0, 100).filter((d) => rel.has(d)).length / rel.size;
    const dcg = ranking.slice(0, 10).reduce((s, d, i) => s + (rel.get(d) ?? 0) / Math.log2(i + 2), 0);
    const ideal = [...rel.values()].sort((a, b) => b - a).slice(0, 10).reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
    ndcg += ideal > 0 ? dcg / ideal : 0;
  }
  return { map: ap / n, ndcg10: ndcg / n, p10: p10 / n, recall100: r100 / n };
}
