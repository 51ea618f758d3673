/**
 * A design's limits (limits.maxK, maxInLevels, maxBiasAbs, maxTheta) set its widths: the accumulator, the SNN
 * core's stored θ. A layer beyond them would overflow or be cut in hardware, so it is refused, never run.
 */
import type { Accelerator } from '../config/load-config.ts';
import type { AcceleratorConfig } from '../config/schema.ts';
import { InputError } from '../errors.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { ResolvedLayer } from '../workload/resolve.ts';
import { designOf, tileLayer } from './layer.ts';

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

/** Why the design cannot run this layer: no core holds it, or it lies beyond the limits; undefined when it can. */
function layerRefusal(layer: ResolvedLayer, accelerator: Accelerator, design: ReturnType<typeof designOf>): InputError | undefined {
  try {
    tileLayer({ name: layer.spec.name, ...layer.gemm }, design, design.machines);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  const { inLevels, bias, theta } = layer;
  return limitsRefusal({ name: layer.spec.name, K: layer.gemm.K, inLevels, bias, theta }, accelerator.config.limits);
}

/**
 * Refuses, before any simulation or golden run, the first layer the design cannot run (no core holds it, or it is
 * beyond the limits). With `layersOption`, the message says how many of the other layers the design holds and that
 * the option picks them, since a zoo network often fits but for one layer (VGG-16's fc6, K = 25 088).
 */
export function refuseLayersTheDesignCannotRun(accelerator: Accelerator, layers: readonly ResolvedLayer[], layersOption?: string): void {
  const design = designOf(accelerator);
  const refusals = layers.flatMap((layer) => layerRefusal(layer, accelerator, design) ?? []);
  const [first] = refusals;
  if (first === undefined) return;
  const held = layers.length - refusals.length;
  const hint = held === 0 || layersOption === undefined ? '' : ` (it holds the workload's other ${held} layers: name them with ${layersOption}, where * is a wildcard, e.g. 'conv*')`;
  throw new InputError(first.file, first.field, first.reason + hint);
}
