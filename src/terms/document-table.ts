import { grown } from './typed-arrays.js';

/*
 * The documents a question's postings name, each once, by row. A question reads some ten thousand
 * document postings, many of them naming the same documents under several terms: decoded one by
 * one, each made a string of its own and a Map lookup hashing it (the largest costs of a question
 * in a CPU profile). Here a posting's id is hashed and compared where it lies in the encoded block,
 * and a string is made only for a document met for the first time.
 */

/** Rows the table starts with; it doubles as it fills. */
const INITIAL_ROWS = 1024;

/** FNV-1a over an id's UTF-16 code units: cheap, and spreads the short ids of one collection well. */
function hashOf(s: string, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

export class DocumentTable {
  /** Each row's document id. */
  readonly ids: string[] = [];
  #hashes = new Int32Array(INITIAL_ROWS);
  // Open addressing with linear probing: row + 1 in each slot, 0 for an empty slot. Kept at most
  // half full, so that a probe ends within a few slots.
  #slots = new Int32Array(2 * INITIAL_ROWS);

  get size(): number {
    return this.ids.length;
  }

  /** The row of the id written in `s` from `start` to `end`, added when new. */
  rowAt(s: string, start: number, end: number): number {
    const hash = hashOf(s, start, end);
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    for (let held = this.#slots[slot]!; held !== 0; held = this.#slots[slot]!) {
      const row = held - 1;
      if (this.#hashes[row] === hash) {
        const id = this.ids[row]!;
        if (id.length === end - start && s.startsWith(id, start)) return row;
      }
      slot = (slot + 1) & mask;
    }
    const row = this.ids.length;
    this.ids.push(s.slice(start, end));
    if (row >= this.#hashes.length) this.#hashes = grown(this.#hashes, new Int32Array(2 * this.#hashes.length));
    this.#hashes[row] = hash;
    this.#slots[slot] = row + 1;
    if (2 * this.ids.length > this.#slots.length) this.#rehash(2 * this.#slots.length);
    return row;
  }

  /** The row of a document id, added when new. */
  rowOf(id: string): number {
    return this.rowAt(id, 0, id.length);
  }

  #rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let row = 0; row < this.ids.length; row++) {
      let slot = this.#hashes[row]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = row + 1;
    }
    this.#slots = slots;
  }
}
