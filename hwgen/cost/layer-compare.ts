/**
 * One layer under several scheduling policies on one design: what `hwgen schedule` prints and the NeuroFlex
 * benchmark tabulates. Each policy is planned (column costs and a schedule per tile) and then predicted
 * exactly by the host protocol (layer.ts).
 */
import type { PolicyName } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { EventCounts } from '../arch/events.ts';
import { type Design, type LayerPlan, type LayerPrediction, planColumnBound, planLayer, planLowerBound, planMakespan, predictLayer } from './layer.ts';

export interface PolicyOutcome {
  readonly policy: PolicyName;
  /** Some tile could not use the policy's kind of core and ran on the other kind (ann/snn only). */
  readonly fellBack: boolean;
  readonly plan: LayerPlan;
  readonly prediction: LayerPrediction;
  /** Σ over tiles of the column-cost makespan the scheduler saw. */
  readonly modelMakespan: number;
  /** Σ over tiles of the column-cost LP bound: what the scheduler's makespan is measured against. */
  readonly columnBound: number;
  /** The layer's floor: the LP bound plus what no schedule avoids in each tile: smallest load, start, feeder latency, drain (planLowerBound). */
  readonly lowerBound: number;
  /** Column runs (a column once per tile) on ANN arrays and on SNN cores. */
  readonly annColumns: number;
  readonly snnColumns: number;
}

export interface CompareOptions {
  readonly seed: number;
  /** Y of the layer (M×N row-major); computed by the caller once for all policies. */
  readonly outputs: Uint8Array;
  readonly energyTable?: Readonly<EventCounts> | undefined;
}

function columnsOn(plan: LayerPlan, kind: 'ann' | 'snn'): number {
  let count = 0;
  for (const tile of plan.tiles) for (const core of tile.schedule.cores) if (core.kind === kind) count += core.columns.length;
  return count;
}

export function evaluatePolicy(layer: GemmLayer, design: Design, policy: PolicyName, options: CompareOptions): PolicyOutcome {
  const plan = planLayer(layer, design, policy, options);
  const prediction = predictLayer(layer, plan, design, options);
  return {
    policy,
    // cost may take a single-kind plan on purpose; only ann and snn fall back for want of their kind
    fellBack: policy !== 'cost' && plan.tiles.some((tile) => tile.policy !== policy),
    plan,
    prediction,
    modelMakespan: planMakespan(plan),
    columnBound: planColumnBound(plan),
    lowerBound: planLowerBound(plan),
    annColumns: columnsOn(plan, 'ann'),
    snnColumns: columnsOn(plan, 'snn'),
  };
}

/** cycles / bound − 1: how far the predicted layer is above the scheduler's floor (0 when both are 0). */
export function gapToBound(cycles: number, lowerBound: number): number {
  if (lowerBound > 0) return cycles / lowerBound - 1;
  return cycles === 0 ? 0 : Number.POSITIVE_INFINITY;
}

/** Share of the column runs on SNN cores. */
export function snnShare(outcome: PolicyOutcome): number {
  const total = outcome.annColumns + outcome.snnColumns;
  return total === 0 ? 0 : outcome.snnColumns / total;
}

/** makespan_random / makespan_policy − 1: the throughput gained over random mapping. */
export function throughputGain(policyCycles: number, randomCycles: number): number {
  return randomCycles / policyCycles - 1;
}

/** EDP_policy / EDP_ann − 1: negative when the policy beats the ANN-only baseline. */
export function edpChange(policyEdp: number, annEdp: number): number {
  return policyEdp / annEdp - 1;
}
