/**
 * `runEval` on the reference network (examples/models) and its 500 committed test images: the exact number the
 * golden model classifies correctly, cross-checked by classifying the same images with the golden model directly
 * (the images imported as one batch), and the per-policy figures equal to evaluatePolicy on the same sample.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAccelerator } from '../config/load-config.ts';
import { evaluatePolicy } from '../cost/layer-compare.ts';
import { designOf } from '../cost/layer.ts';
import { runGolden } from '../flows/golden.ts';
import { importOnnx } from '../import/import-model.ts';
import { POLICIES } from '../schedule/types.ts';
import { encodeNpy, readNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { tempWorkspace } from '../cli/cli-harness.ts';
import { loadManifestFile } from '../workload/load-manifest.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { modelFromOnnx } from './eval-model.ts';
import { type EvalResult, runEval } from './eval-run.ts';

const MODELS = join(import.meta.dirname, '..', '..', 'examples', 'models');
const MODEL = join(MODELS, 'qcfs_fmnist_t4.onnx');
const IMAGES = join(MODELS, 'test_images_500.npy');
const LABELS = join(MODELS, 'test_labels_500.npy');
/** Measured: the integer model classifies 459 of the 500 committed images correctly (91.8 %). */
const CORRECT = 459;
const COST_IMAGES = 7;

/** The golden model on `images` imported as the workload's own input: its logits [10, B], classified by hand. */
async function classesByImport(dir: string, images: string): Promise<number[]> {
  await importOnnx(MODEL, { out: dir, images });
  const workload = await resolveWorkload(await loadManifestFile(join(dir, 'workload.yaml')));
  const logits = [...runGolden(workload)].at(-1)!.output;
  const [M = 0, B = 0] = logits.shape;
  return Array.from({ length: B }, (_, b) => {
    const column = Array.from({ length: M }, (_, m) => logits.data[m * B + b] ?? 0);
    return column.indexOf(Math.max(...column));
  });
}

let dir = '';
let result: EvalResult;

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-eval-run-');
  const model = await modelFromOnnx(MODEL, dir);
  result = await runEval(model, { images: IMAGES, labels: LABELS, accelerator: defaultAccelerator(), rtlImages: 0, costImages: COST_IMAGES, batchImages: 200, jobs: 1, policy: 'cost', seed: 0, simulator: 'verilator', workDir: dir });
}, 120_000);

describe('hwgen eval on the reference network and its 500 test images', () => {
  it('classifies 459 correctly, each image as the golden model run directly does', async () => {
    expect([result.golden.correct, result.images.count, result.model.classifiedBy, result.model.classes]).toEqual([CORRECT, 500, 'logits', 10]);
    const direct = await classesByImport(join(dir, 'direct'), IMAGES);
    expect([...result.golden.classes]).toEqual(direct);
    const labels = (await readNpy(LABELS)).data;
    expect(direct.filter((c, b) => c === labels[b]).length).toBe(CORRECT);
  }, 120_000);

  it('predicts every policy per image as evaluatePolicy does on the same first images', async () => {
    const all = (await readNpy(IMAGES)).data as Uint8Array;
    const sample = join(dir, 'sample.npy');
    await writeFile(sample, encodeNpy(tensorOf('u1', [COST_IMAGES, 1, 28, 28], all.slice(0, COST_IMAGES * 784))));
    await importOnnx(MODEL, { out: join(dir, 'sample'), images: sample });
    const layers = [...runGolden(await resolveWorkload(await loadManifestFile(join(dir, 'sample', 'workload.yaml'))))];
    const accelerator = defaultAccelerator();
    const expected = POLICIES.map((policy) => {
      const outcomes = layers.map(({ gemm, levels }) => evaluatePolicy(gemm, designOf(accelerator), policy, { seed: 0, outputs: levels }));
      const cycles = outcomes.reduce((sum, o) => sum + o.prediction.cycles, 0);
      const energyPj = outcomes.reduce((sum, o) => sum + o.prediction.energyPj, 0);
      const snn = outcomes.reduce((sum, o) => sum + o.snnColumns, 0);
      const runs = outcomes.reduce((sum, o) => sum + o.snnColumns + o.annColumns, 0);
      const seconds = cycles / COST_IMAGES / (accelerator.config.clockMHz * 1e6);
      return { policy, cycles, energyPj, cyclesPerImage: cycles / COST_IMAGES, energyPjPerImage: energyPj / COST_IMAGES, edpJsPerImage: (energyPj / COST_IMAGES) * 1e-12 * seconds, snnShare: snn / runs, fellBack: outcomes.some((o) => o.fellBack) };
    });
    expect(result.costImages).toBe(COST_IMAGES);
    expect(result.policies).toEqual(expected);
    // the cost schedule is the fastest, and uses both kinds of core
    const [cost, ...others] = result.policies;
    for (const other of others) expect(cost!.cyclesPerImage).toBeLessThan(other.cyclesPerImage);
    expect(cost!.snnShare).toBeGreaterThan(0);
  }, 120_000);
});
