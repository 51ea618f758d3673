/** Output levels per column, which the cores' fire times depend on; from the golden model unless given. */
import { annColumn, annLayer } from './ann.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { isLogits } from '../arch/output-stream.ts';

/** `levels[i][m]` = y[m, columns[i]]; `outputs` is the layer's Y (M×N, row-major) when already known. */
export function columnLevels(layer: GemmLayer, columns: readonly number[], outputs: Uint8Array | undefined): Uint8Array[] {
  // A layer that outputs its accumulator fires nothing: its fire stage sees level 0 everywhere.
  if (isLogits(layer)) return columns.map(() => new Uint8Array(layer.M));
  if (outputs !== undefined) {
    if (outputs.length !== layer.M * layer.N) throw new RangeError(`outputs has ${outputs.length} levels, the layer has M·N = ${layer.M * layer.N}`);
    return columns.map((n) => Uint8Array.from({ length: layer.M }, (_, m) => outputs[m * layer.N + n] ?? 0));
  }
  // A few columns of a wide layer: per-column dot products beat computing the whole layer.
  if (columns.length * 4 < layer.N) return columns.map((n) => annColumn(layer, n));
  return columnLevels(layer, columns, annLayer(layer));
}
