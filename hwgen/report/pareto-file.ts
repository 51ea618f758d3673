/**
 * The shape of `pareto.json`, written by `hwgen explore` and drawn by the report (hwgen/report). One file for
 * both so that the explorer and the report never disagree on a field.
 */
import type { AcceleratorConfig } from '../config/schema.ts';
import type { SimulatorName } from '../../sim/registry.ts';

/** Which kinds of core a design point has. */
export type PointKind = 'hybrid' | 'ann-only' | 'snn-only';

/** Area of a design as yosys counts it (`synth` for the generic target: cells of every type, summed). */
export interface PointArea {
  /** Total yosys generic cells of the whole accelerator top. */
  readonly cells: number;
  /** Memory bits kept as memories (buffers), reported apart from the cells. */
  readonly memoryBits: number;
}

/** What RTL simulation of a front point showed. */
export interface PointVerification {
  readonly simulator: SimulatorName;
  /** Cycles measured in RTL, and what the cost model predicted for the same run. */
  readonly cycles: number;
  readonly predictedCycles: number;
  /** RTL outputs equal to the golden model, and cycles, counters and events as predicted. */
  readonly match: boolean;
}

export interface ParetoPoint {
  /** Stable name of the point, e.g. `a2x8x8-s2x32-t4`, also its folder name. */
  readonly id: string;
  /** The swept parameters' values at this point, by the space file's parameter names. */
  readonly params: Readonly<Record<string, number>>;
  readonly config: AcceleratorConfig;
  readonly kind: PointKind;
  /** Whole workload under the `cost` schedule, from the cost model. */
  readonly cycles: number;
  readonly energyPj: number;
  readonly edpJs: number;
  readonly area: PointArea;
  /** On the Pareto front of (cycles, energyPj, area.cells), all minimised. */
  readonly pareto: boolean;
  /** Present for the front points once verified in RTL. */
  readonly verified?: PointVerification;
}

/** Best ANN-only design against best hybrid design under one resource budget. */
export interface IsoAreaComparison {
  /** Area budget in yosys generic cells. */
  readonly budgetCells: number;
  readonly bestAnnOnly: string | null;
  readonly bestHybrid: string | null;
  /** Hybrid against ANN-only: throughput gain (cycles ratio − 1) and EDP change, both fractions. */
  readonly throughputGain: number | null;
  readonly edpChange: number | null;
}

export interface ParetoFile {
  readonly generator: string;
  readonly space: string;
  readonly workload: string;
  readonly objectives: readonly ['cycles', 'energyPj', 'area.cells'];
  readonly points: readonly ParetoPoint[];
  readonly isoArea: readonly IsoAreaComparison[];
}
