/**
 * Runs a workload through the golden model, layer by layer, chaining outputs
 * (with max-pooling) into the next layer as the contract describes.
 */
import { type GoldenPath, fireLevels, layerOutput } from '../golden/output.ts';
import type { OutputValues } from '../arch/output-stream.ts';
import { type ColumnStats, type LayerTotals, columnStats, layerTotals } from '../golden/stats.ts';
import { type Int32Tensor, type Levels, tensorOf } from '../tensor/tensor.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { outputTensorOrder, perImage } from '../workload/batch.ts';
import { lowerToGemm } from '../workload/lower.ts';
import { maxPool } from '../workload/pool.ts';
import type { ResolvedLayer, ResolvedWorkload } from '../workload/resolve.ts';
import { type Progress, silentProgress } from '../util/progress.ts';

export type { GoldenPath } from '../golden/output.ts';

export interface GoldenLayerResult {
  readonly layer: ResolvedLayer;
  readonly gemm: GemmLayer;
  /** `[M,Ho,Wo]` (`[B,M,Ho,Wo]`) or `[M,N]` output levels, or int32 logits for a layer that outputs its accumulator. */
  readonly output: Levels | Int32Tensor;
  /** Y's levels as the cores' fire stage makes them, M×N in the GEMM's order (all 0 for logits): what the cost model takes. */
  readonly levels: Uint8Array;
  readonly columns: ColumnStats;
  readonly totals: LayerTotals;
}

/**
 * What the next layer takes from this one: the output (Y, M×N) in the order of the layer's output tensor, max-pooled
 * image by image when the layer pools.
 */
export function passOn(layer: ResolvedLayer, output: OutputValues): Uint8Array | undefined {
  // Logits end the chain: no layer takes them (resolveWorkload refuses one that would).
  if (!(output instanceof Uint8Array)) return undefined;
  const tensor = outputTensorOrder(layer, output);
  const pool = layer.spec.kind === 'conv2d' ? layer.spec.pool : undefined;
  if (pool === undefined) return tensor;
  const [M = 0, Ho = 0, Wo = 0] = layer.outputShape.slice(-3);
  return perImage(tensor, layer.batch ?? 1, (image) => maxPool(image, [M, Ho, Wo], pool.size, pool.stride ?? pool.size));
}

function formatCount(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)} k`;
  return String(value);
}

export function* runGolden(workload: ResolvedWorkload, path: GoldenPath = 'ann', progress: Progress = silentProgress): Generator<GoldenLayerResult> {
  let previous: Uint8Array | undefined;
  const count = workload.layers.length;
  for (const layer of workload.layers) {
    const { M, K, N } = layer.gemm;
    const done = progress.start(`layer ${layer.index + 1}/${count} ${layer.spec.name} (${layer.spec.kind} M=${M} K=${K} N=${N}, ${formatCount(M * K * N)} MAC)`);
    const inputLevels = layer.input?.().data ?? previous;
    if (inputLevels === undefined) throw new Error(`${layer.field} has no input: resolveWorkload lets no such layer through`);
    const gemm = lowerToGemm(layer, inputLevels);
    const values = layerOutput(gemm, path);
    const levels = fireLevels(gemm, values);
    const columns = columnStats(gemm, levels);
    const totals = layerTotals(gemm, columns);
    done(`${formatCount(totals.spikes)} spikes, ${formatCount(totals.fires)} output spikes`);
    const ordered = outputTensorOrder(layer, values);
    const output = ordered instanceof Uint8Array ? tensorOf('u1', layer.outputShape, ordered) : tensorOf('i4', layer.outputShape, ordered);
    yield { layer, gemm, output, levels, columns, totals };
    previous = passOn(layer, values);
  }
}
