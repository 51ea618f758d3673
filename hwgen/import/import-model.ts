/**
 * `hwgen import MODEL.onnx --out DIR`: a QCFS network in ONNX to an hwgen workload.
 *
 * DIR (written through a temporary sibling, so it appears whole or not at all) holds `workload.yaml`, per layer
 * `<name>.w.npy` (int8), `<name>.b.npy` and `<name>.theta.npy` (int32), `input.npy` when calibration images are given,
 * `classifier.w.npy` / `classifier.b.npy` for the final layer without QCFS (hwgen cannot output logits yet, so the
 * workload stops before it), and `import.json` with every layer's λ, T, scales and quantisation errors.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../errors.ts';
import { runGolden } from '../flows/golden.ts';
import { encodeNpy, readNpy } from '../tensor/npy.ts';
import { shapeText, tensorOf } from '../tensor/tensor.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { loadManifestFile } from '../workload/load-manifest.ts';
import type { TensorSource, WorkloadManifestInput } from '../workload/manifest-schema.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { floatLevels } from './float-reference.ts';
import { readOnnxGraph } from './onnx-graph.ts';
import { type QuantisedLayer, quantiseLayer } from './quantise.ts';
import { type RecognisedNetwork, recogniseNetwork } from './recognise.ts';

export interface ImportOptions {
  readonly out: string;
  /** uint8 calibration images `[B,C,H,W]` (`[B,K]` for a network that starts with a Gemm); also the workload's input. */
  readonly images?: string;
}

export interface LayerMismatch {
  readonly levels: number;
  readonly differing: number;
  readonly fraction: number;
}

export interface ImportResult {
  readonly network: RecognisedNetwork;
  readonly layers: readonly QuantisedLayer[];
  readonly classifier: QuantisedLayer | undefined;
  readonly mismatches: readonly LayerMismatch[] | undefined;
  readonly report: unknown;
  /** One line per layer, and one for the classifier. */
  readonly lines: readonly string[];
}

async function readModelBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? String(error)})`);
  }
}

async function readImages(file: string, network: RecognisedNetwork): Promise<{ data: Uint8Array; count: number }> {
  const tensor = await readNpy(file);
  if (tensor.dtype !== 'u1') throw new InputError(file, 'descr', `found ${tensor.dtype}, expected |u1 (uint8 pixels)`);
  const expected = network.inputShape;
  const shape = tensor.shape.length === expected.length ? [1, ...tensor.shape] : [...tensor.shape];
  if (shape.length !== expected.length + 1 || shape.slice(1).some((dim, i) => dim !== expected[i])) {
    throw new InputError(file, 'shape', `found ${shapeText(tensor.shape)}, expected [B, ${expected.join(', ')}] (the model's input)`);
  }
  return { data: tensor.data as Uint8Array, count: shape[0] ?? 1 };
}

function range(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i] ?? 0);
    hi = Math.max(hi, values[i] ?? 0);
  }
  return [lo, hi];
}

function percent(x: number): string {
  if (x > 0 && x < 1e-4) return `${(100 * x).toExponential(1)}%`;
  return `${(100 * x).toFixed(2)}%`;
}

function layerLine(q: QuantisedLayer, mismatch: LayerMismatch | undefined): string {
  const l = q.layer;
  const geometry = l.kind === 'conv2d' ? ` stride ${l.stride} pad ${l.padding}${l.pool === undefined ? '' : ` pool ${l.pool.size}/${l.pool.stride}`}` : '';
  const [tLo, tHi] = q.theta === undefined ? [0, 0] : range(q.theta);
  const qcfs = l.qcfs;
  const head = `${l.name}: ${l.kind} ${shapeText(l.weightShape)}${geometry} <- ${l.op} ${l.node}`;
  if (qcfs === undefined) return head;
  const levels = mismatch === undefined ? '' : `, levels differing ${percent(mismatch.fraction)} of ${mismatch.levels}`;
  const clamped = q.thetaClamped > 0 ? `, ${q.thetaClamped} θ clamped to 1..2^24` : '';
  return `${head}, T=${qcfs.T} λ=${qcfs.lambda.toPrecision(6)} θ ${tLo}..${tHi}, weight error ${q.exact ? '0 (QDQ int8 read exactly)' : percent(q.weightError)}, θ rounding ${percent(q.thetaError)}${levels}${clamped}`;
}

