/**
 * `hwgen eval`'s folder: eval.json (accuracies, agreement with the RTL, activation statistics, per-policy figures
 * per image; docs/import.md, "Accuracy: hwgen eval") and classes.npy (the golden model's class of every image), and
 * the lines printed on stdout. Same input, same bytes: no times, no dates.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import { encodeNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { prettyJson } from '../util/json.ts';
import { HWGEN_VERSION } from '../version.ts';
import { fraction } from '../golden/classes.ts';
import type { EvalResult } from './eval-run.ts';

/** At most this many RTL problems are listed in eval.json (the count is always there). */
const LISTED_PROBLEMS = 20;

export function evalJson(result: EvalResult, accelerator: Accelerator, seed: number): Record<string, unknown> {
  const { model, images, golden, rtl } = result;
  return {
    generator: `hwgen ${HWGEN_VERSION}`,
    model: model.source,
    workload: model.template.name,
    images: { file: images.file, count: images.count, shape: [images.count, ...images.imageShape] },
    classes: model.classes,
    classifiedBy: model.classifiedBy,
    logitScales: model.classifiedBy === 'logits' ? (model.logitScales ?? null) : null,
    accuracy: fraction(golden.correct, images.count),
    correct: golden.correct,
    rtlAccuracy: rtl === undefined ? null : fraction(rtl.correct, rtl.images),
    agreement: rtl === undefined ? null : fraction(rtl.agreeing, rtl.images),
    design: { name: accelerator.config.name, configHash: accelerator.hash, clockMHz: accelerator.config.clockMHz },
    layers: golden.layers,
    cost: result.costImages === 0 ? null : { sampleImages: result.costImages, seed, policies: result.policies },
    rtl: rtl === undefined ? null : {
      images: rtl.images, simulator: rtl.simulator, policy: rtl.policy, correct: rtl.correct, agreeing: rtl.agreeing,
      disagreeing: rtl.disagreeing, classes: Array.from(rtl.classes), goldenClasses: Array.from(golden.classes.subarray(0, rtl.images)),
      cycles: rtl.cycles, predictedCycles: rtl.predictedCycles, checked: rtl.problems.length === 0,
      problemCount: rtl.problems.length, problems: rtl.problems.slice(0, LISTED_PROBLEMS),
    },
  };
}

/** Writes DIR whole or not at all; `inputs` are the files the command read, which DIR must not hold. */
export async function writeEvalDir(out: string, result: EvalResult, accelerator: Accelerator, seed: number, inputs: readonly string[]): Promise<void> {
  await writeDirAtomically(out, { command: 'eval', inputs }, async (dir) => {
    await writeFile(join(dir, 'eval.json'), prettyJson(evalJson(result, accelerator, seed)));
    await writeFile(join(dir, 'classes.npy'), encodeNpy(tensorOf('i4', [result.images.count], result.golden.classes)));
  });
}

function percent(part: number, whole: number): string {
  return `${(100 * fraction(part, whole)).toFixed(2)} %`;
}

/** What the command prints: accuracy, the RTL sample, and the policies per image. */
export function summaryLines(result: EvalResult): string[] {
  const { model, images, golden, rtl } = result;
  const lines = [`${model.template.name}: top-1 accuracy ${percent(golden.correct, images.count)} (${golden.correct} of ${images.count} images, golden model, classified by ${model.classifiedBy})`];
  if (rtl !== undefined) {
    const checked = rtl.problems.length === 0 ? 'outputs, cycles, counters and events as predicted' : `${rtl.problems.length} problem(s)`;
    lines.push(`RTL (${rtl.simulator}, policy ${rtl.policy}): ${rtl.correct} of ${rtl.images} correct, classes equal to the golden model's on ${rtl.agreeing} of ${rtl.images}; ${checked}`);
  }
  if (result.costImages > 0) {
    lines.push(`per image (cost model, first ${result.costImages} images as one batch):`);
    lines.push(`  ${'policy'.padEnd(7)} ${'cycles'.padStart(10)} ${'energy µJ'.padStart(10)} ${'EDP J·s'.padStart(10)} ${'SNN share'.padStart(9)}`);
    for (const p of result.policies) {
      lines.push(`  ${p.policy.padEnd(7)} ${p.cyclesPerImage.toFixed(0).padStart(10)} ${(p.energyPjPerImage / 1e6).toFixed(3).padStart(10)} ${p.edpJsPerImage.toExponential(3).padStart(10)} ${`${(100 * p.snnShare).toFixed(1)} %`.padStart(9)}`);
    }
  }
  return lines;
}
