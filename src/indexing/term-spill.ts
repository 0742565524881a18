import fs from 'node:fs';
import path from 'node:path';
import { hasPostings, type DocumentPosting, type PassagePosting } from '../terms/postings.js';
import { terms } from '../text/stem.js';
import type { ScoredFields } from './term-stats.js';

/**
 * Term statistics counted in bounded memory.
 *
 * Counting every term's postings in memory costs memory in proportion to the collection (3.1 GB at
 * a million passages). Here each passage's terms are written to disk instead, one line per
 * (term, passage), into one of `partitions` files chosen by a hash of the term; once every passage
 * has been seen, the files are read back one at a time, so that at most one partition's terms are
 * in memory. A partition that has grown over `maxPartitionBytes` is split again by a second hash
 * before it is read, so the bound holds however large the collection grows.
 *
 * Reading every posting of a term at the end also means the postings are chosen with the final
 * corpus statistics, and the full lists are there for any choice of what a term record keeps.
 *
 * Stop words (the terms that query analysis drops) have no postings: only their frequencies are
 * counted, in memory (the list is fixed).
 */
export const SPILL = {
  partitions: 64,
  /** Bytes a partition collects before it is appended to its file. */
  bufferBytes: 64 * 1024,
  /** A partition file larger than this is split before it is read (about 4× this in memory). */
  maxPartitionBytes: 32 * 1024 * 1024,
  /** Partitions a file that is too large is split into. */
  splitInto: 16,
} as const;

export type SpillLimits = { [K in keyof typeof SPILL]: number };

/** What a job changes for one term: frequencies, and every posting it adds. */
export interface TermTotals {
  term: string;
  /** Change in the passages, and in the documents, containing the term. */
  df: number;
  ddf: number;
  /** False for stop words, which keep no postings. */
  queried: boolean;
  /** Every passage added that holds the term, and every document, in the order they were added. */
  passages: PassagePosting[];
  documents: DocumentPosting[];
}

/** FNV-1a over the UTF-16 code units, seeded so that a split uses an independent hash. */
function hashOf(term: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < term.length; i++) {
    h ^= term.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Marks a removal line's document field: never a character of a document id ([A-Za-z0-9_-]). */
const REMOVED = '!';

interface Partition {
  file: string;
  pending: string;
}

function countsOf(ts: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of ts) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}

/**
 * Counts passages added to (sign 1) or removed from (sign -1) an index, spilling to files under
 * `dir` (created, and removed by `close`).
 *
 * Line format, tab-separated: an added passage `term docId position titleTf bodyTf length docLength`;
 * a removed one `term !docId`. Terms and document ids never hold a tab or a newline.
 */
export class TermSpill {
  /** Corpus totals: passages, their tokens, documents (counted at position 0), their tokens. */
  passages = 0;
  tokens = 0;
  docs = 0;
  docTokens = 0;
  /** Documents whose passages were removed: their stored postings are withdrawn. */
  readonly removedDocs = new Set<string>();
  readonly #dir: string;
  readonly #limits: SpillLimits;
  readonly #parts: Partition[];
  readonly #unqueried = new Map<string, { df: number; ddf: number }>();
  /** Bytes written to the partition files, for reports. */
  spilledBytes = 0;
  /** False until passages are added or removed: nothing to write. */
  touched = false;

