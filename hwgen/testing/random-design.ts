/**
 * Random valid designs for property tests (docs/simulation.md, "Random designs"): from one seed, a small accelerator
 * config and a workload of 1–3 gemm or conv2d layers it can run, written as a config YAML, a manifest YAML and .npy
 * tensors. The workload is drawn first and the config around it (limits just above what the layers need), so a
 * draw is valid by construction almost always; the real loaders and the sim command's refusal check then decide,
 * and a refused draw is redrawn from a seed derived from the same one, so a seed always names the same design.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { requiredAccumulatorBits } from '../config/accumulator.ts';
import { acceleratorFrom } from '../config/load-config.ts';
import type { AcceleratorConfigInput } from '../config/schema.ts';
import { refuseLayersTheDesignCannotRun } from '../cost/layer-limits.ts';
import { InputError } from '../errors.ts';
import type { SimResultJson } from '../flows/write-sim.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import { encodeNpy } from '../tensor/npy.ts';
import { type DType, type DTypeData, elementCount, tensorOf } from '../tensor/tensor.ts';
import { Rng, deriveSeed } from '../util/rng.ts';
import { loadManifestFile } from '../workload/load-manifest.ts';
import type { WorkloadManifestInput } from '../workload/manifest-schema.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { convOutputSize } from '../workload/shapes.ts';
import { checkGeneratedModule } from '../../sim/checks.ts';

type LayerSpecInput = WorkloadManifestInput['layers'][number];

interface TensorFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** What a layer passes on to the next, for chaining: its kind, output shape (after pooling) and levels. */
interface Passed {
  readonly kind: 'gemm' | 'conv2d';
  /** `[M,N]` for gemm; `[M,Ho,Wo]` or `[B,M,Ho,Wo]` for conv2d. */
  readonly shape: readonly number[];
  /** Its T, or undefined for logits, which no layer may take. */
  readonly T: number | undefined;
}

/** The most a drawn layer needs of the config's limits. */
interface Needs {
  readonly K: number;
  readonly M: number;
  readonly inLevels: number;
  readonly biasAbs: number;
  readonly theta: number;
}

interface DrawnLayer {
  readonly spec: LayerSpecInput;
  readonly tensors: readonly TensorFile[];
  readonly passed: Passed;
  readonly needs: Needs;
  /** `c1 conv2d M3 K18 N16 T5 chained`, for the one-line summary. */
  readonly summary: string;
}

interface DrawnWorkload {
  readonly manifest: WorkloadManifestInput;
  readonly tensors: readonly TensorFile[];
  readonly needs: Needs;
  readonly summary: string;
}

export interface RandomDesign {
  /** The seed asked for; `drawSeed` is the one that gave this design (the same unless a draw was refused). */
  readonly seed: number;
  readonly drawSeed: number;
  readonly dir: string;
  readonly configFile: string;
  readonly manifestFile: string;
  readonly config: AcceleratorConfigInput;
  readonly manifest: WorkloadManifestInput;
  /** `ann 1×3×4, snn 2×5 shiftAdd, buffers …; layers …`: enough to recognise the design in a log. */
  readonly summary: string;
}

const CONFIG_FILE = 'config.yaml';
const MANIFEST_FILE = 'workload.yaml';
/** Refused draws are rare (a buffer too small for every kind of core); this many in a row would be a generator bug. */
const MAX_DRAWS = 100;

function npy<D extends DType>(name: string, dtype: D, shape: readonly number[], data: DTypeData[D]): TensorFile {
  return { name, bytes: encodeNpy(tensorOf(dtype, shape, data)) };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.nextInt(0, items.length - 1)] as T;
}

function chance(rng: Rng, p: number): boolean {
  return rng.nextFloat() < p;
}

/** Levels 0..inLevels at a random density, so that some columns are sparse and some SNN event lists empty. */
function randomLevels(rng: Rng, shape: readonly number[], inLevels: number): Uint8Array {
  const density = rng.nextFloat();
  return Uint8Array.from({ length: elementCount(shape) }, () => (rng.nextFloat() < density ? rng.nextInt(1, inLevels) : 0));
}

