/**
 * Seeded synthetic tensors, so benchmark workloads and the model zoo need no large files.
 *
 * A spec and seed give the same bytes on every platform: all randomness comes from util/rng.ts and
 * every floating-point step is basic IEEE 754 arithmetic (no Math.random, no Date, no Math.exp/log).
 * Levels and weights draw from separate streams derived from the seed, so a manifest that gives its
 * input and its weights the same seed still gets independent tensors.
 */
import { allocate, elementCount, shapeText, type Tensor } from '../tensor/tensor.ts';
import { DiscreteSampler, Rng, deriveSeed, portableExp } from '../util/rng.ts';
import type { SyntheticSpec } from './manifest-schema.ts';

/** Cnvlutin (Albericio et al., ISCA 2016) measured 44 % zero activations in CNN layers. */
export const DEFAULT_LEVEL_DENSITY = 0.56;
/** Weights are dense unless a spec asks for pruning. */
export const DEFAULT_WEIGHT_DENSITY = 1;
/** Kept weights are round(N(0,1)·WEIGHT_STD): about ±3σ fits int8 with room, and clipping is rare. */
export const WEIGHT_STD = 24;

const WEIGHT_MIN = -128;
const WEIGHT_MAX = 127;
const MAX_LEVELS = 255;
/** Halvings of a bracket; 64 exhaust double precision on the ranges bisected here. */
const BISECTION_STEPS = 64;

/** What the level statistics depend on; a whole SyntheticSpec fits. */
export type LevelSpec = Pick<SyntheticSpec, 'density' | 'values'>;

/** Expected value and expected square of one generated element. */
export interface Moments {
  readonly mean: number;
  readonly meanSquare: number;
}

// ---------------------------------------------------------------------------------------------
// Checks: the manifest schema already enforces these, but the zoo and tests build specs directly.

function checkShape(shape: readonly number[]): void {
  if (shape.length < 1 || shape.length > 4 || !shape.every((dim) => Number.isInteger(dim) && dim >= 1)) {
    throw new RangeError(`synthetic shape must have 1 to 4 dimensions of at least 1, got ${shapeText(shape)}`);
  }
}

function checkDensity(density: number): number {
  if (!(density >= 0 && density <= 1)) throw new RangeError(`synthetic density must be in 0..1, got ${density}`);
  return density;
}

