import { FORMER_DEFAULT_BUFFERS } from '../testing/tiled-layers.ts';
import { describe, expect, it } from 'vitest';
import { acceleratorFrom, defaultAccelerator } from '../config/load-config.ts';
import { annLayer } from '../golden/ann.ts';
import { snnColumnEvents } from '../modules/snn-core/arch.ts';
import { schedule as scheduleColumns } from '../schedule/index.ts';
import type { CoreKind, Schedule } from '../schedule/types.ts';
import { Rng } from '../util/rng.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { annCoreLoadEvents } from '../modules/ann-core/timing.ts';
import { columnCosts } from './column-costs.ts';
import { RUN_WAIT_OFFSET, predictDispatch } from './dispatcher.ts';
import { energyPicojoules, type EventCounts } from '../arch/events.ts';
import {
  LOAD_BUSES,
  type LayerTile,
  type TilePrediction,
  designOf,
  planLayer,
  planLowerBound,
  predictLayer,
  predictTile,
  tileOutputs,
  tileSchedule,
  tileSubLayer,
} from './layer.ts';
import { snnCoreLoadEvents } from '../modules/snn-core/timing.ts';

/**
 * The hand-worked case (also the CLI test's): a 2×2 array and a 2-lane core, M = 2, K = 4, N = 2, θ = 4, T = 4.
 * Column 0 has x = [3, 0, 0, 0]: acc = [12, 3], v = acc + 2 = [14, 5], y = [3, 1]. Column 1 is empty: y = [0, 0].
 * Buffers are the defaults: ACT_DEPTH 32768 words of 2 levels, EV_DEPTH 65536, SE_W = max(16 + 15, 17 + 16) = 33 bits,
 * so a schedule entry is 5 bytes; an event {k, x} is ceil((13 + 8) / 8) = 3 bytes (maxK 4608). One tile.
 */
const TINY_DESIGN = acceleratorFrom({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64, ...FORMER_DEFAULT_BUFFERS } }, 'tiny');
const TINY: GemmLayer = {
  name: 'fc',
  M: 2,
  K: 4,
  N: 2,
  T: 4,
  inLevels: 3,
  weights: Int8Array.from([4, 0, 0, 0, 1, 0, 0, 0]),
  input: Uint8Array.from([3, 0, 0, 0, 0, 0, 0, 0]),
  bias: new Int32Array(2),
  theta: Int32Array.from([4, 4]),
};

function scheduleOf(ann: number[][], snn: number[][]): Schedule {
  return { policy: 'cost', cores: [...ann.map((columns, index) => ({ kind: 'ann' as const, index, columns })), ...snn.map((columns, index) => ({ kind: 'snn' as const, index, columns }))] };
}

