/**
 * Turns a parsed manifest into layers ready to run: tensors loaded (or generated on demand),
 * shapes inferred through the whole chain, and every cross-field rule of the contract checked
 * up front, so that a bad workload fails before any output is written.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { expectTensor, readNpy } from '../tensor/npy.ts';
import { type Levels, type Tensor, type Weights, indexOfFlat, shapeText } from '../tensor/tensor.ts';
import type { LayerSpec, SyntheticSpec, TensorSource } from './manifest-schema.ts';
import { MAX_THETA } from './manifest-schema.ts';
import type { LoadedManifest } from './load-manifest.ts';
import type { OutputKind } from './gemm-layer.ts';
import { type GemmShape, convGemmShape, convOutputShape, poolOutputShape } from './shapes.ts';
import { syntheticLevels, syntheticWeights } from './synthetic.ts';

export interface ResolvedLayer {
  readonly index: number;
  /** `layers[i]`, the prefix of this layer's field paths in messages. */
  readonly field: string;
  readonly spec: LayerSpec;
  /** Output levels; 1 (unused) for a layer that outputs its accumulator. */
  readonly T: number;
  /** Levels, or the int32 accumulator (logits). */
  readonly output: OutputKind;
  readonly inLevels: number;
  /** `[C,H,W]` or `[B,C,H,W]` for conv2d, `[K,N]` for gemm. */
  readonly inputShape: readonly number[];
  readonly gemm: GemmShape;
  /** Images of a batched conv2d (its input is `[B,C,H,W]`, N = B·Ho·Wo columns image by image; batch.ts). */
  readonly batch: number | undefined;
  /** A gemm that takes a batch's feature maps: its input arrives as `[B,K]` and its N = B columns are the images. */
  readonly inputImages: number | undefined;
  /** `[M,Ho,Wo]` (`[B,M,Ho,Wo]` batched) for conv2d, `[M,N]` for gemm: the shape of `<layer>.y.npy`. */
  readonly outputShape: readonly number[];
  /** What the next layer receives: the output after max-pooling, if any. */
  readonly passedOnShape: readonly number[];
  /** The layer's own input, or undefined when it takes the previous layer's output. */
  readonly input: (() => Levels) | undefined;
  /** `[M,C,kh,kw]` or `[M,K]` weights, flattened in C order they are W[M,K]. */
  readonly weights: () => Weights;
  readonly bias: Int32Array;
  /** θ per output; all 1 for a layer that outputs its accumulator (so that floor(θ/2) = 0 in both cores). */
  readonly theta: Int32Array;
}

export interface ResolvedWorkload {
  readonly name: string;
  readonly file: string;
  readonly layers: readonly ResolvedLayer[];
}

interface Context {
  readonly file: string;
  readonly baseDir: string;
}

interface Source<T> {
  readonly shape: readonly number[];
  readonly load: () => T;
}

function memo<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}

async function npyAt(ctx: Context, path: string, field: string) {
  const fullPath = join(ctx.baseDir, path);
  try {
    await access(fullPath);
  } catch {
    throw new InputError(ctx.file, field, `file not found: ${fullPath}`);
  }
  return { tensor: await readNpy(fullPath), fullPath };
}

function checkSyntheticRank(ctx: Context, spec: SyntheticSpec, ranks: readonly number[], field: string, role: string): void {
  if (!ranks.includes(spec.shape.length)) {
    throw new InputError(ctx.file, `${field}.synthetic.shape`, `found ${shapeText(spec.shape)}, expected ${ranks.join(' or ')} dimensions (${role})`);
  }
}

/** uint8 levels of one of `ranks` dimensions (a conv2d's input may carry a batch axis); the dtype is checked first. */
function expectLevels(tensor: Tensor, ranks: readonly number[], file: string, role: string): Levels {
  const levels = expectTensor(tensor, 'u1', tensor.shape.length, file, role);
  if (!ranks.includes(levels.shape.length)) throw new InputError(file, 'shape', `found ${shapeText(levels.shape)}, expected ${ranks.join(' or ')} dimensions (${role})`);
  return levels;
}

