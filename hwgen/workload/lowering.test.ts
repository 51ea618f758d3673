import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { im2col } from './im2col.ts';
import { maxPool } from './pool.ts';
import { convGemmShape, convOutputSize, poolOutputShape } from './shapes.ts';

/** Direct convolution, written from the definition rather than from the lowering. */
function directConv(input: Uint8Array, weights: Int8Array, C: number, H: number, W: number, M: number, kh: number, kw: number, s: number, p: number): number[] {
  const Ho = convOutputSize(H, kh, s, p);
  const Wo = convOutputSize(W, kw, s, p);
  const out: number[] = [];
  for (let m = 0; m < M; m++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        let acc = 0;
        for (let c = 0; c < C; c++) {
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const y = oy * s + i - p;
              const x = ox * s + j - p;
              const level = y >= 0 && y < H && x >= 0 && x < W ? (input[(c * H + y) * W + x] ?? 0) : 0;
              acc += (weights[((m * C + c) * kh + i) * kw + j] ?? 0) * level;
            }
          }
        }
        out.push(acc);
      }
    }
  }
  return out;
}

describe('workload: im2col lowering', () => {
  it('places in[c, oy·s+i−p, ox·s+j−p] at X[(c·kh+i)·kw+j, oy·Wo+ox]', () => {
    // 1 channel 3x3, kernel 2x2, stride 1, padding 0: Ho = Wo = 2.
    const input = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const X = im2col(input, { C: 1, H: 3, W: 3, kh: 2, kw: 2, stride: 1, padding: 0 });
    expect(Array.from(X)).toEqual([1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9]);
  });

  it('pads with level 0', () => {
    const X = im2col(Uint8Array.from([7]), { C: 1, H: 1, W: 1, kh: 3, kw: 3, stride: 1, padding: 1 });
    expect(Array.from(X)).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 0]);
  });

  it('W·im2col(x) equals a direct convolution for random geometries', () => {
    const geometry = fc.record({
      C: fc.integer({ min: 1, max: 3 }),
      H: fc.integer({ min: 1, max: 7 }),
      W: fc.integer({ min: 1, max: 7 }),
      M: fc.integer({ min: 1, max: 3 }),
      kh: fc.integer({ min: 1, max: 3 }),
      kw: fc.integer({ min: 1, max: 3 }),
      stride: fc.integer({ min: 1, max: 3 }),
      padding: fc.integer({ min: 0, max: 2 }),
      seed: fc.integer({ min: 0, max: 1000 }),
    });
    fc.assert(
      fc.property(geometry, (g) => {
        fc.pre(convOutputSize(g.H, g.kh, g.stride, g.padding) >= 1 && convOutputSize(g.W, g.kw, g.stride, g.padding) >= 1);
        const input = Uint8Array.from({ length: g.C * g.H * g.W }, (_, i) => (i * 37 + g.seed) % 256);
        const weights = Int8Array.from({ length: g.M * g.C * g.kh * g.kw }, (_, i) => ((i * 53 + g.seed) % 256) - 128);
        const { M, K, N } = convGemmShape(g);
        const X = im2col(input, g);
        const lowered: number[] = [];
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            let acc = 0;
            for (let k = 0; k < K; k++) acc += (weights[m * K + k] ?? 0) * (X[k * N + n] ?? 0);
            lowered.push(acc);
          }
        }
        expect(lowered).toEqual(directConv(input, weights, g.C, g.H, g.W, g.M, g.kh, g.kw, g.stride, g.padding));
      }),
      { numRuns: 500 },
    );
  });
});

describe('workload: max-pooling', () => {
  it('takes the maximum level of each window', () => {
    const input = Uint8Array.from([1, 5, 2, 0, 3, 4, 9, 1, 0, 0, 2, 2, 7, 0, 1, 3]);
    expect(poolOutputShape([1, 4, 4], 2, 2)).toEqual([1, 2, 2]);
    expect(Array.from(maxPool(input, [1, 4, 4], 2, 2))).toEqual([5, 9, 7, 3]);
  });

  it('drops the ragged edge like floor((H − size)/stride) + 1', () => {
    expect(poolOutputShape([2, 5, 5], 2, 2)).toEqual([2, 2, 2]);
    expect(Array.from(maxPool(Uint8Array.from({ length: 9 }, (_, i) => i), [1, 3, 3], 3, 1))).toEqual([8]);
  });
});
