/**
 * How deep the terms index must keep each term's postings for a question's candidates to hold
 * what full BM25 ranks first, and what each design costs. In memory, over Reuters-21578 cleaned
 * and split into passages by Citable's own ingest (as it is, and written several times over), with
 * the known-item queries of bench:relevance. For each design it prints candidate recall@100 (the
 * share of full document-level BM25's top 100 found among the documents of the candidate
 * passages), the postings stored, and the postings a question reads.
 *   npm run bench:postings [-- --copies 1,4 --queries 200 --read 32:2:100,64:64:100]
 * Designs:
 *   fixed 200        the 200 passages where the term weighs most (the terms index before blocks)
 *   share f          max(200, f × df) passages: depth that grows with the term's frequency
 *   blocks           every posting, in blocks of 200 ordered by weight, read block by block until
 *                    the 100th best candidate's score so far is out of reach of any unread passage
 *   as built         the terms index's records as the indexer writes them (termRecords) read as the
 *                    search reads them (readTerms, readDocuments: first blocks, then MaxScore
 *                    reads), the documents that could still rank counted exactly (from their text,
 *                    in the search), within the search's bounds (QUESTION_READ_LIMITS) or those --read
 *                    gives (blocks:rounds:counted); it prints blocks read beyond the first and
 *                    documents counted
 */
import { parseArgs } from 'node:util';
import { ingestDocument } from '../src/ingest/ingest.js';
import { toPassageRecords } from '../src/ingest/records.js';
import { analyzeQuery } from '../src/search/analyze.js';
import { termRecords } from '../src/indexing/term-stats-store.js';
import { QUESTION_READ_LIMITS, type QuestionReadLimits } from '../src/search/backend.js';
import { readDocuments, readTerms } from '../src/terms/read.js';
import { CORPUS_RECORD_ID, POSTINGS_VERSION, type TermRecord } from '../src/terms/schema.js';
import { bm25, documentStats, idf, termWeight, type CorpusStats } from '../src/text/bm25.js';
import { terms as termsOf } from '../src/text/stem.js';
import { stopWordsFor } from '../src/text/stop-words.js';
import { words } from '../src/text/words.js';
import { FullBm25, recallOf } from './bench/candidate-recall.js';
import { readReuters } from './bench/reuters.js';
import { sampleQueries } from './bench/synthetic-queries.js';

const { values } = parseArgs({ options: { copies: { type: 'string', default: '1,4' }, queries: { type: 'string', default: '200' }, read: { type: 'string' } } });
/** The search's own bounds, or others to compare (--read blocks:rounds:counted,…). */
const readLimits: QuestionReadLimits[] = values.read
  ? values.read.split(',').map((x) => {
      const [maxBlocks, maxRounds, maxCounted] = x.split(':').map(Number);
      return { maxBlocks: maxBlocks!, maxRounds: maxRounds!, maxCounted: maxCounted! };
    })
  : [QUESTION_READ_LIMITS];
const K = 100;
const BLOCK = 200;

const stories = readReuters();
const stop = stopWordsFor('en');
const queries = sampleQueries(stories.map((s) => ({ id: s.name, text: `${s.title} ${s.body}` })), words, (w) => stop.has(w), {
  count: Number(values.queries), seed: 21, minWords: 4, maxWords: 8,
});
// Passages of each story once: copies share them.
const cleaned = stories.map((s) => toPassageRecords(ingestDocument(`${s.name}.txt`, Buffer.from(`${s.title}\n\n${s.body}`)), ''));

