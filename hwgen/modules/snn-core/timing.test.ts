import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { annLayer } from '../../golden/ann.ts';
import { type SnnCoreParams, popcount } from './arch.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { columnEventsOf, predictSnnCore, snnColumnEvents, snnCoreBytesOfColumn, snnCoreBytesPerAddition, snnCoreLoadEvents, snnCoreUtilisation } from './timing.ts';

/** maxEvents 4: KW = 2, a stored event is 10 bits = 2 bytes. */
const TWO_LANES: SnnCoreParams = { lanes: 2, accW: 16, maxEvents: 4, weightDepth: 16, btDepth: 3, weightBanks: 1, thetaW: 25, shiftAdd: false };

/**
 * K = 4, N = 2: column 0 is x = [3, 0, 1, 0] (E = 2 events, S = 4 spikes), column 1 has no spike.
 * M = 2 (G = 1); Y = [[1, 2], [0, 0]]: column 0 gives levels [1, 0], column 1 gives [2, 0].
 */
function pipelineLayer(): GemmLayer {
  return {
    name: 'hand',
    M: 2,
    K: 4,
    N: 2,
    T: 3,
    inLevels: 3,
    weights: Int8Array.from([-1, 0, 1, -1, 0, 1, -1, 0]),
    input: Uint8Array.from([3, 0, 0, 0, 1, 0, 0, 0]),
    bias: Int32Array.from([4, 0]),
    theta: Int32Array.from([2, 2]),
  };
}

/** K = 1, one event x = 1; M = 6 in three groups of two: the fire stage, two levels per group, is the bottleneck. */
function fireBoundLayer(): GemmLayer {
  return {
    name: 'fire-bound',
    M: 6,
    K: 1,
    N: 1,
    T: 3,
    inLevels: 1,
    weights: Int8Array.from([1, 1, 1, 1, 1, 1]),
    input: Uint8Array.from([1]),
    bias: Int32Array.from({ length: 6 }, () => 100),
    theta: Int32Array.from({ length: 6 }, () => 1),
  };
}

describe('predictSnnCore on hand-worked cases (spec.md, "Cycle formula")', () => {
  it('one column: x = 3 then x = 1', () => {
    const layer = pipelineLayer();
    expect(annLayer(layer)).toEqual(Uint8Array.from([1, 2, 0, 0]));
    // Beats in cycles 0, 1: the bank is full from f = 2; the reader issues in 2, the weight read is in 3,
    // adds in 4, 5, 6 (x = 3) and 7 (x = 1, the group's final add, F = 7, which loads the fire stage's
    // bank). Its n = 2 lanes issue in 8 and 9 and leave 9 cycles later, in 17 and 18: 19 cycles.
    const prediction = predictSnnCore(layer, [0], TWO_LANES);
    expect(prediction.cycles).toBe(19);
    expect(prediction.busy).toBe(18 - 2 + 1);
    // snn_add = M·S, spike = G·S, fire = Σy, bytes = E·2 (writes) + G·E·(2 + L) (reads, fetches) + G·8·L.
    expect(prediction.events).toEqual({ ann_mac: 0, snn_add: 8, spike: 4, fire: 1, sram_byte: 4 + 8 + 16 });
  });

  it('an empty column behind it: one token per group, the fire stage sets the pace', () => {
    // Column 1 is one terminator beat, taken in cycle 2 (bank 1 is free): full from 3. The reader
    // issues its token in 6, when column 0's last event enters the add stage; the token reaches the
    // add stage in 8 and stalls there until column 0's last lane issues, in 9, which frees the fire
    // stage's bank: its final add loads it in 9, its lanes issue in 10 and 11 and leave in 19 and 20.
    const prediction = predictSnnCore(pipelineLayer(), [0, 1], TWO_LANES);
    expect(prediction.cycles).toBe(21);
    expect(prediction.busy).toBe(20 - 2 + 1);
    expect(prediction.events).toEqual({ ann_mac: 0, snn_add: 8, spike: 4, fire: 3, sram_byte: 28 + 16 });
  });

  it("a group waits for the fire stage's bank while its lanes issue", () => {
    // f = 1, issue 1, weight read 2; group 0's final add loads the fire stage's bank in 3, its lanes
    // issue in 4 and 5; group 1 adds in 4 and stalls until 5, group 2 adds in 6 and stalls until 7,
    // whose lanes issue in 8 and 9 and leave in 17 and 18: the fire stage emits a level every cycle.
    const prediction = predictSnnCore(fireBoundLayer(), [0], TWO_LANES);
    expect(prediction.cycles).toBe(19);
    expect(prediction.busy).toBe(18);
    expect(prediction.events.fire).toBe(18);
  });

  it('takes the output levels from the caller when given: they set the fire count, not the time', () => {
    const layer = pipelineLayer();
    const forced = Uint8Array.from([3, 0, 3, 0]);
    const prediction = predictSnnCore(layer, [0], TWO_LANES, forced);
    expect(prediction.cycles).toBe(19);
    expect(prediction.events.fire).toBe(6);
    expect(() => predictSnnCore(layer, [0], TWO_LANES, new Uint8Array(3))).toThrow(/outputs has 3 levels/);
  });

  it('with shift-add, an event takes one add cycle per set bit of its level: x = 3 in 2 cycles', () => {
    // As the first case, but event (0, 3) adds w·1 in 4 and w·2 in 5, event (2, 1) adds in 6 (F = 6): one
    // cycle less. Additions and add cycles count popcount(x): 2 + 1 per group.
    const prediction = predictSnnCore(pipelineLayer(), [0], { ...TWO_LANES, shiftAdd: true });
    expect(prediction.cycles).toBe(18);
    expect(prediction.events).toEqual({ ann_mac: 0, snn_add: 6, spike: 3, fire: 1, sram_byte: 4 + 8 + 16 });
    expect(popcount(0)).toBe(0);
    expect(popcount(255)).toBe(8);
    expect(popcount(0b1010_0001)).toBe(3);
  });

  it('predicts nothing for no columns', () => {
    expect(predictSnnCore(pipelineLayer(), [], TWO_LANES)).toMatchObject({ cycles: 0, busy: 0 });
  });

  it('gives lane utilisation and bytes per addition', () => {
    const prediction = predictSnnCore(pipelineLayer(), [0], TWO_LANES);
    // 8 additions over 17 busy cycles of 2 lanes; 28 bytes for 8 additions.
    expect(snnCoreUtilisation(prediction, TWO_LANES)).toBeCloseTo(8 / 34, 12);
    expect(snnCoreBytesPerAddition(prediction)).toBeCloseTo(28 / 8, 12);
  });

  it('counts the memory loads apart', () => {
    // G·K weight words of L bytes and G bias/θ words of 8·L bytes.
    expect(snnCoreLoadEvents({ M: 5, K: 3 }, TWO_LANES).sram_byte).toBe(3 * 3 * 2 + 3 * 16);
  });
});