  constructor(dir: string, limits: Partial<SpillLimits> = {}) {
    this.#limits = { ...SPILL, ...limits };
    this.#dir = dir;
    fs.mkdirSync(dir, { recursive: true });
    this.#parts = Array.from({ length: this.#limits.partitions }, (_, i) => {
      const file = path.join(dir, `p${i}`);
      fs.writeFileSync(file, '');
      return { file, pending: '' };
    });
  }

  #write(term: string, line: string) {
    const part = this.#parts[hashOf(term, 0) % this.#parts.length]!;
    part.pending += line;
    if (part.pending.length >= this.#limits.bufferBytes) this.#flush(part);
  }

  #flush(part: Partition) {
    if (part.pending === '') return;
    fs.appendFileSync(part.file, part.pending);
    this.spilledBytes += Buffer.byteLength(part.pending);
    part.pending = '';
  }

  #stopWord(term: string, df: number, ddf: number) {
    const e = this.#unqueried.get(term);
    if (e) {
      e.df += df;
      e.ddf += ddf;
    } else this.#unqueried.set(term, { df, ddf });
  }

  /** Adds (1) or removes (-1) passages. A document's passages may come in any order or call. */
  add(passages: readonly ScoredFields[], sign: 1 | -1): void {
    if (passages.length > 0) this.touched = true;
    let title: { text: string | null; counts: Map<string, number>; length: number } | null = null;
    for (let start = 0; start < passages.length; ) {
      // A run of passages of one document: their bodies make its length when docTokens is absent.
      const docId = passages[start]!.docId ?? '';
      let end = start + 1;
      while (end < passages.length && (passages[end]!.docId ?? '') === docId) end++;
      const rows: Array<{ p: ScoredFields; title: NonNullable<typeof title>; body: Map<string, number>; length: number }> = [];
      let bodyLength = 0;
      for (let i = start; i < end; i++) {
        const p = passages[i]!;
        // Passages of a document share its title: split into terms once.
        if (!title || title.text !== p.title) {
          const ts = terms(p.title ?? '');
          title = { text: p.title, counts: countsOf(ts), length: ts.length };
        }
        const bodyTerms = terms(`${p.heading ?? ''} ${p.text}`);
        const length = title.length + bodyTerms.length;
        rows.push({ p, title, body: countsOf(bodyTerms), length });
        bodyLength += bodyTerms.length;
        this.passages += sign;
        this.tokens += sign * length;
        if (p.position === 0) {
          this.docs += sign;
          this.docTokens += sign * (p.docTokens ?? 0);
        }
      }
      if (sign === -1) this.removedDocs.add(docId);
      const stopDocs = new Set<string>();
      for (const { p, title: t, body, length } of rows) {
        const docLength = p.docTokens ?? t.length + bodyLength;
        const one = (term: string, titleTf: number, bodyTf: number) => {
          if (!hasPostings(term)) {
            this.#stopWord(term, sign, 0);
            stopDocs.add(term);
          } else if (sign === -1) this.#write(term, `${term}\t${REMOVED}${docId}\n`);
          else this.#write(term, `${term}\t${docId}\t${p.position ?? 0}\t${titleTf}\t${bodyTf}\t${length}\t${docLength}\n`);
        };
        body.forEach((n, term) => one(term, t.counts.get(term) ?? 0, n));
        t.counts.forEach((n, term) => {
          if (!body.has(term)) one(term, n, 0);
        });
      }
      // Stop words count one document per run of passages (a document split over two calls
      // counts twice; their frequencies only weigh other terms' IDF).
      for (const term of stopDocs) this.#stopWord(term, 0, sign);
      start = end;
    }
  }

  /**
   * Calls `each` with the totals of every term, one partition at a time (stop words in a last
   * group), and waits for it before reading the next partition.
   */
  async forEachPartition(each: (terms: TermTotals[]) => Promise<void> | void): Promise<void> {
    for (const part of this.#parts) this.#flush(part);
    for (const part of this.#parts) await this.#readPartition(part.file, 1, each);
    if (this.#unqueried.size > 0) {
      await each([...this.#unqueried].map(([term, e]) => ({ term, df: e.df, ddf: e.ddf, queried: false, passages: [], documents: [] })));
    }
  }

  async #readPartition(file: string, depth: number, each: (terms: TermTotals[]) => Promise<void> | void): Promise<void> {
    const size = fs.statSync(file).size;
    if (size === 0) return;
    if (size > this.#limits.maxPartitionBytes && depth < 4) {
      for (const sub of this.#split(file, depth)) await this.#readPartition(sub, depth + 1, each);
      return;
    }
    const text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file, { force: true });
    const byTerm = new Map<string, { totals: TermTotals; docs: Map<string, DocumentPosting>; lastDoc: string | null; lastDocPosting: DocumentPosting | null; removed: Set<string> }>();
    let from = 0;
    while (from < text.length) {
      let to = text.indexOf('\n', from);
      if (to < 0) to = text.length;
      const f = text.slice(from, to).split('\t');
      from = to + 1;
      const term = f[0]!;
      let e = byTerm.get(term);
      if (!e) {
        e = { totals: { term, df: 0, ddf: 0, queried: true, passages: [], documents: [] }, docs: new Map(), lastDoc: null, lastDocPosting: null, removed: new Set() };
        byTerm.set(term, e);
      }
      const doc = f[1]!;
      if (doc.startsWith(REMOVED)) {
        e.totals.df -= 1;
        const docId = doc.slice(1);
        if (!e.removed.has(docId)) {
          e.removed.add(docId);
          e.totals.ddf -= 1;
        }
        continue;
      }
      const titleTf = Number(f[3]);
      const bodyTf = Number(f[4]);
      e.totals.df += 1;
      e.totals.passages.push([doc, Number(f[2]), titleTf + bodyTf, Number(f[5])]);
      // A document counts its title once and the body of each of its passages.
      let posting = e.lastDoc === doc ? e.lastDocPosting : (e.docs.get(doc) ?? null);
      if (!posting) {
        posting = [doc, titleTf, Number(f[6])];
        e.docs.set(doc, posting);
        e.totals.documents.push(posting);
        e.totals.ddf += 1;
      }
      posting[1] += bodyTf;
      e.lastDoc = doc;
      e.lastDocPosting = posting;
    }
    // Terms whose whole change is zero for a document are still reported: the caller decides.
    await each([...byTerm.values()].map((e) => e.totals));
  }

  /** Splits a partition file into `splitInto` files by an independent hash of the term. */
  #split(file: string, depth: number): string[] {
    const n = this.#limits.splitInto;
    const subs = Array.from({ length: n }, (_, i) => ({ file: `${file}.${i}`, pending: '' }));
    for (const s of subs) fs.writeFileSync(s.file, '');
    const fd = fs.openSync(file, 'r');
    const chunk = Buffer.alloc(1024 * 1024);
    let rest = '';
    for (;;) {
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      const text = rest + chunk.toString('utf8', 0, read);
      const last = text.lastIndexOf('\n');
      rest = text.slice(last + 1);
      let from = 0;
      while (from <= last) {
        const to = text.indexOf('\n', from);
        const line = text.slice(from, to + 1);
        const term = line.slice(0, line.indexOf('\t'));
        const s = subs[hashOf(term, depth * 0x9e3779b1) % n]!;
        s.pending += line;
        if (s.pending.length >= this.#limits.bufferBytes) {
          fs.appendFileSync(s.file, s.pending);
          s.pending = '';
        }
        from = to + 1;
      }
    }
    fs.closeSync(fd);
    for (const s of subs) if (s.pending) fs.appendFileSync(s.file, s.pending);
    fs.rmSync(file, { force: true });
    return subs.map((s) => s.file);
  }

  /** Removes the spill files. */
  close(): void {
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}
