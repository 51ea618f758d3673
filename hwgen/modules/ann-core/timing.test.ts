import fc from 'fast-check';
import { zooGemmLayer } from '../../zoo/zoo-gemm.ts';
import { describe, expect, it } from 'vitest';
import { defaultAccelerator } from '../../config/load-config.ts';
import type { AnnCoreParams } from './arch.ts';
import { annLayer } from '../../golden/ann.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { annCoreBytesPerColumn, annCoreLoadEvents, annCoreParams, annCoreUtilisation, predictAnnCore } from './timing.ts';

function params(rows: number, cols: number): AnnCoreParams {
  return { rows, cols, accW: 32, maxChunks: 1024, weightDepth: 1 << 20, btDepth: 1024, weightBanks: 1 };
}

/** A layer of the given shape; its data do not matter when the test passes the output levels. */
function shapedLayer(M: number, K: number, N: number): GemmLayer {
  return {
    name: 'shape',
    M,
    K,
    N,
    T: 255,
    inLevels: 255,
    weights: new Int8Array(M * K),
    input: new Uint8Array(K * N),
    bias: new Int32Array(M),
    theta: new Int32Array(M).fill(1),
  };
}

/** Output levels M×N (row-major, as annLayer returns) from per-column lists. */
function outputsOf(M: number, columns: readonly (readonly number[])[]): Uint8Array {
  const N = columns.length;
  const out = new Uint8Array(M * N);
  columns.forEach((levels, n) => levels.forEach((level, m) => (out[m * N + n] = level)));
  return out;
}

describe('predictAnnCore on hand-worked cases', () => {
  // R=2, C=2, M=2, K=4: G=1, J=2. Beats in cycles 0-1; chunks issue in 2-3 and execute in 3-4;
  // the hold bank is full from 5 and the fire stage takes it in 5; it fires in 6-8 (level 3),
  // finds nothing to fire in 9 and emits the two levels in 10-11.
  it('one column, one group: 12 cycles', () => {
    const prediction = predictAnnCore(shapedLayer(2, 4, 1), [0], params(2, 2), outputsOf(2, [[3, 1]]));
    expect(prediction.cycles).toBe(12);
    expect(prediction.busy).toBe(10);
    expect(prediction.events).toEqual({ ann_mac: 8, snn_add: 0, spike: 0, fire: 4, sram_byte: 2 * 2 + 2 * (4 + 2) + 16 });
  });

  // The second column's beats arrive in 2-3, its first chunk issues in 4; its last chunk waits
  // in 5 (the first hold bank goes to the fire stage only in 5) and issues in 6. The hold bank is
  // full from 8, but the fire stage is busy until 12 (taken in 5, + level 3 + 2 lanes + 2):
  // taken in 12, nothing fires in 13, levels leave in 14-15.
  it('two columns: the hold bank waits for the fire stage', () => {
    const prediction = predictAnnCore(shapedLayer(2, 4, 2), [0, 1], params(2, 2), outputsOf(2, [[3, 1], [0, 0]]));
    expect(prediction.cycles).toBe(16);
    expect(prediction.busy).toBe(14);
  });

  // R=4, C=8, M=8, K=8: G=2, J=1. Group 0 issues in 1, is taken in 3, fires 2 cycles and
  // emits 4 levels in 6-9: the fire stage is free from 11. Group 1 issues in 4 (after the hold
  // bank went in 3), its bank waits in 6-10, is taken in 11 and emits in 13-16.
  it('a fire-bound layer (J = 1)', () => {
    const layer = shapedLayer(8, 8, 1);
    const prediction = predictAnnCore(layer, [0], params(4, 8), outputsOf(8, [[2, 0, 1, 0, 0, 0, 0, 0]]));
    expect(prediction.cycles).toBe(17);
    expect(prediction.busy).toBe(16);
  });

  it('costs nothing for no columns', () => {
    expect(predictAnnCore(shapedLayer(2, 4, 1), [], params(2, 2), outputsOf(2, [[0, 0]]))).toEqual({
      cycles: 0,
      events: { ann_mac: 0, snn_add: 0, spike: 0, fire: 0, sram_byte: 0 },
      busy: 0,
    });
  });
});

/** Random shapes with levels below `maxLevel`, and the matching per-column level lists. */
const layerCase = (maxJ: number, maxLevel: number) =>
  fc
    .record({ rows: fc.integer({ min: 1, max: 8 }), cols: fc.integer({ min: 1, max: 8 }), G: fc.integer({ min: 1, max: 5 }), J: fc.integer({ min: 1, max: maxJ }), N: fc.integer({ min: 1, max: 4 }) })
    .chain((shape) =>
      fc.record({
        shape: fc.constant(shape),
        lastRows: fc.integer({ min: 1, max: shape.rows }),
        lastCols: fc.integer({ min: 1, max: shape.cols }),
        levels: fc.array(fc.array(fc.integer({ min: 0, max: maxLevel }), { minLength: shape.G * shape.rows, maxLength: shape.G * shape.rows }), { minLength: shape.N, maxLength: shape.N }),
      }),
    )
    .map(({ shape, lastRows, lastCols, levels }) => {
      const M = (shape.G - 1) * shape.rows + lastRows;
      const K = (shape.J - 1) * shape.cols + lastCols;
      const columnLevels = levels.map((column) => column.slice(0, M));
      return { ...shape, M, K, lastRows, columnLevels };
    });

