/** One batch of images through the golden model: each image's class and the layers' activation tallies. */
import { type GoldenLayerResult, runGolden } from '../flows/golden.ts';
import { type LayerTally, tallyLayer } from './activation-stats.ts';
import { argmaxClasses } from '../golden/classes.ts';
import { type BatchModel, batchWorkload } from './image-batch.ts';

export interface GoldenBatch {
  /** Index of the batch's first image. */
  readonly from: number;
  /** Whole images, one after another. */
  readonly pixels: Uint8Array;
}

export interface GoldenBatchOutcome {
  readonly from: number;
  readonly classes: Int32Array;
  readonly tallies: LayerTally[];
}

/** The classes of a batch from the last layer's `[M, B]` output (levels or logits). */
export function classesOf(model: BatchModel, output: { readonly shape: readonly number[]; readonly data: ArrayLike<number> }): Int32Array {
  const [M = 0, B = 0] = output.shape;
  return argmaxClasses(output.data, M, B, model.classifiedBy === 'logits' ? model.logitScales : undefined);
}

export async function goldenBatch(model: BatchModel, batch: GoldenBatch): Promise<GoldenBatchOutcome> {
  const workload = await batchWorkload(model, batch.pixels, `golden-${batch.from}`);
  const tallies: LayerTally[] = [];
  let last: GoldenLayerResult | undefined;
  for (const result of runGolden(workload, 'ann')) {
    tallies.push(tallyLayer(result));
    last = result;
  }
  if (last === undefined) throw new Error('a workload has at least one layer');
  return { from: batch.from, classes: classesOf(model, last.output), tallies };
}
