/**
 * What a layer outputs and how it leaves a core (docs/numerics.md, "Logits"): QCFS levels, one byte per output, or
 * the int32 accumulator `acc + b` (logits, `output: accumulator`), four little-endian bytes per output on the same
 * 8-bit output stream. The fire stage tells the two apart by `cfg_t`: T = 0 is no level count, so it selects the
 * accumulator. Everything that counts output beats (drain, output banks, the waveform check) asks this file.
 */

import type { OutputKind } from '../workload/gemm-layer.ts';

export { OUTPUT_KINDS, type OutputKind } from '../workload/gemm-layer.ts';

/** Bytes (output-stream beats) per output value. */
export const BEATS_PER_OUTPUT: Readonly<Record<OutputKind, number>> = { levels: 1, accumulator: 4 };

/** A layer's output values, M×N row-major: levels, or logits. */
export type OutputValues = Uint8Array | Int32Array;

export interface HasOutputKind {
  /** Absent: levels. */
  readonly output?: OutputKind | undefined;
}

export function outputKindOf(layer: HasOutputKind): OutputKind {
  return layer.output ?? 'levels';
}

export function beatsPerOutput(layer: HasOutputKind): number {
  return BEATS_PER_OUTPUT[outputKindOf(layer)];
}

export function isLogits(layer: HasOutputKind): boolean {
  return outputKindOf(layer) === 'accumulator';
}

/** The value of the cores' cfg_t port: T, or 0 for a layer that outputs its accumulator. */
export function configT(layer: HasOutputKind & { readonly T: number }): number {
  return isLogits(layer) ? 0 : layer.T;
}

/**
 * Y (M×N values) as the bytes the cores stream, (M·beats)×N row-major: a level is its own byte; logit m of a column
 * is rows 4m..4m+3, least significant byte first.
 */
export function streamBytes(values: OutputValues, M: number, N: number): Uint8Array {
  if (values instanceof Uint8Array) return values;
  const bytes = new Uint8Array(4 * M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      const value = values[m * N + n] ?? 0;
      for (let i = 0; i < 4; i++) bytes[(4 * m + i) * N + n] = (value >>> (8 * i)) & 0xff;
    }
  }
  return bytes;
}

/** The inverse of streamBytes for a layer of `kind`. */
export function valuesFromStream(bytes: Uint8Array, kind: OutputKind, M: number, N: number): OutputValues {
  if (kind === 'levels') return bytes;
  const values = new Int32Array(M * N);
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let value = 0;
      for (let i = 0; i < 4; i++) value |= (bytes[(4 * m + i) * N + n] ?? 0) << (8 * i);
      values[m * N + n] = value;
    }
  }
  return values;
}
