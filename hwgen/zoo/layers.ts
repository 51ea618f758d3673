/**
 * Shared builders of the model zoo: turn a layer's geometry into a manifest layer whose input and
 * weights are both synthetic, so every layer stands alone (no chaining) and no tensor files are needed.
 *
 * The builders also track the feature-map shape flowing through the network, so each network file
 * states only what the papers' layer tables state (channels, kernel, stride, padding, pools) and the
 * explicit input shapes follow from the geometry instead of being typed by hand.
 */
import type { z } from 'zod';
import { MAX_THETA, type conv2dLayerSchema, type gemmLayerSchema, type SyntheticSpec } from '../workload/manifest-schema.ts';
import { convOutputSize } from '../workload/shapes.ts';
import { DEFAULT_LEVEL_DENSITY, WEIGHT_STD, expectedLevelMoments } from '../workload/synthetic.ts';
import { deriveSeed } from '../util/rng.ts';

export type Conv2dLayerInput = z.input<typeof conv2dLayerSchema>;
export type GemmLayerInput = z.input<typeof gemmLayerSchema>;
export type ZooLayer = Conv2dLayerInput | GemmLayerInput;

export interface ZooOptions {
  /** Output levels (timesteps) of every layer; 15 unless given. */
  T?: number;
  /** Root seed; each layer's tensors get a seed derived from it, the network and the layer name. */
  seed?: number;
  /** Encoder layers (BERT only). */
  layers?: number;
}

export const DEFAULT_T = 15;
export const DEFAULT_ZOO_SEED = 0;

/** Raw 8-bit pixels are direct-coded: the input layer sees levels up to 255 (numerics.md, Values). */
export const PIXEL_LEVELS = 255;

/** What every layer of one build shares. */
export interface BuildContext {
  readonly network: string;
  readonly T: number;
  readonly seed: number;
}

