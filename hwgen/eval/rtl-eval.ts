/**
 * The first images through the generated accelerator on a simulator, as one batch: every layer checked against the
 * golden model and the cost model (hwgen/flows/simulate.ts), and the RTL's classes against the golden model's,
 * image for image.
 */
import { join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import { type LayerSimResult, type SimOptions, simulateWorkload } from '../flows/simulate.ts';
import type { PolicyName } from '../schedule/types.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { type Progress, silentProgress } from '../util/progress.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';
import { countEqual, differing } from '../golden/classes.ts';
import { classesOf } from './golden-batch.ts';
import type { BatchModel } from './image-batch.ts';

export interface RtlOptions {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly simulator: SimulatorName;
  readonly workDir: string;
  readonly progress?: Progress;
  /** What simulates the sample's layers (default simulateWorkload, here; `hwgen eval --queue`: workers). */
  readonly simulate?: SimulateLayers | undefined;
}

/** simulateWorkload, or what stands in for it with the same results in the same order. */
export type SimulateLayers = (accelerator: Accelerator, workload: ResolvedWorkload, options: SimOptions) => AsyncGenerator<LayerSimResult>;

export interface RtlEval {
  readonly images: number;
  readonly simulator: SimulatorName;
  readonly policy: PolicyName;
  readonly classes: Int32Array;
  readonly correct: number;
  /** Images whose RTL class equals the golden model's. */
  readonly agreeing: number;
  /** Indices of the images whose classes differ. */
  readonly disagreeing: readonly number[];
  readonly cycles: number;
  readonly predictedCycles: number;
  /** What differs from the golden and cost models, layer by layer (outputs, cycles, counters, events). */
  readonly problems: readonly string[];
}

/** `sample` holds the first `images` images; `golden` and `labels` are indexed from image 0. */
export async function rtlEval(accelerator: Accelerator, model: BatchModel, sample: ResolvedWorkload, golden: Int32Array, labels: Int32Array, options: RtlOptions): Promise<RtlEval> {
  const { policy, seed, simulator } = options;
  const problems: string[] = [];
  let cycles = 0, predictedCycles = 0;
  let last = { data: new Int32Array() as ArrayLike<number>, shape: [0, 0] as readonly number[] };
  const run = (options.simulate ?? simulateWorkload)(accelerator, sample, { policy, seed, simulator, trace: 'none', workDir: join(options.workDir, 'rtl'), progress: options.progress ?? silentProgress });
  for await (const layer of run) {
    problems.push(...layer.problems);
    cycles += layer.cycles;
    predictedCycles += layer.predictedCycles;
    last = { data: layer.outputs, shape: layer.outputShape };
  }
  const classes = classesOf(model, last);
  const B = classes.length;
  return {
    images: B, simulator, policy, classes,
    correct: countEqual(classes, labels, B),
    agreeing: countEqual(classes, golden, B),
    disagreeing: differing(classes, golden, B),
    cycles, predictedCycles, problems,
  };
}