describe('predictLayer: the hand-worked case', () => {
  it('column 0 on the array, column 1 on the SNN core: load + 1 + run + drain', () => {
    const prediction = predictLayer(TINY, scheduleOf([[0]], [[1]]), TINY_DESIGN);
    const [tile] = prediction.tiles as [TilePrediction];
    // Weights (first column tile, both kinds used): ANN G·J = 2 words + G = 1 bias/θ; SNN G·K = 4 + 1.
    // Replicas, each of its kind's columns: dense J = 2 words of column 0; events B_1 = 1 (column 1's terminator).
    // Schedule: Nt = 2.
    expect(tile.loadWords).toEqual({ annW: 2, annBt: 1, snnW: 4, snnBt: 1, act: 2, ev: 1, sched: 2 });
    expect(tile.loadCycles).toBe(4);
    // Run: ANN one fire-bound column, 2J + 1 + (ℓ + n + 2) = 12 cycles; SNN one empty column, B + σ + n + 11 = 15
    // (9 of them the serial fire stage's pipeline); fin = 2 + cycles.
    expect(tile.dispatch.cores.map((core) => core.fin)).toEqual([14, 17]);
    expect(tile.runCycles).toBe(17 + RUN_WAIT_OFFSET);
    expect(tile.drainCycles).toBe(4);
    expect(prediction.cycles).toBe(4 + 1 + 17 + RUN_WAIT_OFFSET + 4);
    expect([prediction.loadCycles, prediction.runCycles, prediction.drainCycles]).toEqual([4, 17 + RUN_WAIT_OFFSET, 4]);
  });

  it('counts every buffer byte of the tile', () => {
    const prediction = predictLayer(TINY, scheduleOf([[0]], [[1]]), TINY_DESIGN);
    // Cores: the ANN column's 8 MACs, 4 output spikes and 32 buffer bytes; the empty SNN column's 16 bias/θ bytes.
    expect(prediction.breakdown.cores).toEqual({ ann_mac: 8, snn_add: 0, spike: 0, fire: 4, sram_byte: 48 });
    expect(prediction.breakdown.dispatcher).toEqual({
      weightLoads: 24 + 24, // annCoreLoadEvents (2·4 + 2·8) × 1 array + snnCoreLoadEvents (4·2 + 2·8) × 1 core
      replicaWrites: 2 * 2 + 1 * 3, // column 0's dense words × 2 levels × 1 array + column 1's event × 3 bytes × 1 core
      schedule: 2 * 2 * 5, // Nt writes and Nt reads of 5 bytes
      replicaReads: 2 * 2 + 1 * 3, // the array reads J = 2 words of 2 bytes, the SNN core one event of 3
      outputs: 2 * 2 * 2, // M·Nt bank writes and M·Nt drain reads
    });
    expect(prediction.events).toEqual({ ann_mac: 8, snn_add: 0, spike: 0, fire: 4, sram_byte: 48 + 90 });
    // 8 MACs · 0.3 + 4 spikes · 0.1 + 138 B · 1.25
    expect(prediction.energyPj).toBeCloseTo(175.3, 9);
    const cycles = 26 + RUN_WAIT_OFFSET;
    expect(prediction.seconds).toBeCloseTo(cycles * 1e-8, 20);
    expect(prediction.edpJs).toBeCloseTo(175.3e-12 * cycles * 1e-8, 30);
    expect(prediction.edpPjS).toBeCloseTo(175.3 * cycles * 1e-8, 18);
  });

  it('planLayer keeps the SNN core out for cost (its fire pipeline outweighs a column); ann and snn put both columns on one core and load only their buses', () => {
    const design = designOf(TINY_DESIGN);
    const cost = planLayer(TINY, design, 'cost', { seed: 0 });
    expect(cost.tiles[0]?.schedule).toEqual({ ...scheduleOf([[0, 1]], [[]]), policy: 'ann' });
    // Floor of {ann}: max(Nt 2, weights 2) + LP 7 + 4 = 13 (a replica may hold as little as one column); then + 1
    // start + 2 feeder latency + RUN_WAIT_OFFSET + 4 drain.
    expect(planLowerBound(cost)).toBe(13 + 1 + 2 + RUN_WAIT_OFFSET + 4);
    // ANN [0, 1]: 2J + 1 + 7 + 4 = 16 cycles; SNN [0, 1]: 19 (column 0's event x = 3 in 3..5, column 1's terminator
    // waits for column 0's two lanes to issue, its final add in 7, its levels out in 17 and 18).
    const ann = predictLayer(TINY, planLayer(TINY, design, 'ann', { seed: 0 }), design);
    expect(ann.cycles).toBe(4 + 1 + 2 + 16 + RUN_WAIT_OFFSET + 4);
    expect(ann.tiles[0]?.loadWords).toEqual({ annW: 2, annBt: 1, snnW: 0, snnBt: 0, act: 4, ev: 0, sched: 2 });
    const snn = predictLayer(TINY, planLayer(TINY, design, 'snn', { seed: 0 }), design);
    expect(snn.cycles).toBe(4 + 1 + 2 + 19 + RUN_WAIT_OFFSET + 4);
    expect(snn.tiles[0]?.loadWords).toEqual({ annW: 0, annBt: 0, snnW: 4, snnBt: 1, act: 0, ev: 2, sched: 2 });
  });
});

