/**
 * The cost model's facts about each kind of core, keyed by CoreKind (the hardware's facts are CORE_KIND_FACTS in
 * hwgen/arch/core-kinds.ts and CORE_KIND_ARCH in hwgen/modules/accel/arch.ts): its exact timing model, what a tile
 * puts on its load buses, what its memories hold when tiling. They live here rather than in the hardware tables
 * because they reach the cores' timing models, which the hardware model must not import.
 */
import type { ColumnTiming } from '../arch/column-timing.ts';
import type { CoreKind } from '../arch/core-kinds.ts';
import type { CorePrediction, EventCounts } from '../arch/events.ts';
import type { CoreParams, Design } from '../modules/accel/arch.ts';
import { annCoreGeometryOf } from '../modules/ann-core/arch.ts';
import { annCoreColumnTimes, annCoreLoadEvents, predictAnnCore } from '../modules/ann-core/timing.ts';
import { snnColumnWords, snnCoreGeometryOf } from '../modules/snn-core/arch.ts';
import { predictSnnCore, snnCoreColumnTimes, snnCoreLoadEvents } from '../modules/snn-core/timing.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { GemmShape } from '../workload/shapes.ts';

/** What tiling needs of a design. */
export type TilingDesign = Pick<Design, 'params' | 'buffers'>;

type Shape = Pick<GemmShape, 'M' | 'K'>;

/** A core's run of some columns: cycles, stream events and cnt_busy. */
export interface KindPrediction extends CorePrediction {
  readonly busy: number;
}

export interface CoreKindCosts {
  /** The core's exact model for `columns` of `layer` in order (`outputs`: the layer's Y, else the golden model's). */
  predict(layer: GemmLayer, columns: readonly number[], params: CoreParams, outputs?: Uint8Array): KindPrediction;
  /** When each of `columns` passes through the core in that run, in the core's own cycles. */
  columnTimes(layer: GemmLayer, columns: readonly number[], params: CoreParams, outputs?: Uint8Array): ColumnTiming[];
  /** Events of loading one core's weight and bias/θ memories with a (tile) layer of this shape. */
  loadEvents(shape: Shape, params: CoreParams): EventCounts;
  /** Weight and bias/θ words one core receives for a tile of this shape. */
  weightWords(shape: Shape, params: CoreParams): { weights: number; biasTheta: number };
  /** Replica words of `columns` (one word run each): what the host loads into the kind's replica, and a feeder reads for them. */
  columnWords(layer: GemmLayer, columns: readonly number[], params: CoreParams): number;
  /**
   * Cycles a core spends outside the steady state of the column-cost model whatever its columns (column-costs.ts):
   * the first fill and the last drain.
   */
  fixedCycles(shape: Shape, params: CoreParams): number;
  /** Why one core cannot hold a row group and one column of a layer with this K, or undefined when it can. */
  refusal(K: number, design: TilingDesign): string | undefined;
  /** The most rows of W one core holds for a layer with K inputs (memory capacity only; 0: not one group). */
  maxRows(K: number, params: CoreParams): number;
  /** The widest column tile the kind's replica holds, at the worst case for the data (floor(depth / words per column)). */
  maxColumns(K: number, design: TilingDesign): number;
}

/** J: the dense words of one column on an ANN array. */
const chunksOf = (K: number, params: CoreParams): number => annCoreGeometryOf({ M: 1, K }, params.ann).chunks;

const ANN_COSTS: CoreKindCosts = {
  predict: (layer, columns, params, outputs) => predictAnnCore(layer, columns, params.ann, outputs),
  columnTimes: (layer, columns, params, outputs) => annCoreColumnTimes(layer, columns, params.ann, outputs),
  loadEvents: (shape, params) => annCoreLoadEvents(shape, params.ann),
  weightWords: (shape, params) => {
    const { groups, chunks } = annCoreGeometryOf(shape, params.ann);
    return { weights: groups * chunks, biasTheta: groups };
  },
  columnWords: (layer, columns, params) => columns.length * chunksOf(layer.K, params),
  // Compute-bound closed form: J + n_last + 3.
  fixedCycles: (shape, params) => {
    const { chunks, lastRows } = annCoreGeometryOf(shape, params.ann);
    return chunks + lastRows + 3;
  },
  refusal: (K, { params, buffers }) => {
    const chunks = chunksOf(K, params);
    if (chunks > params.ann.maxChunks) return `an ANN array's column buffer holds ${params.ann.maxChunks * params.ann.cols} levels (limits.maxK)`;
    if (chunks > params.ann.weightDepth) return `an ANN array holds ${params.ann.weightDepth} weight words, one row group needs J = ${chunks}`;
    if (chunks > buffers.actDepth) return `an ANN array's dense replica holds ${buffers.actDepth} words, one column needs J = ${chunks}`;
    return undefined;
  },
  maxRows: (K, params) => {
    const chunks = chunksOf(K, params);
    const fits = chunks <= params.ann.maxChunks && chunks <= params.ann.weightDepth;
    return (fits ? Math.min(params.ann.btDepth, Math.floor(params.ann.weightDepth / chunks)) : 0) * params.ann.rows;
  },
  maxColumns: (K, { params, buffers }) => Math.floor(buffers.actDepth / chunksOf(K, params)),
};

const SNN_COSTS: CoreKindCosts = {
  predict: (layer, columns, params, outputs) => predictSnnCore(layer, columns, params.snn, outputs),
  columnTimes: (layer, columns, params, outputs) => snnCoreColumnTimes(layer, columns, params.snn, outputs),
  loadEvents: (shape, params) => snnCoreLoadEvents(shape, params.snn),
  weightWords: (shape, params) => {
    const { groups } = snnCoreGeometryOf(shape, params.snn);
    return { weights: groups * shape.K, biasTheta: groups };
  },
  columnWords: (layer, columns) => columns.reduce((sum, c) => sum + snnColumnWords(layer, c), 0),
  // A single add-bound column: B + n_last + 4, the first column's beats B left out as well.
  // A single add-bound column's B + n_last + 11 (snn-core/spec.md), B left out: 9 of it the fire stage's pipeline.
  fixedCycles: (shape, params) => snnCoreGeometryOf(shape, params.snn).lastLanes + 11,
  refusal: (K, { params, buffers }) => {
    if (K > params.snn.maxEvents) return `an SNN core's event buffer holds ${params.snn.maxEvents} events (limits.maxK)`;
    if (K > params.snn.weightDepth) return `an SNN core holds ${params.snn.weightDepth} weight words, one lane group needs K = ${K}`;
    if (K > buffers.evDepth) return `an SNN core's event replica holds ${buffers.evDepth} events, one column may need K = ${K}`;
    return undefined;
  },
  maxRows: (K, params) => {
    const fits = K <= params.snn.maxEvents && K <= params.snn.weightDepth;
    return (fits ? Math.min(params.snn.btDepth, Math.floor(params.snn.weightDepth / K)) : 0) * params.snn.lanes;
  },
  // K events per column: the worst case, so that the tiling does not depend on the data.
  maxColumns: (K, { buffers }) => Math.floor(buffers.evDepth / K),
};

export const CORE_KIND_COSTS: Readonly<Record<CoreKind, CoreKindCosts>> = { ann: ANN_COSTS, snn: SNN_COSTS };
