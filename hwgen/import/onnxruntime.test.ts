/**
 * ONNX Runtime as an independent reference for `hwgen import`. The committed reference networks (examples/models/)
 * run in ORT in float32 on the committed images, with each QCFS activation's output and each layer's input added to
 * the graph outputs; their values read as levels (v·T/λ) are compared with the integer levels of hwgen's golden model
 * of the imported workload, chained as imported and layer by layer on ORT's own input, and ORT's classes with hwgen's.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runGolden } from '../flows/golden.ts';
import { decodeNpy, encodeNpy, readNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { type LoadedManifest, loadManifestFile } from '../workload/load-manifest.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { floatLevels } from './float-reference.ts';
import { importOnnx } from './import-model.ts';
import { DataType, decodeModel, encodeModel } from './onnx-proto.ts';
import type { FloatLayer, Qcfs } from './recognise.ts';

const MODELS = join(import.meta.dirname, '..', '..', 'examples', 'models');
const PIXELS = 28 * 28;
/** All committed images: ORT runs on these. */
const ALL = 500;
/** The first SAMPLE images are compared level by level (hwgen's golden and float64 models are the slow part). */
const SAMPLE = 100;
/** hwgen's float64 reference is compared with ORT on the first FLOAT64_SAMPLE images. */
const FLOAT64_SAMPLE = 25;

/** ORT's tensors about one QCFS layer: its activation's output, and its Conv/Gemm node's input. */
interface Probe {
  readonly output: string;
  readonly input: string;
}

/**
 * The model, decoded and re-encoded with hwgen's ONNX schema, with each layer's probes added to the graph outputs
 * (element type float, shape unknown).
 */
function withProbes(bytes: Uint8Array, layers: readonly FloatLayer[]): { model: Uint8Array; probes: Probe[] } {
  const model = decodeModel(bytes);
  const graph = model.graph ?? {};
  const tensorOfNode = (name: string | undefined, take: 'input' | 'output'): string => {
    const tensor = (graph.node ?? []).find((node) => node.name === name)?.[take]?.[0];
    if (tensor === undefined) throw new Error(`node ${String(name)} or its ${take} not found`);
    return tensor;
  };
  const probes = layers.map((layer) => ({ output: tensorOfNode(layer.qcfs?.nodes.at(-1), 'output'), input: tensorOfNode(layer.node, 'input') }));
  const added = probes.flatMap((probe) => [probe.output, probe.input]);
  graph.output = [...(graph.output ?? []), ...added.map((name) => ({ name, type: { tensorType: { elemType: DataType.FLOAT } } }))];
  return { model: encodeModel({ ...model, graph }), probes };
}

/** One ORT run over all committed images (input `image`, float pixels 0..255); the named outputs, in order. */
async function runOrt(model: string | Uint8Array, images: Uint8Array, outputs: readonly string[]): Promise<Float32Array[]> {
  const options: InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
  const session = typeof model === 'string' ? await InferenceSession.create(model, options) : await InferenceSession.create(model, options);
  try {
    const image = new Tensor('float32', Float32Array.from(images), [ALL, 1, 28, 28]);
    const results = await session.run({ image }, [...outputs]);
    return outputs.map((name) => {
      const data = results[name]?.data;
      if (!(data instanceof Float32Array)) throw new Error(`ORT output ${name} is not float32`);
      return data;
    });
  } finally {
    await session.release();
  }
}

function argmax(values: ArrayLike<number>, from: number, count: number): number {
  let best = 0;
  for (let c = 1; c < count; c++) if ((values[from + c] ?? 0) > (values[from + best] ?? 0)) best = c;
  return best;
}

/**
 * ORT's values of one tensor (all images) as levels `round(v / scale)` of the first `count` images, in the order
 * `[B, ...]` or, `transposed`, `[per image, B]` (the golden model's order for gemm); and the largest
 * |v / scale − level|, Infinity for a level outside 0..top.
 */
function asLevels(values: Float32Array, scale: number, top: number, transposed: boolean, count = SAMPLE): { levels: Uint8Array; worst: number } {
  const perImage = values.length / ALL;
  const levels = new Uint8Array(perImage * count);
  let worst = 0;
  for (let b = 0; b < count; b++)
    for (let i = 0; i < perImage; i++) {
      const exact = (values[b * perImage + i] ?? 0) / scale;
      const level = Math.round(exact);
      worst = Math.max(worst, Math.abs(exact - level), level < 0 || level > top ? Infinity : 0);
      levels[transposed ? i * count + b : b * perImage + i] = level;
    }
  return { levels, worst };
}

/** The fraction of levels that differ, and the largest difference. */
function compare(a: Uint8Array, b: Uint8Array | undefined): { fraction: number; largest: number } {
  if (b?.length !== a.length) throw new Error(`comparing ${a.length} levels with ${b?.length ?? 'no'} levels`);
  let differing = 0;
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    if (d > 0) differing += 1;
    largest = Math.max(largest, d);
  }
  return { fraction: differing / a.length, largest };
}