function firstLevelAbove(data: Uint8Array, limit: number): number {
  for (let i = 0; i < data.length; i++) if ((data[i] ?? 0) > limit) return i;
  return -1;
}

function indexText(flat: number, shape: readonly number[]): string {
  return shapeText(indexOfFlat(flat, shape));
}

async function levelsSource(ctx: Context, source: TensorSource, ranks: readonly number[], inLevels: number, field: string, role: string): Promise<Source<Levels>> {
  if (typeof source !== 'string') {
    checkSyntheticRank(ctx, source.synthetic, ranks, field, role);
    return { shape: source.synthetic.shape, load: memo(() => syntheticLevels(source.synthetic, inLevels)) };
  }
  const { tensor, fullPath } = await npyAt(ctx, source, field);
  const levels = expectLevels(tensor, ranks, fullPath, `${role} for ${field}`);
  const bad = firstLevelAbove(levels.data, inLevels);
  if (bad >= 0) {
    throw new InputError(fullPath, 'data', `level ${levels.data[bad] ?? 0} at ${indexText(bad, levels.shape)} exceeds inLevels ${inLevels} of ${field}`);
  }
  return { shape: levels.shape, load: () => levels };
}

async function weightsSource(ctx: Context, source: TensorSource, rank: number, field: string, role: string): Promise<Source<Weights>> {
  if (typeof source !== 'string') {
    checkSyntheticRank(ctx, source.synthetic, [rank], field, role);
    return { shape: source.synthetic.shape, load: memo(() => syntheticWeights(source.synthetic)) };
  }
  const { tensor, fullPath } = await npyAt(ctx, source, field);
  const weights = expectTensor(tensor, 'i1', rank, fullPath, `${role} for ${field}`);
  return { shape: weights.shape, load: () => weights };
}

/** A per-channel int32 vector: a scalar broadcast to M, or an `[M]` .npy. */
async function channelVector(ctx: Context, value: string | number | undefined, M: number, field: string, role: string): Promise<Int32Array> {
  if (value === undefined) return new Int32Array(M);
  if (typeof value === 'number') return new Int32Array(M).fill(value);
  const { tensor, fullPath } = await npyAt(ctx, value, field);
  const vector = expectTensor(tensor, 'i4', 1, fullPath, `${role} for ${field}`);
  if (vector.shape[0] !== M) {
    throw new InputError(fullPath, 'shape', `found ${shapeText(vector.shape)}, expected [${M}] (${role} for ${field}, one per output channel)`);
  }
  return vector.data;
}

function checkThetaRange(ctx: Context, theta: Int32Array, spec: LayerSpec, field: string): void {
  const bad = theta.findIndex((value) => value < 1 || value > MAX_THETA);
  if (bad < 0) return;
  const where = typeof spec.theta === 'string' ? join(ctx.baseDir, spec.theta) : ctx.file;
  const what = typeof spec.theta === 'string' ? 'data' : `${field}.theta`;
  throw new InputError(where, what, `θ[${bad}] = ${theta[bad] ?? 0} is outside 1..${MAX_THETA} (${field}.theta)`);
}

interface Upstream {
  readonly T: number;
  readonly output: OutputKind;
  readonly kind: LayerSpec['kind'];
  readonly shape: readonly number[];
  readonly field: string;
}

function inheritedInLevels(ctx: Context, spec: LayerSpec, field: string, upstream: Upstream | undefined): number {
  if (spec.input !== undefined) {
    if (spec.inLevels === undefined) throw new InputError(ctx.file, `${field}.inLevels`, 'is required when the layer names its own input');
    return spec.inLevels;
  }
  if (upstream === undefined) throw new InputError(ctx.file, `${field}.input`, 'the first layer must name an input');
  if (upstream.output === 'accumulator') throw new InputError(ctx.file, `${field}.input`, `${upstream.field} outputs int32 logits (output: accumulator), which no layer takes as input; name an input`);
  if (spec.inLevels !== undefined && spec.inLevels !== upstream.T) {
    throw new InputError(ctx.file, `${field}.inLevels`, `${spec.inLevels} differs from T = ${upstream.T} of ${upstream.field}, whose output this layer takes`);
  }
  return upstream.T;
}