/** A level count (Tin or T): mostly 1..15, now and then up to 255, where an SNN core spends many cycles on one event. */
function drawLevelCount(rng: Rng): number {
  return chance(rng, 0.1) ? rng.nextInt(16, 255) : rng.nextInt(1, 15);
}

function maxAbs(values: readonly number[]): number {
  return values.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0);
}

/** Weights as an .npy file, or now and then a synthetic generator, so that both sources are exercised. */
function drawWeights(rng: Rng, name: string, shape: readonly number[]): { source: LayerSpecInput['weights']; tensors: TensorFile[] } {
  if (chance(rng, 0.25)) return { source: { synthetic: { shape: [...shape], seed: rng.nextInt(0, 1000) } }, tensors: [] };
  const data = Int8Array.from({ length: elementCount(shape) }, () => rng.nextInt(-128, 127));
  return { source: `${name}.w.npy`, tensors: [npy(`${name}.w.npy`, 'i1', shape, data)] };
}

/** A per-channel int32 vector: left out (bias only), one integer for every channel, or an [M] .npy. */
function drawChannelValues(rng: Rng, file: string, M: number, lo: number, hi: number, optional: boolean) {
  const form = rng.nextInt(optional ? 0 : 1, 2);
  if (form === 0) return { source: undefined, values: [0], tensors: [] };
  if (form === 1) {
    const value = rng.nextInt(lo, hi);
    return { source: value, values: [value], tensors: [] };
  }
  const values = Array.from({ length: M }, () => rng.nextInt(lo, hi));
  return { source: file, values, tensors: [npy(file, 'i4', [M], Int32Array.from(values))] };
}

/** The input of a layer that names its own: `[K,N]` for gemm, `[C,H,W]` or a batch of two for conv2d. */
function drawOwnInput(rng: Rng, name: string, kind: Passed['kind'], inLevels: number): { shape: number[]; tensors: TensorFile[] } {
  const shape = kind === 'gemm' ? [rng.nextInt(1, 12), rng.nextInt(1, 8)] : [...(chance(rng, 0.2) ? [2] : []), rng.nextInt(1, 3), rng.nextInt(2, 5), rng.nextInt(2, 5)];
  return { shape, tensors: [npy(`${name}.x.npy`, 'u1', shape, randomLevels(rng, shape, inLevels))] };
}

/** A gemm's K and N from its input: its own `[K,N]`, a gemm's `[M,N]`, or a conv's feature maps flattened (one column an image). */
function gemmInputDims(input: readonly number[], from: Passed['kind'] | 'own'): [number, number] {
  if (from !== 'conv2d') return [input[0] ?? 1, input[1] ?? 1];
  const images = input.length === 4 ? (input[0] ?? 1) : 1;
  return [elementCount(input) / images, images];
}

interface ConvGeometry {
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly padding: number;
  readonly Ho: number;
  readonly Wo: number;
}

/** A kernel of 1..3 that fits the (padded) input, a stride of 1 or 2, padding 0 or 1. */
function drawConvGeometry(rng: Rng, H: number, W: number): ConvGeometry {
  const padding = rng.nextInt(0, 1);
  const stride = rng.nextInt(1, 2);
  const kh = rng.nextInt(1, Math.min(3, H + 2 * padding));
  const kw = rng.nextInt(1, Math.min(3, W + 2 * padding));
  return { kh, kw, stride, padding, Ho: convOutputSize(H, kh, stride, padding), Wo: convOutputSize(W, kw, stride, padding) };
}

/** The kind of a layer: a chained one must accept what comes in (a conv2d cannot take a gemm's [M,N]). */
function drawKind(rng: Rng, upstream: Passed | undefined): Passed['kind'] {
  if (upstream?.kind === 'gemm') return 'gemm';
  return chance(rng, 0.5) ? 'gemm' : 'conv2d';
}