describe('predictLayer: a drain that reads several levels a cycle', () => {
  const wideDrain = acceleratorFrom({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64, ...FORMER_DEFAULT_BUFFERS, drainBytes: 4 } }, 'tiny');

  it("reads each core's bank ceil(levels / R) words, core after core", () => {
    // One column per core: M = 2 levels each, one 4-level word each; both columns on the array: 4 levels, one word.
    expect(predictLayer(TINY, scheduleOf([[0]], [[1]]), wideDrain).drainCycles).toBe(1 + 1);
    expect(predictLayer(TINY, scheduleOf([[0, 1]], [[]]), wideDrain).drainCycles).toBe(1);
    // Everything else as with one level a cycle (drain 4): the mixed schedule's 4 + 1 + 17 + R + 4 less 2.
    expect(predictLayer(TINY, scheduleOf([[0]], [[1]]), wideDrain).cycles).toBe(4 + 1 + 17 + RUN_WAIT_OFFSET + 2);
  });
});

describe('planLayer: cost chooses the kinds a column tile uses', () => {
  // A 1×4 array and a 4-lane core on a layer of M = 4, K = 16, every level 1: a column is 4 dense words (J = 4)
  // against 16 event words, and each kind's replica holds only the columns the tile gives its cores.
  const design = designOf(acceleratorFrom({ ann: { arrays: 1, rows: 1, cols: 4 }, snn: { cores: 1, lanes: 4 }, buffers: { weightBytes: 64, banks: 1 } }, 'equal'));
  const dense: GemmLayer = { ...TINY, name: 'dense', M: 4, K: 16, N: 4, weights: new Int8Array(64), input: new Uint8Array(64).fill(1), bias: new Int32Array(4), theta: new Int32Array(4).fill(4) };

  it('loads each kind\'s replica with the columns its cores run', () => {
    const split = predictLayer(dense, scheduleOf([[0, 2]], [[1, 3]]), design);
    expect(split.tiles[0]?.loadWords).toEqual({ annW: 16, annBt: 4, snnW: 16, snnBt: 1, act: 2 * 4, ev: 2 * 16, sched: 4 });
    const alone = predictLayer(dense, scheduleOf([[0, 1, 2, 3]], [[]]), design);
    expect(alone.tiles[0]?.loadWords).toEqual({ annW: 16, annBt: 4, snnW: 0, snnBt: 0, act: 4 * 4, ev: 0, sched: 4 });
    const one = predictLayer(dense, scheduleOf([[0, 1, 2]], [[3]]), design);
    expect(one.tiles[0]?.loadWords).toMatchObject({ act: 3 * 4, ev: 16 });
  });

  it('weighs the kinds by exact prediction: never slower than either kind alone', () => {
    // The column scheduler alone, which sees no load, splits the columns evenly.
    expect(scheduleColumns(columnCosts(dense, design.params), design.machines, 'cost', { seed: 0 }).cores.map((core) => core.columns.length)).toEqual([2, 2]);
    const cost = predictLayer(dense, planLayer(dense, design, 'cost', { seed: 0 }), design);
    const ann = predictLayer(dense, planLayer(dense, design, 'ann', { seed: 0 }), design);
    const snn = predictLayer(dense, planLayer(dense, design, 'snn', { seed: 0 }), design);
    const split = predictLayer(dense, scheduleOf([[0, 2]], [[1, 3]]), design);
    expect(cost.cycles).toBeLessThanOrEqual(Math.min(ann.cycles, snn.cycles, split.cycles));
  });
});

/** A small layer that the small design below tiles in both dimensions: M = 7 → rows 0..3, 4..6; N = 9 → 4 + 4 + 1 columns. */
function randomLayer(seed: number): GemmLayer {
  const rng = new Rng(seed);
  const [M, K, N] = [7, 12, 9];
  return {
    name: 'r',
    M,
    K,
    N,
    T: 7,
    inLevels: 7,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, () => (rng.nextInt(0, 2) === 0 ? 0 : rng.nextInt(1, 7))),
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-200, 200)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(1, 300)),
  };
}