function checkInLevels(inLevels: number): void {
  if (!Number.isInteger(inLevels) || inLevels < 1 || inLevels > MAX_LEVELS) {
    throw new RangeError(`inLevels must be an integer in 1..${MAX_LEVELS}, got ${inLevels}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Non-zero level values.

/** Truncated geometric weights q^(k−1) for k = 1..inLevels (index k−1), normalised. */
function truncatedGeometric(inLevels: number, ratio: number): Float64Array {
  const pmf = new Float64Array(inLevels);
  let weight = 1;
  let total = 0;
  for (let k = 0; k < inLevels; k++) {
    pmf[k] = weight;
    total += weight;
    weight *= ratio; // repeated products rather than Math.pow, whose last bit is engine-defined
  }
  return pmf.map((p) => p / total);
}

/** E[k] or E[k²] of a pmf over 1..n. Products, not `**`, whose rounding ECMAScript leaves to the engine. */
function pmfMoment(pmf: Float64Array, power: 1 | 2): number {
  let sum = 0;
  pmf.forEach((p, index) => {
    const k = index + 1;
    sum += p * (power === 1 ? k : k * k);
  });
  return sum;
}

/**
 * The ratio q whose truncated geometric has mean 1 + inLevels/8. The mean grows with q from 1 (q = 0)
 * to (inLevels + 1)/2 (q = 1, uniform), and the target lies between for inLevels >= 2.
 */
function skewedRatio(inLevels: number): number {
  if (inLevels === 1) return 0;
  const target = 1 + inLevels / 8;
  let lo = 0;
  let hi = 1;
  for (let step = 0; step < BISECTION_STEPS; step++) {
    const mid = (lo + hi) / 2;
    if (pmfMoment(truncatedGeometric(inLevels, mid), 1) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Probability of each non-zero level 1..inLevels (index k−1). */
function nonZeroLevelPmf(values: SyntheticSpec['values'], inLevels: number): Float64Array {
  if (values === 'uniform') return new Float64Array(inLevels).fill(1 / inLevels);
  return truncatedGeometric(inLevels, skewedRatio(inLevels));
}

/** Expected E[x] and E[x²] of one generated level; the model zoo sizes thresholds θ from them. */
export function expectedLevelMoments(spec: LevelSpec, inLevels: number): Moments {
  checkInLevels(inLevels);
  const density = checkDensity(spec.density ?? DEFAULT_LEVEL_DENSITY);
  // Clustered fields are rescaled so the mean non-zero probability is still `density`.
  const pmf = nonZeroLevelPmf(spec.values, inLevels);
  return { mean: density * pmfMoment(pmf, 1), meanSquare: density * pmfMoment(pmf, 2) };
}

function levelDrawer(values: SyntheticSpec['values'], inLevels: number): (rng: Rng) => number {
  if (values === 'uniform') return (rng) => rng.nextInt(1, inLevels);
  const sampler = new DiscreteSampler(nonZeroLevelPmf(values, inLevels));
  return (rng) => sampler.sample(rng) + 1;
}

// ---------------------------------------------------------------------------------------------
// Where the non-zeros go: one probability per column.

/** Elements are `rows` repetitions of a `height × width` grid of columns, in C order. */
interface ColumnLayout {
  readonly rows: number;
  readonly height: number;
  readonly width: number;
}

/** `[C,H,W]`: columns are the positions (h,w), rows the channels; otherwise the last axis is the columns. */
function columnLayout(shape: readonly number[]): ColumnLayout {
  const [first = 1, second = 1, third = 1] = shape;
  if (shape.length === 3) return { rows: first, height: second, width: third };
  const width = shape[shape.length - 1] ?? 1;
  return { rows: elementCount(shape) / width, height: 1, width };
}

/**
 * Value noise: random lattice values, smoothly interpolated. Two octaves, coarse and fine, so a feature
 * map gets a few large active regions with some texture, whatever its resolution.
 */
const FIELD_OCTAVES = [
  { cells: 4, amplitude: 1 },
  { cells: 9, amplitude: 0.5 },
] as const;

/**
 * Slope of the ramp from field value to probability. At 0.5 a column goes from empty to full over
 * about two standard deviations of the field: many columns are nearly empty or nearly full, the rest
 * in between, which gives the strongly varying column densities of real feature maps.
 */
const CLUSTER_GAIN = 0.5;

interface AxisSample {
  readonly cell: Int32Array;
  readonly blend: Float64Array;
}

/** Where each of `size` coordinates falls among `cells` lattice cells, with a smoothstep blend. */
function axisSamples(size: number, cells: number): AxisSample {
  const cell = new Int32Array(size);
  const blend = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const u = ((i + 0.5) * cells) / size;
    const index = Math.min(Math.floor(u), cells - 1);
    const t = u - index;
    cell[i] = index;
    blend[i] = t * t * (3 - 2 * t); // smoothstep: no creases at the lattice lines
  }
  return { cell, blend };
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

function addValueNoise(field: Float64Array, layout: ColumnLayout, cells: number, amplitude: number, rng: Rng): void {
  const side = cells + 1;
  const lattice = Float64Array.from({ length: side * side }, () => 2 * rng.nextFloat() - 1);
  const ys = axisSamples(layout.height, cells);
  const xs = axisSamples(layout.width, cells);
  const at = (row: number, col: number): number => lattice[row * side + col] ?? 0;
  for (let y = 0; y < layout.height; y++) {
    const row = ys.cell[y] ?? 0;
    const ty = ys.blend[y] ?? 0;
    for (let x = 0; x < layout.width; x++) {
      const col = xs.cell[x] ?? 0;
      const tx = xs.blend[x] ?? 0;
      const top = lerp(at(row, col), at(row, col + 1), tx);
      const bottom = lerp(at(row + 1, col), at(row + 1, col + 1), tx);
      const i = y * layout.width + x;
      field[i] = (field[i] ?? 0) + amplitude * lerp(top, bottom, ty);
    }
  }
}

/** Zero mean, unit variance, so the ramp's slope means the same at every size (a constant field stays 0). */
function standardize(field: Float64Array): Float64Array {
  const mean = field.reduce((sum, v) => sum + v, 0) / field.length;
  const variance = field.reduce((sum, v) => sum + (v - mean) * (v - mean), 0) / field.length;
  const scale = variance > 0 ? 1 / Math.sqrt(variance) : 0;
  return field.map((v) => (v - mean) * scale);
}

function ramp(value: number, offset: number): number {
  return Math.min(1, Math.max(0, 0.5 + CLUSTER_GAIN * (value + offset)));
}

function rampMean(field: Float64Array, offset: number): number {
  let sum = 0;
  for (const value of field) sum += ramp(value, offset);
  return sum / field.length;
}

/**
 * Per-column probabilities from the field whose mean is `density`: the clipped ramp's mean grows
 * with the offset, so bisection finds the offset that restores the mean after clipping.
 */
function probabilitiesFromField(field: Float64Array, density: number): Float64Array {
  if (density === 0 || density === 1) return new Float64Array(field.length).fill(density); // exact, no ramp rounding
  const reach = field.reduce((max, v) => Math.max(max, Math.abs(v)), 0) + 0.5 / CLUSTER_GAIN;
  let lo = -reach; // every column at probability 0
  let hi = reach; // every column at probability 1
  for (let step = 0; step < BISECTION_STEPS; step++) {
    const mid = (lo + hi) / 2;
    if (rampMean(field, mid) < density) lo = mid;
    else hi = mid;
  }
  const offset = (lo + hi) / 2;
  return field.map((value) => ramp(value, offset));
}

function clusteredProbabilities(layout: ColumnLayout, density: number, seed: number): Float64Array {
  const rng = new Rng(deriveSeed(seed, 'levels', 'field'));
  const field = new Float64Array(layout.height * layout.width);
  for (const octave of FIELD_OCTAVES) addValueNoise(field, layout, octave.cells, octave.amplitude, rng);
  return probabilitiesFromField(standardize(field), density);
}

// ---------------------------------------------------------------------------------------------
// Generators.

/**
 * Activation levels `0..inLevels` of `spec.shape`. Each element is non-zero with its column's
 * probability (`density` everywhere for `uniform`, a smooth random field of mean `density` for
 * `clustered`); non-zero values follow `spec.values`.
 */
export function syntheticLevels(spec: SyntheticSpec, inLevels: number): Tensor<'u1'> {
  checkShape(spec.shape);
  checkInLevels(inLevels);
  const density = checkDensity(spec.density ?? DEFAULT_LEVEL_DENSITY);
  const layout = columnLayout(spec.shape);
  const probability =
    spec.pattern === 'clustered'
      ? clusteredProbabilities(layout, density, spec.seed)
      : new Float64Array(layout.height * layout.width).fill(density);
  const drawLevel = levelDrawer(spec.values, inLevels);
  const rng = new Rng(deriveSeed(spec.seed, 'levels'));
  const tensor = allocate('u1', spec.shape);
  const data = tensor.data;
  let i = 0;
  for (let row = 0; row < layout.rows; row++) {
    for (const p of probability) {
      if (rng.nextFloat() < p) data[i] = drawLevel(rng);
      i++;
    }
  }
  return tensor;
}

/**
 * P(w = v) for v = −128..127 (index v + 128) of round(N(0,1)·WEIGHT_STD) clipped to int8 and
 * conditioned on w ≠ 0, so that `density` is exactly the expected fraction of non-zero weights.
 * Each rounding bin [v − ½, v + ½] is integrated with Simpson's rule (the density barely curves over
 * a bin of σ/24), out to ±12σ; the tails beyond int8 pile up on −128 and 127 as clipping does.
 */
function weightPmf(): Float64Array {
  const pmf = new Float64Array(WEIGHT_MAX - WEIGHT_MIN + 1);
  const reach = 12 * WEIGHT_STD;
  const bell = (w: number): number => portableExp((-0.5 * w * w) / (WEIGHT_STD * WEIGHT_STD));
  for (let v = -reach; v <= reach; v++) {
    if (v === 0) continue;
    const mass = bell(v - 0.5) + 4 * bell(v) + bell(v + 0.5);
    const clipped = Math.min(WEIGHT_MAX, Math.max(WEIGHT_MIN, v));
    pmf[clipped - WEIGHT_MIN] = (pmf[clipped - WEIGHT_MIN] ?? 0) + mass;
  }
  const total = pmf.reduce((sum, p) => sum + p, 0);
  return pmf.map((p) => p / total);
}

let weightSampler: DiscreteSampler | undefined;

/**
 * int8 weights of `spec.shape`: each kept with probability `density` (default 1), pruned to 0
 * otherwise. A kept weight is round(N(0,1)·WEIGHT_STD) clipped to −128..127, redrawn if it rounds to 0.
 * It is sampled from that exact distribution through a table rather than from Gaussians, because
 * VGG-16's fc6 alone has 10^8 weights and the table is several times faster.
 */
export function syntheticWeights(spec: SyntheticSpec): Tensor<'i1'> {
  checkShape(spec.shape);
  const density = checkDensity(spec.density ?? DEFAULT_WEIGHT_DENSITY);
  weightSampler ??= new DiscreteSampler(weightPmf());
  const sampler = weightSampler;
  const rng = new Rng(deriveSeed(spec.seed, 'weights'));
  const tensor = allocate('i1', spec.shape);
  const data = tensor.data;
  for (let i = 0; i < data.length; i++) {
    if (rng.nextFloat() < density) data[i] = sampler.sample(rng) + WEIGHT_MIN;
  }
  return tensor;
}

/** E[w] and E[w²] of one generated weight (E[w²] is about density·(WEIGHT_STD² + 10)). */
export function expectedWeightMoments(spec: Pick<SyntheticSpec, 'density'>): Moments {
  const density = checkDensity(spec.density ?? DEFAULT_WEIGHT_DENSITY);
  let mean = 0;
  let meanSquare = 0;
  weightPmf().forEach((p, index) => {
    const v = index + WEIGHT_MIN;
    mean += p * v;
    meanSquare += p * v * v;
  });
  return { mean: density * mean, meanSquare: density * meanSquare };
}