/** Output fields: levels (T, θ) or, for the last layer now and then, int32 logits. */
function drawOutput(rng: Rng, name: string, M: number, last: boolean) {
  if (last && chance(rng, 0.2)) return { fields: { output: 'accumulator' as const }, T: undefined, theta: 1, tensors: [] };
  const T = drawLevelCount(rng);
  const theta = drawChannelValues(rng, `${name}.theta.npy`, M, 1, 600, false);
  return { fields: { T, theta: theta.source }, T, theta: maxAbs(theta.values), tensors: theta.tensors };
}

/** What a gemm and a conv2d layer draw alike: the input (own or chained), M, bias and the output fields. */
interface LayerStart {
  readonly name: string;
  readonly kind: Passed['kind'];
  /** The kind of the layer whose output this one takes, or undefined when it names its own input. */
  readonly chainedFrom: Passed['kind'] | undefined;
  /** `[K,N]`, `[C,H,W]` or `[B,C,H,W]` as the layer receives it. */
  readonly input: readonly number[];
  readonly M: number;
  readonly fields: Omit<LayerSpecInput, 'kind' | 'weights'>;
  readonly tensors: readonly TensorFile[];
  /** T, or undefined for logits. */
  readonly T: number | undefined;
  readonly needsOf: (K: number) => Needs;
}

function drawLayerStart(rng: Rng, index: number, upstream: Passed | undefined, last: boolean): LayerStart {
  const name = `l${index}`;
  const chained = upstream !== undefined && upstream.T !== undefined && chance(rng, 0.6);
  const kind = drawKind(rng, chained ? upstream : undefined);
  const inLevels = chained ? (upstream.T ?? 1) : drawLevelCount(rng);
  const own = chained ? undefined : drawOwnInput(rng, name, kind, inLevels);
  const M = rng.nextInt(1, kind === 'gemm' ? 8 : 4);
  const bias = drawChannelValues(rng, `${name}.b.npy`, M, -400, 400, true);
  const output = drawOutput(rng, name, M, last);
  return {
    name, kind, M, T: output.T,
    chainedFrom: chained ? upstream.kind : undefined,
    input: own?.shape ?? upstream?.shape ?? [],
    fields: { name, ...(chained ? {} : { inLevels, input: `${name}.x.npy` }), ...(bias.source === undefined ? {} : { bias: bias.source }), ...output.fields },
    tensors: [...(own?.tensors ?? []), ...bias.tensors, ...output.tensors],
    needsOf: (K) => ({ K, M, inLevels, biasAbs: maxAbs(bias.values), theta: output.theta }),
  };
}

function layerSummary(start: LayerStart, shape: string): string {
  return `${start.name} ${start.kind} ${shape}${start.chainedFrom === undefined ? '' : ' chained'}${start.T === undefined ? ' logits' : ''}`;
}

function finishGemm(rng: Rng, start: LayerStart): DrawnLayer {
  const { name, M, T } = start;
  const [K, N] = gemmInputDims(start.input, start.chainedFrom ?? 'own');
  const weights = drawWeights(rng, name, [M, K]);
  return {
    spec: { ...start.fields, kind: 'gemm', weights: weights.source },
    tensors: [...start.tensors, ...weights.tensors],
    passed: { kind: 'gemm', shape: [M, N], T },
    needs: start.needsOf(K),
    summary: layerSummary(start, `M${M} K${K} N${N}`),
  };
}