/**
 * 2 arrays of 2×2 with 16 weight words (J = 6: 2 groups, 4 rows), 2 cores of 2 lanes with 32 (K = 12: 2 groups);
 * replicas of 32 dense words and 64 events (5 columns), 4 schedule entries (Nt = 4), banks of 64 levels.
 */
const SMALL_DESIGN = acceleratorFrom(
  { ann: { arrays: 2, rows: 2, cols: 2 }, snn: { cores: 2, lanes: 2 }, buffers: { weightBytes: 64, activationBytes: 64, outputBytes: 64, scheduleEntries: 4, drainBytes: 1, banks: 1 }, clockMHz: 250 },
  'small',
);
const TILE_RANGES = [
  [0, 4, 0, 4],
  [0, 4, 4, 8],
  [0, 4, 8, 9],
  [4, 7, 0, 4],
  [4, 7, 4, 8],
  [4, 7, 8, 9],
];
const rangesOf = (tiles: readonly { readonly tile: LayerTile }[]) => tiles.map(({ tile }) => [tile.rowStart, tile.rowEnd, tile.colStart, tile.colEnd]);
const usedBy = (schedule: Schedule): CoreKind[] => (['ann', 'snn'] as const).filter((kind) => schedule.cores.some((core) => core.kind === kind && core.columns.length > 0));

