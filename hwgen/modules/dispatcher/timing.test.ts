/**
 * annCoreColumnTimes and snnCoreColumnTimes: the cycles of every column in the runs predictAnnCore and
 * predictSnnCore predict, on the hand-worked cases of ann-core.test.ts and snn-core.test.ts (the comments
 * there give the cycles), and agreeing with the predictions on random layers. The waveform check
 * (hwgen/flows/wave-check.test.ts) holds them to the RTL beat by beat.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnnCoreParams } from '../ann-core/arch.ts';
import type { SnnCoreParams } from '../snn-core/arch.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { annCoreColumnTimes, predictAnnCore } from '../ann-core/timing.ts';
import { predictSnnCore, snnCoreColumnTimes } from '../snn-core/timing.ts';

const annParams = (rows: number, cols: number): AnnCoreParams => ({ rows, cols, accW: 32, maxChunks: 1024, weightDepth: 1 << 20, btDepth: 1024, weightBanks: 1 });
const TWO_LANES: SnnCoreParams = { lanes: 2, accW: 16, maxEvents: 4, weightDepth: 16, btDepth: 3, weightBanks: 1, thetaW: 25, shiftAdd: false };

function layerOf(M: number, K: number, N: number, input = new Uint8Array(K * N)): GemmLayer {
  return { name: 'shape', M, K, N, T: 255, inLevels: 255, weights: new Int8Array(M * K), input, bias: new Int32Array(M), theta: new Int32Array(M).fill(1) };
}

/** Y (M×N row-major) from per-column level lists. */
function outputsOf(M: number, columns: readonly (readonly number[])[]): Uint8Array {
  const out = new Uint8Array(M * columns.length);
  columns.forEach((levels, n) => levels.forEach((level, m) => (out[m * columns.length + n] = level)));
  return out;
}

describe('annCoreColumnTimes on the hand-worked cases', () => {
  it('one column: beats in 0-1, levels in 10-11', () => {
    expect(annCoreColumnTimes(layerOf(2, 4, 1), [0], annParams(2, 2), outputsOf(2, [[3, 1]]))).toEqual([
      { firstInput: 0, lastInput: 1, firstOutput: 10, groupOutputs: [10], lastOutput: 11 },
    ]);
  });

  it('two columns: the second one\'s beats in 2-3, its levels in 14-15', () => {
    expect(annCoreColumnTimes(layerOf(2, 4, 2), [0, 1], annParams(2, 2), outputsOf(2, [[3, 1], [0, 0]]))).toEqual([
      { firstInput: 0, lastInput: 1, firstOutput: 10, groupOutputs: [10], lastOutput: 11 },
      { firstInput: 2, lastInput: 3, firstOutput: 14, groupOutputs: [14], lastOutput: 15 },
    ]);
  });

  // Group 0 is taken by the fire stage in 3, fires in 4-6 (level 2, + 1) and emits in 7-10; group 1 is taken
  // in 11, fires in 12 and emits in 13-16. (ann-core.test.ts says 6-9 for group 0: its 17 cycles hold either way.)
  it('two row groups: levels in 7-10 and 13-16', () => {
    expect(annCoreColumnTimes(layerOf(8, 8, 1), [0], annParams(4, 8), outputsOf(8, [[2, 0, 1, 0, 0, 0, 0, 0]]))).toEqual([
      { firstInput: 0, lastInput: 0, firstOutput: 7, groupOutputs: [7, 13], lastOutput: 16 },
    ]);
  });
});

/** K = 4, N = 2: column 0 is x = [3, 0, 1, 0], column 1 has no spike; Y = [[1, 2], [0, 0]] (snn-core.test.ts). */
function pipelineLayer(): GemmLayer {
  return {
    name: 'hand', M: 2, K: 4, N: 2, T: 3, inLevels: 3,
    weights: Int8Array.from([-1, 0, 1, -1, 0, 1, -1, 0]),
    input: Uint8Array.from([3, 0, 0, 0, 1, 0, 0, 0]),
    bias: Int32Array.from([4, 0]),
    theta: Int32Array.from([2, 2]),
  };
}

