/**
 * Marks a promise as handled now, so that it may be awaited later or dropped without an unhandled
 * rejection; awaiting it still throws its error.
 */
export function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
