/**
 * Accumulator width (docs/numerics.md, "Accumulator width"): the narrowest signed width that
 * holds every value the membrane v = acc + b + φ takes, partial sums included, for the configured maxima.
 */
import type { AcceleratorConfig } from './schema.ts';

export interface MembraneRange {
  readonly min: number;
  readonly max: number;
}

/** |acc| ≤ K·128·Tin; every partial sum of either path lies in the same range. */
export function membraneRange(limits: AcceleratorConfig['limits']): MembraneRange {
  const reach = limits.maxK * limits.maxInLevels;
  return {
    min: -reach * 128 - limits.maxBiasAbs,
    max: reach * 127 + limits.maxBiasAbs + Math.floor(limits.maxTheta / 2),
  };
}

export function signedBitsFor(range: MembraneRange): number {
  let bits = 2;
  while (-(2 ** (bits - 1)) > range.min || 2 ** (bits - 1) - 1 < range.max) bits += 1;
  return bits;
}

export function requiredAccumulatorBits(limits: AcceleratorConfig['limits']): number {
  return signedBitsFor(membraneRange(limits));
}
