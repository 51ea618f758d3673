/**
 * Per-column costs of one layer on each kind of core: the scheduler's ColumnCosts (hwgen/schedule).
 *
 * Cycles are what a column adds to a core that is already streaming (steady state), derived from the
 * cores' cycle recurrences (generate/ann-core/spec.md and generate/snn-core/spec.md, "Cycle formula").
 * Both cores are a front stage (ANN: J issue cycles per row group; SNN: σ add cycles per lane group,
 * σ = S[n], or 1 for a column without spikes) feeding a fire stage. The ANN array's parallel fire stage
 * needs ℓ + n + 2 cycles per group (ℓ its largest level, n its lanes) behind a one-deep hold bank; the SNN
 * core's serial fire stage issues one lane per cycle, n cycles per group whatever the levels. One group
 * thus costs
 *
 *     ANN:  max(J, ℓ + n + 2)          SNN:  max(σ, n)
 *
 * which is exact in both closed forms of the specs (compute-bound: J or σ per group; fire-bound: the fire
 * stage's time per group) and close in between, where the ANN array's hold bank lets a long group hide part
 * of a short one's fire time (and an SNN group waits for the lanes of the group before it, not its own).
 * Summed over a core's columns, plus coreFixedCycles for the first fill and the last drain, they track
 * predictAnnCore / predictSnnCore (column-costs.test.ts states and checks the bound).
 *
 * Energies are exact: the events of a column (MACs or additions and spikes, output spikes, buffer bytes)
 * are the per-column counts the cost models sum, priced by the energy table. Loads are a per-core cost, not
 * a per-column one, and are left to predictLayer.
 *
 * Everything is a few row-major passes over X and Y (golden/stats.ts for E, S and the output spikes), never a
 * per-column walk down a column of X: a 50 176-column layer takes about 0.2 s.
 */
import { fireLevels } from '../golden/output.ts';
import { type HasOutputKind, beatsPerOutput } from '../arch/output-stream.ts';
import { type ColumnStats, columnStats } from '../golden/stats.ts';
import { type AnnCoreParams, annCoreGeometryOf } from '../modules/ann-core/arch.ts';
import { type SnnCoreParams, snnCoreGeometryOf } from '../modules/snn-core/arch.ts';
import type { CoreKind } from '../arch/core-kinds.ts';
import type { CoreParams } from '../modules/accel/arch.ts';
import type { ColumnCosts } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { GemmShape } from '../workload/shapes.ts';
import { annCoreBytesPerColumn } from '../modules/ann-core/timing.ts';
import { DEFAULT_ENERGY_PJ, type EventCounts } from '../arch/events.ts';
import { snnCoreBytesOfColumn } from '../modules/snn-core/timing.ts';
import { CORE_KIND_COSTS } from './core-kinds.ts';


export interface ColumnCostOptions {
  /** The layer's output levels Y (M×N row-major, as annLayer returns); computed when absent. */
  readonly outputs?: Uint8Array | undefined;
  /** pJ per event; DEFAULT_ENERGY_PJ when absent. */
  readonly energyTable?: Readonly<EventCounts> | undefined;
}

/**
 * The fire stage's time for every (group, column): ℓ + n + 2, with ℓ the largest output level of the
 * group's `groupSize` outputs (the last group has M − (G−1)·groupSize). Returned group-major, G×N.
 */
export function fireCycles(outputs: Uint8Array, shape: Pick<GemmShape, 'M' | 'N'> & HasOutputKind, groupSize: number): Float64Array {
  const beats = beatsPerOutput(shape);
  const { M, N } = shape;
  const groups = Math.ceil(M / groupSize);
  const largest = new Uint8Array(groups * N);
  for (let m = 0, row = 0; m < M; m++, row += N) {
    const base = Math.floor(m / groupSize) * N;
    for (let n = 0; n < N; n++) {
      const level = outputs[row + n] ?? 0;
      if (level > (largest[base + n] ?? 0)) largest[base + n] = level;
    }
  }
  const cycles = new Float64Array(groups * N);
  for (let g = 0; g < groups; g++) {
    const lanes = Math.min(groupSize, M - g * groupSize);
    for (let n = 0; n < N; n++) cycles[g * N + n] = (largest[g * N + n] ?? 0) + lanes * beats + 2;
  }
  return cycles;
}

/** Σ_g max(front[n], fire[g, n]) for every column: front-stage cycles per group against the fire stage's. */
function groupBoundCycles(front: (n: number) => number, fire: Float64Array, groups: number, N: number): Float64Array {
  const cycles = new Float64Array(N);
  for (let g = 0; g < groups; g++) {
    const base = g * N;
    for (let n = 0; n < N; n++) cycles[n] = (cycles[n] ?? 0) + Math.max(front(n), fire[base + n] ?? 0);
  }
  return cycles;
}

