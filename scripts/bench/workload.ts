/**
 * The search workload the latency benchmarks share (bench:api, bench:nodes), so that figures from
 * one can be set beside the other's: the same queries, the same percentile.
 */

/** Keyword queries over the Reuters-21578 stories: one word, two words, and a phrase-like three. */
export const REUTERS_QUERIES = ['oil prices', 'federal reserve', 'cocoa', 'bank of japan', 'dividend', 'merger talks', 'wheat exports', 'trade deficit', 'opec', 'interest rates', 'gold', 'coffee quota'] as const;

/** Sentence-like queries over the same stories, which the API re-ranks with BM25. */
export const QUESTIONS = [
  'what did the federal reserve say about interest rates and inflation',
  'how much coffee did brazil export under the new quota agreement',
  'which oil companies raised crude prices after the opec meeting',
  'why did the japanese government intervene to support the dollar',
  'how many tonnes of wheat did the soviet union buy from american farmers',
  'what did analysts expect from the bank merger talks this week',
] as const;

/** The p-th percentile (nearest rank, 0–100) of `xs`; 0 for none. */
export function percentile(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
