/**
 * Exact cost model of hwgen_ann_core (hwgen/modules/ann-core/spec.md, "Cycle formula"): cycles and
 * events for streaming columns through a freshly reset core whose memories hold the layer, with the
 * input always valid and the output always ready (the testbench's +gaps=0 mode).
 *
 * The pipeline is modelled one row group at a time by recurrences on the cycles where things happen,
 * never cycle by cycle, so a whole VGG-16 layer (~50k columns) takes milliseconds:
 *   A  first input beat of a column taken      F = A + J − 1: its last beat
 *   E  first cycle the issue stage may issue the group's first chunk
 *   L  cycle its last chunk issues (held while the hold bank is busy)
 *   P  cycle the fire stage takes the hold bank; its levels leave in P + lv + n + 2 … P + lv + 2n + 1
 */
import { type AnnCoreParams, annCoreGeometryOf } from './arch.ts';
import { BIAS_THETA_BYTES } from '../../arch/widths.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { GemmShape } from '../../workload/shapes.ts';
import { type CorePrediction, type EventCounts, zeroEvents } from '../../arch/events.ts';
import { BusyCycles } from '../../arch/busy-cycles.ts';
import { columnLevels } from '../../golden/column-levels.ts';
import type { ColumnTiming } from '../../arch/column-timing.ts';
import { beatsPerOutput } from '../../arch/output-stream.ts';

export { type AnnCoreParams, annCoreParams } from './arch.ts';

export interface AnnCorePrediction extends CorePrediction {
  /** Cycles counted by cnt_busy: an issue, an execute, a full hold bank or a busy fire stage. */
  readonly busy: number;
}

/** Buffer bytes moved per column: J column writes, G·J weight and column reads, G bias/θ reads. */
export function annCoreBytesPerColumn(shape: Pick<GemmShape, 'M' | 'K'>, params: AnnCoreParams): number {
  const { groups, chunks } = annCoreGeometryOf(shape, params);
  const { rows, cols } = params;
  return chunks * cols + groups * chunks * (rows * cols + cols) + groups * rows * BIAS_THETA_BYTES;
}

/** Events of loading a layer's memories (every weight and bias/θ word written once). */
export function annCoreLoadEvents(shape: Pick<GemmShape, 'M' | 'K'>, params: AnnCoreParams): EventCounts {
  const { groups, chunks } = annCoreGeometryOf(shape, params);
  return { ...zeroEvents(), sram_byte: groups * chunks * params.rows * params.cols + groups * params.rows * BIAS_THETA_BYTES };
}

/** The per-group state the recurrences carry from one group to the next. */
interface PipelineState {
  /** L of the previous group. */
  lastIssue: number;
  /** P of the previous group. */
  fireTake: number;
  /** First cycle the fire stage is idle again. */
  fireIdle: number;
  /** Cycle the last output beat so far is accepted. */
  lastBeat: number;
}

/** Issues, holds and fires the groups of one column whose bank is full from cycle `ready` on; returns each group's first output beat's cycle. */
function runColumn(state: PipelineState, ready: number, levels: Uint8Array, params: AnnCoreParams, M: number, J: number, beats: number, busy: BusyCycles): number[] {
  let earliest = Math.max(ready, state.lastIssue + 1);
  const groupOutputs: number[] = [];
  for (let first = 0; first < M; first += params.rows) {
    const lanes = Math.min(params.rows, M - first);
    let maxLevel = 0;
    for (let m = first; m < first + lanes; m++) maxLevel = Math.max(maxLevel, levels[m] ?? 0);
    // The last chunk waits until the previous group's hold bank has gone to the fire stage.
    const lastIssue = Math.max(earliest + J - 1, state.fireTake + 1);
    const fireTake = Math.max(lastIssue + 2, state.fireIdle);
    // A group's outputs leave as lanes·beats bytes (beats = 4 for logits, whose levels are 0).
    state.fireIdle = fireTake + maxLevel + lanes * beats + 2;
    state.lastBeat = fireTake + maxLevel + lanes * beats + 1;
    // The group's output bytes leave in the fire stage's last lanes·beats cycles.
    groupOutputs.push(fireTake + maxLevel + 2);
    busy.add(earliest, state.lastBeat);
    state.lastIssue = lastIssue;
    state.fireTake = fireTake;
    earliest = lastIssue + 1;
  }
  return groupOutputs;
}

function streamEvents(layer: GemmLayer, levels: readonly Uint8Array[], params: AnnCoreParams): EventCounts {
  const events = zeroEvents();
  const bytes = annCoreBytesPerColumn(layer, params);
  for (const column of levels) {
    events.ann_mac += layer.M * layer.K;
    events.sram_byte += bytes;
    for (const level of column) events.fire += level;
  }
  return events;
}

/**
 * Exact cycles (first input beat offered … last output beat accepted, inclusive) and events of
 * streaming `columns` of `layer`, in that order, through a freshly reset core with its memories
 * loaded. `outputs` (M×N levels, as annLayer returns) saves recomputing the golden model.
 * The memories are not checked against the layer: for a layer too big for one core this is the
 * cost of an ideal core with big enough memories.
 */
export function predictAnnCore(layer: GemmLayer, columns: readonly number[], params: AnnCoreParams, outputs?: Uint8Array): AnnCorePrediction {
  return streamAnnCore(layer, columns, params, outputs).prediction;
}

/**
 * The cycles of every column of `columns` (same order) in the run `predictAnnCore` predicts: first and
 * last input beat taken, first and last output level accepted, and when each row group's levels leave.
 */
export function annCoreColumnTimes(layer: GemmLayer, columns: readonly number[], params: AnnCoreParams, outputs?: Uint8Array): ColumnTiming[] {
  return streamAnnCore(layer, columns, params, outputs).times;
}

function streamAnnCore(layer: GemmLayer, columns: readonly number[], params: AnnCoreParams, outputs: Uint8Array | undefined): { prediction: AnnCorePrediction; times: ColumnTiming[] } {
  const levels = columnLevels(layer, columns, outputs);
  const J = annCoreGeometryOf(layer, params).chunks;
  const state: PipelineState = { lastIssue: Number.NEGATIVE_INFINITY, fireTake: Number.NEGATIVE_INFINITY, fireIdle: 0, lastBeat: -1 };
  const busy = new BusyCycles();
  const times: ColumnTiming[] = [];
  // Release cycle of each bank's previous column (its last issue): the fill side may refill it a cycle later.
  const bankReleased = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
  let fillFree = 0;
  levels.forEach((columnLevels, index) => {
    const bank = index % 2;
    const firstBeat = Math.max(fillFree, (bankReleased[bank] ?? 0) + 1);
    const lastBeat = firstBeat + J - 1;
    fillFree = lastBeat + 1;
    const groupOutputs = runColumn(state, lastBeat + 1, columnLevels, params, layer.M, J, beatsPerOutput(layer), busy);
    times.push({ firstInput: firstBeat, lastInput: lastBeat, firstOutput: groupOutputs[0] ?? Number.NaN, groupOutputs, lastOutput: state.lastBeat });
    bankReleased[bank] = state.lastIssue;
  });
  const cycles = levels.length === 0 ? 0 : state.lastBeat + 1;
  return { prediction: { cycles, events: streamEvents(layer, levels, params), busy: levels.length === 0 ? 0 : busy.count() }, times };
}

/** Useful MACs per cycle over the array's ROWS·COLS multipliers. */
export function annCoreUtilisation(prediction: CorePrediction, params: AnnCoreParams): number {
  return prediction.cycles === 0 ? 0 : prediction.events.ann_mac / (prediction.cycles * params.rows * params.cols);
}
