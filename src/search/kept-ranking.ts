import { passageId } from '../ingest/records.js';
import type { RankedPassage } from './rerank.js';

/*
 * A ranked list as the cache keeps it between a question and its next pages: its entries in
 * columns (document, position, score) and Meilisearch's hits by place, not an object and an id per
 * entry. A question's list holds some two thousand entries; kept as objects, the lists of the last
 * questions were most of what the service held between questions (15 MB of 42 after 120 questions
 * in-process), and what each of V8's old-generation collections had to mark.
 */

/** What an entry costs beside its document id, about: its place in three columns. */
const ENTRY_BYTES = 40;
/** What a kept hit costs beside its text, about: its other fields. */
const HIT_BYTES = 400;

export class KeptRanking<H extends { id: string }> {
  readonly size: number;
  readonly #docIds: string[];
  readonly #positions: Int32Array;
  readonly #scores: Float64Array;
  readonly #hits = new Map<number, H>();

  constructor(list: ReadonlyArray<RankedPassage<H>>) {
    this.size = list.length;
    this.#docIds = new Array<string>(list.length);
    this.#positions = new Int32Array(list.length);
    this.#scores = new Float64Array(list.length);
    // Plain loops: typed arrays' `from` with a function costs several times as much.
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      this.#docIds[i] = r.docId;
      this.#positions[i] = r.position;
      this.#scores[i] = r.score;
      if (r.hit) this.#hits.set(i, r.hit);
    }
  }

  /**
   * The entries from `from` to `to`, as the ranking gave them: an entry's id is its hit's, or the
   * id of its document's passage at its position (what ranking named it by).
   */
  slice(from = 0, to = this.size): Array<RankedPassage<H>> {
    const out: Array<RankedPassage<H>> = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.size); i++) {
      const docId = this.#docIds[i]!;
      const position = this.#positions[i]!;
      const hit = this.#hits.get(i) ?? null;
      out.push({ id: hit ? hit.id : passageId(docId, position), docId, position, score: this.#scores[i]!, hit });
    }
    return out;
  }

  /** About how much memory the list takes, given the size of a hit's text. */
  bytes(textOf: (hit: H) => number): number {
    let bytes = 0;
    for (const docId of this.#docIds) bytes += ENTRY_BYTES + 2 * docId.length;
    for (const hit of this.#hits.values()) bytes += HIT_BYTES + 2 * textOf(hit);
    return bytes;
  }
}
