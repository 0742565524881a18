/**
 * Groups the calls made in one turn of the event loop into batches, so that requests that arrive
 * together can go out together. Nothing waits for company: a batch leaves at the end of the turn
 * (setImmediate) or as soon as it is full, so a lone call costs one extra tick, not a delay.
 */
export class Batcher<Item, Result> {
  #pending: Array<{ item: Item; resolve: (r: Result) => void; reject: (e: unknown) => void }> = [];
  #scheduled = false;
  readonly #run: (items: Item[]) => Promise<Array<PromiseSettledResult<Result>>>;
  readonly #maxSize: number;

  /**
   * @param run answers a batch: one settled result per item, in order; a rejection fails them all.
   * @param maxSize a batch is sent as soon as it holds this many items.
   */
  constructor(run: (items: Item[]) => Promise<Array<PromiseSettledResult<Result>>>, maxSize: number) {
    if (!(maxSize >= 1)) throw new RangeError('maxSize must be at least 1');
    this.#run = run;
    this.#maxSize = maxSize;
  }

  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.#maxSize) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => {
          this.#scheduled = false;
          this.#flush();
        });
      }
    });
  }

  #flush(): void {
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let answered: Promise<Array<PromiseSettledResult<Result>>>;
    try {
      answered = this.#run(batch.map((b) => b.item));
    } catch (err) {
      answered = Promise.reject(err);
    }
    answered.then(
      (results) => {
        batch.forEach((b, i) => {
          const r = results[i];
          if (!r) b.reject(new Error(`a batch of ${batch.length} got ${results.length} answers`));
          else if (r.status === 'fulfilled') b.resolve(r.value);
          else b.reject(r.reason);
        });
      },
      (err: unknown) => {
        for (const b of batch) b.reject(err);
      },
    );
  }
}