describe('snnCoreColumnTimes on the hand-worked cases', () => {
  it('one column, then an empty one: events in 0-1, levels in 17-18; the terminator in 2, levels in 19-20', () => {
    expect(snnCoreColumnTimes(pipelineLayer(), [0, 1], TWO_LANES)).toEqual([
      { firstInput: 0, lastInput: 1, firstOutput: 17, groupOutputs: [17], lastOutput: 18 },
      { firstInput: 2, lastInput: 2, firstOutput: 19, groupOutputs: [19], lastOutput: 20 },
    ]);
  });

  it('three lane groups that wait for the fire stage: loaded in 3, 5, 7, levels from 13, 15, 17', () => {
    const layer: GemmLayer = {
      name: 'fire-bound', M: 6, K: 1, N: 1, T: 3, inLevels: 1,
      weights: Int8Array.from([1, 1, 1, 1, 1, 1]), input: Uint8Array.from([1]),
      bias: Int32Array.from({ length: 6 }, () => 100), theta: Int32Array.from({ length: 6 }, () => 1),
    };
    expect(snnCoreColumnTimes(layer, [0], TWO_LANES)).toEqual([{ firstInput: 0, lastInput: 0, firstOutput: 13, groupOutputs: [13, 15, 17], lastOutput: 18 }]);
  });

  it('no columns, no times', () => {
    expect(snnCoreColumnTimes(pipelineLayer(), [], TWO_LANES)).toEqual([]);
  });
});

describe('column times agree with the predictions', () => {
  const shapes = fc.record({
    M: fc.integer({ min: 1, max: 9 }),
    K: fc.integer({ min: 1, max: 12 }),
    N: fc.integer({ min: 1, max: 5 }),
    rows: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 0, max: 1000 }),
  });

  /** In order, each column's inputs back to back after the previous column's, its groups' levels one per cycle. */
  function consistent(times: ReturnType<typeof annCoreColumnTimes>, M: number, R: number, beats: (i: number) => number, cycles: number): void {
    let lastInput = -1;
    times.forEach((t, i) => {
      expect(t.firstInput).toBeGreaterThan(lastInput);
      expect(t.lastInput - t.firstInput + 1).toBe(beats(i));
      expect(t.firstOutput).toBe(t.groupOutputs[0]);
      expect(t.groupOutputs).toHaveLength(Math.ceil(M / R));
      expect(t.lastOutput).toBe(t.groupOutputs.at(-1)! + (M - (t.groupOutputs.length - 1) * R) - 1);
      lastInput = t.lastInput;
    });
    expect(times[0]?.firstInput).toBe(0);
    expect(times.at(-1)!.lastOutput).toBe(cycles - 1);
  }

  it('ANN: lastOutput of the last column is cycles − 1, inputs J a column, levels group by group', () => {
    fc.assert(
      fc.property(shapes, ({ M, K, N, rows, seed }) => {
        const levels = Array.from({ length: N }, (_, n) => Array.from({ length: M }, (_, m) => (seed * 7 + n * 3 + m * 5) % 6));
        const params = annParams(rows, 3);
        const outputs = outputsOf(M, levels);
        const columns = Array.from({ length: N }, (_, n) => (n * 2) % N);
        const times = annCoreColumnTimes(layerOf(M, K, N), columns, params, outputs);
        consistent(times, M, rows, () => Math.ceil(K / 3), predictAnnCore(layerOf(M, K, N), columns, params, outputs).cycles);
      }),
    );
  });

  it('SNN: lastOutput of the last column is cycles − 1, inputs B_n = max(E_n, 1) a column, levels group by group', () => {
    fc.assert(
      fc.property(shapes, ({ M, K, N, rows, seed }) => {
        const input = Uint8Array.from({ length: K * N }, (_, i) => ((seed + i * 13) % 5 === 0 ? (i % 3) + 1 : 0));
        const layer = layerOf(M, K, N, input);
        const levels = Array.from({ length: N }, (_, n) => Array.from({ length: M }, (_, m) => (seed + n + m * 3) % 5));
        const params: SnnCoreParams = { ...TWO_LANES, lanes: rows, maxEvents: 16 };
        const outputs = outputsOf(M, levels);
        const columns = Array.from({ length: N }, (_, n) => N - 1 - n);
        const events = (n: number): number => Math.max(1, Array.from({ length: K }, (_, k) => input[k * N + n] ?? 0).filter((x) => x !== 0).length);
        const times = snnCoreColumnTimes(layer, columns, params, outputs);
        consistent(times, M, rows, (i) => events(columns[i]!), predictSnnCore(layer, columns, params, outputs).cycles);
      }),
    );
  });
});
