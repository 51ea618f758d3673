/**
 * `hwgen import MODEL.onnx --out DIR`: a QCFS network in ONNX to an hwgen workload.
 *
 * DIR (written through a temporary sibling, so it appears whole or not at all) holds `workload.yaml`, per layer
 * `<name>.w.npy` (int8), `<name>.b.npy` and `<name>.theta.npy` (int32), `input.npy` when calibration images are given,
 * and `import.json` with every layer's λ, T, scales and quantisation errors. A final layer without QCFS (the
 * classifier) becomes a layer with `output: accumulator`: its int32 logits `acc + b` are the float logits divided by
 * its `logitScales` (import.json), so their argmax is the class.
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
import { floatReference } from './float-reference.ts';
import { argmaxClasses, countEqual } from '../golden/classes.ts';
import { readOnnxGraph } from './onnx-graph.ts';
import { type QuantisedLayer, quantiseLayer } from './quantise.ts';
import { type RecognisedNetwork, recogniseNetwork } from './recognise.ts';

export interface ImportOptions {
  readonly out: string;
  /** uint8 calibration images `[B,C,H,W]` (`[B,K]` for a network that starts with a Gemm); also the workload's input. */
  readonly images?: string;
  /** The graph output to import up to (default: the first). */
  readonly output?: string;
}

export interface LayerMismatch {
  readonly levels: number;
  readonly differing: number;
  readonly fraction: number;
}

/** How often the integer logits' argmax equals the float network's, on the calibration images. */
export interface ClassAgreement {
  readonly images: number;
  readonly agreeing: number;
}