/** A golden layer's output as `hwgenClasses` reads it: `[K,B]` levels (u1) or `[M,B]` int32 logits (i4). */
interface GoldenOutput {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

const IMPORT_REPORT = z.object({
  classifier: z.object({ weightScales: z.array(z.number()) }).nullish(),
  layers: z.array(z.object({ logitScales: z.array(z.number()).optional() })),
});

/**
 * hwgen's predicted class per image, from the importer's output folder and the last golden layer's output: the
 * argmax of the integer logits z[m], each times its float scale from import.json. With the classifier as a workload
 * layer (`output: accumulator`) z is that layer's int32 output; with the classifier written beside the workload
 * (`classifier.w.npy` int8, `classifier.b.npy` int32), z = Σ_k w[m,k]·x[k] + b[m] on the last layer's levels x.
 */
async function hwgenClasses(dir: string, last: GoldenOutput): Promise<number[]> {
  const report = IMPORT_REPORT.parse(JSON.parse(await readFile(join(dir, 'import.json'), 'utf8')));
  const [rows = 0, B = 0] = last.shape;
  let M = rows;
  let scales = report.layers.at(-1)?.logitScales;
  let logit = (m: number, n: number): number => last.data[m * B + n] ?? 0;
  if (last.dtype === 'u1') {
    const w = decodeNpy(await readFile(join(dir, 'classifier.w.npy')), 'classifier.w.npy').data;
    const bias = decodeNpy(await readFile(join(dir, 'classifier.b.npy')), 'classifier.b.npy').data;
    M = bias.length;
    scales = report.classifier?.weightScales;
    logit = (m, n) => {
      let acc = bias[m] ?? 0;
      for (let k = 0; k < rows; k++) acc += (w[m * rows + k] ?? 0) * (last.data[k * B + n] ?? 0);
      return acc;
    };
  }
  if (scales?.length !== M) throw new Error(`import.json has no ${M} logit scales`);
  return Array.from({ length: B }, (_, n) => argmax(Array.from({ length: M }, (_, m) => logit(m, n) * (scales[m] ?? 1)), 0, M));
}

/** hwgen's golden model of a workload: each level layer's output levels by layer name, and the last layer's output. */
function golden(workload: Awaited<ReturnType<typeof resolveWorkload>>): { levels: Map<string, Uint8Array>; last: GoldenOutput | undefined } {
  const levels = new Map<string, Uint8Array>();
  let last: GoldenOutput | undefined;
  for (const result of runGolden(workload)) {
    if (result.output.dtype === 'u1') levels.set(result.layer.spec.name, result.output.data);
    last = result.output;
  }
  return { levels, last };
}

/**
 * Measured on the first 100 images (upper bounds a little above the measurement): the fraction of levels per layer
 * (conv1, conv2, fc1) where hwgen's golden model differs from ORT, chained as imported and with each layer on ORT's
 * input; ORT's correct classes on the 500 images; hwgen's classes equal to ORT's, of the 100.
 */
const EXPECTED = {
  'qcfs_fmnist_t4.onnx': { T: 4, chained: [0.0025, 0.009, 0.022], isolated: [0.0025, 0.003, 0.003], correct: 458, agreeing: 100 },
  'qcfs_fmnist_t8.onnx': { T: 8, chained: [0.0035, 0.018, 0.035], isolated: [0.0035, 0.009, 0.0035], correct: 462, agreeing: 98 },
} as const;

describe('hwgen import against ONNX Runtime (examples/models)', () => {
  it.each(Object.entries(EXPECTED))('%s: hwgen\'s integer levels are ORT\'s QCFS outputs but for a few levels one apart; the classes agree', async (file, expected) => {
    const modelFile = join(MODELS, file);
    const images = (await readNpy(join(MODELS, 'test_images_500.npy'))).data as Uint8Array;
    const labels = (await readNpy(join(MODELS, 'test_labels_500.npy'))).data as Int32Array;
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-onnxruntime-'));
    try {
      const { network } = await importOnnx(modelFile, { out: dir });
      const layers = network.layers.filter((layer) => layer.qcfs !== undefined);
      expect(layers.map((layer) => [layer.name, layer.qcfs?.T])).toEqual([['conv1', expected.T], ['conv2', expected.T], ['fc1', expected.T]]);

      // ORT on all 500 images in one run; the probes added to the graph outputs leave the logits as they are.
      const { model, probes } = withProbes(new Uint8Array(await readFile(modelFile)), layers);
      const [logits = new Float32Array(), ...probed] = await runOrt(model, images, ['logits', ...probes.flatMap((p) => [p.output, p.input])]);
      expect(logits).toEqual((await runOrt(modelFile, images, ['logits']))[0]);
      const ortClasses = Array.from({ length: ALL }, (_, n) => argmax(logits, n * 10, 10));
      expect(ortClasses.filter((c, n) => c === labels[n]).length).toBe(expected.correct);

      // ORT's values as levels: each QCFS output (level·λ/T), each layer's input (the layer before's, pooled; for
      // conv1 the pixels / 255). Each is a level up to float32 rounding.
      const ort = layers.map((layer, i) => {
        const qcfs = layer.qcfs as Qcfs;
        const before = layers[i - 1]?.qcfs;
        const output = asLevels(probed[2 * i] as Float32Array, qcfs.outScale, qcfs.T, layer.kind === 'gemm');
        const input = asLevels(probed[2 * i + 1] as Float32Array, before?.outScale ?? network.inputScale, before?.T ?? 255, layer.kind === 'gemm');
        expect(Math.max(output.worst, input.worst), layer.name).toBeLessThan(1e-3);
        return { output: output.levels, input: input.levels };
      });
      expect(ort[0]?.input).toEqual(images.subarray(0, SAMPLE * PIXELS));

      // hwgen's float64 reference of the float network gives ORT's float32 levels (none differ, measured on 100).
      const float64 = floatLevels(network, images, FLOAT64_SAMPLE);
      layers.forEach((layer, i) => {
        const levels = asLevels(probed[2 * i] as Float32Array, layer.qcfs?.outScale ?? 1, layer.qcfs?.T ?? 0, layer.kind === 'gemm', FLOAT64_SAMPLE).levels;
        expect(compare(levels, float64[network.layers.indexOf(layer)]).fraction, `${layer.name} float64`).toBeLessThan(1e-4);
      });

      // hwgen's golden model on the sample, chained as imported, and with each layer after conv1 taking ORT's input
      // (so that only its own quantisation differs from ORT).
      const imported = await loadManifestFile(join(dir, 'workload.yaml'));
      await writeFile(join(dir, 'ort-images.npy'), encodeNpy(tensorOf('u1', [SAMPLE, 1, 28, 28], images.slice(0, SAMPLE * PIXELS))));
      const [first, ...rest] = imported.manifest.layers;
      if (first === undefined) throw new Error('the import has no layers');
      const chainedManifest: LoadedManifest = { ...imported, manifest: { ...imported.manifest, layers: [{ ...first, input: 'ort-images.npy' }, ...rest] } };
      const isolatedLayers = await Promise.all(chainedManifest.manifest.layers.map(async (spec) => {
        const i = layers.findIndex((layer) => layer.name === spec.name);
        const input = ort[i]?.input;
        if (i < 1 || input === undefined) return spec;
        const shape = spec.kind === 'gemm' ? [input.length / SAMPLE, SAMPLE] : [SAMPLE, ...(layers[i]?.inputShape ?? [])];
        await writeFile(join(dir, `${spec.name}.ort-input.npy`), encodeNpy(tensorOf('u1', shape, input)));
        return { ...spec, input: `${spec.name}.ort-input.npy`, inLevels: layers[i - 1]?.qcfs?.T };
      }));
      const chained = golden(await resolveWorkload(chainedManifest));
      const isolated = golden(await resolveWorkload({ ...chainedManifest, manifest: { ...chainedManifest.manifest, layers: isolatedLayers } }));
      layers.forEach((layer, i) => {
        const levels = ort[i]?.output ?? new Uint8Array();
        const mine = compare(levels, chained.levels.get(layer.name));
        const own = compare(levels, isolated.levels.get(layer.name));
        expect(mine.fraction, `${layer.name} chained`).toBeLessThan(expected.chained[i] ?? 0);
        expect(own.fraction, `${layer.name} on ORT's input`).toBeLessThan(expected.isolated[i] ?? 0);
        // A level that differs on ORT's input differs by one; chained, one layer's differences add to the next's.
        expect(own.largest, `${layer.name} on ORT's input`).toBe(1);
        expect(mine.largest, `${layer.name} chained`).toBeLessThanOrEqual(expected.T === 4 ? 2 : 3);
      });

      const classes = await hwgenClasses(dir, chained.last ?? { dtype: 'none', shape: [], data: [] });
      expect(classes).toHaveLength(SAMPLE);
      expect(classes.filter((c, n) => c === ortClasses[n]).length).toBeGreaterThanOrEqual(expected.agreeing);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('ORT gives the alternative QCFS op order (qcfs_fmnist_t4_alt.onnx) the same logits as Bu et al.\'s', async () => {
    const images = (await readNpy(join(MODELS, 'test_images_500.npy'))).data as Uint8Array;
    const [bu] = await runOrt(join(MODELS, 'qcfs_fmnist_t4.onnx'), images, ['logits']);
    const [alt] = await runOrt(join(MODELS, 'qcfs_fmnist_t4_alt.onnx'), images, ['logits']);
    expect(alt).toEqual(bu);
  });
});