export function makeContext(network: string, options: ZooOptions = {}): BuildContext {
  const T = options.T ?? DEFAULT_T;
  const seed = options.seed ?? DEFAULT_ZOO_SEED;
  if (!Number.isInteger(T) || T < 1 || T > 255) throw new RangeError(`zoo ${network}: T must be an integer in 1..255, got ${T}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new RangeError(`zoo ${network}: seed must be an integer in 0..2^32-1, got ${seed}`);
  }
  return { network, T, seed };
}

/** How a layer's input levels are generated. */
export interface InputCoding {
  readonly inLevels: number;
  readonly pattern: SyntheticSpec['pattern'];
  readonly values: SyntheticSpec['values'];
  readonly density: number;
}

/** The network's first layer: 8-bit pixels, every one non-zero, spread evenly over 0..255. */
export const PIXEL_CODING: InputCoding = { inLevels: PIXEL_LEVELS, pattern: 'uniform', values: 'uniform', density: 1 };

/**
 * A hidden layer's input: the previous layer's QCFS levels (0..T, skewed to small values).
 * Feature maps are `clustered` (zeros bunch up spatially, so column densities vary, as in real CNNs);
 * FC and transformer activations have no spatial structure, so they are `uniform`.
 */
export function hiddenCoding(ctx: BuildContext, pattern: SyntheticSpec['pattern']): InputCoding {
  return { inLevels: ctx.T, pattern, values: 'skewed', density: DEFAULT_LEVEL_DENSITY };
}

function inputSpec(ctx: BuildContext, layer: string, shape: number[], coding: InputCoding): SyntheticSpec {
  const seed = deriveSeed(ctx.seed, ctx.network, layer, 'input');
  return { shape, density: coding.density, pattern: coding.pattern, values: coding.values, seed };
}

/** Weights are dense round(N(0,1)·WEIGHT_STD) int8; only shape and seed need saying. */
function weightSource(ctx: BuildContext, layer: string, shape: number[]): { synthetic: { shape: number[]; seed: number } } {
  return { synthetic: { shape, seed: deriveSeed(ctx.seed, ctx.network, layer, 'weights') } };
}

/**
 * θ that spreads outputs over 0..T. Weights are zero-mean and independent of the inputs, so
 * Var(acc) = K·WEIGHT_STD²·E[x²]; mapping ±2σ of acc onto T levels puts the positive half of the
 * accumulators across the whole output range instead of saturating at T or collapsing to 0.
 */
export function thetaFor(K: number, meanSquare: number, T: number): number {
  const sigma = Math.sqrt(K * WEIGHT_STD ** 2 * meanSquare);
  return Math.min(Math.max(Math.round((2 * sigma) / T), 1), MAX_THETA);
}

function layerTheta(ctx: BuildContext, K: number, spec: SyntheticSpec, coding: InputCoding): number {
  return thetaFor(K, expectedLevelMoments(spec, coding.inLevels).meanSquare, ctx.T);
}

/** A `[C,H,W]` feature map between layers. */
export interface FeatureMap {
  readonly C: number;
  readonly H: number;
  readonly W: number;
}

export interface ConvParams {
  readonly name: string;
  /** Output channels. */
  readonly M: number;
  /** Square kernel size. */
  readonly k: number;
  readonly stride?: number;
  /** Zero padding; `same` padding (k−1)/2 unless given. */
  readonly padding?: number;
  /** Max-pooling of the output that the manifest can state (no padding, floor); see `maxPool` for others. */
  readonly pool?: { size: number; stride: number };
}

export interface BuiltConv {
  readonly layer: Conv2dLayerInput;
  /** The shape this layer hands on (after its `pool`, if any). */
  readonly output: FeatureMap;
}

export function conv(ctx: BuildContext, input: FeatureMap, p: ConvParams, coding: InputCoding): BuiltConv {
  const stride = p.stride ?? 1;
  const padding = p.padding ?? Math.floor((p.k - 1) / 2);
  const spec = inputSpec(ctx, p.name, [input.C, input.H, input.W], coding);
  const layer: Conv2dLayerInput = {
    name: p.name,
    kind: 'conv2d',
    T: ctx.T,
    inLevels: coding.inLevels,
    input: { synthetic: spec },
    weights: weightSource(ctx, p.name, [p.M, input.C, p.k, p.k]),
    theta: layerTheta(ctx, input.C * p.k * p.k, spec, coding),
    stride,
    padding,
    ...(p.pool === undefined ? {} : { pool: { ...p.pool } }),
  };
  const out: FeatureMap = { C: p.M, H: convOutputSize(input.H, p.k, stride, padding), W: convOutputSize(input.W, p.k, stride, padding) };
  return { layer, output: p.pool === undefined ? out : maxPool(out, p.pool.size, p.pool.stride) };
}

/** A GEMM `Y[M,N] = W[M,K]·X[K,N]`; an FC layer is N = 1 (batch 1). */
export function gemm(ctx: BuildContext, name: string, M: number, K: number, N: number, coding: InputCoding): GemmLayerInput {
  const spec = inputSpec(ctx, name, [K, N], coding);
  return {
    name,
    kind: 'gemm',
    T: ctx.T,
    inLevels: coding.inLevels,
    input: { synthetic: spec },
    weights: weightSource(ctx, name, [M, K]),
    theta: layerTheta(ctx, K, spec, coding),
  };
}

export interface PoolOptions {
  readonly padding?: number;
  /** Caffe-style ceil rounding of the output size (GoogLeNet). */
  readonly ceil?: boolean;
}

/**
 * Output shape of a max-pool. Only tracks shapes: pools with padding or ceil rounding (ResNet's and
 * GoogLeNet's stems) cannot be stated in a manifest, which is fine because every zoo layer has an
 * explicit input rather than taking the pooled output of the layer before.
 */
export function maxPool(fm: FeatureMap, size: number, stride: number, options: PoolOptions = {}): FeatureMap {
  const round = options.ceil === true ? Math.ceil : Math.floor;
  const side = (n: number): number => round((n + 2 * (options.padding ?? 0) - size) / stride) + 1;
  return { C: fm.C, H: side(fm.H), W: side(fm.W) };
}

/** Global average pooling to `[C,1,1]` and flattening to the FC input `[C,1]`. */
export function globalAvgPool(fm: FeatureMap): FeatureMap {
  return { C: fm.C, H: 1, W: 1 };
}

export function flatSize(fm: FeatureMap): number {
  return fm.C * fm.H * fm.W;
}
