/*
 * Known-item queries sampled from documents, for collections that have no judged queries (Azzopardi,
 * de Rijke and Balog, "Building simulated queries for known-item topics", SIGIR 2007, the "popular"
 * model): pick a document at random, then draw the query's words from it without replacement, each
 * in proportion to how often the document uses it. Stop words are never drawn (a person does not
 * type "the" as a content word). A seeded generator makes the set the same on every run.
 */

/** mulberry32: a small, well-distributed 32-bit generator; the same seed gives the same queries. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SyntheticQuery {
  id: string;
  /** The document the words were drawn from. */
  docId: string;
  text: string;
}

export interface SampleOptions {
  count: number;
  seed: number;
  /** Query length in words, drawn uniformly between these (inclusive). */
  minWords: number;
  maxWords: number;
  /**
   * Puts each query's words in random order. As drawn, a document's most frequent words tend to
   * come first, which favours a ranking that keeps a long query's first words over others.
   */
  shuffle?: boolean;
}

/**
 * Samples known-item queries. `wordsOf` splits a document into its words as the search analyses
 * them; `isStopWord` says which never to draw. A document with fewer distinct content words than
 * the query needs is passed over.
 */
export function sampleQueries(
  docs: ReadonlyArray<{ id: string; text: string }>,
  wordsOf: (text: string) => string[],
  isStopWord: (word: string) => boolean,
  o: SampleOptions,
): SyntheticQuery[] {
  const random = seededRandom(o.seed);
  const out: SyntheticQuery[] = [];
  for (let tries = 0; out.length < o.count && tries < o.count * 20; tries++) {
    const doc = docs[Math.floor(random() * docs.length)]!;
    const length = o.minWords + Math.floor(random() * (o.maxWords - o.minWords + 1));
    const counts = new Map<string, number>();
    for (const w of wordsOf(doc.text)) {
      // Digits-only words (prices, dates) are left out: a person's question rarely repeats them.
      if (isStopWord(w) || /^\p{N}+$/u.test(w) || w.length < 2) continue;
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
    if (counts.size < length) continue;
    const pool = [...counts];
    const words: string[] = [];
    let total = pool.reduce((s, [, n]) => s + n, 0);
    while (words.length < length) {
      let r = random() * total;
      const i = pool.findIndex(([, n]) => (r -= n) < 0);
      const [w, n] = pool.splice(i < 0 ? pool.length - 1 : i, 1)[0]!;
      words.push(w);
      total -= n;
    }
    if (o.shuffle) {
      for (let i = words.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [words[i], words[j]] = [words[j]!, words[i]!];
      }
    }
    out.push({ id: `q${out.length + 1}`, docId: doc.id, text: words.join(' ') });
  }
  return out;
}
