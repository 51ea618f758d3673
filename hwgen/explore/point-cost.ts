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
import { limitsRefusal } from '../cost/layer-limits.ts';
import type { CostLayer } from './levels.ts';

/** The cost schedule's seed (it only breaks ties); the RTL verification uses the same. */
export const EXPLORE_SEED = 0;

export interface PointCost {
  readonly cycles: number;
  readonly energyPj: number;
  /** Predicted cycles of each layer, by name: what a verification of some layers is compared with. */
  readonly layerCycles: Readonly<Record<string, number>>;
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
