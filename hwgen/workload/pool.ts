/** Max-pooling of levels between layers: the maximum level in each window (no padding). */
import { poolOutputShape } from './shapes.ts';

export function maxPool(input: Uint8Array, shape: readonly [number, number, number], size: number, stride: number): Uint8Array {
  const [C, H, W] = shape;
  const [, Hp, Wp] = poolOutputShape(shape, size, stride);
  const out = new Uint8Array(C * Hp * Wp);
  for (let c = 0; c < C; c++) {
    for (let py = 0; py < Hp; py++) {
      for (let px = 0; px < Wp; px++) {
        let best = 0;
        for (let i = 0; i < size; i++) {
          const rowOffset = (c * H + py * stride + i) * W + px * stride;
          for (let j = 0; j < size; j++) best = Math.max(best, input[rowOffset + j] ?? 0);
        }
        out[(c * Hp + py) * Wp + px] = best;
      }
    }
  }
  return out;
}