function finishConv(rng: Rng, start: LayerStart): DrawnLayer {
  const { name, M, T } = start;
  const images = start.input.length === 4 ? [start.input[0] ?? 1] : [];
  const [C = 1, H = 1, W = 1] = start.input.slice(-3);
  const g = drawConvGeometry(rng, H, W);
  // Pooling needs levels (logits take none) and a 2×2 window that fits.
  const pool = T !== undefined && g.Ho >= 2 && g.Wo >= 2 && chance(rng, 0.3);
  const weights = drawWeights(rng, name, [M, C, g.kh, g.kw]);
  const passedShape = pool ? [M, Math.floor(g.Ho / 2), Math.floor(g.Wo / 2)] : [M, g.Ho, g.Wo];
  const K = C * g.kh * g.kw;
  const N = (images[0] ?? 1) * g.Ho * g.Wo;
  return {
    spec: { ...start.fields, kind: 'conv2d', weights: weights.source, stride: g.stride, padding: g.padding, ...(pool ? { pool: { size: 2 } } : {}) },
    tensors: [...start.tensors, ...weights.tensors],
    passed: { kind: 'conv2d', shape: [...images, ...passedShape], T },
    needs: start.needsOf(K),
    summary: layerSummary(start, `M${M} K${K} N${N}${pool ? ' pool' : ''}`),
  };
}

function drawLayer(rng: Rng, index: number, upstream: Passed | undefined, last: boolean): DrawnLayer {
  const start = drawLayerStart(rng, index, upstream, last);
  return start.kind === 'gemm' ? finishGemm(rng, start) : finishConv(rng, start);
}

function largestNeeds(layers: readonly Needs[]): Needs {
  const most = (key: keyof Needs) => Math.max(...layers.map((needs) => needs[key]));
  return { K: most('K'), M: most('M'), inLevels: most('inLevels'), biasAbs: most('biasAbs'), theta: most('theta') };
}

function drawWorkload(rng: Rng, name: string): DrawnWorkload {
  const count = rng.nextInt(1, 3);
  const layers: DrawnLayer[] = [];
  for (let index = 0; index < count; index++) layers.push(drawLayer(rng, index, layers.at(-1)?.passed, index === count - 1));
  return {
    manifest: { name, layers: layers.map((layer) => layer.spec) },
    tensors: layers.flatMap((layer) => layer.tensors),
    needs: largestNeeds(layers.map((layer) => layer.needs)),
    summary: layers.map((layer) => layer.summary).join(', '),
  };
}

/** Limits a little above the workload's needs: the widths derived from them then differ from design to design. */
function drawLimits(rng: Rng, needs: Needs) {
  return {
    maxK: needs.K + rng.nextInt(0, 4),
    maxM: needs.M + rng.nextInt(0, 4),
    maxInLevels: Math.min(255, needs.inLevels + rng.nextInt(0, 3)),
    maxBiasAbs: needs.biasAbs + rng.nextInt(0, 100),
    maxTheta: needs.theta + rng.nextInt(0, 100),
  };
}

/** 0–2 ANN arrays and 0–2 SNN cores, at least one core in all, and small buffers so that the builds stay small. */
function drawConfig(rng: Rng, name: string, needs: Needs): AcceleratorConfigInput {
  const arrays = rng.nextInt(0, 2);
  const cores = rng.nextInt(arrays === 0 ? 1 : 0, 2);
  const limits = drawLimits(rng, needs);
  // Now and then an accumulator wider than needed, to exercise a declared width.
  const accumulator = chance(rng, 0.2) ? requiredAccumulatorBits(limits) + rng.nextInt(0, 3) : 'auto';
  return {
    name,
    ann: { arrays, rows: rng.nextInt(1, 8), cols: rng.nextInt(1, 8) },
    snn: { cores, lanes: rng.nextInt(1, 16), shiftAdd: chance(rng, 0.5) },
    limits,
    widths: { accumulator },
    buffers: {
      weightBytes: pick(rng, [64, 128, 256, 512]),
      activationBytes: pick(rng, [64, 128, 256]),
      outputBytes: pick(rng, [64, 128, 256]),
      scheduleEntries: rng.nextInt(2, 16),
      drainBytes: 2 ** rng.nextInt(0, 6),
    },
  };
}

