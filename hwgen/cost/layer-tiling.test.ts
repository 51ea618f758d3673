import { FORMER_DEFAULT_BUFFERS } from '../testing/tiled-layers.ts';
import { describe, expect, it } from 'vitest';
import { acceleratorFrom, defaultAccelerator } from '../config/load-config.ts';
import type { AcceleratorConfigInput } from '../config/schema.ts';
import type { Schedule } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { type DesignBuffers, designOf } from '../modules/accel/arch.ts';
import {
  type LayerTile,
  type TilingDesign,
  columnLimits,
  maxTileColumns,
  maxTileRows,
  rowTilesOf,
  tileLayer,
  tileOutputs,
  tileSchedule,
  tileSchedules,
  tileSubLayer,
  weightBankOf,
  weightUses,
} from './layer-tiling.ts';

/** The default cores with the former default design's dispatcher buffers, which these hand-worked tilings assume. */
function designFor(config?: AcceleratorConfigInput): TilingDesign {
  return designOf(acceleratorFrom(config ?? { buffers: FORMER_DEFAULT_BUFFERS }, 'test'));
}

const DEFAULT = designFor();
const BOTH = { annArrays: 1, snnCores: 2 };
/** The default cores with chosen dispatcher buffers, to make one width limit bind at a time. */
const withBuffers = (buffers: Partial<DesignBuffers>): TilingDesign => ({ params: DEFAULT.params, buffers: { ...DEFAULT.buffers, ...buffers } });
const rows = (tiles: readonly LayerTile[]) => [...new Map(tiles.map((tile) => [tile.rowTile, [tile.rowStart, tile.rowEnd]])).values()];
const columns = (tiles: readonly LayerTile[]) => tiles.map((tile) => [tile.colStart, tile.colEnd]);

describe('designOf: the dispatcher buffers of the default design', () => {
  it('ACT_DEPTH = 65536 / 8, EV_DEPTH = 65536, SCHED_DEPTH 4096, OUT_DEPTH 16384, SE_W = 17 + 16 bits → 5 bytes', () => {
    // ANN entry: bitsFor(8192) + clog2(8192) = 14 + 13 = 27 bits; SNN entry: bitsFor(65536) + clog2(65536) = 17 + 16 = 33.
    expect(DEFAULT.buffers).toEqual({ actDepth: 8192, evDepth: 65536, schedDepth: 4096, outDepth: 16384, drainLevels: 1, schedEntryBytes: 5, banks: 1 });
  });
});

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
    expect(maxTileRows(K, DEFAULT.params)).toEqual({ ann, snn });
  });
});

describe('column tile width Nt: the smallest of four limits', () => {
  // K = 576: J = 72 dense words per column; a row tile of 64 rows.
  it.each([
    ['the dense replica (ANN: J·Nt ≤ ACT_DEPTH)', { actDepth: 720 }, { act: 10, ev: 113, sched: 4096, out: 256 }, 10, [10, 10, 3]],
    ['the event replica (SNN: K·Nt ≤ EV_DEPTH)', { evDepth: 5760 }, { act: 113, ev: 10, sched: 4096, out: 256 }, 10, [10, 10, 3]],
    ['the schedule memory (Nt ≤ SCHED_DEPTH)', { schedDepth: 7 }, { act: 113, ev: 113, sched: 7, out: 256 }, 7, [7, 7, 7, 2]],
    ['an output bank (M_tile·Nt ≤ OUT_DEPTH)', { outDepth: 320 }, { act: 113, ev: 113, sched: 4096, out: 5 }, 5, [5, 5, 5, 5, 3]],
  ] as const)('%s', (_, buffers, limits, width, widths) => {
    const design = withBuffers(buffers);
    expect(columnLimits(64, 576, ['ann', 'snn'], design)).toEqual(limits);
    expect(maxTileColumns(64, 576, ['ann', 'snn'], design)).toBe(width);
    const tiles = tileLayer({ name: 'x', M: 64, K: 576, N: 23 }, design, BOTH);
    expect(tiles.map((tile) => tile.colEnd - tile.colStart)).toEqual(widths);
    expect(tiles.every((tile) => tile.rowStart === 0 && tile.rowEnd === 64)).toBe(true);
  });

  it('ignores the replica of a kind the tiling leaves out (an ANN-only tiling is not held back by EV_DEPTH)', () => {
    const design = withBuffers({ evDepth: 5760 });
    expect(columnLimits(64, 576, ['ann'], design).ev).toBe(Number.POSITIVE_INFINITY);
    expect(maxTileColumns(64, 576, ['ann'], design)).toBe(113);
  });

  it('gives the remainder row tile its own, wider, Nt (out-bound: 16384 / 112 = 146, 16384 / 16 = 1024 → the replicas\' 113)', () => {
    const tiles = tileLayer({ name: 'conv2_1', M: 128, K: 576, N: 300 }, DEFAULT, BOTH);
    expect(rows(tiles)).toEqual([[0, 112], [112, 128]]);
    expect(tiles.filter((tile) => tile.rowTile === 0).map((tile) => tile.colEnd - tile.colStart)).toEqual([113, 113, 74]);
    expect(tiles.filter((tile) => tile.rowTile === 1).map((tile) => tile.colEnd - tile.colStart)).toEqual([113, 113, 74]);
    expect(tileLayer({ name: 'y', M: 128, K: 27, N: 5000 }, DEFAULT, BOTH).filter((tile) => tile.rowTile === 0)[0]?.colEnd).toBe(128);
  });
});

