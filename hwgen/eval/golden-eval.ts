/**
 * The golden model on every image, a batch at a time (one workload per batch, so that 10 000 images need the memory
 * of a batch per thread): the class of each image, and the activation statistics summed over all of them.
 */
import { type Progress, meterOf, silentProgress } from '../util/progress.ts';
import { type LayerActivationStats, type LayerTally, activationStats, addTallies } from './activation-stats.ts';
import { countEqual } from '../golden/classes.ts';
import type { EvalImages } from './eval-inputs.ts';
import type { GoldenBatch } from './golden-batch.ts';
import { type RunGoldenBatches, runGoldenBatches } from './golden-pool.ts';
import type { BatchModel } from './image-batch.ts';

export const DEFAULT_BATCH_IMAGES = 500;

export interface GoldenEvalOptions {
  /** Images per batch. */
  readonly batchImages: number;
  /** Worker threads (1: this thread). */
  readonly jobs: number;
  readonly progress?: Progress;
  /** Where the batches run (default runGoldenBatches: threads here); the outcomes are summed the same way. */
  readonly runBatches?: RunGoldenBatches | undefined;
}

export interface GoldenEval {
  /** The golden model's class of every image. */
  readonly classes: Int32Array;
  readonly correct: number;
  readonly layers: readonly LayerActivationStats[];
}

function batchesOf(images: EvalImages, batchImages: number): GoldenBatch[] {
  const size = images.data.length / images.count;
  const batches: GoldenBatch[] = [];
  for (let from = 0; from < images.count; from += batchImages) {
    const to = Math.min(images.count, from + batchImages);
    batches.push({ from, pixels: images.data.slice(from * size, to * size) });
  }
  return batches;
}

export async function goldenEval(model: BatchModel, images: EvalImages, labels: Int32Array, options: GoldenEvalOptions): Promise<GoldenEval> {
  const progress = options.progress ?? silentProgress;
  const classes = new Int32Array(images.count);
  const tallies: LayerTally[] = [];
  let correct = 0, done = 0;
  const meter = meterOf(progress, { label: 'golden model', total: images.count, unit: 'images' });
  await (options.runBatches ?? runGoldenBatches)(model, batchesOf(images, options.batchImages), options.jobs, (batch) => {
    const count = (batch.pixels.length * images.count) / images.data.length;
    const finished = progress.start(`golden model: images ${batch.from + 1}..${batch.from + count} of ${images.count}`);
    return (outcome) => {
      classes.set(outcome.classes, outcome.from);
      addTallies(tallies, outcome.tallies);
      correct += countEqual(outcome.classes, labels.subarray(outcome.from));
      done += count;
      finished(`${done} of ${images.count} images done, ${correct} correct so far`);
      meter.update(done);
    };
  }).finally(() => meter.stop());
  return { classes, correct, layers: activationStats(tallies) };
}
