/**
 * A layer's schedule in the layer's own cycles (cycle 0 = the first load cycle of its first tile), from the
 * exact prediction it was run with: tiles run back to back (load, start, run, drain: cost/tile-model.ts), and
 * within a tile's run every core's columns fall where the cores' cost models put them (annCoreColumnTimes,
 * snnCoreColumnTimes), from the core's start plus the feeder latency, as the waveform check
 * (flows/wave-check.ts, CoreRun.programCycle) holds the RTL to them beat by beat.
 */
import { type OutputValues } from '../arch/output-stream.ts';
import { fireLevels } from '../golden/output.ts';
import { type ColumnTiming } from '../arch/column-timing.ts';
import { coreCycleZero } from '../modules/dispatcher/timing.ts';
import type { CoreParams } from '../modules/accel/arch.ts';
import { CORE_KIND_COSTS } from '../cost/core-kinds.ts';
import type { LayerPrediction, TilePrediction } from '../cost/layer.ts';
import { tileOutputs, tileSubLayer } from '../cost/layer-tiling.ts';
import type { ScheduledCore } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { ColumnInterval, CoreTimeline, HostPhase } from './report-data.ts';

export interface LayerTimeline {
  readonly cores: readonly CoreTimeline[];
  readonly phases: readonly HostPhase[];
}

/** `ann0`, `snn1`. */
export function coreId(core: Pick<ScheduledCore, 'kind' | 'index'>): string {
  return `${core.kind}${core.index}`;
}

/** The cycles of a core's columns in its own time (cycle 0 = its first input beat offered). */
function columnTimesOf(core: ScheduledCore, sub: GemmLayer, params: CoreParams, outputs: Uint8Array): ColumnTiming[] {
  if (core.columns.length === 0) return [];
  return CORE_KIND_COSTS[core.kind].columnTimes(sub, core.columns, params, outputs);
}

interface CoreAccumulator {
  readonly core: ScheduledCore;
  readonly intervals: ColumnInterval[];
  busy: number;
}

/** Adds one tile's columns to every core, the tile's start pulse being layer cycle `startPulse`. */
function addTileColumns(cores: readonly CoreAccumulator[], tile: TilePrediction, startPulse: number, layer: GemmLayer, levels: Uint8Array, params: CoreParams): void {
  const sub = tileSubLayer(layer, tile.tile);
  const outputs = tileOutputs(levels, tile.tile, layer);
  tile.schedule.cores.forEach((core, c) => {
    const run = tile.dispatch.cores[c];
    const into = cores[c];
    if (run === undefined || into === undefined) return;
    const origin = coreCycleZero(startPulse, run.start);
    columnTimesOf(core, sub, params, outputs).forEach((timing, position) => {
      into.intervals.push({ column: tile.tile.colStart + core.columns[position]!, start: origin + timing.firstInput, end: origin + timing.lastOutput + 1 });
    });
    into.busy += run.busy;
  });
}

/**
 * Every core's column intervals and the host's load and drain phases of `layer` run as `prediction` says
 * (`golden`: the layer's Y, M×N row-major, which the SNN fire stage's timing depends on).
 */
export function layerTimeline(layer: GemmLayer, prediction: LayerPrediction, golden: OutputValues, params: CoreParams): LayerTimeline {
  const levels = fireLevels(layer, golden);
  const first = prediction.tiles[0];
  const cores: CoreAccumulator[] = (first?.schedule.cores ?? []).map((core) => ({ core, intervals: [], busy: 0 }));
  const phases: HostPhase[] = [];
  let begin = 0;
  prediction.tiles.forEach((tile, t) => {
    const { exposedLoad, hiddenDrain, hiddenLoad, wait, tailDrain } = tile.timeline;
    const startPulse = begin + exposedLoad;
    const hidden = startPulse + 1;
    // One bank: load, start, run, drain. Two: the previous tile's drain and the next tile's loads follow the start.
    const spans: [HostPhase['kind'], number, number, number][] = [
      ['load', t, begin, exposedLoad],
      ['drain', t - 1, hidden, hiddenDrain],
      ['load', t + 1, hidden + hiddenDrain, hiddenLoad],
      ['drain', t, hidden + hiddenDrain + hiddenLoad + wait, tailDrain],
    ];
    for (const [kind, of, start, length] of spans) if (length > 0) phases.push({ kind, tile: of, start, end: start + length });
    addTileColumns(cores, tile, startPulse, layer, levels, params);
    begin += tile.cycles;
  });
  return { cores: cores.map(({ core, intervals, busy }) => ({ id: coreId(core), kind: core.kind, intervals, busy })), phases };
}
