/**
 * Shared types of the column schedulers (NeuroFlex co-execution, docs/results.md): one layer's
 * N columns are spread over A identical ANN MAC arrays and S identical SNN cores, offline and statically.
 */

/**
 * What one column of one layer costs on either kind of core, index n = column n. The exact values come from
 * the cores' cost models; the schedulers only need them to be finite and non-negative.
 */
import type { CoreKind } from '../arch/core-kinds.ts';

export type { CoreKind, Machines } from '../arch/core-kinds.ts';

export interface ColumnCosts {
  /** Cycles of the column on one ANN array (dense: nearly the same for every column). */
  annCycles: Float64Array;
  /** Cycles of the column on one SNN core (grows with the column's spike count S[n]). */
  snnCycles: Float64Array;
  /** Energy of the column on an ANN array, pJ. */
  annEnergy: Float64Array;
  /** Energy of the column on an SNN core, pJ. */
  snnEnergy: Float64Array;
}

/** The cores that share a layer. Either count may be 0, not both. */

/** Every column-scheduling policy, in the order reports list them. */
export const POLICIES = ['cost', 'random', 'ann', 'snn'] as const;
export type PolicyName = (typeof POLICIES)[number];

export function isPolicyName(name: unknown): name is PolicyName {
  return POLICIES.some((policy) => policy === name);
}


export interface ScheduledCore {
  kind: CoreKind;
  /** Index among the cores of its kind, 0-based. */
  index: number;
  /** Columns this core runs, in execution order. */
  columns: number[];
}

/**
 * Every column on exactly one core. `cores` lists all A ANN arrays (index 0..A−1), then all S SNN cores,
 * idle ones included, so a core's position in the list is its global index.
 */
export interface Schedule {
  policy: PolicyName;
  cores: ScheduledCore[];
}

export interface ScheduleSummary {
  /** Max over cores of the sum of its columns' cycles. */
  makespan: number;
  /** Total energy of all columns on the cores that run them, pJ. */
  energy: number;
  /** energy × makespan, pJ·cycles (divide by the clock frequency for pJ·s). */
  edp: number;
  /** Cycles of each core, in the order of `Schedule.cores`. */
  loads: number[];
  /** makespanLowerBound of the costs on these machines: no schedule can beat it. */
  lowerBound: number;
  /** makespan / lowerBound − 1 (0 when both are 0). */
  gapToBound: number;
}
