import { describe, expect, it } from 'vitest';
import { acceleratorFrom, defaultAccelerator } from '../config/load-config.ts';
import { annLayer } from '../golden/ann.ts';
import type { Schedule } from '../schedule/types.ts';
import { Rng } from '../util/rng.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { annCoreLoadEvents, predictAnnCore } from './ann-core.ts';
import { type EventCounts, addEvents, energyPicojoules, zeroEvents } from './events.ts';
import {
  DISPATCH_OVERHEAD_CYCLES,
  type TilePrediction,
  designOf,
  planLayer,
  planLowerBound,
  predictLayer,
  tileOutputs,
  tileSubLayer,
} from './layer.ts';
import { predictSnnCore, snnCoreLoadEvents } from './snn-core.ts';

/**
 * The hand-worked case (also the CLI test's): a 2×2 array and a 2-lane core, M = 2, K = 4, N = 2, θ = 4, T = 4.
 * Column 0 has x = [3, 0, 0, 0]: acc = [12, 3], v = acc + 2 = [14, 5], y = [3, 1]. Column 1 is empty: y = [0, 0].
 */
const TINY_DESIGN = acceleratorFrom({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64 } }, 'tiny');
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
  it('column 0 on the array, column 1 on the SNN core', () => {
    const prediction = predictLayer(TINY, scheduleOf([[0]], [[1]]), TINY_DESIGN);
    const [tile] = prediction.tiles as [TilePrediction];
    // ANN, one fire-bound column (J = 2): 2J + 1 + (ℓ + n + 2) = 5 + (3 + 2 + 2) = 12 cycles; G·J + G = 3 load words.
    // SNN, one empty column: a = 0, f = 1, R = 1, A = 2, s = 3, F = 3, P = 4, cycles = P + 0 + 2 + 2 = 8; G·K + G = 5 words.
    // The longer stream is loaded first: ANN streams from cycle 3 to 15, SNN from 8 to 16; + 2 for the dispatcher.
    expect(tile.cores.map(({ kind, cycles, loadWords, start }) => ({ kind, cycles, loadWords, start }))).toEqual([
      { kind: 'ann', cycles: 12, loadWords: 3, start: 3 },
      { kind: 'snn', cycles: 8, loadWords: 5, start: 8 },
    ]);
    expect(prediction.cycles).toBe(18);
    expect(prediction.loadCycles).toBe(8);
    // ANN column: 8 MACs (2.4 pJ) + 32 bytes (40 pJ) + 4 output spikes (0.4 pJ); SNN empty column: 16 bias/θ bytes (20 pJ);
    // loads: 24 bytes on each core (60 pJ).
    expect(prediction.energyPj).toBeCloseTo(122.8, 9);
    expect(prediction.seconds).toBeCloseTo(18e-8, 20);
    expect(prediction.edpJs).toBeCloseTo(122.8e-12 * 18e-8, 30);
    expect(prediction.edpPjS).toBeCloseTo(122.8 * 18e-8, 18);
  });

  it('planLayer finds that schedule for cost; ann and snn put both columns on one core', () => {
    const design = designOf(TINY_DESIGN);
    const cost = planLayer(TINY, design, 'cost', { seed: 0 });
    expect(cost.tiles[0]?.schedule).toEqual(scheduleOf([[0]], [[1]]));
    // LP bound 7 (column 0 takes 7 cycles on either core) + the cheaper load (3 words) + 2.
    expect(planLowerBound(cost, design.params)).toBe(12);
    // ANN [0, 1]: 2J + 1 + 7 + 4 = 16 cycles after 3 load words; SNN [0, 1]: 17 cycles after 5.
    expect(predictLayer(TINY, planLayer(TINY, design, 'ann', { seed: 0 }), design).cycles).toBe(3 + 16 + 2);
    expect(predictLayer(TINY, planLayer(TINY, design, 'snn', { seed: 0 }), design).cycles).toBe(5 + 17 + 2);
  });
});

/** A small layer that the small design below must tile: M = 7, K = 12 → tiles of 4 rows. */
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

/** 2 arrays of 2×2 with 16 weight words, 2 cores of 2 lanes with 32 weight words. */
const SMALL_DESIGN = acceleratorFrom({ ann: { arrays: 2, rows: 2, cols: 2 }, snn: { cores: 2, lanes: 2 }, buffers: { weightBytes: 64 }, clockMHz: 250 }, 'small');