function groupMaxima(levels: readonly number[], rows: number): number[] {
  const maxima: number[] = [];
  for (let first = 0; first < levels.length; first += rows) maxima.push(Math.max(...levels.slice(first, first + rows)));
  return maxima;
}

describe('predictAnnCore closed forms', () => {
  it('compute-bound (J ≥ 3 and J ≥ max level + rows + 2): J·(1 + N·G) + level + lanes of the last group + 3', () => {
    fc.assert(
      fc.property(layerCase(40, 20), (c) => {
        fc.pre(c.J >= 3 && c.J >= 20 + c.rows + 2);
        const columns = c.columnLevels.map((_, n) => n);
        const prediction = predictAnnCore(shapedLayer(c.M, c.K, c.N), columns, params(c.rows, c.cols), outputsOf(c.M, c.columnLevels));
        const lastLevel = groupMaxima(c.columnLevels.at(-1) ?? [], c.rows).at(-1) ?? 0;
        expect(prediction.cycles).toBe(c.J * (1 + c.N * c.G) + lastLevel + c.lastRows + 3);
        expect(prediction.busy).toBe(prediction.cycles - c.J);
      }),
    );
  });

  it('fire-bound (J ≤ 2): 2J + 1 + Σ over groups of (max level + lanes + 2)', () => {
    fc.assert(
      fc.property(layerCase(2, 30), (c) => {
        const columns = c.columnLevels.map((_, n) => n);
        const prediction = predictAnnCore(shapedLayer(c.M, c.K, c.N), columns, params(c.rows, c.cols), outputsOf(c.M, c.columnLevels));
        const perGroup = c.columnLevels.flatMap((levels) => groupMaxima(levels, c.rows).map((level, g) => level + (g === c.G - 1 ? c.lastRows : c.rows) + 2));
        expect(prediction.cycles).toBe(2 * c.J + 1 + perGroup.reduce((a, b) => a + b, 0));
      }),
    );
  });

  it('counts M·K MACs, Σ y fires and the documented bytes per column, in any column order', () => {
    fc.assert(
      fc.property(layerCase(6, 9), fc.integer({ min: 0, max: 1000 }), (c, seed) => {
        const order = c.columnLevels.map((_, n) => (n + seed) % c.N);
        const p = params(c.rows, c.cols);
        const prediction = predictAnnCore(shapedLayer(c.M, c.K, c.N), order, p, outputsOf(c.M, c.columnLevels));
        const fires = order.reduce((sum, n) => sum + (c.columnLevels[n] ?? []).reduce((a, b) => a + b, 0), 0);
        expect(prediction.events.ann_mac).toBe(c.M * c.K * order.length);
        expect(prediction.events.fire).toBe(fires);
        expect(prediction.events.sram_byte).toBe(order.length * (c.J * c.cols + c.G * c.J * (c.rows * c.cols + c.cols) + c.G * c.rows * 8));
        expect(annCoreBytesPerColumn(c, p) * order.length).toBe(prediction.events.sram_byte);
      }),
    );
  });
});

describe('predictAnnCore inputs', () => {
  it('takes the output levels from the golden model when none are given', () => {
    const layer: GemmLayer = {
      ...shapedLayer(5, 9, 6),
      T: 7,
      weights: Int8Array.from({ length: 45 }, (_, i) => ((i * 37) % 256) - 128),
      input: Uint8Array.from({ length: 54 }, (_, i) => (i * 53) % 256),
      theta: new Int32Array(5).fill(3000),
    };
    const outputs = annLayer(layer);
    for (const columns of [[0, 1, 2, 3, 4, 5], [4]]) {
      expect(predictAnnCore(layer, columns, params(2, 4))).toEqual(predictAnnCore(layer, columns, params(2, 4), outputs));
    }
  });

  it('counts the load separately: every weight and bias/θ word written once', () => {
    expect(annCoreLoadEvents({ M: 7, K: 9 }, params(3, 4)).sram_byte).toBe(3 * 3 * 12 + 3 * 3 * 8);
  });
});

/** Evenly spaced columns, at most `count`. */
function sampleColumns(N: number, count: number): number[] {
  const step = Math.max(1, Math.floor(N / count));
  return Array.from({ length: Math.min(N, count) }, (_, i) => i * step);
}

describe('array utilisation on zoo layers (default design, 8×8)', () => {
  it.each([
    ['vgg16', 'conv3_2'],
    ['vgg16', 'conv5_1'],
    ['vgg16', 'fc7'],
    ['bert-base', 'enc0.ffn1'],
  ])('%s %s keeps the array ≥ 95 % busy', async (network, layerName) => {
    const p = annCoreParams(defaultAccelerator());
    const layer = await zooGemmLayer(network, layerName);
    const prediction = predictAnnCore(layer, sampleColumns(layer.N, 200), p);
    expect(annCoreUtilisation(prediction, p)).toBeGreaterThanOrEqual(0.95);
  });
});
