/**
 * A batch of images as a workload: the model's manifest with the first layer's input replaced by a `.npy` of the
 * batch, written into the scratch folder. A conv2d takes `[B,C,H,W]` (one GEMM of B·Ho·Wo columns, image by image);
 * a gemm takes `[K,B]`, one column per image.
 */
import { writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { encodeNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import type { LoadedManifest } from '../workload/load-manifest.ts';
import type { LayerSpec } from '../workload/manifest-schema.ts';
import { type ResolvedWorkload, resolveWorkload } from '../workload/resolve.ts';

/** What a batch needs of the model: plain data, so that a worker thread can be given it. */
export interface BatchModel {
  readonly loaded: LoadedManifest;
  /** Where batches are written for the workload to read. */
  readonly scratch: string;
  /** One image: `[C,H,W]`, or `[K]` when the first layer is a gemm. */
  readonly imageShape: readonly number[];
  /** The class is the argmax of the last layer's int32 logits, or of its levels when it outputs levels. */
  readonly classifiedBy: 'logits' | 'levels';
  /** Float value of one logit step per class (import.json's logitScales), when known. */
  readonly logitScales: readonly number[] | undefined;
}

/** `pixels` (whole images, one after another) as the workload's input; `name` names the scratch file. */
export async function batchWorkload(model: BatchModel, pixels: Uint8Array, name: string): Promise<ResolvedWorkload> {
  const [first, ...rest] = model.loaded.manifest.layers;
  if (first === undefined) throw new Error('a model has at least one layer');
  const file = join(model.scratch, `${name}.npy`);
  await writeFile(file, encodeNpy(batchTensor(first, model.imageShape, pixels)));
  // resolveWorkload joins tensor paths to the manifest's folder: name the batch relative to it.
  const input = relative(model.loaded.baseDir, file);
  const manifest = { ...model.loaded.manifest, layers: [{ ...first, input }, ...rest] };
  return resolveWorkload({ ...model.loaded, manifest });
}

function batchTensor(first: LayerSpec, imageShape: readonly number[], pixels: Uint8Array) {
  const size = imageShape.reduce((a, b) => a * b, 1);
  const B = pixels.length / size;
  if (first.kind === 'conv2d') return tensorOf('u1', [B, ...imageShape], pixels);
  const columns = new Uint8Array(pixels.length);
  for (let b = 0; b < B; b++) for (let k = 0; k < size; k++) columns[k * B + b] = pixels[b * size + k] ?? 0;
  return tensorOf('u1', [size, B], columns);
}
