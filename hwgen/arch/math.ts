/** Width arithmetic shared by generators, drivers and cost models. */

/** ceil(log2(n)) for n ≥ 1: the address width that reaches n entries (at least 1 bit). */
export function clog2(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`clog2 needs a positive integer, got ${n}`);
  let bits = 0;
  while (2 ** bits < n) bits += 1;
  return Math.max(bits, 1);
}

/** Bits to hold the values 0..n. */
export function bitsFor(n: number): number {
  return clog2(n + 1);
}

export function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}
