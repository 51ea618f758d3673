/** Classes and activation statistics on the hand-made workload of test-fixtures.ts, worked out by hand. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultAccelerator } from '../config/load-config.ts';
import { loadManifestFile } from '../workload/load-manifest.ts';
import { modelFromWorkload } from './eval-model.ts';
import { type EvalOptions, runEval } from './eval-run.ts';
import { TINY_CLASSES, type TinyWorkspace, tinyWorkspace } from './test-fixtures.ts';

async function evaluate(tiny: TinyWorkspace, batchImages: number, jobs: number) {
  const model = await modelFromWorkload(await loadManifestFile(tiny.manifest), tiny.dir);
  const options: EvalOptions = { images: tiny.images, labels: tiny.labels, accelerator: defaultAccelerator(), rtlImages: 0, costImages: 0, batchImages, jobs, policy: 'cost', seed: 0, simulator: 'verilator', workDir: join(tiny.dir, 'work') };
  return runEval(model, options);
}

// l1's input X (K = 3, N = 4 images): 5 of 12 pixels non-zero, summing to 8; image 0 is all zeros.
const L1 = { name: 'l1', kind: 'gemm', M: 2, K: 3, N: 4, input: { density: 5 / 12, meanLevel: 8 / 12, zeroColumns: 1, zeroColumnFraction: 1 / 4 }, outputLevels: { density: 4 / 8, meanLevel: 6 / 8 } };
// l2 takes l1's levels [0 0 | 2 0 | 0 2 | 1 1]; its logits have no levels.
const L2 = { name: 'l2', kind: 'gemm', M: 2, K: 2, N: 4, input: { density: 4 / 8, meanLevel: 6 / 8, zeroColumns: 1, zeroColumnFraction: 1 / 4 }, outputLevels: null };

describe('activation statistics and classes of a hand-made workload', () => {
  it('gives the figures worked out by hand, classified by the logits', async () => {
    const result = await evaluate(await tinyWorkspace(), 500, 1);
    expect(result.golden.layers).toEqual([L1, L2]);
    expect([...result.golden.classes]).toEqual(TINY_CLASSES);
    expect([result.golden.correct, result.model.classifiedBy]).toEqual([3, 'logits']);
  });

  it('gives the same figures batch by batch, on worker threads', async () => {
    const result = await evaluate(await tinyWorkspace(), 1, 2);
    expect(result.golden.layers).toEqual([L1, L2]);
    expect([...result.golden.classes]).toEqual(TINY_CLASSES);
  });

  it('weighs the logits by the logitScales of an import.json beside the manifest', async () => {
    const tiny = await tinyWorkspace();
    await writeFile(join(tiny.dir, 'import.json'), JSON.stringify({ layers: [{ name: 'l1' }, { name: 'l2', logitScales: [1, 3] }] }));
    const result = await evaluate(tiny, 500, 1);
    // image 3's logits [1, 1] weigh [1, 3]: class 1, its label
    expect([[...result.golden.classes], result.golden.correct, result.model.logitScales]).toEqual([[0, 0, 1, 1], 4, [1, 3]]);
  });

  it('classifies by the last layer\'s levels when it outputs levels', async () => {
    const result = await evaluate(await tinyWorkspace(false), 3, 1);
    expect(result.golden.layers).toEqual([L1]);
    expect([...result.golden.classes]).toEqual(TINY_CLASSES);
    expect([result.golden.correct, result.model.classifiedBy]).toEqual([3, 'levels']);
  });
});