export interface ImportResult {
  readonly network: RecognisedNetwork;
  readonly layers: readonly QuantisedLayer[];
  /** The final layer without QCFS, imported as `output: accumulator`. */
  readonly classifier: QuantisedLayer | undefined;
  readonly mismatches: readonly LayerMismatch[] | undefined;
  readonly classes: ClassAgreement | undefined;
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

function manifestOf(name: string, layers: readonly QuantisedLayer[], classifier: QuantisedLayer | undefined, input: TensorSource): WorkloadManifestInput {
  const all = classifier === undefined ? layers : [...layers, classifier];
  return {
    name,
    description: `imported from ${name}.onnx by hwgen import${classifier === undefined ? '' : ` (${classifier.layer.name}: logits, see import.json for their scales)`}`,
    layers: all.map((q, index) => {
      const l = q.layer;
      const output = l.qcfs === undefined
        ? { output: 'accumulator' as const }
        : { T: l.qcfs.T, theta: `${l.name}.theta.npy` };
      const common = { name: l.name, ...(index === 0 ? { inLevels: 255, input } : {}), weights: `${l.name}.w.npy`, bias: `${l.name}.b.npy`, ...output };
      return l.kind === 'conv2d'
        ? { ...common, kind: 'conv2d' as const, stride: l.stride, padding: l.padding, ...(l.pool === undefined ? {} : { pool: { size: l.pool.size, stride: l.pool.stride } }) }
        : { ...common, kind: 'gemm' as const };
    }),
  };
}

/** The float value of each int32 logit of an `[M, B]` matrix: z·logitScale[m] (all equal unless QDQ scales differ). */
function scaledLogits(logits: ArrayLike<number>, classifier: QuantisedLayer | undefined): Float64Array {
  const scales = classifier?.weightScales;
  const B = scales === undefined ? 1 : logits.length / scales.length;
  return Float64Array.from({ length: logits.length }, (_, i) => (logits[i] ?? 0) * (scales?.[Math.floor(i / B)] ?? 1));
}

function classAgreement(integer: ArrayLike<number>, float: ArrayLike<number>, M: number, B: number): ClassAgreement {
  return { images: B, agreeing: countEqual(argmaxClasses(integer, M, B), argmaxClasses(float, M, B)) };
}

export async function importOnnx(modelFile: string, options: ImportOptions): Promise<ImportResult> {
  const graph = readOnnxGraph(modelFile, await readModelBytes(modelFile));
  const network = recogniseNetwork(graph, options.output);
  const layers: QuantisedLayer[] = [];
  let scale = network.inputScale;
  for (const layer of network.layers) {
    layers.push(quantiseLayer(modelFile, layer, scale));
    scale = layer.qcfs?.outScale ?? 1;
  }
  const classifier = network.classifier === undefined ? undefined : quantiseLayer(modelFile, network.classifier, scale, true);
  const images = options.images === undefined ? undefined : await readImages(options.images, network);
  const first = network.layers[0];
  const name = basename(modelFile).replace(/\.onnx$/i, '') || 'imported';

  const inputs = options.images === undefined ? [modelFile] : [modelFile, options.images];
  return writeDirAtomically(options.out, { command: 'import', inputs }, async (dir) => {
    for (const q of classifier === undefined ? layers : [...layers, classifier]) {
      await writeFile(join(dir, `${q.layer.name}.w.npy`), encodeNpy(tensorOf('i1', q.layer.weightShape, q.weights)));
      await writeFile(join(dir, `${q.layer.name}.b.npy`), encodeNpy(tensorOf('i4', [q.bias.length], q.bias)));
      if (q.theta !== undefined) await writeFile(join(dir, `${q.layer.name}.theta.npy`), encodeNpy(tensorOf('i4', [q.bias.length], q.theta)));
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
    await writeFile(manifestFile, `# written by hwgen import from ${basename(modelFile)}\n${stringify(manifestOf(name, layers, classifier, input))}`);
    // The written workload must resolve; with images, run it and count the levels that differ from the float network.
    const workload = await resolveWorkload(await loadManifestFile(manifestFile));
    let mismatches: LayerMismatch[] | undefined;
    let classes: ClassAgreement | undefined;
    if (images !== undefined) {
      const reference = floatReference(network, images.data, images.count);
      mismatches = [];
      for (const result of runGolden(workload)) {
        const expected = reference.levels[result.layer.index];
        if (expected === undefined) {
          if (reference.logits !== undefined && result.layer.spec.kind === 'gemm') classes = classAgreement(scaledLogits(result.output.data, classifier), reference.logits, result.gemm.M, result.gemm.N);
          continue;
        }
        let differing = 0;
        result.output.data.forEach((level, i) => (differing += level === expected[i] ? 0 : 1));
        mismatches.push({ levels: expected.length, differing, fraction: expected.length === 0 ? 0 : differing / expected.length });
      }
    }
    const classifierReport = classifier === undefined ? [] : [{
      ...layerReport(classifier, undefined),
      output: 'accumulator',
      logitScales: Array.from(classifier.weightScales, (s) => s * classifier.inputScale),
      ...(classes === undefined ? {} : { classAgreement: classes }),
      note: 'int32 logits z[m] = Σ_k w[m,k]·x[k] + b[m]; the float logit is logitScales[m]·z[m], and argmax_m z[m] is the class (with per-channel scales, compare the scaled values).',
    }];
    const report = {
      generator: 'hwgen import',
      model: modelFile,
      opset: graph.opset,
      input: { name: graph.inputName, shape: network.inputShape, inLevels: 255, scale: network.inputScale, scaleNode: network.inputScaleNode ?? null, calibrationImages: images?.count ?? 0 },
      quantisation: 'per output channel: s_w = max|w|/127, w = round(w/s_w); s_x = λ_prev/T_prev (input scale for the first layer); b = round(b/(s_w·s_x)); θ = round(λ/(s_w·s_x·T)) clamped to 1..2^24. The integer QCFS then gives the float levels up to these roundings.',
      layers: [...layers.map((q, i) => layerReport(q, mismatches?.[i])), ...classifierReport],
    };
    await writeFile(join(dir, 'import.json'), `${JSON.stringify(report, null, 2)}\n`);
    const lines = layers.map((q, i) => layerLine(q, mismatches?.[i]));
    if (classifier !== undefined) {
      const agreement = classes === undefined ? '' : `, classes agree with the float network on ${classes.agreeing} of ${classes.images} images`;
      lines.push(`${layerLine(classifier, undefined)}: logits (output: accumulator), weight error ${classifier.exact ? '0 (QDQ int8 read exactly)' : percent(classifier.weightError)}${agreement}`);
    }
    return { network, layers, classifier, mismatches, classes, report, lines };
  });
}