/** The shape a layer sees when it takes the previous output (contract: "A layer that names no input"). */
function chainedInputShape(ctx: Context, spec: LayerSpec, field: string, upstream: Upstream): number[] {
  if (spec.kind === 'conv2d') {
    if (upstream.kind !== 'conv2d') throw new InputError(ctx.file, `${field}.input`, `a conv2d cannot take the [M,N] output of gemm ${upstream.field}; name an input`);
    return [...upstream.shape];
  }
  if (upstream.kind === 'conv2d') {
    // Each image's feature map, flattened in C order, is one column: N = B (1 without a batch axis).
    const images = upstream.shape.length === 4 ? (upstream.shape[0] ?? 1) : 1;
    return [upstream.shape.reduce((a, b) => a * b, 1) / images, images];
  }
  return [...upstream.shape];
}

/** T and θ are required for levels and meaningless for logits; logits are not pooled. Returns the layer's T. */
function checkOutputFields(ctx: Context, spec: LayerSpec, field: string): number {
  if (spec.output === 'levels') {
    if (spec.T === undefined) throw new InputError(ctx.file, `${field}.T`, 'is required (the layer outputs levels 0..T)');
    if (spec.theta === undefined) throw new InputError(ctx.file, `${field}.theta`, 'is required (the layer outputs levels 0..T)');
    return spec.T;
  }
  const logits = 'has no meaning for a layer that outputs its accumulator (logits acc + b)';
  if (spec.T !== undefined) throw new InputError(ctx.file, `${field}.T`, logits);
  if (spec.theta !== undefined) throw new InputError(ctx.file, `${field}.theta`, logits);
  if (spec.kind === 'conv2d' && spec.pool !== undefined) throw new InputError(ctx.file, `${field}.pool`, logits);
  return 1;
}

async function resolveLayer(ctx: Context, spec: LayerSpec, index: number, upstream: Upstream | undefined): Promise<ResolvedLayer> {
  const field = `layers[${index}]`;
  const T = checkOutputFields(ctx, spec, field);
  const inLevels = inheritedInLevels(ctx, spec, field, upstream);
  const isConv = spec.kind === 'conv2d';
  const inputRole = isConv ? 'uint8 levels [C,H,W] or [B,C,H,W]' : 'uint8 levels [K,N]';
  const input = spec.input === undefined ? undefined : await levelsSource(ctx, spec.input, isConv ? [3, 4] : [2], inLevels, `${field}.input`, inputRole);
  const inputShape = input?.shape ?? chainedInputShape(ctx, spec, field, upstream as Upstream);
  const weights = await weightsSource(ctx, spec.weights, isConv ? 4 : 2, `${field}.weights`, isConv ? 'int8 weights [M,C,kh,kw]' : 'int8 weights [M,K]');
  const shapes = isConv ? convShapes(ctx, spec, field, inputShape, weights.shape) : gemmShapes(ctx, field, inputShape, weights.shape);
  const M = shapes.gemm.M;
  const bias = await channelVector(ctx, spec.bias, M, `${field}.bias`, 'int32 bias [M]');
  const theta = spec.theta === undefined ? new Int32Array(M).fill(1) : await channelVector(ctx, spec.theta, M, `${field}.theta`, 'int32 θ [M]');
  checkThetaRange(ctx, theta, spec, field);
  const batch = isConv && inputShape.length === 4 ? inputShape[0] : undefined;
  const inputImages = !isConv && spec.input === undefined && upstream?.kind === 'conv2d' && upstream.shape.length === 4 ? upstream.shape[0] : undefined;
  return { index, field, spec, T, output: spec.output, inLevels, inputShape, batch, inputImages, ...shapes, input: input?.load, weights: weights.load, bias, theta };
}

