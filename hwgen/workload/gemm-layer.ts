/**
 * One layer as the golden model sees it: a GEMM with its QCFS output stage
 * (docs/numerics.md, "One layer is a GEMM"). Both paths take this and return `Y`.
 */
import type { GemmShape } from './shapes.ts';

/** What a layer outputs: QCFS levels, or its int32 accumulator `acc + b` (logits; docs/numerics.md, "Logits"). */
export const OUTPUT_KINDS = ['levels', 'accumulator'] as const;
export type OutputKind = (typeof OUTPUT_KINDS)[number];

export interface GemmLayer extends GemmShape {
  readonly name: string;
  /** Output levels of this layer, 1..255 (unused by a layer that outputs its accumulator). */
  readonly T: number;
  /** Absent: levels. */
  readonly output?: OutputKind | undefined;
  /** Largest input level (Tin), 1..255. */
  readonly inLevels: number;
  /** `M×K` int8 weights, row-major. */
  readonly weights: Int8Array;
  /** `K×N` uint8 input levels, row-major: column n is `X[:, n]`. */
  readonly input: Uint8Array;
  /** `M` biases. */
  readonly bias: Int32Array;
  /** `M` thresholds θ, each 1..2^24. */
  readonly theta: Int32Array;
}

/** `X[:, n]` as a fresh array of K levels. */
export function columnOf(layer: GemmLayer, n: number): Uint8Array {
  const column = new Uint8Array(layer.K);
  for (let k = 0; k < layer.K; k++) column[k] = layer.input[k * layer.N + n] ?? 0;
  return column;
}