describe('tileLayer', () => {
  it('keeps a layer that fits whole as one tile', () => {
    expect(tileLayer({ name: 'scores', M: 112, K: 64, N: 128 }, DEFAULT, BOTH)).toEqual([
      { index: 0, rowTile: 0, rowStart: 0, rowEnd: 112, colStart: 0, colEnd: 128, firstInRow: true, weightsBanked: false, kinds: ['ann', 'snn'] },
    ]);
  });

  it('orders tiles row tiles outer, column tiles inner, with firstInRow on each row tile\'s first', () => {
    const tiles = tileLayer({ name: 'x', M: 250, K: 576, N: 200 }, DEFAULT, BOTH);
    expect(tiles.map((tile) => [tile.index, tile.rowTile, tile.rowStart, tile.colStart, tile.firstInRow])).toEqual([
      [0, 0, 0, 0, true],
      [1, 0, 0, 113, false],
      [2, 1, 112, 0, true],
      [3, 1, 112, 113, false],
      [4, 2, 224, 0, true],
      [5, 2, 224, 113, false],
    ]);
    expect(rowTilesOf(tiles.map((tile) => ({ tile }))).map((row) => row.map(({ tile }) => tile.index))).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it('vgg16 conv3_2 (256×2304): 16 row tiles of 16 rows, the SNN core holding one lane group', () => {
    const tiles = tileLayer({ name: 'conv3_2', M: 256, K: 2304, N: 10 }, DEFAULT, BOTH);
    expect(rows(tiles)).toEqual(Array.from({ length: 16 }, (_, i) => [16 * i, 16 * i + 16]));
    expect(tiles.every((tile) => tile.kinds.join() === 'ann,snn')).toBe(true);
  });

  it('tiles for the ANN array alone when the SNN cores cannot hold one group (vgg16 conv5_1, K = 4608)', () => {
    const tiles = tileLayer({ name: 'conv5_1', M: 512, K: 4608, N: 14 }, DEFAULT, BOTH);
    expect(tiles).toHaveLength(64);
    expect(tiles[63]).toEqual({ index: 63, rowTile: 63, rowStart: 504, rowEnd: 512, colStart: 0, colEnd: 14, firstInRow: true, weightsBanked: false, kinds: ['ann'] });
  });

  it('tiles for one kind when the other has no cores (an ANN-only plan gets 24-row tiles for conv3_2)', () => {
    const tiles = tileLayer({ name: 'conv3_2', M: 256, K: 2304, N: 1 }, DEFAULT, { annArrays: 1, snnCores: 0 });
    expect(rows(tiles).slice(0, 2)).toEqual([[0, 24], [24, 48]]);
    expect(tiles).toHaveLength(11);
  });

  it('shrinks the row height to OUT_DEPTH when one column of a full row tile would not fit an output bank', () => {
    const tiles = tileLayer({ name: 'x', M: 112, K: 576, N: 9 }, withBuffers({ outDepth: 100 }), BOTH);
    expect(rows(tiles)).toEqual([[0, 100], [100, 112]]);
    // 100 rows: one column per tile; 12 rows: floor(100 / 12) = 8.
    expect(columns(tiles.filter((tile) => tile.rowTile === 0))).toHaveLength(9);
    expect(columns(tiles.filter((tile) => tile.rowTile === 1))).toEqual([[0, 8], [8, 9]]);
  });

  it('refuses a layer no core can hold, saying why for each kind', () => {
    expect(() => tileLayer({ name: 'fc6', M: 4096, K: 25088, N: 1 }, DEFAULT, BOTH)).toThrow(
      'layer fc6 (M=4096, K=25088): K: no core can hold it: an ANN array\'s column buffer holds 4608 levels (limits.maxK); an SNN core\'s event buffer holds 4608 events (limits.maxK)',
    );
    expect(() => tileLayer({ name: 'conv5_1', M: 512, K: 4608, N: 1 }, DEFAULT, { annArrays: 0, snnCores: 2 })).toThrow(
      'layer conv5_1 (M=512, K=4608): K: no core can hold it: the design has no ANN array; an SNN core holds 4096 weight words, one lane group needs K = 4608',
    );
    const small = designFor({ ann: { rows: 2, cols: 2 }, buffers: { weightBytes: 64 } });
    expect(() => tileLayer({ name: 'w', M: 2, K: 68, N: 1 }, small, BOTH)).toThrow(
      'layer w (M=2, K=68): K: no core can hold it: an ANN array holds 16 weight words, one row group needs J = 34; an SNN core holds 4 weight words, one lane group needs K = 68',
    );
  });

  it('refuses a layer whose one column does not fit either kind\'s replica', () => {
    expect(() => tileLayer({ name: 'r', M: 8, K: 576, N: 1 }, withBuffers({ actDepth: 50, evDepth: 500 }), BOTH)).toThrow(
      'layer r (M=8, K=576): K: no core can hold it: an ANN array\'s dense replica holds 50 words, one column needs J = 72; an SNN core\'s event replica holds 500 events, one column may need K = 576',
    );
    // One kind's replica is enough: the other kind is left out.
    expect(tileLayer({ name: 'r', M: 8, K: 576, N: 1 }, withBuffers({ evDepth: 500 }), BOTH)[0]?.kinds).toEqual(['ann']);
  });
});

describe('tileSubLayer, tileOutputs and tileSchedule(s)', () => {
  // W 3×2, X 2×3: column n of X is [x[0,n], x[1,n]].
  const layer: GemmLayer = {
    name: 'g',
    M: 3,
    K: 2,
    N: 3,
    T: 7,
    inLevels: 7,
    weights: Int8Array.from([1, 2, 3, 4, 5, 6]),
    input: Uint8Array.from([1, 2, 3, 4, 5, 6]),
    bias: Int32Array.from([10, 20, 30]),
    theta: Int32Array.from([7, 8, 9]),
  };
  const tile = (rowStart: number, rowEnd: number, colStart: number, colEnd: number): LayerTile => ({ index: 0, rowTile: 0, rowStart, rowEnd, colStart, colEnd, firstInRow: colStart === 0, weightsBanked: false, kinds: ['ann'] });

  it('restricts W, b and θ to the tile\'s rows and X to its columns', () => {
    const sub = tileSubLayer(layer, tile(1, 3, 1, 3));
    expect(sub).toMatchObject({ name: 'g[1:3,1:3]', M: 2, K: 2, N: 2, T: 7 });
    expect([...sub.weights]).toEqual([3, 4, 5, 6]);
    expect([...sub.bias]).toEqual([20, 30]);
    expect([...sub.theta]).toEqual([8, 9]);
    expect([...sub.input]).toEqual([2, 3, 5, 6]);
  });

  it('keeps the name and X of a whole-layer tile', () => {
    const sub = tileSubLayer(layer, tile(0, 3, 0, 3));
    expect(sub.name).toBe('g');
    expect(sub.input).toBe(layer.input);
    expect(tileSubLayer(layer, tile(0, 3, 0, 1)).name).toBe('g[0:3,0:1]');
  });

  it('takes the tile\'s M_tile×Nt block of Y', () => {
    const Y = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...tileOutputs(Y, tile(1, 3, 0, 2), layer)]).toEqual([4, 5, 7, 8]);
    expect([...tileOutputs(Y, tile(2, 3, 0, 3), layer)]).toEqual([7, 8, 9]);
  });

  it('restricts a whole-layer schedule to each column tile, every core keeping its order, columns renumbered', () => {
    const schedule: Schedule = { policy: 'cost', cores: [{ kind: 'ann', index: 0, columns: [6, 0, 3, 4] }, { kind: 'snn', index: 0, columns: [5, 1, 2] }] };
    const tiles = [tile(0, 3, 0, 3), tile(0, 3, 3, 6), tile(0, 3, 6, 7)];
    expect(tileSchedules(schedule, tiles, 7).map((s) => s.cores.map((core) => core.columns))).toEqual([
      [[0], [1, 2]],
      [[0, 1], [2]],
      [[0], []],
    ]);
    expect(tileSchedule(schedule, tiles[1] as LayerTile)).toEqual({ policy: 'cost', cores: [{ kind: 'ann', index: 0, columns: [0, 1] }, { kind: 'snn', index: 0, columns: [2] }] });
  });
});