function layerReport(q: QuantisedLayer, mismatch: LayerMismatch | undefined): Record<string, unknown> {
  const l = q.layer;
  return {
    name: l.name, node: l.node, op: l.op, kind: l.kind,
    inputShape: l.inputShape, weightShape: l.weightShape, outputShape: l.outputShape,
    ...(l.kind === 'conv2d' ? { stride: l.stride, padding: l.padding, pool: l.pool ?? null } : {}),
    ...(l.qcfs === undefined ? {} : { T: l.qcfs.T, lambda: l.qcfs.lambda, outputScale: l.qcfs.outScale, qcfsNodes: l.qcfs.nodes }),
    inputScale: q.inputScale,
    weightScales: Array.from(q.weightScales),
    exactWeights: q.exact,
    ...(q.theta === undefined ? {} : { thetaRange: range(q.theta), thetaClamped: q.thetaClamped }),
    biasRange: range(q.bias),
    quantisationError: {
      weightMaxRelative: q.weightError,
      thetaMaxRelative: q.theta === undefined ? null : q.thetaError,
      biasMaxSteps: q.biasError,
      ...(mismatch === undefined ? {} : { levels: mismatch.levels, levelsDiffering: mismatch.differing, levelsDifferingFraction: mismatch.fraction }),
    },
  };
}

function manifestOf(name: string, network: RecognisedNetwork, layers: readonly QuantisedLayer[], input: TensorSource): WorkloadManifestInput {
  return {
    name,
    description: `imported from ${name}.onnx by hwgen import (QCFS layers; the final classifier is in classifier.w.npy, see import.json)`,
    layers: layers.map((q, index) => {
      const l = q.layer;
      const common = {
        name: l.name, T: l.qcfs?.T ?? 1, ...(index === 0 ? { inLevels: 255, input } : {}),
        weights: `${l.name}.w.npy`, bias: `${l.name}.b.npy`, theta: `${l.name}.theta.npy`,
      };
      return l.kind === 'conv2d'
        ? { ...common, kind: 'conv2d' as const, stride: l.stride, padding: l.padding, ...(l.pool === undefined ? {} : { pool: { size: l.pool.size, stride: l.pool.stride } }) }
        : { ...common, kind: 'gemm' as const };
    }),
  };
}

