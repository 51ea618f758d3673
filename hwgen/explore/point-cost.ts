/**
 * One point's figures from the cost model: every layer of the workload under the `cost` schedule (exact by the
 * host protocol, hwgen/cost/layer.ts), summed as the layers run one after another. A design that cannot run the
 * workload exactly (a layer beyond its limits, which set its widths, or one no core can hold) is refused with an
 * InputError, and the explorer skips the point with its message.
 */
import { acceleratorFrom } from '../config/load-config.ts';
import type { AcceleratorConfig } from '../config/schema.ts';
import type { EventCounts } from '../arch/events.ts';
import { evaluatePolicy } from '../cost/layer-compare.ts';
import { designOf } from '../cost/layer.ts';
import { InputError } from '../errors.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { CostLayer } from './levels.ts';

/** The cost schedule's seed (it only breaks ties); the RTL verification uses the same. */
export const EXPLORE_SEED = 0;

export interface PointCost {
  readonly cycles: number;
  readonly energyPj: number;
  /** Predicted cycles of each layer, by name: what a verification of some layers is compared with. */
  readonly layerCycles: Readonly<Record<string, number>>;
}

function largestAbs(values: Int32Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest;
}

/** Why the design's limits (its accumulator width and memory depths) do not cover the layer, or undefined. */
export function limitsRefusal(layer: GemmLayer, limits: AcceleratorConfig['limits']): InputError | undefined {
  const checks: [string, number, number][] = [
    ['maxK', layer.K, limits.maxK],
    ['maxInLevels', layer.inLevels, limits.maxInLevels],
    ['maxBiasAbs', largestAbs(layer.bias), limits.maxBiasAbs],
    ['maxTheta', largestAbs(layer.theta), limits.maxTheta],
  ];
  const over = checks.find(([, value, limit]) => value > limit);
  return over === undefined ? undefined : new InputError(`layer ${layer.name}`, `limits.${over[0]}`, `needs ${over[1]}, the design allows ${over[2]}`);
}

export function pointCost(config: AcceleratorConfig, layers: readonly CostLayer[], energyTable?: Readonly<EventCounts>): PointCost {
  const accelerator = acceleratorFrom(config, 'point');
  for (const { gemm } of layers) {
    const refusal = limitsRefusal(gemm, config.limits);
    if (refusal !== undefined) throw refusal;
  }
  const design = designOf(accelerator);
  let cycles = 0;
  let energyPj = 0;
  const layerCycles: Record<string, number> = {};
  for (const { gemm, outputs } of layers) {
    const { prediction } = evaluatePolicy(gemm, design, 'cost', { seed: EXPLORE_SEED, outputs, energyTable });
    cycles += prediction.cycles;
    energyPj += prediction.energyPj;
    layerCycles[gemm.name] = prediction.cycles;
  }
  return { cycles, energyPj, layerCycles };
}
