import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toSigned, unpackLanes } from '../../arch/packing.ts';
import { acceleratorFrom } from '../../config/load-config.ts';
import { InputError } from '../../errors.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { type AnnCoreParams, annCoreGeometry, annCoreGeometryOf, annCoreParams, biasThetaWords, columnBeats, inputBeats, weightWords } from './arch.ts';

const PARAMS: AnnCoreParams = { rows: 3, cols: 4, accW: 30, maxChunks: 6, weightDepth: 20, btDepth: 5, weightBanks: 1 };

/** A layer whose every value names its position, so a misplaced lane shows which one. */
function indexedLayer(M: number, K: number, N: number): GemmLayer {
  return {
    name: 'indexed',
    M,
    K,
    N,
    T: 15,
    inLevels: 255,
    weights: Int8Array.from({ length: M * K }, (_, i) => (i % 251) - 125),
    input: Uint8Array.from({ length: K * N }, (_, i) => (i % 254) + 1),
    bias: Int32Array.from({ length: M }, (_, m) => -1000 * (m + 1)),
    theta: Int32Array.from({ length: M }, (_, m) => 2 ** 24 - m),
  };
}

describe('annCoreParams', () => {
  it('derives the memory depths from the config', () => {
    const accelerator = acceleratorFrom({ ann: { rows: 8, cols: 8 }, limits: { maxK: 4608, maxM: 512 }, buffers: { weightBytes: 65536 } }, 'test');
    expect(annCoreParams(accelerator)).toEqual({ rows: 8, cols: 8, accW: accelerator.accumulatorBits, maxChunks: 576, weightDepth: 1024, btDepth: 64, weightBanks: 2 });
  });

  it('rounds partial words: ceil for chunks and groups, floor for weight words', () => {
    const accelerator = acceleratorFrom({ ann: { rows: 3, cols: 5 }, limits: { maxK: 11, maxM: 7 }, buffers: { weightBytes: 100 } }, 'test');
    expect(annCoreParams(accelerator)).toMatchObject({ maxChunks: 3, btDepth: 3, weightBanks: 2, weightDepth: 6 });
  });

  it('refuses weight buffers smaller than one word', () => {
    const accelerator = acceleratorFrom({ ann: { rows: 64, cols: 64 }, buffers: { weightBytes: 4000 } }, 'test');
    expect(() => annCoreParams(accelerator)).toThrow(/hold no weight word/);
  });
});

describe('annCoreGeometry', () => {
  it('counts groups, chunks and the valid rows and columns of the last ones', () => {
    expect(annCoreGeometryOf({ M: 7, K: 9 }, PARAMS)).toEqual({ groups: 3, chunks: 3, lastRows: 1, lastCols: 1 });
    expect(annCoreGeometryOf({ M: 6, K: 8 }, PARAMS)).toEqual({ groups: 2, chunks: 2, lastRows: 3, lastCols: 4 });
    expect(annCoreGeometryOf({ M: 1, K: 1 }, PARAMS)).toEqual({ groups: 1, chunks: 1, lastRows: 1, lastCols: 1 });
  });

  it('accepts exactly the layers that fit and names the limit it hits', () => {
    expect(annCoreGeometry({ name: 'fits', M: 12, K: 20 }, PARAMS)).toMatchObject({ groups: 4, chunks: 5 });
    expect(() => annCoreGeometry({ name: 'long', M: 3, K: 25 }, PARAMS)).toThrow(/7 column-buffer words .* has 6/);
    expect(() => annCoreGeometry({ name: 'tall', M: 16, K: 4 }, PARAMS)).toThrow(/6 bias\/θ words .* has 5/);
    expect(() => annCoreGeometry({ name: 'big', M: 15, K: 24 }, PARAMS)).toThrow(/G·J = 5·6 = 30 weight words, the core has 20.*tile the layer along M/);
    expect(() => annCoreGeometry({ name: 'big', M: 15, K: 24 }, PARAMS)).toThrow(InputError);
  });
});

describe('weightWords', () => {
  it('puts W[g·R + r, j·C + c] at lane r·C + c of word g·J + j, zero outside the layer', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 24 }), (M, K) => {
        fc.pre(Math.ceil(M / 3) * Math.ceil(K / 4) <= PARAMS.weightDepth);
        const layer = indexedLayer(M, K, 1);
        const geometry = annCoreGeometry(layer, PARAMS);
        const words = weightWords(layer, PARAMS, geometry);
        expect(words).toHaveLength(geometry.groups * geometry.chunks);
        words.forEach((word, index) => {
          const g = Math.floor(index / geometry.chunks);
          const j = index % geometry.chunks;
          unpackLanes(word, PARAMS.rows * PARAMS.cols, 8).forEach((lane, laneIndex) => {
            const m = g * PARAMS.rows + Math.floor(laneIndex / PARAMS.cols);
            const k = j * PARAMS.cols + (laneIndex % PARAMS.cols);
            const expected = m < M && k < K ? layer.weights[m * K + k] : 0;
            expect(Number(toSigned(lane, 8))).toBe(expected);
          });
        });
      }),
    );
  });
});

describe('biasThetaWords', () => {
  it('packs bias and θ of output g·R + r at lane r, padding with bias 0 and θ 1', () => {
    const layer = indexedLayer(7, 4, 1);
    const words = biasThetaWords(layer, PARAMS, annCoreGeometry(layer, PARAMS));
    expect(words).toHaveLength(3);
    const biases = words.flatMap((word) => unpackLanes(word.bias, 3, 32).map((lane) => Number(toSigned(lane, 32))));
    const thetas = words.flatMap((word) => unpackLanes(word.theta, 3, 25).map(Number));
    expect(biases).toEqual([...layer.bias, 0, 0]);
    expect(thetas).toEqual([...layer.theta, 1, 1]);
  });
});

describe('columnBeats', () => {
  it('sends x[j·C + c] at lane c, J beats per column, the last one zero-padded', () => {
    const layer = indexedLayer(2, 10, 3);
    const geometry = annCoreGeometry(layer, PARAMS);
    const beats = columnBeats(layer, 2, PARAMS, geometry);
    const levels = beats.flatMap((beat) => unpackLanes(beat, PARAMS.cols, 8).map(Number));
    const column = Array.from({ length: 10 }, (_, k) => layer.input[k * 3 + 2]);
    expect(levels).toEqual([...column, 0, 0]);
  });

  it('streams columns in the order given', () => {
    const layer = indexedLayer(2, 5, 3);
    const geometry = annCoreGeometry(layer, PARAMS);
    const stream = inputBeats(layer, [2, 0, 2], PARAMS, geometry);
    const [two, zero] = [columnBeats(layer, 2, PARAMS, geometry), columnBeats(layer, 0, PARAMS, geometry)];
    expect(stream).toEqual([...two, ...zero, ...two]);
  });
});