interface LayerShapes {
  readonly gemm: GemmShape;
  readonly outputShape: readonly number[];
  readonly passedOnShape: readonly number[];
}

function convShapes(ctx: Context, spec: LayerSpec, field: string, inputShape: readonly number[], weightShape: readonly number[]): LayerShapes {
  const images = inputShape.length === 4 ? inputShape[0] : undefined;
  const [C = 0, H = 0, W = 0] = inputShape.slice(-3);
  const [M = 0, Cw = 0, kh = 0, kw = 0] = weightShape;
  if (Cw !== C) throw new InputError(ctx.file, `${field}.weights`, `weights ${shapeText(weightShape)} have ${Cw} input channels, the input ${shapeText(inputShape)} has ${C}`);
  const stride = spec.kind === 'conv2d' ? spec.stride : 1;
  const padding = spec.kind === 'conv2d' ? spec.padding : 0;
  const geometry = { C, H, W, M, kh, kw, stride, padding };
  const outputShape = convOutputShape(geometry);
  if (outputShape[1] < 1 || outputShape[2] < 1) {
    throw new InputError(ctx.file, `${field}.weights`, `kernel ${kh}x${kw} does not fit the input ${shapeText(inputShape)} with padding ${padding}`);
  }
  const pool = spec.kind === 'conv2d' ? spec.pool : undefined;
  const passedOnShape = pool === undefined ? outputShape : poolOutputShape(outputShape, pool.size, pool.stride ?? pool.size);
  if ((passedOnShape[1] ?? 0) < 1 || (passedOnShape[2] ?? 0) < 1) {
    throw new InputError(ctx.file, `${field}.pool.size`, `window ${pool?.size ?? 0} does not fit the output ${shapeText(outputShape)}`);
  }
  const gemm = convGemmShape(geometry);
  if (images === undefined) return { gemm, outputShape, passedOnShape };
  return { gemm: { ...gemm, N: gemm.N * images }, outputShape: [images, ...outputShape], passedOnShape: [images, ...passedOnShape] };
}

function gemmShapes(ctx: Context, field: string, inputShape: readonly number[], weightShape: readonly number[]): LayerShapes {
  const [K = 0, N = 0] = inputShape;
  const [M = 0, Kw = 0] = weightShape;
  if (Kw !== K) throw new InputError(ctx.file, `${field}.weights`, `weights ${shapeText(weightShape)} need K = ${Kw} input rows, the input ${shapeText(inputShape)} has ${K}`);
  return { gemm: { M, K, N }, outputShape: [M, N], passedOnShape: [M, N] };
}

function checkUniqueNames(ctx: Context, layers: readonly LayerSpec[]): void {
  const seen = new Map<string, number>();
  layers.forEach((layer, index) => {
    const first = seen.get(layer.name);
    if (first !== undefined) throw new InputError(ctx.file, `layers[${index}].name`, `"${layer.name}" is already the name of layers[${first}]`);
    seen.set(layer.name, index);
  });
}

export async function resolveWorkload(loaded: LoadedManifest): Promise<ResolvedWorkload> {
  const ctx: Context = { file: loaded.file, baseDir: loaded.baseDir };
  checkUniqueNames(ctx, loaded.manifest.layers);
  const layers: ResolvedLayer[] = [];
  let upstream: Upstream | undefined;
  for (const [index, spec] of loaded.manifest.layers.entries()) {
    const layer = await resolveLayer(ctx, spec, index, upstream);
    layers.push(layer);
    upstream = { T: layer.T, output: layer.output, kind: spec.kind, shape: layer.passedOnShape, field: layer.field };
  }
  return { name: loaded.manifest.name, file: loaded.file, layers };
}
