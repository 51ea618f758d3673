/**
 * Runs a workload through the golden model, layer by layer, chaining outputs
 * (with max-pooling) into the next layer as the contract describes.
 */
import { annLayer } from '../golden/ann.ts';
import { snnLayer } from '../golden/snn.ts';
import { type ColumnStats, type LayerTotals, columnStats, layerTotals } from '../golden/stats.ts';
import { type Levels, tensorOf } from '../tensor/tensor.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { outputTensorOrder, perImage } from '../workload/batch.ts';
import { lowerToGemm } from '../workload/lower.ts';
import { maxPool } from '../workload/pool.ts';
import type { ResolvedLayer, ResolvedWorkload } from '../workload/resolve.ts';
import { type Progress, silentProgress } from '../util/progress.ts';

/** Which implementation of the contract computes outputs: both give the same bytes. */
export type GoldenPath = 'ann' | 'snn';

export interface GoldenLayerResult {
  readonly layer: ResolvedLayer;
  readonly gemm: GemmLayer;
  /** `[M,Ho,Wo]` or `[M,N]` output levels. */
  readonly output: Levels;
  readonly columns: ColumnStats;
  readonly totals: LayerTotals;
}

/** What the next layer takes from this one: the output, max-pooled when the layer pools. */
/**
 * What the next layer takes from this one: the output (Y, M×N) in the order of the layer's output tensor, max-pooled
 * image by image when the layer pools.
 */
export function passOn(layer: ResolvedLayer, output: Uint8Array): Uint8Array {
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
    const levels = path === 'ann' ? annLayer(gemm) : snnLayer(gemm);
    const columns = columnStats(gemm, levels);
    const totals = layerTotals(gemm, columns);
    done(`${formatCount(totals.spikes)} spikes, ${formatCount(totals.fires)} output spikes`);
    yield { layer, gemm, output: tensorOf('u1', layer.outputShape, outputTensorOrder(layer, levels)), columns, totals };
    previous = passOn(layer, levels);
  }
}
