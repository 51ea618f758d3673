/**
 * Shape arithmetic of one layer lowered to a GEMM (docs/numerics.md, "Convolution lowering").
 * Pure functions on numbers, shared by the resolver, the zoo and the cost model.
 */

export interface GemmShape {
  /** Output channels (rows of W and Y). */
  readonly M: number;
  /** Reduction length (columns of W, rows of X). */
  readonly K: number;
  /** Columns: output pixels of a conv2d, the batch or sequence of a gemm. */
  readonly N: number;
}

export interface ConvGeometry {
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly M: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly padding: number;
}

/** `floor((size + 2p − k)/s) + 1`; 0 or less means the kernel does not fit. */
export function convOutputSize(size: number, kernel: number, stride: number, padding: number): number {
  return Math.floor((size + 2 * padding - kernel) / stride) + 1;
}

export function convOutputShape(g: ConvGeometry): [number, number, number] {
  return [g.M, convOutputSize(g.H, g.kh, g.stride, g.padding), convOutputSize(g.W, g.kw, g.stride, g.padding)];
}

export function convGemmShape(g: ConvGeometry): GemmShape {
  const [, Ho, Wo] = convOutputShape(g);
  return { M: g.M, K: g.C * g.kh * g.kw, N: Ho * Wo };
}

/** Output shape of max-pooling `[C,H,W]` with a square window (no padding). */
export function poolOutputShape(shape: readonly [number, number, number], size: number, stride: number): [number, number, number] {
  const [C, H, W] = shape;
  return [C, Math.floor((H - size) / stride) + 1, Math.floor((W - size) / stride) + 1];
}

export function gemmMacs(shape: GemmShape): number {
  return shape.M * shape.K * shape.N;
}
