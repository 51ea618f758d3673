/**
 * The QCFS output stage of docs/numerics.md, in exact integers:
 *   v = acc + b + φ,  φ = floor(θ/2),  y = clamp(floor(v/θ), 0, T).
 * All values here stay far below 2^53, so JavaScript numbers hold them exactly.
 */

export function phi(theta: number): number {
  return Math.floor(theta / 2);
}

/** The membrane value `v` both paths end at, before the divide. */
export function membrane(acc: number, bias: number, theta: number): number {
  return acc + bias + phi(theta);
}

/**
 * `clamp(floor(v/θ), 0, T)`. Clamping before dividing keeps the quotient below 256,
 * where a floating divide is exact; a raw `Math.floor(v/θ)` can round up when v is near 2^45.
 */
export function quantize(v: number, theta: number, T: number): number {
  if (v < theta) return 0;
  if (v >= T * theta) return T;
  return Math.floor(v / theta);
}

/** The closed form the issue names: `clamp(floor((acc+b+floor(θ/2))/θ), 0, T)`. */
export function qcfsLevel(acc: number, bias: number, theta: number, T: number): number {
  return quantize(membrane(acc, bias, theta), theta, T);
}
