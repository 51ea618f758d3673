/** The RTL part of the NeuroFlex bench: which columns and rows a sample keeps (exactly those), and whole layers in RTL. */
import { describe, expect, it } from 'vitest';
import { annLayer } from '../golden/ann.ts';
import { Rng } from '../util/rng.ts';
import { type GemmLayer, columnOf } from '../workload/gemm-layer.ts';
import { zooGemmLayer } from '../zoo/zoo-gemm.ts';
import { runWholeLayers, sampleGemmLayer, sampleIndices, wholeLayerTable } from './neuroflex-rtl.ts';
import { acceleratorFrom } from '../config/load-config.ts';

function randomLayer(seed: number, M: number, K: number, N: number): GemmLayer {
  const rng = new Rng(seed);
  return {
    name: `random${seed}`, M, K, N, T: 15, inLevels: 15,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, () => (rng.nextFloat() < 0.6 ? 0 : rng.nextInt(1, 15))),
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-500, 500)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(1, 2000)),
  };
}

describe('sampleIndices', () => {
  it('gives the same indices every time, one per stratum, increasing and in range', () => {
    for (const [total, count] of [[50176, 32], [196, 32], [12544, 64], [33, 32], [1000, 7]] as const) {
      const indices = sampleIndices(total, count);
      expect(sampleIndices(total, count)).toEqual(indices);
      expect(indices).toHaveLength(count);
      indices.forEach((index, j) => {
        expect(Number.isInteger(index)).toBe(true);
        expect(index).toBeGreaterThanOrEqual(Math.floor((j * total) / count));
        expect(index).toBeLessThan(Math.floor(((j + 1) * total) / count));
      });
    }
  });

  it('pins the indices: a change of the sample changes the README figures', () => {
    expect(sampleIndices(100, 4)).toEqual([15, 30, 71, 86]);
    expect(sampleIndices(196, 8)).toEqual([14, 29, 69, 84, 100, 139, 154, 194]);
  });

  it('keeps every index when the count covers them', () => {
    expect(sampleIndices(5, 5)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndices(5, 64)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndices(0, 3)).toEqual([]);
  });

  it('does not alias with an image row: VGG conv1_1 (224×224 outputs), 32 columns', () => {
    // evenly spaced columns would have a stride of 7 image rows and all sit in one image column
    const imageColumns = new Set(sampleIndices(224 * 224, 32).map((n) => n % 224));
    expect(imageColumns.size).toBeGreaterThan(24);
  });

  it('refuses a count below 1 and a negative or fractional total', () => {
    expect(() => sampleIndices(10, 0)).toThrow(RangeError);
    expect(() => sampleIndices(-1, 3)).toThrow(RangeError);
    expect(() => sampleIndices(2.5, 1)).toThrow(RangeError);
  });
});

describe('sampleGemmLayer', () => {
  it('keeps K, T and the input levels; X is the chosen columns; W, bias and θ the chosen rows', () => {
    const layer = randomLayer(3, 40, 17, 300);
    const { layer: sub, rows, columns } = sampleGemmLayer(layer, { columns: 16, maxRows: 8 });
    expect(columns).toEqual(sampleIndices(300, 16));
    expect(rows).toEqual(sampleIndices(40, 8));
    expect({ M: sub.M, K: sub.K, N: sub.N, T: sub.T, inLevels: sub.inLevels }).toEqual({ M: 8, K: 17, N: 16, T: 15, inLevels: 15 });
    expect(sub.input).toHaveLength(17 * 16);
    expect(sub.weights).toHaveLength(8 * 17);
    columns.forEach((n, j) => expect(columnOf(sub, j)).toEqual(columnOf(layer, n)));
    rows.forEach((m, i) => {
      expect(Array.from(sub.weights.subarray(i * 17, (i + 1) * 17))).toEqual(Array.from(layer.weights.subarray(m * 17, (m + 1) * 17)));
      expect(sub.bias[i]).toBe(layer.bias[m]);
      expect(sub.theta[i]).toBe(layer.theta[m]);
    });
  });

  it('keeps every row when M ≤ maxRows', () => {
    const layer = randomLayer(4, 6, 5, 50);
    const { layer: sub, rows } = sampleGemmLayer(layer, { columns: 10, maxRows: 64 });
    expect(rows).toEqual([0, 1, 2, 3, 4, 5]);
    expect(sub.weights).toEqual(layer.weights);
    expect(sub.bias).toEqual(layer.bias);
  });

  it('computes the whole layer\'s outputs at the sampled rows and columns', () => {
    const layer = randomLayer(5, 24, 31, 120);
    const { layer: sub, rows, columns } = sampleGemmLayer(layer, { columns: 20, maxRows: 10 });
    const whole = annLayer(layer);
    const sampled = annLayer(sub);
    rows.forEach((m, i) => columns.forEach((n, j) => expect(sampled[i * sub.N + j]).toBe(whole[m * layer.N + n])));
  });

  it('samples a zoo layer the bench runs (BERT-base enc0.ffn2: 768×3072×128 → 64×3072×32)', async () => {
    const layer = await zooGemmLayer('bert-base', 'enc0.ffn2');
    const first = sampleGemmLayer(layer, { columns: 32, maxRows: 64 });
    const again = sampleGemmLayer(layer, { columns: 32, maxRows: 64 });
    expect({ M: first.layer.M, K: first.layer.K, N: first.layer.N }).toEqual({ M: 64, K: 3072, N: 32 });
    expect(again.layer.input).toEqual(first.layer.input);
    expect(again.layer.weights).toEqual(first.layer.weights);
  }, 30_000);
});

describe('runWholeLayers', () => {
  it('runs each layer whole under each policy, RTL cycles equal to the prediction, and tabulates them', async () => {
    const accelerator = acceleratorFrom({ name: 'small', ann: { arrays: 1, rows: 4, cols: 4 }, snn: { cores: 1, lanes: 4 } }, 'small.yaml');
    const layer = randomLayer(3, 6, 20, 9);
    const runs = await runWholeLayers([{ network: 'test', role: 'hidden', layer, whole: new Map() }], [{ id: 'small', accelerator }], ['cost', 'ann']);
    expect(runs.map((r) => [r.design, r.layer.name, r.policy, r.run.cycles === r.run.predictedCycles])).toEqual([
      ['small', 'random3', 'cost', true],
      ['small', 'random3', 'ann', true],
    ]);
    expect(wholeLayerTable(runs).split('\n')[2]).toMatch(/^\| small \| test random3 \| 6×20×9 \| cost \| \d+ \| \d+ \| [\d.]+ \| \d+ s \|$/);
  }, 300_000);
});