describe('predictLayer composes the protocol', () => {
  const table: EventCounts = { ann_mac: 0.25, snn_add: 0.125, spike: 0.5, fire: 1, sram_byte: 2 };
  const design = designOf(SMALL_DESIGN);

  it('has the buffers the tiling assumes (SE_W = max(6 + 5, 7 + 6) = 13 bits: 2 bytes)', () => {
    expect(design.buffers).toEqual({ actDepth: 32, evDepth: 64, schedDepth: 4, outDepth: 64, drainLevels: 1, schedEntryBytes: 2, banks: 1 });
  });

  it.each(['cost', 'random'] as const)('%s on a 2×3-tiled layer: per tile load (max of 7 buses) + 1 + run + drain; events Σ of their parts', (policy) => {
    const layer = randomLayer(policy === 'cost' ? 1 : 2);
    const outputs = annLayer(layer);
    const plan = planLayer(layer, design, policy, { seed: 5, outputs });
    expect(rangesOf(plan.tiles)).toEqual(TILE_RANGES);
    const prediction = predictLayer(layer, plan, design, { outputs, energyTable: table });

    let cycles = 0;
    let sram = 0;
    plan.tiles.forEach(({ tile, schedule }, t) => {
      const sub = tileSubLayer(layer, tile);
      const dispatch = predictDispatch(sub, schedule, design.params, tileOutputs(outputs, tile, layer));
      const rowUses = plan.tiles.filter((other) => other.tile.rowTile === tile.rowTile).flatMap((other) => usedBy(other.schedule));
      const weightsOf = (kind: CoreKind) => tile.firstInRow && rowUses.includes(kind);
      // Each kind's replica: the columns the tile gives its cores.
      const columnsOf = (kind: CoreKind) => schedule.cores.filter((core) => core.kind === kind).flatMap((core) => core.columns);
      const groups = Math.ceil(sub.M / 2);
      const events = columnsOf('snn').map((n) => snnColumnEvents(sub, n).length).reduce((a, b) => a + b, 0);
      const words = {
        annW: weightsOf('ann') ? groups * 6 : 0,
        annBt: weightsOf('ann') ? groups : 0,
        snnW: weightsOf('snn') ? groups * 12 : 0,
        snnBt: weightsOf('snn') ? groups : 0,
        act: 6 * columnsOf('ann').length,
        ev: events,
        sched: sub.N,
      };
      const got = prediction.tiles[t] as TilePrediction;
      expect(got.loadWords).toEqual(words);
      const load = Math.max(...Object.values(words));
      expect(got.loadCycles).toBe(load);
      expect(got.dispatch).toEqual(dispatch);
      const tileCycles = load + 1 + dispatch.cycles + RUN_WAIT_OFFSET + sub.M * sub.N;
      expect(got.cycles).toBe(tileCycles);
      cycles += tileCycles;
      const weightBytes = (weightsOf('ann') ? 2 * annCoreLoadEvents(sub, design.params.ann).sram_byte : 0) + (weightsOf('snn') ? 2 * snnCoreLoadEvents(sub, design.params.snn).sram_byte : 0);
      const replicaWrites = 2 * words.act * 2 + 2 * words.ev * 3;
      const replicaReads = dispatch.cores.reduce((sum, core) => sum + core.actBytes, 0);
      sram += dispatch.events.sram_byte + weightBytes + replicaWrites + 2 * sub.N * 2 + replicaReads + 2 * sub.M * sub.N;
    });
    expect(prediction.cycles).toBe(cycles);
    expect(prediction.events.sram_byte).toBe(sram);
    expect(prediction.energyPj).toBeCloseTo(energyPicojoules(prediction.events, table), 9);
    expect(prediction.seconds).toBeCloseTo(cycles / 250e6, 18);
    expect(prediction.edpPjS).toBeCloseTo(prediction.energyPj * prediction.seconds, 12);
  });

  it('loads weights only before the first column tile of a row tile', () => {
    const layer = randomLayer(1);
    const prediction = predictLayer(layer, planLayer(layer, design, 'cost', { seed: 5 }), design);
    for (const tile of prediction.tiles) {
      const weights = tile.loadWords.annW + tile.loadWords.annBt + tile.loadWords.snnW + tile.loadWords.snnBt;
      expect(weights > 0, `tile ${tile.tile.index}`).toBe(tile.tile.firstInRow);
      expect(tile.breakdown.dispatcher.weightLoads > 0).toBe(tile.tile.firstInRow);
    }
  });

  it('an ann plan never loads the SNN buses (and tiles for the arrays alone)', () => {
    const layer = randomLayer(3);
    const prediction = predictLayer(layer, planLayer(layer, design, 'ann', { seed: 5 }), design);
    expect(prediction.tiles.every((tile) => tile.loadWords.snnW === 0 && tile.loadWords.snnBt === 0 && tile.loadWords.ev === 0)).toBe(true);
    expect(prediction.tiles.every((tile) => tile.tile.kinds.join() === 'ann' && tile.kinds.join() === 'ann')).toBe(true);
  });

  it('loads a kind\'s weights in the first column tile when a later column tile of the row tile uses it', () => {
    const layer = randomLayer(4);
    // Columns 0..3 and 8 on the arrays, 4..7 on the SNN cores: the first column tile uses only the arrays.
    const schedule = scheduleOf([[0, 1, 8], [2, 3]], [[4, 5], [6, 7]]);
    const [first, second, third] = predictLayer(layer, schedule, design).tiles as TilePrediction[];
    expect(first?.kinds).toEqual(['ann']);
    expect(first?.weightKinds).toEqual(['ann', 'snn']);
    expect(first?.loadWords).toMatchObject({ annW: 12, annBt: 2, snnW: 24, snnBt: 2, act: 24, ev: 0, sched: 4 });
    // The weight bus of the SNN cores (24 words) ties the dense replica's: the load is their max, 24.
    expect(first?.loadCycles).toBe(24);
    expect(second?.loadWords).toMatchObject({ annW: 0, snnW: 0, act: 0, sched: 4 });
    expect(second?.loadWords.ev).toBeGreaterThan(0);
    expect(third?.loadWords).toMatchObject({ annW: 0, snnW: 0, act: 6, ev: 0, sched: 1 });
    expect(LOAD_BUSES.every((bus) => (first?.loadWords[bus] ?? 0) <= (first?.loadCycles ?? 0))).toBe(true);
  });

  it('restricts one whole-layer schedule to every tile, each core keeping its order', () => {
    const layer = randomLayer(5);
    const outputs = annLayer(layer);
    const schedule = scheduleOf([[8, 0, 5], [3, 1]], [[7, 2], [4, 6]]);
    const prediction = predictLayer(layer, schedule, design, { outputs });
    expect(rangesOf(prediction.tiles)).toEqual(TILE_RANGES);
    expect(prediction.tiles.slice(0, 3).map((tile) => tile.dispatch.cores.map((core) => core.columns))).toEqual([
      [1, 2, 1, 0], // [0] [3, 1] [2] []
      [1, 0, 1, 2], // [1] [] [3] [0, 2]
      [1, 0, 0, 0], // [0]
    ]);
    prediction.tiles.forEach((tile) => {
      const restricted = tileSchedule(schedule, tile.tile);
      expect(predictTile(layer, tile.tile, restricted, design, outputs, tile.weightKinds)).toEqual(tile);
    });
    expect(tileSchedule(schedule, prediction.tiles[1]?.tile as LayerTile).cores.map((core) => core.columns)).toEqual([[1], [], [3], [0, 2]]);
  });

  it('tiles a one-kind schedule for that kind alone', () => {
    const layer = randomLayer(3);
    const prediction = predictLayer(layer, scheduleOf([[...Array(9).keys()], []], [[], []]), design);
    // ANN alone: 2 groups of 2 rows (16 words / J = 6); Nt = min(32 / 6, 4 entries, 64 / 4) = 4: the same tiles.
    expect(rangesOf(prediction.tiles)).toEqual(TILE_RANGES);
    expect(prediction.tiles.every((tile) => tile.tile.kinds.join() === 'ann' && tile.loadWords.ev === 0)).toBe(true);
  });

  it('refuses a schedule that is not one of the layer\'s columns, or that uses a core that cannot hold it', () => {
    const defaults = designOf(defaultAccelerator());
    const wide: GemmLayer = { ...randomLayer(4), K: 4608, N: 1, input: new Uint8Array(4608), weights: new Int8Array(7 * 4608) };
    expect(() => predictLayer(wide, scheduleOf([[]], [[0], []]), defaults)).toThrow('schedule of r: snn 0 has columns, but no snn core can hold the layer');
    expect(() => predictLayer(randomLayer(4), scheduleOf([[0, 1]], [[], []]), defaults)).toThrow('schedule of r: 7 of 9 columns are not scheduled (first: 2)');
    const tinyPlan = planLayer(TINY, designOf(TINY_DESIGN), 'cost', { seed: 0 });
    expect(() => predictLayer(randomLayer(4), tinyPlan, defaults)).toThrow('the plan is for M=2 K=4 N=2, layer r has M=7 K=12 N=9');
    const plan = planLayer(randomLayer(4), design, 'cost', { seed: 0 });
    const broken = { ...plan, tiles: plan.tiles.map((tile, t) => (t === 1 ? { ...tile, schedule: scheduleOf([[0], [1]], [[2], [9]]) } : tile)) };
    expect(() => predictLayer(randomLayer(4), broken, design)).toThrow('schedule of r[0:4,4:8]: core 3 runs column 9, outside 0..3; 1 of 4 columns are not scheduled (first: 3)');
  });

  it('falls back to the other kind when the policy\'s kind cannot hold the layer, and says so', () => {
    const defaults = designOf(defaultAccelerator());
    const wide: GemmLayer = { ...randomLayer(4), M: 16, K: 4608, N: 2, input: new Uint8Array(2 * 4608), weights: new Int8Array(16 * 4608), bias: new Int32Array(16), theta: new Int32Array(16).fill(9) };
    const plan = planLayer(wide, defaults, 'snn', { seed: 0 });
    // Two row tiles (16 × 4608 weights > 64 KiB) of two column tiles (J = 576 words a column, 1024 a replica bank).
    expect(plan.tiles.map((tile) => tile.policy)).toEqual(['ann', 'ann', 'ann', 'ann']);
    expect(plan.tiles.every((tile) => tile.schedule.cores.filter((core) => core.kind === 'snn').every((core) => core.columns.length === 0))).toBe(true);
  });
});
