/**
 * The reference network committed in examples/models/ (a QCFS CNN trained on Fashion-MNIST) and its test images, as
 * workloads: what `hwgen demo` runs. The images are the first of the committed test set, one batch.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { encodeNpy, readNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { loadManifestFile } from '../workload/load-manifest.ts';
import { type ResolvedWorkload, resolveWorkload } from '../workload/resolve.ts';
import { type ImportResult, importOnnx } from './import-model.ts';

export const REFERENCE_DIR = join(import.meta.dirname, '..', '..', 'examples', 'models');
/** T = 4, Bu et al.'s op order. */
export const REFERENCE_MODEL = join(REFERENCE_DIR, 'qcfs_fmnist_t4.onnx');
export const REFERENCE_IMAGES = join(REFERENCE_DIR, 'test_images_500.npy');
export const REFERENCE_LABELS = join(REFERENCE_DIR, 'test_labels_500.npy');

/** The float network's accuracy on all 10 000 test images, as the training script measured it (figures.json). */
export async function referenceFloatAccuracy(): Promise<number> {
  const figures = JSON.parse(await readFile(join(REFERENCE_DIR, 'figures.json'), 'utf8')) as { T4?: { test_acc_qcfs_eval_floor?: number } };
  const accuracy = figures.T4?.test_acc_qcfs_eval_floor;
  if (accuracy === undefined) throw new InputError(join(REFERENCE_DIR, 'figures.json'), 'T4.test_acc_qcfs_eval_floor', 'is missing');
  return accuracy;
}

export interface ReferenceBatch {
  readonly workload: ResolvedWorkload;
  /** The batch's labels, 0..9. */
  readonly labels: Int32Array;
  readonly imported: ImportResult;
}

/** Imports the reference network into `dir` with the first `count` committed test images as its input batch. */
export async function importReferenceBatch(dir: string, count: number): Promise<ReferenceBatch> {
  const images = await readNpy(REFERENCE_IMAGES);
  const labels = (await readNpy(REFERENCE_LABELS)).data as Int32Array;
  const [available = 0, ...shape] = images.shape;
  if (count < 1 || count > available) throw new InputError(REFERENCE_IMAGES, 'shape', `holds ${available} images; ${count} asked for`);
  const size = shape.reduce((a, b) => a * b, 1);
  await mkdir(dir, { recursive: true });
  const batchFile = join(dir, 'images.npy');
  await writeFile(batchFile, encodeNpy(tensorOf('u1', [count, ...shape], (images.data as Uint8Array).slice(0, count * size))));
  const out = join(dir, 'workload');
  const imported = await importOnnx(REFERENCE_MODEL, { out, images: batchFile });
  const workload = await resolveWorkload(await loadManifestFile(join(out, 'workload.yaml')));
  return { workload, labels: labels.slice(0, count), imported };
}
