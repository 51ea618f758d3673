/**
 * `hwgen eval`'s job: read and check the images and labels, classify every image with the golden model (batch by
 * batch), predict the cost per image of every policy on a sample, and run the first images in RTL. Nothing is
 * written here (eval-report.ts writes the folder), so bad input leaves nothing behind.
 */
import type { Accelerator } from '../config/load-config.ts';
import { refuseLayersTheDesignCannotRun } from '../cost/layer-limits.ts';
import { InputError } from '../errors.ts';
import type { PolicyName } from '../schedule/types.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { type Progress, silentProgress } from '../util/progress.ts';
import { type EvalImages, readEvalImages, readEvalLabels } from './eval-inputs.ts';
import { type EvalModel, batchModelOf } from './eval-model.ts';
import { type GoldenEval, goldenEval } from './golden-eval.ts';
import { batchWorkload } from './image-batch.ts';
import { type PolicyFigures, policyFigures } from './policy-costs.ts';
import type { RunGoldenBatches } from './golden-pool.ts';
import { type RtlEval, type SimulateLayers, rtlEval } from './rtl-eval.ts';

export interface EvalOptions {
  readonly images: string;
  readonly labels: string;
  readonly accelerator: Accelerator;
  /** Images run in RTL (the first ones); 0 for none. */
  readonly rtlImages: number;
  /** Images the cost model predicts (the first ones; all if fewer); 0 for none. */
  readonly costImages: number;
  /** Images per golden-model batch. */
  readonly batchImages: number;
  /** Worker threads of the golden model. */
  readonly jobs: number;
  readonly policy: PolicyName;
  readonly seed: number;
  readonly simulator: SimulatorName;
  /** Scratch folder of the simulator runs. */
  readonly workDir: string;
  readonly progress?: Progress;
  /** Where the expensive parts run (default: here); the result is the same. */
  readonly backend?: EvalBackend | undefined;
}

/** `hwgen eval --queue`'s: the golden model's images in shards, and the RTL sample's layers, as jobs for workers. */
export interface EvalBackend {
  /** Images per shard: what the golden model's batches are cut into instead of --batch. */
  readonly shardImages: number;
  readonly runBatches: RunGoldenBatches;
  readonly simulate: SimulateLayers;
}

export interface EvalResult {
  readonly model: EvalModel;
  readonly images: EvalImages;
  readonly labels: Int32Array;
  readonly golden: GoldenEval;
  /** Images the policies were predicted on (0: not predicted). */
  readonly costImages: number;
  readonly policies: readonly PolicyFigures[];
  readonly rtl: RtlEval | undefined;
}

export async function runEval(model: EvalModel, options: EvalOptions): Promise<EvalResult> {
  const progress = options.progress ?? silentProgress;
  const images = await readEvalImages(options.images, model.imageShape, model.inLevels);
  const labels = await readEvalLabels(options.labels, images.count, options.images, model.classes);
  if (options.rtlImages > images.count) throw new InputError('--rtl', '', `expected at most ${images.count}, the images in ${options.images} (got ${options.rtlImages})`);
  if (options.rtlImages > 0 || options.costImages > 0) checkFits(model, options.accelerator);
  const golden = await goldenEval(batchModelOf(model), images, labels, { batchImages: options.backend?.shardImages ?? options.batchImages, jobs: options.jobs, progress, runBatches: options.backend?.runBatches });
  const costImages = Math.min(options.costImages, images.count);
  let policies: PolicyFigures[] = [];
  if (costImages > 0) {
    const done = progress.start(`cost model: ${costImages} images under every policy`);
    policies = policyFigures(await batchWorkload(model, firstImages(images, costImages), 'cost-sample'), costImages, options.accelerator, options.seed);
    done();
  }
  let rtl: RtlEval | undefined;
  if (options.rtlImages > 0) {
    const sample = await batchWorkload(model, firstImages(images, options.rtlImages), 'rtl-sample');
    rtl = await rtlEval(options.accelerator, model, sample, golden.classes, labels, { ...options, progress, simulate: options.backend?.simulate });
  }
  return { model, images, labels, golden, costImages, policies, rtl };
}

function firstImages(images: EvalImages, count: number): Uint8Array {
  return images.data.subarray(0, (count * images.data.length) / images.count);
}

/** A layer the design cannot run (no core holds it, or beyond its limits) is bad input: refuse it before the long golden run. */
function checkFits(model: EvalModel, accelerator: Accelerator): void {
  refuseLayersTheDesignCannotRun(accelerator, model.template.layers);
}
