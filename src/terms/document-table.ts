import { grown } from './typed-arrays.js';

/*
 * The documents a question's postings name, each once, by row. A question reads some ten thousand
 * document postings, nearly all of documents it meets for the first time: decoded one by one, each
 * made a string of its own and a Map lookup hashing it (the largest costs of a question in a CPU
 * profile). Here a posting's id is hashed and compared where it lies in the encoded block, and a
 * row records only where its id lies (the string it was read in, and its span there): the id is
 * made a string when first asked for (idOf), which a question does for a few hundred documents.
 */

/** Rows the table starts with unless told how many documents to expect; it doubles as it fills. */
const INITIAL_ROWS = 1024;

/**
 * FNV-1a over an id's UTF-16 code units: cheap, and spreads the short ids of one collection well.
 * Exported by steps so that a decoder hashes an id as it scans it (decodeDocumentColumns), rather
 * than reading its characters twice.
 */
export const ID_HASH_SEED = 0x811c9dc5 | 0;
export function idHashStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, 0x01000193);
}

function hashOf(s: string, start: number, end: number): number {
  let h = ID_HASH_SEED;
  for (let i = start; i < end; i++) h = idHashStep(h, s.charCodeAt(i));
  return h;
}

export class DocumentTable {
  #size = 0;
  // The strings ids were read in (each block's encoded postings, or an id given alone), each once.
  readonly #sources: string[] = [];
  // Per row: its id's source (index in #sources), where the id starts and ends there, its hash.
  #sourceOf: Int32Array;
  #starts: Int32Array;
  #ends: Int32Array;
  #hashes: Int32Array;
  // Ids made strings so far, by row.
  readonly #ids = new Map<number, string>();
  // Open addressing with linear probing: row + 1 in each slot, 0 for an empty slot. Kept at most
  // half full, so that a probe ends within a few slots.
  #slots: Int32Array;

  /**
   * @param expected documents the table is likely to hold: room for them from the start spares the
   *   rehashes of a table doubled from small (each reinserts every row it holds).
   */
  constructor(expected = INITIAL_ROWS) {
    const rows = Math.max(16, expected);
    this.#sourceOf = new Int32Array(rows);
    this.#starts = new Int32Array(rows);
    this.#ends = new Int32Array(rows);
    this.#hashes = new Int32Array(rows);
    this.#slots = new Int32Array(2 ** Math.ceil(Math.log2(2 * rows)));
  }

  get size(): number {
    return this.#size;
  }

  /** A row's document id. */
  idOf(row: number): string {
    let id = this.#ids.get(row);
    if (id === undefined) {
      id = this.#sources[this.#sourceOf[row]!]!.slice(this.#starts[row], this.#ends[row]);
      this.#ids.set(row, id);
    }
    return id;
  }

  /** Orders two rows by their ids, as `<` orders strings, without making them strings. */
  compareIds(a: number, b: number): number {
    const sa = this.#sources[this.#sourceOf[a]!]!;
    const sb = this.#sources[this.#sourceOf[b]!]!;
    let i = this.#starts[a]!;
    let j = this.#starts[b]!;
    const endA = this.#ends[a]!;
    const endB = this.#ends[b]!;
    for (; i < endA && j < endB; i++, j++) {
      const d = sa.charCodeAt(i) - sb.charCodeAt(j);
      if (d !== 0) return d;
    }
    return endA - i - (endB - j);
  }

  /** The row of the id written in `s` from `start` to `end`, added when new. */
  rowAt(s: string, start: number, end: number): number {
    return this.rowAtHashed(s, start, end, hashOf(s, start, end));
  }

  /** rowAt, given the id's hash (ID_HASH_SEED and idHashStep over its characters). */
  rowAtHashed(s: string, start: number, end: number, hash: number): number {
    const mask = this.#slots.length - 1;
    const length = end - start;
    let slot = hash & mask;
    for (let held = this.#slots[slot]!; held !== 0; held = this.#slots[slot]!) {
      const row = held - 1;
      if (this.#hashes[row] === hash && this.#ends[row]! - this.#starts[row]! === length && this.#sameId(row, s, start)) return row;
      slot = (slot + 1) & mask;
    }
    const row = this.#size++;
    if (row >= this.#hashes.length) this.#grow();
    // Blocks are decoded one after another: a new source is most often a new last one.
    if (this.#sources[this.#sources.length - 1] !== s) this.#sources.push(s);
    this.#sourceOf[row] = this.#sources.length - 1;
    this.#starts[row] = start;
    this.#ends[row] = end;
    this.#hashes[row] = hash;
    this.#slots[slot] = row + 1;
    if (2 * this.#size > this.#slots.length) this.#rehash(2 * this.#slots.length);
    return row;
  }

  /** The row of a document id, added when new. */
  rowOf(id: string): number {
    return this.rowAt(id, 0, id.length);
  }

  #sameId(row: number, s: string, start: number): boolean {
    const source = this.#sources[this.#sourceOf[row]!]!;
    for (let i = this.#starts[row]!, j = start, end = this.#ends[row]!; i < end; i++, j++) if (source.charCodeAt(i) !== s.charCodeAt(j)) return false;
    return true;
  }

  #grow(): void {
    const rows = 2 * this.#hashes.length;
    this.#sourceOf = grown(this.#sourceOf, new Int32Array(rows));
    this.#starts = grown(this.#starts, new Int32Array(rows));
    this.#ends = grown(this.#ends, new Int32Array(rows));
    this.#hashes = grown(this.#hashes, new Int32Array(rows));
  }

  #rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let row = 0; row < this.#size; row++) {
      let slot = this.#hashes[row]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = row + 1;
    }
    this.#slots = slots;
  }
}
