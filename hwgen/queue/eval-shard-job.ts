/**
 * An `eval-shard` job: some consecutive images of `hwgen eval --queue` through the golden model, as a local run
 * classifies them (goldenBatch of hwgen/eval/golden-batch.ts, a batch at a time): each image's class and the layers'
 * integer activation tallies. Neither depends on how the images are cut into shards and batches, so the submitter's
 * sums are the local run's, bit for bit.
 *
 * The model travels as a bundle stored in Redis under its hash: the manifest with every tensor file it names
 * renamed `t<i>.npy`, and those files' bytes; a worker writes them into a scratch folder, which it removes when the
 * job ends. The shard's pixels are stored the same way. Workers therefore need none of the submitter's files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LayerTally, addTallies } from '../eval/activation-stats.ts';
import { goldenBatch } from '../eval/golden-batch.ts';
import type { BatchModel } from '../eval/image-batch.ts';
import { InputError } from '../errors.ts';
import { withScratchDir } from '../util/scratch-dir.ts';
import type { LayerSpec, WorkloadManifest } from '../workload/manifest-schema.ts';

export interface EvalShardJobData {
  readonly kind: 'eval-shard';
  /** The model bundle's hash in Redis (workload-store.ts: encodeStored). */
  readonly model: string;
  /** The shard's pixels' hash in Redis: whole images, one after another. */
  readonly pixels: string;
  /** Images per golden-model batch on the worker (memory only: the result does not depend on it). */
  readonly batchImages: number;
  readonly code?: string;
}

export interface EvalShardJobResult {
  /** The golden model's class of each image of the shard, in order. */
  readonly classes: number[];
  /** One per layer, summed over the shard's images. */
  readonly tallies: LayerTally[];
}

/** A BatchModel without its folders: what a worker needs to classify images anywhere. */
export interface ModelBundle {
  readonly manifest: WorkloadManifest;
  readonly imageShape: readonly number[];
  readonly classifiedBy: 'logits' | 'levels';
  readonly logitScales: readonly number[] | null;
  /** Tensor files by the name the manifest now gives them. */
  readonly files: Readonly<Record<string, Uint8Array>>;
}

/** The name a worker's copy of the model goes by in (unlikely: the model was checked here) error messages. */
const BUNDLE_FILE = 'eval model (queued)';
/** What the first layer's input is called in the bundle: every batch replaces it with its own images. */
const IMAGES_PLACEHOLDER = 'images.npy';

type FileField = 'input' | 'weights' | 'bias' | 'theta';
const FILE_FIELDS: readonly FileField[] = ['input', 'weights', 'bias', 'theta'];

/** Reads every tensor file the model's manifest names (but the first layer's input) into a bundle. */
export async function modelBundle(model: BatchModel): Promise<ModelBundle> {
  const files: Record<string, Uint8Array> = {};
  const layers: LayerSpec[] = [];
  for (const [index, spec] of model.loaded.manifest.layers.entries()) {
    const renamed: Record<string, unknown> = { ...spec };
    for (const field of FILE_FIELDS) {
      const source = spec[field];
      if (typeof source !== 'string') continue;
      if (index === 0 && field === 'input') {
        renamed[field] = IMAGES_PLACEHOLDER;
        continue;
      }
      const name = `t${Object.keys(files).length}.npy`;
      files[name] = new Uint8Array(await readFile(join(model.loaded.baseDir, source)));
      renamed[field] = name;
    }
    layers.push(renamed as LayerSpec);
  }
  return { manifest: { ...model.loaded.manifest, layers }, imageShape: model.imageShape, classifiedBy: model.classifiedBy, logitScales: model.logitScales ?? null, files };
}

function checkBundle(value: unknown): ModelBundle {
  const bundle = value as Partial<ModelBundle> | null;
  if (bundle === null || typeof bundle !== 'object' || !Array.isArray(bundle.manifest?.layers) || !Array.isArray(bundle.imageShape) || typeof bundle.files !== 'object') {
    throw new InputError('eval-shard job', 'model', 'not a model bundle');
  }
  return bundle as ModelBundle;
}

export function decodeModelBundle(value: unknown): ModelBundle {
  return checkBundle(value);
}

export function decodePixels(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new InputError('eval-shard job', 'pixels', 'not uint8 pixels');
  return value;
}

export async function runEvalShard(data: EvalShardJobData, modelOf: (hash: string) => Promise<ModelBundle>, pixelsOf: (hash: string) => Promise<Uint8Array>): Promise<EvalShardJobResult> {
  if (!Number.isInteger(data.batchImages) || data.batchImages < 1) throw new InputError('eval-shard job', 'batchImages', `expected a positive integer (got ${JSON.stringify(data.batchImages)})`);
  const bundle = await modelOf(data.model);
  const pixels = await pixelsOf(data.pixels);
  const size = bundle.imageShape.reduce((a, b) => a * b, 1);
  if (size <= 0 || pixels.length % size !== 0) throw new InputError('eval-shard job', 'pixels', `${pixels.length} pixels are not whole images of ${size}`);
  return withScratchDir('hwgen-eval-shard-', async (scratch) => {
    for (const [name, bytes] of Object.entries(bundle.files)) await writeFile(join(scratch, name), bytes);
    const model: BatchModel = {
      loaded: { manifest: bundle.manifest, file: BUNDLE_FILE, baseDir: scratch },
      scratch, imageShape: bundle.imageShape, classifiedBy: bundle.classifiedBy, logitScales: bundle.logitScales ?? undefined,
    };
    const count = pixels.length / size;
    const classes = new Int32Array(count);
    const tallies: LayerTally[] = [];
    for (let from = 0; from < count; from += data.batchImages) {
      const to = Math.min(count, from + data.batchImages);
      const outcome = await goldenBatch(model, { from, pixels: pixels.slice(from * size, to * size) });
      classes.set(outcome.classes, from);
      addTallies(tallies, outcome.tallies);
    }
    return { classes: Array.from(classes), tallies };
  });
}
