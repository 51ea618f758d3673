/**
 * layerTimeline on a hand-worked layer: the exact column intervals and host phases, and that they are the cores'
 * column timings (annCoreColumnTimes, snnCoreColumnTimes) shifted by the tile's load and the feeder latency.
 */
import { FORMER_DEFAULT_BUFFERS } from '../testing/tiled-layers.ts';
import { describe, expect, it } from 'vitest';
import { acceleratorFrom } from '../config/load-config.ts';
import { annCoreColumnTimes } from '../modules/ann-core/timing.ts';
import { designOf, predictLayer, tileOutputs, tileSubLayer } from '../cost/layer.ts';
import { snnCoreColumnTimes } from '../modules/snn-core/timing.ts';
import { FEEDER_LATENCY } from '../modules/dispatcher/arch.ts';
import { annLayer } from '../golden/ann.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { coreId, layerTimeline } from './layer-timeline.ts';

/** A 2×2 MAC array and one 2-lane SNN core; schedule memories of 2 entries, so 3 columns make 2 column tiles. */
const ACCELERATOR = acceleratorFrom({ ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { ...FORMER_DEFAULT_BUFFERS, scheduleEntries: 2 } }, 'hand');

/** M = 2, K = 4, N = 3: columns x0 = [3, 0, 1, 0], x1 = [0, 0, 0, 0] (no spike), x2 = [1, 1, 0, 0]; Y = [[1, 2, 2], [0, 0, 1]]. */
const LAYER: GemmLayer = {
  name: 'hand', M: 2, K: 4, N: 3, T: 3, inLevels: 3,
  weights: Int8Array.from([-1, 0, 1, -1, 0, 1, -1, 0]),
  input: Uint8Array.from([3, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]),
  bias: Int32Array.from([4, 0]),
  theta: Int32Array.from([2, 2]),
};

function handTimeline() {
  const golden = annLayer(LAYER);
  const schedule = { policy: 'cost' as const, cores: [{ kind: 'ann' as const, index: 0, columns: [0, 2] }, { kind: 'snn' as const, index: 0, columns: [1] }] };
  const prediction = predictLayer(LAYER, schedule, ACCELERATOR, { outputs: golden });
  return { golden, prediction, timeline: layerTimeline(LAYER, prediction, golden, designOf(ACCELERATOR).params) };
}

describe('layerTimeline on the hand-worked layer', () => {
  it('has the outputs the comment says', () => {
    expect([...annLayer(LAYER)]).toEqual([1, 2, 2, 0, 0, 1]);
  });

  // Tile 0 (columns 0, 1): the busiest load bus carries 4 words (the dense replica, J·Nt = 2·2, and the SNN
  // weights, K = 4), so the start pulse is cycle 4 and both cores' first beats are offered in 4 + FEEDER_LATENCY = 6.
  // ann0 takes 10 cycles on column 0 and snn0 15 on column 1 (an empty column: its one add, then two lanes through
  // the serial fire stage's 9-stage pipeline): done in 21, then the drain reads M·Nt = 4 levels (21..24). Tile 1
  // (column 2) begins in 25: 2 replica words, start pulse 27, column 2 on ann0 in 29..39 (11 cycles), done in 40,
  // drain of 2 levels (40..41): 42 cycles in all.
  it('gives the exact intervals and phases', () => {
    const { prediction, timeline } = handTimeline();
    expect(prediction.cycles).toBe(42);
    expect(timeline.cores).toEqual([
      { id: 'ann0', kind: 'ann', intervals: [{ column: 0, start: 6, end: 16 }, { column: 2, start: 29, end: 40 }], busy: 17 },
      { id: 'snn0', kind: 'snn', intervals: [{ column: 1, start: 6, end: 21 }], busy: 14 },
    ]);
    expect(timeline.phases).toEqual([
      { kind: 'load', tile: 0, start: 0, end: 4 },
      { kind: 'drain', tile: 0, start: 21, end: 25 },
      { kind: 'load', tile: 1, start: 25, end: 27 },
      { kind: 'drain', tile: 1, start: 40, end: 42 },
    ]);
  });

  it('is every tile\'s column timing shifted by its start pulse and the feeder latency', () => {
    const { golden, prediction, timeline } = handTimeline();
    const params = designOf(ACCELERATOR).params;
    const [tile0, tile1] = prediction.tiles;
    const sub0 = tileSubLayer(LAYER, tile0!.tile);
    const sub1 = tileSubLayer(LAYER, tile1!.tile);
    const ann0 = annCoreColumnTimes(sub0, [0], params.ann, tileOutputs(golden, tile0!.tile, LAYER))[0]!;
    const snn1 = snnCoreColumnTimes(sub0, [1], params.snn, tileOutputs(golden, tile0!.tile, LAYER))[0]!;
    const ann2 = annCoreColumnTimes(sub1, [0], params.ann, tileOutputs(golden, tile1!.tile, LAYER))[0]!;
    const origin0 = tile0!.loadCycles + FEEDER_LATENCY;
    const origin1 = tile0!.cycles + tile1!.loadCycles + FEEDER_LATENCY;
    expect(timeline.cores[0]!.intervals).toEqual([
      { column: 0, start: origin0 + ann0.firstInput, end: origin0 + ann0.lastOutput + 1 },
      { column: 2, start: origin1 + ann2.firstInput, end: origin1 + ann2.lastOutput + 1 },
    ]);
    expect(timeline.cores[1]!.intervals).toEqual([{ column: 1, start: origin0 + snn1.firstInput, end: origin0 + snn1.lastOutput + 1 }]);
  });

  it('ends each tile\'s last column where its drain begins (done), and sums busy as the dispatcher predicts', () => {
    const { prediction, timeline } = handTimeline();
    const drains = timeline.phases.filter((phase) => phase.kind === 'drain');
    const ends = timeline.cores.flatMap((core) => core.intervals.map((interval) => interval.end));
    expect(drains.map((drain) => drain.start)).toEqual([Math.max(...ends.filter((end) => end <= 25)), Math.max(...ends)]);
    const busy = timeline.cores.map((_, c) => prediction.tiles.reduce((sum, tile) => sum + tile.dispatch.cores[c]!.busy, 0));
    expect(timeline.cores.map((core) => core.busy)).toEqual(busy);
  });

  it('names cores by kind and index', () => {
    expect(coreId({ kind: 'snn', index: 1 })).toBe('snn1');
  });
});
