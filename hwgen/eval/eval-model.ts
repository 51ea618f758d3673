/**
 * The network an evaluation runs: an ONNX model imported into a scratch folder (hwgen/import), or a workload whose
 * first layer takes the images and whose last layer classifies them. Its manifest is kept as a template: each batch
 * of images becomes the first layer's input (image-batch.ts).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.ts';
import { importOnnx } from '../import/import-model.ts';
import { type LoadedManifest, loadManifestFile } from '../workload/load-manifest.ts';
import { type ResolvedWorkload, resolveWorkload } from '../workload/resolve.ts';
import type { BatchModel } from './image-batch.ts';

export interface EvalModel extends BatchModel {
  /** What the user named (the .onnx or the workload): errors about the network's structure name it. */
  readonly source: string;
  /** The workload with its own input: shapes and the classifier, before any image is read. */
  readonly template: ResolvedWorkload;
  /** Largest pixel the first layer takes (its inLevels). */
  readonly inLevels: number;
  /** M of the last layer: the number of classes. */
  readonly classes: number;
}

/** The plain-data part of a model, which worker threads are given. */
export function batchModelOf(model: EvalModel): BatchModel {
  const { loaded, scratch, imageShape, classifiedBy, logitScales } = model;
  return { loaded, scratch, imageShape, classifiedBy, logitScales };
}

/** Imports `file` into `scratch`/model without images (the input is replaced by the images anyway). */
export async function modelFromOnnx(file: string, scratch: string): Promise<EvalModel> {
  const out = join(scratch, 'model');
  const imported = await importOnnx(file, { out });
  const classifier = imported.classifier;
  const scales = classifier === undefined ? undefined : Array.from(classifier.weightScales, (s) => s * classifier.inputScale);
  return evalModel(file, await loadManifestFile(join(out, 'workload.yaml')), scales, scratch);
}

/** A workload (as loaded by the CLI); the logit scales come from an `import.json` beside its manifest, if any. */
export async function modelFromWorkload(loaded: LoadedManifest, scratch: string): Promise<EvalModel> {
  const last = loaded.manifest.layers.at(-1);
  const scales = last === undefined ? undefined : await importedLogitScales(join(dirname(loaded.file), 'import.json'), last.name);
  return evalModel(loaded.file, loaded, scales, scratch);
}

async function evalModel(source: string, loaded: LoadedManifest, logitScales: readonly number[] | undefined, scratch: string): Promise<EvalModel> {
  const template = await resolveWorkload(loaded);
  const first = template.layers[0];
  const last = template.layers.at(-1);
  if (first === undefined || last === undefined) throw new Error('the manifest schema requires a layer');
  const own = template.layers.find((layer) => layer.index > 0 && layer.spec.input !== undefined);
  if (own !== undefined) throw new InputError(source, `${own.field}.input`, 'names its own input, so the images would not reach the classifier');
  if (last.spec.kind !== 'gemm') throw new InputError(source, `${last.field}.kind`, 'the last layer must be a gemm: its [M, N] output, one column per image, classifies the images');
  const imageShape = first.spec.kind === 'conv2d' ? first.inputShape.slice(-3) : first.inputShape.slice(0, 1);
  const classes = last.gemm.M;
  const scales = logitScales?.length === classes ? logitScales : undefined;
  return { source, loaded, template, imageShape, inLevels: first.inLevels, classes, classifiedBy: last.output === 'accumulator' ? 'logits' : 'levels', logitScales: scales, scratch };
}

/** `logitScales` of the layer named `layer` in an import.json; undefined when there is no such file or entry. */
async function importedLogitScales(file: string, layer: string): Promise<number[] | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    throw new InputError(file, '', 'not valid JSON (hwgen eval reads the classifier\'s logitScales from it)');
  }
  const layers = isRecord(report) && Array.isArray(report['layers']) ? (report['layers'] as unknown[]) : [];
  const entry = layers.find((candidate) => isRecord(candidate) && candidate['name'] === layer);
  const scales = isRecord(entry) ? entry['logitScales'] : undefined;
  return Array.isArray(scales) && scales.every((s): s is number => typeof s === 'number' && s > 0) ? scales : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
