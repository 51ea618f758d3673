/**
 * A layer's output by the contract (docs/numerics.md): QCFS levels, or for a layer declared `output: accumulator` the
 * int32 logits `acc + b`. Either path computes either; the cores' fire stage makes no output spike for logits.
 */
import { InputError } from '../errors.ts';
import { isLogits, type OutputValues } from '../arch/output-stream.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { annLayer, annLogits } from './ann.ts';
import { snnLayer, snnLogits } from './snn.ts';

/** Which implementation of the contract computes outputs: both give the same values. */
export type GoldenPath = 'ann' | 'snn';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Exact logits as int32; a value outside int32 is bad input (the contract's logits are int32). */
function int32Logits(layer: GemmLayer, exact: Float64Array): Int32Array {
  const bad = exact.findIndex((value) => value < INT32_MIN || value > INT32_MAX);
  if (bad >= 0) {
    const m = Math.floor(bad / layer.N), n = bad % layer.N;
    throw new InputError(`layer ${layer.name}`, 'output', `logit Y[${m}, ${n}] = ${exact[bad]} does not fit int32`);
  }
  return Int32Array.from(exact);
}

/** Y (M×N, row-major): levels (uint8) or logits (int32), on the chosen path. */
export function layerOutput(layer: GemmLayer, path: GoldenPath = 'ann'): OutputValues {
  if (isLogits(layer)) return int32Logits(layer, path === 'ann' ? annLogits(layer) : snnLogits(layer));
  return path === 'ann' ? annLayer(layer) : snnLayer(layer);
}

/**
 * The levels the cores' fire stage makes (M×N): what their timing and fire events depend on. A layer that outputs
 * its accumulator fires nothing, so all 0.
 */
export function fireLevels(layer: GemmLayer, output?: OutputValues): Uint8Array {
  if (isLogits(layer)) return new Uint8Array(layer.M * layer.N);
  if (output instanceof Uint8Array) return output;
  return annLayer(layer);
}