export async function importOnnx(modelFile: string, options: ImportOptions): Promise<ImportResult> {
  const graph = readOnnxGraph(modelFile, await readModelBytes(modelFile));
  const network = recogniseNetwork(graph);
  const layers: QuantisedLayer[] = [];
  let scale = network.inputScale;
  for (const layer of network.layers) {
    layers.push(quantiseLayer(modelFile, layer, scale));
    scale = layer.qcfs?.outScale ?? 1;
  }
  const classifier = network.classifier === undefined ? undefined : quantiseLayer(modelFile, network.classifier, scale);
  const images = options.images === undefined ? undefined : await readImages(options.images, network);
  const first = network.layers[0];
  const name = basename(modelFile).replace(/\.onnx$/i, '') || 'imported';

  return writeDirAtomically(options.out, async (dir) => {
    for (const q of layers) {
      await writeFile(join(dir, `${q.layer.name}.w.npy`), encodeNpy(tensorOf('i1', q.layer.weightShape, q.weights)));
      await writeFile(join(dir, `${q.layer.name}.b.npy`), encodeNpy(tensorOf('i4', [q.bias.length], q.bias)));
      await writeFile(join(dir, `${q.layer.name}.theta.npy`), encodeNpy(tensorOf('i4', [q.bias.length], q.theta ?? new Int32Array(q.bias.length))));
    }
    let input: TensorSource;
    if (images !== undefined && first !== undefined) {
      input = 'input.npy';
      let data = images.data;
      let shape = [images.count, ...network.inputShape];
      if (first.kind === 'gemm') {
        const K = network.inputShape[0] ?? 0;
        data = new Uint8Array(data.length);
        for (let b = 0; b < images.count; b++) for (let k = 0; k < K; k++) data[k * images.count + b] = images.data[b * K + k] ?? 0;
        shape = [K, images.count];
      }
      await writeFile(join(dir, input), encodeNpy(tensorOf('u1', shape, data)));
    } else {
      const shape = first?.kind === 'gemm' ? [network.inputShape[0] ?? 1, 1] : [...network.inputShape];
      input = { synthetic: { shape, density: 1, values: 'uniform', pattern: 'uniform', seed: 0 } };
    }
    const manifestFile = join(dir, 'workload.yaml');
    await writeFile(manifestFile, `# written by hwgen import from ${basename(modelFile)}\n${stringify(manifestOf(name, network, layers, input))}`);
    // The written workload must resolve; with images, run it and count the levels that differ from the float network.
    const workload = await resolveWorkload(await loadManifestFile(manifestFile));
    let mismatches: LayerMismatch[] | undefined;
    if (images !== undefined) {
      const reference = floatLevels(network, images.data, images.count);
      mismatches = [];
      for (const result of runGolden(workload)) {
        const expected = reference[result.layer.index] as Uint8Array;
        let differing = 0;
        result.output.data.forEach((level, i) => (differing += level === expected[i] ? 0 : 1));
        mismatches.push({ levels: expected.length, differing, fraction: expected.length === 0 ? 0 : differing / expected.length });
      }
    }
    let classifierReport: Record<string, unknown> | null = null;
    if (classifier !== undefined) {
      await writeFile(join(dir, 'classifier.w.npy'), encodeNpy(tensorOf('i1', classifier.layer.weightShape, classifier.weights)));
      await writeFile(join(dir, 'classifier.b.npy'), encodeNpy(tensorOf('i4', [classifier.bias.length], classifier.bias)));
      classifierReport = {
        ...layerReport(classifier, undefined),
        weights: 'classifier.w.npy', bias: 'classifier.b.npy',
        note: 'The final layer has no QCFS activation and hwgen cannot output logits yet, so the workload stops before it. ' +
          'logits[m] ≈ weightScales[m]·inputScale·(Σ_k w[m,k]·x[k] + b[m]) with x the last layer\'s output levels.',
      };
    }
    const report = {
      generator: 'hwgen import',
      model: modelFile,
      opset: graph.opset,
      input: { name: graph.inputName, shape: network.inputShape, inLevels: 255, scale: network.inputScale, scaleNode: network.inputScaleNode ?? null, calibrationImages: images?.count ?? 0 },
      quantisation: 'per output channel: s_w = max|w|/127, w = round(w/s_w); s_x = λ_prev/T_prev (input scale for the first layer); b = round(b/(s_w·s_x)); θ = round(λ/(s_w·s_x·T)) clamped to 1..2^24. The integer QCFS then gives the float levels up to these roundings.',
      layers: layers.map((q, i) => layerReport(q, mismatches?.[i])),
      classifier: classifierReport,
    };
    await writeFile(join(dir, 'import.json'), `${JSON.stringify(report, null, 2)}\n`);
    const lines = layers.map((q, i) => layerLine(q, mismatches?.[i]));
    if (classifier !== undefined) {
      lines.push(`${layerLine(classifier, undefined)}: final classifier without QCFS, not in the workload (hwgen cannot output logits yet); written to classifier.w.npy / classifier.b.npy, scales in import.json`);
    }
    return { network, layers, classifier, mismatches, report, lines };
  });
}