describe('weight uses with two banks: row tiles in one weight bank each', () => {
  // The default design with two banks: ANN 1024 weight words and 64 bias/θ words, SNN 4096 and 32; a bank has half.
  const TWO_BANKS = designFor({ buffers: { ...FORMER_DEFAULT_BUFFERS, banks: 2 } });

  it('a layer of several row tiles takes half-height tiles, in banks 0, 1, 0, ... (ResNet-34 fc, 1000×512: 8 → 16 row tiles)', () => {
    const tiles = tileLayer({ name: 'fc', M: 1000, K: 512, N: 1 }, TWO_BANKS, BOTH);
    expect(rows(tiles).slice(0, 2)).toEqual([[0, 64], [64, 128]]);
    expect(tiles).toHaveLength(16);
    expect(tiles.every((tile) => tile.weightsBanked)).toBe(true);
    expect(tiles.slice(0, 3).map(weightBankOf)).toEqual([0, 1, 0]);
    expect(tileLayer({ name: 'fc', M: 1000, K: 512, N: 1 }, DEFAULT, BOTH)).toHaveLength(8);
  });

  it('keeps the whole memories for a layer that is one row tile, or whose lane group does not fit half (vgg16 conv3_2, K = 2304 > 2048)', () => {
    const single = tileLayer({ name: 'scores', M: 112, K: 64, N: 128 }, TWO_BANKS, BOTH);
    expect(rows(single)).toEqual([[0, 112]]);
    expect(single.some((tile) => tile.weightsBanked)).toBe(false);
    const tiles = tileLayer({ name: 'conv3_2', M: 256, K: 2304, N: 10 }, TWO_BANKS, BOTH);
    expect(rows(tiles)).toHaveLength(16);
    expect(tiles.some((tile) => tile.weightsBanked || weightBankOf(tile) !== 0)).toBe(false);
    expect(weightUses({ M: 256, K: 2304 }, ['ann', 'snn'], TWO_BANKS)).toEqual(['whole']);
    expect(() => tileLayer({ name: 'conv3_2', M: 256, K: 2304, N: 10 }, TWO_BANKS, BOTH, 'banks')).toThrow('layer conv3_2: its row tiles cannot use the weight memories as banks');
  });

  it('by default keeps the whole memories where a row tile\'s weights serve several column tiles; banks on request', () => {
    // Fashion-MNIST fc1 on 500 images (128×1568): 4 row tiles of 32 rows, each of many column tiles.
    const shape = { name: 'fc1', M: 128, K: 1568, N: 500 };
    expect(weightUses(shape, ['ann', 'snn'], TWO_BANKS)).toEqual(['whole', 'banks']);
    expect(rows(tileLayer(shape, TWO_BANKS, BOTH))).toEqual([[0, 32], [32, 64], [64, 96], [96, 128]]);
    const banked = tileLayer(shape, TWO_BANKS, BOTH, 'banks');
    expect(rows(banked)).toHaveLength(8);
    expect(banked.filter((tile) => tile.firstInRow).map(weightBankOf)).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(weightUses(shape, ['ann', 'snn'], DEFAULT)).toEqual(['whole']);
  });
});
