/**
 * What a layer is driven and checked with: its golden output and the exact prediction (tiles, schedules,
 * cycles, events) of the policy's plan. `simulateGemm` runs it; `hwgen check` recomputes it from a run's
 * policy, seed and energy table, so both always agree.
 */
import type { Accelerator } from '../config/load-config.ts';
import { DEFAULT_ENERGY_PJ, type EventCounts } from '../arch/events.ts';
import { type LayerPrediction, designOf, planLayer, predictLayer } from '../cost/layer.ts';
import { fireLevels, layerOutput } from '../golden/output.ts';
import type { OutputValues } from '../arch/output-stream.ts';
import type { PolicyName } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';

export interface LayerRunPlan {
  /** Y (M×N): levels, or logits. */
  readonly golden: OutputValues;
  readonly prediction: LayerPrediction;
}

/** The same seed for every layer, as `hwgen schedule` uses: both commands plan the same schedules. */
export function layerRunPlan(accelerator: Accelerator, gemm: GemmLayer, policy: PolicyName, seed: number, energyTable: Readonly<EventCounts> = DEFAULT_ENERGY_PJ): LayerRunPlan {
  const design = designOf(accelerator);
  const golden = layerOutput(gemm);
  const outputs = fireLevels(gemm, golden);
  const plan = planLayer(gemm, design, policy, { seed, outputs, energyTable });
  return { golden, prediction: predictLayer(gemm, plan, design, { outputs, energyTable }) };
}
