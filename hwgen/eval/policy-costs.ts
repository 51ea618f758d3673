/**
 * Predicted cycles, energy and EDP per image under every scheduling policy, by the exact cost model. Predicting all
 * images would take far longer than classifying them, so the first `sampleImages` run as one batch and the figures
 * are divided by the sample: weights loaded once per tile are shared by the batch, as they would be in use.
 */
import type { Accelerator } from '../config/load-config.ts';
import { evaluatePolicy } from '../cost/layer-compare.ts';
import { designOf } from '../cost/layer.ts';
import { runGolden } from '../flows/golden.ts';
import { POLICIES, type PolicyName } from '../schedule/types.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';

export const DEFAULT_COST_IMAGES = 100;

export interface PolicyFigures {
  readonly policy: PolicyName;
  /** The whole sample, every layer. */
  readonly cycles: number;
  readonly energyPj: number;
  readonly cyclesPerImage: number;
  readonly energyPjPerImage: number;
  /** energy per image × time per image (cycles per image / clock), J·s. */
  readonly edpJsPerImage: number;
  /** Share of the column runs on SNN cores, over all layers. */
  readonly snnShare: number;
  /** Some tile could not use the policy's kind of core and ran on the other kind. */
  readonly fellBack: boolean;
}

/** Every policy on `sample` (a workload of `images` images), seed for `random`. */
export function policyFigures(sample: ResolvedWorkload, images: number, accelerator: Accelerator, seed: number): PolicyFigures[] {
  const design = designOf(accelerator);
  const layers = [...runGolden(sample, 'ann')];
  return POLICIES.map((policy) => {
    let cycles = 0, energyPj = 0, annColumns = 0, snnColumns = 0, fellBack = false;
    for (const { gemm, levels } of layers) {
      const outcome = evaluatePolicy(gemm, design, policy, { seed, outputs: levels });
      cycles += outcome.prediction.cycles;
      energyPj += outcome.prediction.energyPj;
      annColumns += outcome.annColumns;
      snnColumns += outcome.snnColumns;
      fellBack ||= outcome.fellBack;
    }
    const cyclesPerImage = cycles / images, energyPjPerImage = energyPj / images;
    const secondsPerImage = cyclesPerImage / (accelerator.config.clockMHz * 1e6);
    return { policy, cycles, energyPj, cyclesPerImage, energyPjPerImage, edpJsPerImage: energyPjPerImage * 1e-12 * secondsPerImage, snnShare: shareOf(annColumns, snnColumns), fellBack };
  });
}

/** As snnShare (cost/layer-compare.ts) does for one layer, over the column runs of all layers. */
function shareOf(annColumns: number, snnColumns: number): number {
  const total = annColumns + snnColumns;
  return total === 0 ? 0 : snnColumns / total;
}
