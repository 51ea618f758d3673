/**
 * Convolution lowering exactly as docs/numerics.md writes it:
 *   k = (c·kh + i)·kw + j,  n = oy·Wo + ox,  X[k,n] = in[c, oy·s + i − p, ox·s + j − p] (0 outside).
 */
import { convOutputShape } from './shapes.ts';

export interface Im2colGeometry {
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly padding: number;
}

/** Lowers `[C,H,W]` levels to the `K×N` matrix X, row-major. */
export function im2col(input: Uint8Array, g: Im2colGeometry): Uint8Array {
  const [, Ho, Wo] = convOutputShape({ ...g, M: 1 });
  const N = Ho * Wo;
  const out = new Uint8Array(g.C * g.kh * g.kw * N);
  for (let c = 0; c < g.C; c++) {
    for (let i = 0; i < g.kh; i++) {
      for (let j = 0; j < g.kw; j++) {
        const rowOffset = ((c * g.kh + i) * g.kw + j) * N;
        for (let oy = 0; oy < Ho; oy++) {
          const y = oy * g.stride + i - g.padding;
          if (y < 0 || y >= g.H) continue; // padding rows stay level 0
          const inputRow = (c * g.H + y) * g.W;
          for (let ox = 0; ox < Wo; ox++) {
            const x = ox * g.stride + j - g.padding;
            if (x >= 0 && x < g.W) out[rowOffset + oy * Wo + ox] = input[inputRow + x] ?? 0;
          }
        }
      }
    }
  }
  return out;
}