function configSummary(config: AcceleratorConfigInput): string {
  const { ann = {}, snn = {}, buffers = {}, limits = {}, widths = {} } = config;
  const annText = ann.arrays === 0 ? 'no ann' : `ann ${ann.arrays}×${ann.rows}×${ann.cols}`;
  const snnText = snn.cores === 0 ? 'no snn' : `snn ${snn.cores}×${snn.lanes}${snn.shiftAdd === true ? ' shiftAdd' : ''}`;
  const bufferText = `w${buffers.weightBytes}/a${buffers.activationBytes}/o${buffers.outputBytes}/s${buffers.scheduleEntries}/d${buffers.drainBytes}`;
  const limitText = `K${limits.maxK} M${limits.maxM} Tin${limits.maxInLevels} b${limits.maxBiasAbs} θ${limits.maxTheta} acc ${widths.accumulator}`;
  return `${annText}, ${snnText}, buffers ${bufferText}, limits ${limitText}`;
}

async function writeDraw(dir: string, config: AcceleratorConfigInput, workload: DrawnWorkload): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, CONFIG_FILE), stringify(config));
  await writeFile(join(dir, MANIFEST_FILE), stringify(workload.manifest));
  await Promise.all(workload.tensors.map((tensor) => writeFile(join(dir, tensor.name), tensor.bytes)));
}

async function removeDraw(dir: string, workload: DrawnWorkload): Promise<void> {
  const names = [CONFIG_FILE, MANIFEST_FILE, ...workload.tensors.map((tensor) => tensor.name)];
  await Promise.all(names.map((name) => rm(join(dir, name), { force: true })));
}

/** Why the config loader, the workload loader or `hwgen sim`'s refusal check turns the draw down, or undefined. */
async function drawRefusal(dir: string, config: AcceleratorConfigInput): Promise<InputError | undefined> {
  try {
    const accelerator = acceleratorFrom(config, join(dir, CONFIG_FILE));
    const workload = await resolveWorkload(await loadManifestFile(join(dir, MANIFEST_FILE)));
    refuseLayersTheDesignCannotRun(accelerator, workload.layers);
    return undefined;
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
}

/**
 * The random design of `seed`, written into `dir` (created if missing) as config.yaml, workload.yaml and the
 * layers' .npy tensors. Deterministic: the same seed gives the same files.
 */
export async function randomDesign(seed: number, dir: string): Promise<RandomDesign> {
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const drawSeed = draw === 0 ? seed : deriveSeed(seed, 'redraw', draw);
    const rng = new Rng(drawSeed);
    const workload = drawWorkload(rng, `fuzz_${seed}`);
    const config = drawConfig(rng, `fuzz_${seed}`, workload.needs);
    await writeDraw(dir, config, workload);
    if ((await drawRefusal(dir, config)) === undefined) {
      const summary = `${configSummary(config)}; ${workload.summary}`;
      return { seed, drawSeed, dir, configFile: join(dir, CONFIG_FILE), manifestFile: join(dir, MANIFEST_FILE), config, manifest: workload.manifest, summary };
    }
    await removeDraw(dir, workload);
  }
  throw new Error(`randomDesign(${seed}): ${MAX_DRAWS} draws in a row were refused; the generator draws invalid designs`);
}

/** The static checks of every generated design on this one: lint clean, accepted by Icarus, synthesizable without latch. */
export async function checkRandomDesignRtl(design: RandomDesign, rtlDir: string): Promise<void> {
  await mkdir(rtlDir, { recursive: true });
  await checkGeneratedModule(generateAccelTop(acceleratorFrom(design.config, design.configFile)), rtlDir);
}

/** What in a `hwgen sim` result.json is not exact, one line each; empty when outputs match and cycles equal the prediction. */
export function simResultProblems(result: SimResultJson): string[] {
  const layers = result.layers.flatMap((layer) => [
    ...(layer.match ? [] : [`${layer.name}: outputs differ from the golden model`]),
    ...(layer.cycles === layer.predictedCycles ? [] : [`${layer.name}: ${layer.cycles} cycles, predicted ${layer.predictedCycles}`]),
    ...layer.problems,
  ]);
  const total = result.total.match && result.total.checked && result.total.cycles === result.total.predictedCycles ? [] : ['total: not checked'];
  return layers.length > 0 ? layers : total;
}
