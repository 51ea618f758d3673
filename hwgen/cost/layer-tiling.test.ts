import { describe, expect, it } from 'vitest';
import { acceleratorFrom, defaultAccelerator } from '../config/load-config.ts';
import type { AcceleratorConfigInput } from '../config/schema.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { annCoreParams } from './ann-core.ts';
import type { CoreParams } from './column-costs.ts';
import { maxTileRows, tileLayer, tileOutputs, tileSubLayer } from './layer-tiling.ts';
import { snnCoreParams } from './snn-core.ts';

function paramsOf(config?: AcceleratorConfigInput): CoreParams {
  const accelerator = config === undefined ? defaultAccelerator() : acceleratorFrom(config, 'test');
  return { ann: annCoreParams(accelerator), snn: snnCoreParams(accelerator) };
}

const DEFAULT = paramsOf();
const BOTH = { annArrays: 1, snnCores: 2 };
const rows = (tiles: ReturnType<typeof tileLayer>) => tiles.map((tile) => [tile.rowStart, tile.rowEnd]);

describe('maxTileRows (default design: 8×8 array with 1024 weight words, 16-lane cores with 4096)', () => {
  it.each([
    // K, ANN: floor(1024 / ceil(K/8)) groups of 8, SNN: floor(4096 / K) groups of 16; both at most 64 groups (maxM 512)
    [576, 14 * 8, 7 * 16],
    [2304, 3 * 8, 1 * 16],
    [4096, 2 * 8, 1 * 16],
    [4608, 1 * 8, 0],
    [27, 64 * 8, 32 * 16], // ANN: 1024 / 4 = 256 groups, capped by the 64 bias/θ words; SNN: 151 groups, capped at 32
    [4609, 0, 0],
  ])('K = %i: ANN %i rows, SNN %i rows', (K, ann, snn) => {
    expect(maxTileRows(K, DEFAULT)).toEqual({ ann, snn });
  });
});

describe('tileLayer', () => {
  it('keeps a layer that fits whole', () => {
    expect(tileLayer({ name: 'conv2_1', M: 112, K: 576 }, DEFAULT, BOTH)).toEqual([{ index: 0, rowStart: 0, rowEnd: 112, kinds: ['ann', 'snn'] }]);
  });

  it('cuts full tiles of the smaller capacity and a remainder (M = 250, K = 576: 112 rows per tile)', () => {
    expect(rows(tileLayer({ name: 'x', M: 250, K: 576 }, DEFAULT, BOTH))).toEqual([
      [0, 112],
      [112, 224],
      [224, 250],
    ]);
  });

  it('vgg16 conv3_2 (256×2304): 16 tiles of 16 rows, the SNN core holding one lane group', () => {
    const tiles = tileLayer({ name: 'conv3_2', M: 256, K: 2304 }, DEFAULT, BOTH);
    expect(rows(tiles)).toEqual(Array.from({ length: 16 }, (_, i) => [16 * i, 16 * i + 16]));
    expect(tiles.every((tile) => tile.kinds.join() === 'ann,snn')).toBe(true);
  });

  it('tiles for the ANN array alone when the SNN cores cannot hold one group (vgg16 conv5_1, K = 4608)', () => {
    const tiles = tileLayer({ name: 'conv5_1', M: 512, K: 4608 }, DEFAULT, BOTH);
    expect(tiles).toHaveLength(64);
    expect(tiles[63]).toEqual({ index: 63, rowStart: 504, rowEnd: 512, kinds: ['ann'] });
  });

  it('tiles for one kind when the other has no cores (an ANN-only plan gets 24-row tiles for conv3_2)', () => {
    expect(rows(tileLayer({ name: 'conv3_2', M: 256, K: 2304 }, DEFAULT, { annArrays: 1, snnCores: 0 })).slice(0, 2)).toEqual([
      [0, 24],
      [24, 48],
    ]);
    expect(tileLayer({ name: 'conv3_2', M: 256, K: 2304 }, DEFAULT, { annArrays: 1, snnCores: 0 })).toHaveLength(11);
  });

  it('refuses a layer no core can hold, saying why for each kind', () => {
    expect(() => tileLayer({ name: 'fc6', M: 4096, K: 25088 }, DEFAULT, BOTH)).toThrow(
      'layer fc6 (M=4096, K=25088): K: no core can hold it: an ANN array\'s column buffer holds 4608 levels (limits.maxK); an SNN core\'s event buffer holds 4608 events (limits.maxK)',
    );
    expect(() => tileLayer({ name: 'conv5_1', M: 512, K: 4608 }, DEFAULT, { annArrays: 0, snnCores: 2 })).toThrow(
      'layer conv5_1 (M=512, K=4608): K: no core can hold it: the design has no ANN array; an SNN core holds 4096 weight words, one lane group needs K = 4608',
    );
    const small = paramsOf({ ann: { rows: 2, cols: 2 }, buffers: { weightBytes: 64 } });
    expect(() => tileLayer({ name: 'w', M: 2, K: 68 }, small, BOTH)).toThrow(
      'layer w (M=2, K=68): K: no core can hold it: an ANN array holds 16 weight words, one row group needs J = 34; an SNN core holds 4 weight words, one lane group needs K = 68',
    );
  });
});

describe('tileSubLayer and tileOutputs', () => {
  const layer: GemmLayer = {
    name: 'g',
    M: 3,
    K: 2,
    N: 2,
    T: 7,
    inLevels: 7,
    weights: Int8Array.from([1, 2, 3, 4, 5, 6]),
    input: Uint8Array.from([1, 2, 3, 4]),
    bias: Int32Array.from([10, 20, 30]),
    theta: Int32Array.from([7, 8, 9]),
  };

  it('restricts W, b and θ to the tile\'s rows and keeps X', () => {
    const sub = tileSubLayer(layer, { index: 1, rowStart: 1, rowEnd: 3, kinds: ['ann'] });
    expect(sub).toMatchObject({ name: 'g[1:3]', M: 2, K: 2, N: 2, T: 7 });
    expect([...sub.weights]).toEqual([3, 4, 5, 6]);
    expect([...sub.bias]).toEqual([20, 30]);
    expect([...sub.theta]).toEqual([8, 9]);
    expect(sub.input).toBe(layer.input);
  });

  it('keeps the name of a whole-layer tile', () => {
    expect(tileSubLayer(layer, { index: 0, rowStart: 0, rowEnd: 3, kinds: ['ann'] }).name).toBe('g');
  });

  it('takes the tile\'s rows of Y', () => {
    expect([...tileOutputs(Uint8Array.from([1, 2, 3, 4, 5, 6]), { index: 1, rowStart: 2, rowEnd: 3, kinds: ['snn'] }, layer)]).toEqual([5, 6]);
  });
});
