/**
 * Where a tile's phases fall (tileTimelines): with one bank each tile is load + start + run + drain; with two the
 * previous tile's drain and the next tile's loads run after the start cycle, under the run, except around a tile
 * that loads weights into whole weight memories (a layer whose row tiles do not fit one weight bank). Hand-worked figures; the RTL's agreement is
 * testbench/accel-program.test.ts's.
 */
import { describe, expect, it } from 'vitest';
import { type TilePhases, tileTimelines, timelineCycles } from './tile-model.ts';

const phases = (loadCycles: number, runCycles: number, drainCycles: number, weights: boolean, weightsBanked = false): TilePhases => ({
  loadCycles,
  runCycles,
  drainCycles,
  weightKinds: weights ? ['ann'] : [],
  tile: { weightsBanked },
});

// A row tile of three column tiles, then a second row tile of one (it loads weights again).
const TILES = [phases(10, 30, 4, true), phases(8, 20, 4, false), phases(8, 5, 4, false), phases(12, 40, 6, true)];

describe('tileTimelines', () => {
  it('one bank: every tile loads, starts, runs and drains in turn', () => {
    const timelines = tileTimelines(TILES, 1);
    expect(timelines.map(timelineCycles)).toEqual([10 + 1 + 30 + 4, 8 + 1 + 20 + 4, 8 + 1 + 5 + 4, 12 + 1 + 40 + 6]);
    expect(timelines.every((t) => t.hiddenDrain === 0 && t.hiddenLoad === 0)).toBe(true);
  });

  it('two banks: the neighbours\' drain and loads under the run, the wait the rest of it plus the cycle of done', () => {
    expect(tileTimelines(TILES, 2)).toEqual([
      { exposedLoad: 10, hiddenDrain: 0, hiddenLoad: 8, wait: 30 - 8 + 1, tailDrain: 0 },
      { exposedLoad: 0, hiddenDrain: 4, hiddenLoad: 8, wait: 20 - 12 + 1, tailDrain: 0 },
      // The run (5) is shorter than the drain under it (4) plus nothing to load (tile 3 loads weights): wait 1 + 1.
      { exposedLoad: 0, hiddenDrain: 4, hiddenLoad: 0, wait: 1 + 1, tailDrain: 0 },
      { exposedLoad: 12, hiddenDrain: 4, hiddenLoad: 0, wait: 40 - 4 + 1, tailDrain: 6 },
    ]);
    expect(tileTimelines(TILES, 2).map(timelineCycles)).toEqual([42, 22, 7, 60]);
  });

  it('two banks, a run shorter than the work under it: the wait is one cycle and done one more', () => {
    const [, second] = tileTimelines([phases(3, 9, 50, true), phases(3, 2, 1, false)], 2);
    expect(second).toEqual({ exposedLoad: 0, hiddenDrain: 50, hiddenLoad: 0, wait: 2, tailDrain: 1 });
  });

  it('two banks, weights in banks: a row tile\'s weights load under the previous row tile\'s run', () => {
    const banked = [phases(10, 30, 4, true, true), phases(8, 20, 4, false, true), phases(12, 40, 6, true, true), phases(12, 3, 6, true, true)];
    expect(tileTimelines(banked, 2)).toEqual([
      { exposedLoad: 10, hiddenDrain: 0, hiddenLoad: 8, wait: 30 - 8 + 1, tailDrain: 0 },
      { exposedLoad: 0, hiddenDrain: 4, hiddenLoad: 12, wait: 20 - 16 + 1, tailDrain: 0 },
      { exposedLoad: 0, hiddenDrain: 4, hiddenLoad: 12, wait: 40 - 16 + 1, tailDrain: 0 },
      // A run (3) shorter than the next tile's weights under it: the wait is a cycle, the loads set the pace.
      { exposedLoad: 0, hiddenDrain: 6, hiddenLoad: 0, wait: 1 + 1, tailDrain: 6 },
    ]);
    // The same tiles with whole weight memories: the second and third row tiles load before their starts.
    expect(tileTimelines(banked.map((tile) => ({ ...tile, tile: { weightsBanked: false } })), 2).map((t) => t.exposedLoad)).toEqual([10, 0, 12, 12]);
  });
});
