/**
 * `hwgen eval` from the command line: the reference network on its 500 committed test images with the first 3 in
 * RTL on Verilator (classes equal to the golden model's image for image), and bad input refused with one line,
 * exit 2 and nothing written.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, readNpy } from '../tensor/npy.ts';
import { runCli, tempWorkspace, writeTensor } from '../cli/cli-harness.ts';

const MODELS = join(import.meta.dirname, '..', '..', 'examples', 'models');
const MODEL = join(MODELS, 'qcfs_fmnist_t4.onnx');
const IMAGES = join(MODELS, 'test_images_500.npy');
const LABELS = join(MODELS, 'test_labels_500.npy');

let dir = '';
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-eval-cli-');
});

interface EvalJson {
  accuracy: number;
  correct: number;
  rtlAccuracy: number | null;
  agreement: number | null;
  classifiedBy: string;
  cost: { sampleImages: number; policies: { policy: string }[] } | null;
  rtl: { images: number; correct: number; agreeing: number; checked: boolean; classes: number[]; goldenClasses: number[]; disagreeing: number[]; cycles: number; predictedCycles: number } | null;
}

describe('cli: hwgen eval', () => {
  it('gives the golden accuracy on 500 images and the same classes in RTL on the first 3 (Verilator)', async () => {
    const out = at('fmnist');
    const run = await runCli('eval', MODEL, '--images', IMAGES, '--labels', LABELS, '--rtl', '3', '--cost-images', '3', '--out', out, '--quiet');
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout.split('\n')[0]).toBe('qcfs_fmnist_t4: top-1 accuracy 91.80 % (459 of 500 images, golden model, classified by logits)');
    const json = JSON.parse(await readFile(join(out, 'eval.json'), 'utf8')) as EvalJson;
    expect([json.accuracy, json.correct, json.classifiedBy]).toEqual([0.918, 459, 'logits']);
    // the first 3 images (labels 9, 2, 1) are classified correctly by both
    expect([json.rtlAccuracy, json.agreement]).toEqual([1, 1]);
    expect(json.rtl).toMatchObject({ images: 3, correct: 3, agreeing: 3, checked: true, classes: [9, 2, 1], goldenClasses: [9, 2, 1], disagreeing: [] });
    expect(json.rtl?.cycles).toBe(json.rtl?.predictedCycles);
    expect([json.cost?.sampleImages, json.cost?.policies.map((p) => p.policy)]).toEqual([3, ['cost', 'random', 'ann', 'snn']]);
    const classes = decodeNpy(await readFile(join(out, 'classes.npy')), 'classes.npy');
    expect([classes.dtype, classes.shape, [...classes.data.subarray(0, 3)]]).toEqual(['i4', [500], [9, 2, 1]]);
  }, 300_000);

  it.each([
    ['labels count', async () => writeTensor(dir, 'short.npy', 'i4', [499], new Int32Array(499)), 'labels', (f: string) => `${f}: shape: found [499], expected [500] (one label per image of ${IMAGES})`],
    ['label range', async () => writeTensor(dir, 'range.npy', 'i4', [500], Int32Array.from({ length: 500 }, (_, i) => (i === 17 ? 10 : 3))), 'labels', (f: string) => `${f}: data: label 10 at [17] is outside 0..9 (the classifier's 10 classes)`],
    ['label dtype', async () => writeTensor(dir, 'int8.npy', 'i1', [500], new Int8Array(500)), 'labels', (f: string) => `${f}: descr: found '|i1', expected '<i4' or '|u1' (integer labels [N])`],
    ['image shape', async () => writeTensor(dir, 'narrow.npy', 'u1', [2, 1, 28, 27], new Uint8Array(2 * 28 * 27)), 'images', (f: string) => `${f}: shape: found [2, 1, 28, 27], expected [N, 1, 28, 28] (the model's input)`],
  ] as const)('refuses bad %s with one line and exit 2, writing nothing', async (_, write, role, message) => {
    const file = at(await write());
    const out = at(`bad-${role}-${file.length}`);
    const args = role === 'labels' ? ['--images', IMAGES, '--labels', file] : ['--images', file, '--labels', LABELS];
    const run = await runCli('eval', MODEL, ...args, '--out', out, '--quiet');
    expect([run.code, run.stderr, run.stdout]).toEqual([2, `hwgen: ${message(file)}\n`, '']);
    expect(existsSync(out)).toBe(false);
  });

  it('reads labels stored as uint8', async () => {
    const labels = (await readNpy(LABELS)).data;
    const file = at(await writeTensor(dir, 'u1-labels.npy', 'u1', [500], Uint8Array.from(labels)));
    const run = await runCli('eval', MODEL, '--images', IMAGES, '--labels', file, '--cost-images', '0', '--out', at('u1'), '--quiet');
    expect(run.code).toBe(0);
    const json = JSON.parse(await readFile(join(at('u1'), 'eval.json'), 'utf8')) as EvalJson;
    expect([json.correct, json.cost, json.rtl, json.rtlAccuracy, json.agreement]).toEqual([459, null, null, null, null]);
  }, 120_000);
});