for (const copies of values.copies!.split(',').map(Number)) {
  // Passage postings: term → [passage number, tf], and passage lengths and documents.
  const postings = new Map<string, Array<[number, number]>>();
  const lengths: number[] = [];
  const docOf: number[] = [];
  const docIds: string[] = [];
  for (let c = 0; c < copies; c++) {
    cleaned.forEach((records, s) => {
      const doc = docIds.push(`${stories[s]!.name}-${c}`) - 1;
      for (const r of records) {
        const p = lengths.length;
        const ts = termsOf(`${r.title ?? ''} ${r.heading ?? ''} ${r.text}`);
        lengths.push(ts.length);
        docOf.push(doc);
        const counts = new Map<string, number>();
        for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
        for (const [t, n] of counts) {
          let l = postings.get(t);
          if (!l) postings.set(t, (l = []));
          l.push([p, n]);
        }
      }
    });
  }
  // Document postings: a document's terms over its title and passages.
  const docPostings = new Map<string, Array<[number, number]>>();
  const docLengths: number[] = new Array(docIds.length).fill(0);
  {
    const perDoc = new Map<number, Map<string, number>>();
    for (const [t, l] of postings) {
      for (const [p, n] of l) {
        const d = docOf[p]!;
        let m = perDoc.get(d);
        if (!m) perDoc.set(d, (m = new Map()));
        m.set(t, (m.get(t) ?? 0) + n);
      }
    }
    lengths.forEach((n, p) => {
      const d = docOf[p]!;
      docLengths[d] = docLengths[d]! + n;
    });
    for (const [d, m] of [...perDoc].sort((a, b) => a[0] - b[0])) {
      for (const [t, n] of m) {
        let l = docPostings.get(t);
        if (!l) docPostings.set(t, (l = []));
        l.push([d, n]);
      }
    }
  }
  const avgDocLength = docLengths.reduce((a, b) => a + b, 0) / docLengths.length;
  const docStats: CorpusStats = { passages: docIds.length, avgLength: avgDocLength, avgDocLength, df: new Map([...docPostings].map(([t, l]) => [t, l.length])) };
  const docWeight = (d: number, tf: number) => termWeight(tf, docLengths[d]!, avgDocLength);
  const docOrdered = new Map<string, Array<[number, number]>>();
  const docOrderedOf = (t: string) => {
    let l = docOrdered.get(t);
    if (!l) docOrdered.set(t, (l = [...(docPostings.get(t) ?? [])].sort((a, b) => docWeight(b[0], b[1]) - docWeight(a[0], a[1]) || a[0] - b[0])));
    return l;
  };
  const avgLength = lengths.reduce((a, b) => a + b, 0) / lengths.length;
  const stats: CorpusStats = { passages: lengths.length, avgLength, avgDocLength: 0, df: new Map([...postings].map(([t, l]) => [t, l.length])) };
  const weight = (p: number, tf: number) => termWeight(tf, lengths[p]!, avgLength);
  // Every list in weight order, best first (ties: earlier passage first), as blocks would hold it.
  const ordered = new Map<string, Array<[number, number]>>();
  const orderedOf = (t: string) => {
    let l = ordered.get(t);
    if (!l) ordered.set(t, (l = [...(postings.get(t) ?? [])].sort((a, b) => weight(b[0], b[1]) - weight(a[0], a[1]) || a[0] - b[0])));
    return l;
  };
  // Full BM25 over what the index holds: the cleaned title and passages of each document.
  const indexed = cleaned.map((records) => `${records[0]?.title ?? ''} ${records.map((r) => `${r.heading ?? ''} ${r.text}`).join(' ')}`);
  const full = new FullBm25(Array.from({ length: copies }, (_, c) => stories.map((s, i) => ({ id: `${s.name}-${c}`, text: indexed[i]! }))).flat());
  const references = queries.map((q) => full.top(q.text, K));
  const totalPostings = [...postings.values()].reduce((n, l) => n + l.length, 0);

  type Run = { docs: Set<string>; read: number };
  const report = async (name: string, stored: number, run: (terms: string[]) => Run | Promise<Run>) => {
    let recall = 0;
    const reads: number[] = [];
    for (const [i, q] of queries.entries()) {
      const r = await run(analyzeQuery(q.text).terms);
      recall += recallOf(references[i]!, r.docs);
      reads.push(r.read);
    }
    reads.sort((a, b) => a - b);
    process.stdout.write(
      `  ${name.padEnd(14)} recall@${K} ${(recall / queries.length).toFixed(3)}  stored ${(stored / 1e6).toFixed(2)} M postings` +
        `  read per question: mean ${(reads.reduce((a, b) => a + b, 0) / reads.length).toFixed(0)}, p99 ${reads[Math.floor(reads.length * 0.99)]}\n`,
    );
  };
  const depthRun = (depth: (df: number) => number) => (terms: string[]) => {
    const docs = new Set<string>();
    let read = 0;
    for (const t of terms) {
      const l = orderedOf(t).slice(0, depth(postings.get(t)?.length ?? 0));
      read += l.length;
      for (const [p] of l) docs.add(docIds[docOf[p]!]!);
    }
    return { docs, read };
  };
  const storedFor = (depth: (df: number) => number) => [...postings.values()].reduce((n, l) => n + Math.min(l.length, depth(l.length)), 0);

  process.stdout.write(`Reuters ×${copies}: ${docIds.length} documents, ${lengths.length} passages, ${postings.size} terms, ${(totalPostings / 1e6).toFixed(2)} M postings\n`);
  const fixed = () => 200;
  await report('fixed 200', storedFor(fixed), depthRun(fixed));
  for (const f of [1 / 16, 1 / 8, 1 / 4]) {
    const d = (df: number) => Math.max(200, Math.ceil(f * df));
    await report(`share 1/${1 / f}`, storedFor(d), depthRun(d));
  }
  // Blocks read with a threshold: a passage not yet seen scores at most the sum over the query
  // terms of idf × the weight of the last posting read of that term (0 once a list is done).
  // Reading stops when K passages' scores so far (a lower bound) reach that sum.
  const totalDocPostings = [...docPostings.values()].reduce((n, l) => n + l.length, 0);
  process.stdout.write(`  documents' own postings (${(totalDocPostings / 1e6).toFixed(2)} M), as candidates:\n`);
  await report('docs, 200', [...docPostings.values()].reduce((n, l) => n + Math.min(200, l.length), 0), (terms) => {
    const docs = new Set<string>();
    let read = 0;
    for (const t of terms) for (const [d] of docOrderedOf(t).slice(0, 200)) (read++, docs.add(docIds[d]!));
    return { docs, read };
  });
  await report('docs, blocks', totalDocPostings, (terms) => {
    const lists = terms.map((t) => ({ idf: idf(t, docStats), list: docOrderedOf(t), next: 0 }));
    const partial = new Map<number, number>();
    let read = 0;
    const last = (l: (typeof lists)[number]) => (l.next >= l.list.length ? 0 : l.idf * docWeight(l.list[l.next - 1]![0], l.list[l.next - 1]![1]));
    for (;;) {
      for (const l of lists) {
        if (l.next >= l.list.length) continue;
        for (const [d, tf] of l.list.slice(l.next, l.next + BLOCK)) partial.set(d, (partial.get(d) ?? 0) + l.idf * docWeight(d, tf));
        read += Math.min(BLOCK, l.list.length - l.next);
        l.next += BLOCK;
      }
      const kth = [...partial.values()].sort((a, b) => b - a)[K - 1] ?? 0;
      if (kth >= lists.reduce((s, l) => s + last(l), 0) || lists.every((l) => l.next >= l.list.length)) break;
    }
    return { docs: new Set([...partial.keys()].map((d) => docIds[d]!)), read };
  });
  process.stdout.write(`  passages:\n`);
  await report('blocks', totalPostings, (terms) => {
    const lists = terms.map((t) => ({ idf: idf(t, stats), list: orderedOf(t), next: 0 }));
    const partial = new Map<number, number>();
    let read = 0;
    const bound = () => lists.reduce((s, l) => s + (l.next >= l.list.length ? 0 : l.idf * (l.next === 0 ? termWeight(1e9, 0, avgLength) : weight(l.list[l.next - 1]![0], l.list[l.next - 1]![1]))), 0);
    for (;;) {
      for (const l of lists) {
        if (l.next >= l.list.length) continue;
        for (const [p, tf] of l.list.slice(l.next, l.next + BLOCK)) partial.set(p, (partial.get(p) ?? 0) + l.idf * weight(p, tf));
        read += Math.min(BLOCK, l.list.length - l.next);
        l.next += BLOCK;
      }
      const kth = [...partial.values()].sort((a, b) => b - a)[K - 1] ?? 0;
      if (kth >= bound() || lists.every((l) => l.next >= l.list.length)) break;
    }
    return { docs: new Set([...partial.keys()].map((p) => docIds[docOf[p]!]!)), read };
  });

  // The terms index as built, and the search's own reading of it.
  {
    const records: TermRecord[] = [];
    const byTerm = new Map<string, TermRecord[]>();
    for (const [t, l] of docPostings) {
      const written = termRecords(t, { df: postings.get(t)?.length ?? l.length, ddf: l.length }, [], l.map(([d, n]) => [docIds[d]!, n, docLengths[d]!]), avgDocLength);
      records.push(...written);
      byTerm.set(t, written);
    }
    const tokens = docLengths.reduce((a, b) => a + b, 0);
    const corpus: TermRecord = { id: CORPUS_RECORD_ID, term: '', df: lengths.length, tokens: lengths.reduce((a, b) => a + b, 0), docs: docIds.length, docTokens: tokens, postings: POSTINGS_VERSION };
    const docIndex = new Map(docIds.map((id, i) => [id, i]));
    // What counting a document's text gives: its count of each query term.
    const tfOf = new Map<string, Map<number, number>>();
    const exactCounts = (d: number, terms: readonly string[]) => {
      const m = new Map<string, number>();
      for (const t of terms) {
        let byDoc = tfOf.get(t);
        if (!byDoc) tfOf.set(t, (byDoc = new Map(docPostings.get(t) ?? [])));
        const n = byDoc.get(d);
        if (n) m.set(t, n);
      }
      return m;
    };
    for (const limits of readLimits) {
      const blockReads: number[] = [];
      const counted: number[] = [];
      const firstRecords: number[] = [];
      await report(`as built, ${limits.maxBlocks} blocks in ${limits.maxRounds} rounds, ${limits.maxCounted} counted`, [...docPostings.values()].reduce((n, l) => n + l.length, 0), async (terms) => {
        const first = [corpus, ...[...new Set(terms)].flatMap((t) => byTerm.get(t)?.slice(0, 1) ?? [])];
        const read = readTerms(first)!;
        let postingsRead = first.reduce((n, r) => n + (r.documents ? r.documents.split(' ').length : 0), 0);
        firstRecords.push(first.length - 1);
        const io = {
          blocks: async (reads: Array<{ term: string; block: number }>) => {
            const out = reads.flatMap((r) => byTerm.get(r.term)?.slice(r.block, r.block + 1) ?? []);
            postingsRead += out.reduce((n, r) => n + (r.documents ? r.documents.split(' ').length : 0), 0);
            return out;
          },
          count: async (ids: readonly string[]) => new Map(ids.map((id) => [id, { counts: exactCounts(docIndex.get(id)!, terms), length: docLengths[docIndex.get(id)!]! }])),
        };
        const got = await readDocuments(terms, read, io, { depth: K, ...limits });
        const ds = documentStats(read.stats);
        blockReads.push(got.blocksRead);
        counted.push(got.counted);
        const top = got.best.map(({ docId: id, document: d }) => ({ id, s: bm25(d.counts, d.length, terms, ds) })).sort((a, b) => b.s - a.s).slice(0, K);
        return { docs: new Set(top.map((x) => x.id)), read: postingsRead };
      });
      const summary = (xs: number[]) => {
        const sorted = [...xs].sort((a, b) => a - b);
        return `mean ${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)}, p99 ${sorted[Math.floor(sorted.length * 0.99)]}, max ${sorted[sorted.length - 1]}`;
      };
      process.stdout.write(`    first records read per question: ${summary(firstRecords)}; blocks beyond the first: ${summary(blockReads)}; documents counted from text: ${summary(counted)}\n`);
    }
  }
}