/** A random small layer for the properties below. */
const layerArbitrary = fc
  .record({ M: fc.integer({ min: 1, max: 9 }), K: fc.integer({ min: 1, max: 6 }), N: fc.integer({ min: 1, max: 4 }), T: fc.integer({ min: 1, max: 255 }) })
  .chain(({ M, K, N, T }) =>
    fc.record({
      layer: fc.record({
        name: fc.constant('random'),
        M: fc.constant(M),
        K: fc.constant(K),
        N: fc.constant(N),
        T: fc.constant(T),
        inLevels: fc.constant(255),
        weights: fc.int8Array({ minLength: M * K, maxLength: M * K }),
        input: fc.uint8Array({ minLength: K * N, maxLength: K * N }).map((levels) => levels.map((x) => (x % 3 === 0 ? 0 : x))),
        bias: fc.int32Array({ minLength: M, maxLength: M, min: -5000, max: 5000 }),
        theta: fc.int32Array({ minLength: M, maxLength: M, min: 1, max: 300 }),
      }),
      columns: fc.array(fc.integer({ min: 0, max: N - 1 }), { minLength: 1, maxLength: 6 }),
    }),
  );

const FOUR_LANES: SnnCoreParams = { lanes: 4, accW: 32, maxEvents: 8, weightDepth: 64, btDepth: 3, weightBanks: 1, thetaW: 25, shiftAdd: false };

describe('predictSnnCore properties', () => {
  it('counts events as the contract defines them', () => {
    fc.assert(
      fc.property(layerArbitrary, ({ layer, columns }) => {
        const prediction = predictSnnCore(layer, columns, FOUR_LANES);
        const groups = Math.ceil(layer.M / FOUR_LANES.lanes);
        const spikes = columns.reduce((sum, n) => sum + columnEventsOf(layer, n, FOUR_LANES).adds, 0);
        expect(prediction.events.snn_add).toBe(layer.M * spikes);
        expect(prediction.events.spike).toBe(groups * spikes);
        const Y = annLayer(layer);
        expect(prediction.events.fire).toBe(columns.reduce((sum, n) => sum + Array.from({ length: layer.M }, (_, m) => Y[m * layer.N + n] ?? 0).reduce((a, b) => a + b, 0), 0));
        const bytes = columns.reduce((sum, n) => sum + snnCoreBytesOfColumn(columnEventsOf(layer, n, FOUR_LANES), layer, FOUR_LANES), 0);
        expect(prediction.events.sram_byte).toBe(bytes);
      }),
      { numRuns: 200 },
    );
  });

  it('is bounded below by the add stage and by the fire stage, and grows with every column', () => {
    fc.assert(
      fc.property(layerArbitrary, ({ layer, columns }) => {
        const prediction = predictSnnCore(layer, columns, FOUR_LANES);
        const groups = Math.ceil(layer.M / FOUR_LANES.lanes);
        const addCycles = columns.reduce((sum, n) => sum + groups * Math.max(columnEventsOf(layer, n, FOUR_LANES).adds, 1), 0);
        // The fire stage emits one level per cycle, after a pipeline of 9 stages.
        expect(prediction.cycles).toBeGreaterThanOrEqual(addCycles);
        expect(prediction.cycles).toBeGreaterThanOrEqual(columns.length * layer.M + 9);
        expect(prediction.busy).toBeLessThanOrEqual(prediction.cycles);
        const shorter = predictSnnCore(layer, columns.slice(0, -1), FOUR_LANES);
        expect(prediction.cycles).toBeGreaterThan(shorter.cycles);
      }),
      { numRuns: 200 },
    );
  });

  it('reads the same events the dispatcher sends', () => {
    fc.assert(
      fc.property(layerArbitrary, ({ layer }) => {
        const beats = snnColumnEvents(layer, 0).filter((beat) => beat.level !== 0);
        const events = columnEventsOf(layer, 0, FOUR_LANES);
        expect(beats.length).toBe(events.events);
        expect(beats.reduce((sum, beat) => sum + beat.level, 0)).toBe(events.adds);
        expect(beats.at(-1)?.level ?? 0).toBe(events.lastAdds);
        expect(beats.at(-2)?.level ?? 0).toBe(events.secondLastAdds);
        const bitwise = columnEventsOf(layer, 0, { shiftAdd: true });
        expect(bitwise.adds).toBe(beats.reduce((sum, beat) => sum + popcount(beat.level), 0));
        expect(bitwise.lastAdds).toBe(popcount(beats.at(-1)?.level ?? 0));
      }),
    );
  });
});
