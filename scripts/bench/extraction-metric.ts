/**
 * The article-extraction benchmark's own metric: multisets of 4-token shingles over `\w+` tokens
 * (Unicode, case kept); per page TP, FP, FN normalised by their sum; precision is the mean of
 * TP/(TP+FP) over pages with any prediction, recall the mean of TP/(TP+FN) over pages with any truth
 * (a page with FP = FN = 0 scores 1 on both); F1 of the two means.
 */
const TOKEN = /[\p{L}\p{N}\p{Mn}\p{Pc}]+/gu;
const SHINGLE = 4;

export function shingles(text: string): Map<string, number> {
  const tokens = text.match(TOKEN) ?? [];
  const out = new Map<string, number>();
  for (let i = 0; i + SHINGLE <= tokens.length; i++) {
    const key = tokens.slice(i, i + SHINGLE).join('\u0001');
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export interface PageCounts {
  tp: number;
  fp: number;
  fn: number;
}

export function pageCounts(truth: string, prediction: string): PageCounts {
  const t = shingles(truth);
  const p = shingles(prediction);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [k, n] of p) {
    const m = t.get(k) ?? 0;
    tp += Math.min(n, m);
    fp += Math.max(0, n - m);
  }
  for (const [k, n] of t) fn += Math.max(0, n - (p.get(k) ?? 0));
  const total = tp + fp + fn;
  return total === 0 ? { tp: 0, fp: 0, fn: 0 } : { tp: tp / total, fp: fp / total, fn: fn / total };
}

export function score(pages: Array<{ truth: string; prediction: string }>): { precision: number; recall: number; f1: number } {
  const precisions: number[] = [];
  const recalls: number[] = [];
  for (const { truth, prediction } of pages) {
    const c = pageCounts(truth, prediction);
    if (c.fp === 0 && c.fn === 0) {
      precisions.push(1);
      recalls.push(1);
      continue;
    }
    if (c.tp + c.fp > 0) precisions.push(c.tp / (c.tp + c.fp));
    if (c.tp + c.fn > 0) recalls.push(c.tp / (c.tp + c.fn));
  }
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const precision = mean(precisions);
  const recall = mean(recalls);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}
