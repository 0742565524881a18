/** `larger`, holding `a` at its start: how a typed array grows, its length being fixed. */
export function grown<A extends Float64Array | Int32Array | Uint8Array>(a: A, larger: A): A {
  larger.set(a);
  return larger;
}