/** Steady-state cycles of every column on an ANN array: Σ_g max(J, ℓ_g + n_g + 2). */
export function annColumnCycles(layer: GemmLayer, outputs: Uint8Array, params: AnnCoreParams): Float64Array {
  const { groups, chunks } = annCoreGeometryOf(layer, params);
  return groupBoundCycles(() => chunks, fireCycles(outputs, layer, params.rows), groups, layer.N);
}

/** The serial fire stage's time for every (group, column): one cycle per output beat of the group. G×N. */
function serialFireCycles(shape: Pick<GemmShape, 'M' | 'N'> & HasOutputKind, groupSize: number): Float64Array {
  const beats = beatsPerOutput(shape);
  const groups = Math.ceil(shape.M / groupSize);
  const cycles = new Float64Array(groups * shape.N);
  for (let g = 0; g < groups; g++) cycles.fill(Math.min(groupSize, shape.M - g * groupSize) * beats, g * shape.N, (g + 1) * shape.N);
  return cycles;
}

/** Add cycles per lane group of every column: S (one add per spike), or Σ popcount(x) with shift-add. */
function snnAdds(stats: ColumnStats, params: SnnCoreParams): Uint32Array {
  return params.shiftAdd ? stats.setBits : stats.spikes;
}

/** Steady-state cycles of every column on an SNN core: Σ_g max(σ, n_g), σ = its add cycles or 1 when E = 0. */
export function snnColumnCycles(layer: GemmLayer, params: SnnCoreParams, stats: ColumnStats): Float64Array {
  const { groups } = snnCoreGeometryOf(layer, params);
  const adds = snnAdds(stats, params);
  const span = (n: number): number => ((stats.nonZeroLevels[n] ?? 0) > 0 ? (adds[n] ?? 0) : 1);
  return groupBoundCycles(span, serialFireCycles(layer, params.lanes), groups, layer.N);
}

/** pJ of every column on an ANN array: M·K MACs, its buffer bytes, its output spikes. */
export function annColumnEnergy(layer: GemmLayer, params: AnnCoreParams, stats: ColumnStats, table: Readonly<EventCounts>): Float64Array {
  const fixed = layer.M * layer.K * table.ann_mac + annCoreBytesPerColumn(layer, params) * table.sram_byte;
  return Float64Array.from(stats.fires, (fires) => fixed + fires * table.fire);
}

/** pJ of every column on an SNN core: M·a additions, G·a add cycles' spikes (a = S, or Σ popcount with shift-add), E-dependent bytes, output spikes. */
export function snnColumnEnergy(layer: GemmLayer, params: SnnCoreParams, stats: ColumnStats, table: Readonly<EventCounts>): Float64Array {
  const { groups } = snnCoreGeometryOf(layer, params);
  const adds = snnAdds(stats, params);
  const energy = new Float64Array(layer.N);
  for (let n = 0; n < layer.N; n++) {
    const columnAdds = adds[n] ?? 0;
    const bytes = snnCoreBytesOfColumn({ events: stats.nonZeroLevels[n] ?? 0 }, layer, params);
    energy[n] = layer.M * columnAdds * table.snn_add + groups * columnAdds * table.spike + (stats.fires[n] ?? 0) * table.fire + bytes * table.sram_byte;
  }
  return energy;
}

/** The scheduler's per-column costs of `layer` on an ANN array and on an SNN core of this design. */
export function columnCosts(layer: GemmLayer, params: CoreParams, options: ColumnCostOptions = {}): ColumnCosts {
  const outputs = options.outputs ?? fireLevels(layer);
  if (outputs.length !== layer.M * layer.N) throw new RangeError(`outputs has ${outputs.length} levels, layer ${layer.name} has M·N = ${layer.M * layer.N}`);
  const table = options.energyTable ?? DEFAULT_ENERGY_PJ;
  const stats = columnStats(layer, outputs);
  return {
    annCycles: annColumnCycles(layer, outputs, params.ann),
    snnCycles: snnColumnCycles(layer, params.snn, stats),
    annEnergy: annColumnEnergy(layer, params.ann, stats, table),
    snnEnergy: snnColumnEnergy(layer, params.snn, stats, table),
  };
}

/**
 * Cycles a core spends outside the steady state, whatever its columns: filling the first column before the
 * first group issues and draining the last group through the fire stage (the ANN array's ℓ is left out: it is
 * at most T). ANN (compute-bound closed form): J + n_last + 3. SNN (a single add-bound column):
 * B + n_last + 11, with the first column's beats B left out.
 */
export function coreFixedCycles(kind: CoreKind, shape: Pick<GemmShape, 'M' | 'K'>, params: CoreParams): number {
  return CORE_KIND_COSTS[kind].fixedCycles(shape, params);
}
