/**
 * A design's limits (limits.maxK, maxInLevels, maxBiasAbs, maxTheta) set its widths: the accumulator, the SNN
 * core's stored θ. A layer beyond them would overflow or be cut in hardware, so it is refused, never run.
 */
import type { AcceleratorConfig } from '../config/schema.ts';
import { InputError } from '../errors.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';

function largestAbs(values: Int32Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}

/** Why the design's limits (its accumulator width, θ width and memory depths) do not cover the layer, or undefined. */
export function limitsRefusal(layer: Pick<GemmLayer, 'name' | 'K' | 'inLevels' | 'bias' | 'theta'>, limits: AcceleratorConfig['limits']): InputError | undefined {
  const checks: [string, number, number][] = [
    ['maxK', layer.K, limits.maxK],
    ['maxInLevels', layer.inLevels, limits.maxInLevels],
    ['maxBiasAbs', largestAbs(layer.bias), limits.maxBiasAbs],
    ['maxTheta', largestAbs(layer.theta), limits.maxTheta],
  ];
  const over = checks.find(([, value, limit]) => value > limit);
  return over === undefined ? undefined : new InputError(`layer ${layer.name}`, `limits.${over[0]}`, `needs ${over[1]}, the design allows ${over[2]}`);
}