describe('predictLayer composes the core predictions', () => {
  const table: EventCounts = { ann_mac: 0.25, snn_add: 0.125, spike: 0.5, fire: 1, sram_byte: 2 };

  it.each(['cost', 'random'] as const)('%s on a tiled layer: Σ over tiles of max(load end + stream) + overhead; events Σ cores + loads', (policy) => {
    const layer = randomLayer(policy === 'cost' ? 1 : 2);
    const outputs = annLayer(layer);
    const design = designOf(SMALL_DESIGN);
    const plan = planLayer(layer, design, policy, { seed: 5, outputs });
    expect(plan.tiles.map(({ tile }) => [tile.rowStart, tile.rowEnd])).toEqual([
      [0, 4],
      [4, 7],
    ]);
    const prediction = predictLayer(layer, plan, design, { outputs, energyTable: table });

    let cycles = 0;
    let events = zeroEvents();
    plan.tiles.forEach(({ tile, schedule }, t) => {
      const sub = tileSubLayer(layer, tile);
      const subOutputs = tileOutputs(outputs, tile, layer);
      const streams = schedule.cores.map((core) => {
        if (core.columns.length === 0) return { cycles: 0, events: zeroEvents(), words: 0, load: zeroEvents() };
        const ann = core.kind === 'ann';
        const run = ann ? predictAnnCore(sub, core.columns, design.params.ann, subOutputs) : predictSnnCore(sub, core.columns, design.params.snn, subOutputs);
        // Load words: G·J + G on a 2×2 array (J = 6), G·K + G on a 2-lane core (K = 12).
        const groups = Math.ceil(sub.M / 2);
        const words = ann ? groups * 6 + groups : groups * 12 + groups;
        return { cycles: run.cycles, events: run.events, words, load: ann ? annCoreLoadEvents(sub, design.params.ann) : snnCoreLoadEvents(sub, design.params.snn) };
      });
      // Loads one after another, longest stream first (ties in core order); each core starts when its load ends.
      const order = streams.map((_, i) => i).sort((a, b) => (streams[b]?.cycles ?? 0) - (streams[a]?.cycles ?? 0) || a - b);
      let bus = 0;
      let finish = 0;
      for (const i of order) {
        const stream = streams[i];
        if (stream === undefined || stream.words === 0) continue;
        bus += stream.words;
        finish = Math.max(finish, bus + stream.cycles);
        expect(prediction.tiles[t]?.cores[i]?.start).toBe(bus);
      }
      expect(prediction.tiles[t]?.cycles).toBe(finish + DISPATCH_OVERHEAD_CYCLES);
      expect(prediction.tiles[t]?.loadCycles).toBe(bus);
      cycles += finish + DISPATCH_OVERHEAD_CYCLES;
      for (const stream of streams) events = addEvents(addEvents(events, stream.events), stream.load);
    });
    expect(prediction.cycles).toBe(cycles);
    expect(prediction.events).toEqual(events);
    expect(prediction.energyPj).toBeCloseTo(energyPicojoules(events, table), 9);
    expect(prediction.seconds).toBeCloseTo(cycles / 250e6, 18);
    expect(prediction.edpPjS).toBeCloseTo(prediction.energyPj * prediction.seconds, 12);
  });

  it('applies one schedule to every tile of a tiling for the kinds it uses', () => {
    const layer = randomLayer(3);
    const design = designOf(SMALL_DESIGN);
    const allOnAnn0 = scheduleOf([[...Array(9).keys()], []], [[], []]);
    const prediction = predictLayer(layer, allOnAnn0, design);
    // ANN alone: 2 groups of 2 rows per tile (16 words / J = 6) → tiles of 4 and 3 rows; no SNN core loaded.
    expect(prediction.tiles.map(({ tile }) => [tile.rowStart, tile.rowEnd, tile.kinds.join()])).toEqual([
      [0, 4, 'ann'],
      [4, 7, 'ann'],
    ]);
    expect(prediction.tiles.every((tile) => tile.cores.filter((core) => core.loadWords > 0).length === 1)).toBe(true);
  });

  it('refuses a schedule that is not one of the layer\'s columns, or that uses a core that cannot hold it', () => {
    const design = designOf(defaultAccelerator());
    const wide: GemmLayer = { ...randomLayer(4), K: 4608, N: 1, input: new Uint8Array(4608), weights: new Int8Array(7 * 4608) };
    expect(() => predictLayer(wide, scheduleOf([[]], [[0], []]), design)).toThrow(
      'schedule of r: snn 0 has columns, but no snn core can hold the layer\'s weights',
    );
    expect(() => predictLayer(randomLayer(4), scheduleOf([[0, 1]], [[], []]), design)).toThrow('schedule of r rows 0..6: 7 of 9 columns are not scheduled (first: 2)');
    const tinyPlan = planLayer(TINY, designOf(TINY_DESIGN), 'cost', { seed: 0 });
    expect(() => predictLayer(randomLayer(4), tinyPlan, design)).toThrow('the plan\'s tiles cover rows 0..1, layer r has M = 7');
  });

  it('falls back to the other kind when the policy\'s kind cannot hold the layer, and says so', () => {
    const design = designOf(defaultAccelerator());
    const wide: GemmLayer = { ...randomLayer(4), M: 16, K: 4608, N: 2, input: new Uint8Array(2 * 4608), weights: new Int8Array(16 * 4608), bias: new Int32Array(16), theta: new Int32Array(16).fill(9) };
    const plan = planLayer(wide, design, 'snn', { seed: 0 });
    expect(plan.tiles.map((tile) => tile.policy)).toEqual(['ann', 'ann']);
    expect(plan.tiles.every((tile) => tile.schedule.cores.filter((core) => core.kind === 'snn').every((core) => core.columns.length === 0))).toBe(true);
  });
});
