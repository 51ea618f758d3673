/**
 * Randomised co-simulation of hwgen_snn_core on Verilator and Icarus: every output level equals the
 * golden model; with +gaps=0 the cycle count and every counter equal the cost model's prediction
 * exactly; with random input gaps and output stalls (+gaps=1) the levels and the data-determined
 * counters still match. One build per configuration and simulator serves every random layer.
 * HWGEN_SWEEP=1 runs a much longer sweep (for `make bench`, not CI).
 */
import { zooGemmLayer } from '../../zoo/zoo-gemm.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Accelerator, acceleratorFrom, defaultAccelerator } from '../../config/load-config.ts';
import { predictSnnCore } from './timing.ts';
import { annColumn, annLayer } from '../../golden/ann.ts';
import { generateSnnCore } from './generator.ts';
import { type SnnCoreParams, snnCoreParams } from './arch.ts';
import { Rng } from '../../util/rng.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { checkGeneratedModule } from '../../../sim/checks.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { runSnnCoreCosim } from './cosim.ts';
import { SIMULATORS } from '../../../sim/registry.ts';

const SWEEP = process.env.HWGEN_SWEEP === '1';

/** Four configurations: lane counts 4, 1, 7 and 5 (odd, so M rarely fills the last group), a declared 40-bit and three exact auto widths, one with shift-add and a narrow θ. */
const CONFIGS: readonly [string, Accelerator][] = [
  [
    '4 lanes, 40-bit membranes',
    acceleratorFrom({ snn: { lanes: 4 }, limits: { maxK: 32, maxM: 24 }, widths: { accumulator: 40 }, buffers: { weightBytes: 1024 } }, 'four-lanes'),
  ],
  ['1 lane, auto width', acceleratorFrom({ snn: { lanes: 1 }, limits: { maxK: 8, maxM: 6, maxBiasAbs: 2 ** 20 }, buffers: { weightBytes: 64 } }, 'one-lane')],
  ['7 lanes, auto width', acceleratorFrom({ snn: { lanes: 7 }, limits: { maxK: 16, maxM: 20 }, buffers: { weightBytes: 448 } }, 'seven-lanes')],
  // One add per set bit of a level, and θ stored in 13 bits: the largest θ is 4096.
  ['5 lanes, shift-add, θ ≤ 4096', acceleratorFrom({ snn: { lanes: 5, shiftAdd: true }, limits: { maxK: 16, maxM: 20, maxTheta: 4096 }, buffers: { weightBytes: 320 } }, 'five-lanes-shift-add')],
];

/** What a random layer may stress; every flavour runs on every configuration and simulator. */
const FLAVOURS = [
  'random',
  'T=1',
  'T=255, θ=1',
  'θ=2^24',
  'K=1',
  'M=1',
  'zero columns',
  'large negative biases',
  'all-max Tin=255',
  'widest positive membrane',
  'widest negative membrane',
] as const;
type Flavour = (typeof FLAVOURS)[number];

interface LayerLimits {
  readonly params: SnnCoreParams;
  readonly maxBiasAbs: number;
  readonly maxTheta: number;
}

function limitsOf(accelerator: Accelerator): LayerLimits {
  const { maxBiasAbs, maxTheta } = accelerator.config.limits;
  return { params: snnCoreParams(accelerator), maxBiasAbs, maxTheta };
}

/** The largest K that fits beside M groups (G·K ≤ W_DEPTH, K ≤ maxK). */
function maxKFor(M: number, params: SnnCoreParams): number {
  return Math.min(params.maxEvents, Math.floor(params.weightDepth / Math.ceil(M / params.lanes)));
}

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.nextInt(0, values.length - 1)] as T;
}

interface Shape {
  readonly M: number;
  readonly K: number;
  readonly N: number;
  readonly T: number;
  readonly inLevels: number;
}

function shapeFor(flavour: Flavour, rng: Rng, limits: LayerLimits): Shape {
  const { params } = limits;
  const maxM = params.lanes * params.btDepth;
  let M = flavour === 'M=1' ? 1 : rng.nextInt(1, maxM);
  // A full-width column of 255s is many cycles: keep K small unless the flavour is about width.
  const widest = flavour === 'widest positive membrane' || flavour === 'widest negative membrane';
  if (widest) M = rng.nextInt(1, Math.min(maxM, 2 * params.lanes));
  const kLimit = maxKFor(M, params);
  const K = flavour === 'K=1' ? 1 : widest ? kLimit : flavour === 'all-max Tin=255' ? rng.nextInt(1, Math.min(3, kLimit)) : rng.nextInt(1, kLimit);
  const T = flavour === 'T=1' ? 1 : flavour === 'T=255, θ=1' ? 255 : pick(rng, [1, 255, rng.nextInt(1, 31)]);
  const inLevels = flavour === 'all-max Tin=255' || widest ? 255 : pick(rng, [1, 255, rng.nextInt(1, 15)]);
  return { M, K, N: widest ? 1 : rng.nextInt(1, 6), T, inLevels };
}

function levelsFor(flavour: Flavour, rng: Rng, shape: Shape): Uint8Array {
  const { K, N, inLevels } = shape;
  if (flavour === 'all-max Tin=255' || flavour.startsWith('widest')) return new Uint8Array(K * N).fill(255);
  // Every column without a spike, except column 1 (when there is one), which is all-max.
  if (flavour === 'zero columns') return Uint8Array.from({ length: K * N }, (_, i) => (i % N === 1 ? inLevels : 0));
  const density = rng.nextFloat();
  const input = Uint8Array.from({ length: K * N }, () => (rng.nextFloat() < density ? rng.nextInt(1, inLevels) : 0));
  // Half the time, one column without a spike.
  const zeroColumn = rng.nextInt(-N, N - 1);
  if (zeroColumn >= 0) for (let k = 0; k < K; k++) input[k * N + zeroColumn] = 0;
  return input;
}

function weightsFor(flavour: Flavour, rng: Rng, count: number): Int8Array {
  if (flavour === 'widest positive membrane') return new Int8Array(count).fill(127);
  if (flavour === 'widest negative membrane') return new Int8Array(count).fill(-128);
  return Int8Array.from({ length: count }, () => pick(rng, [-128, 127, rng.nextInt(-128, 127), rng.nextInt(-8, 8)]));
}

function biasFor(flavour: Flavour, rng: Rng, limits: LayerLimits): number {
  const { maxBiasAbs } = limits;
  if (flavour === 'widest positive membrane') return maxBiasAbs;
  if (flavour === 'widest negative membrane' || flavour === 'large negative biases') return -maxBiasAbs + rng.nextInt(0, 3);
  return pick(rng, [0, rng.nextInt(-3000, 3000), rng.nextInt(-maxBiasAbs, maxBiasAbs)]);
}

function thetaFor(flavour: Flavour, rng: Rng, limits: LayerLimits): number {
  if (flavour === 'T=255, θ=1') return 1;
  if (flavour === 'θ=2^24' || flavour === 'widest positive membrane' || flavour === 'widest negative membrane') return limits.maxTheta;
  return pick(rng, [1, 2, rng.nextInt(1, 500), rng.nextInt(1, limits.maxTheta)]);
}

/** A random layer that fits the core, stressing `flavour`, and the columns to stream (with repeats). */
function randomCase(flavour: Flavour, seed: number, limits: LayerLimits): { layer: GemmLayer; columns: number[] } {
  const rng = new Rng(seed);
  const shape = shapeFor(flavour, rng, limits);
  const { M, K, N } = shape;
  const layer: GemmLayer = {
    name: `${flavour} #${seed}`,
    ...shape,
    weights: weightsFor(flavour, rng, M * K),
    input: levelsFor(flavour, rng, shape),
    bias: Int32Array.from({ length: M }, () => biasFor(flavour, rng, limits)),
    theta: Int32Array.from({ length: M }, () => thetaFor(flavour, rng, limits)),
  };
  const columns = Array.from({ length: rng.nextInt(1, 6) }, () => rng.nextInt(0, N - 1));
  return { layer, columns };
}

function describeCase(layer: GemmLayer, columns: readonly number[]): string {
  return `${layer.name}: M=${layer.M} K=${layer.K} N=${layer.N} T=${layer.T} Tin=${layer.inLevels}, columns [${columns.join(',')}]`;
}

/** Y[:, n] of each streamed column, in emission order. */
function expectedLevels(Y: Uint8Array, layer: GemmLayer, columns: readonly number[]): Uint8Array {
  return Uint8Array.from(columns.flatMap((n) => Array.from({ length: layer.M }, (_, m) => Y[m * layer.N + n] ?? 0)));
}

const workDirs: string[] = [];

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function freshDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  workDirs.push(dir);
  return dir;
}

/** Streams random layers of every flavour through one build; returns how many runs were checked. */
async function cosimSweep(accelerator: Accelerator, simulator: SimulatorName, layers: number, seedBase: number): Promise<number> {
  const limits = limitsOf(accelerator);
  const dir = await freshDir(`hwgen-snn-cosim-${simulator}-`);
  let runs = 0;
  for (let i = 0; i < layers; i++) {
    const flavour = FLAVOURS[i % FLAVOURS.length] ?? 'random';
    const { layer, columns } = randomCase(flavour, seedBase + i, limits);
    const what = describeCase(layer, columns);
    const Y = annLayer(layer);
    const golden = expectedLevels(Y, layer, columns);
    const prediction = predictSnnCore(layer, columns, limits.params, Y);
    const exact = await runSnnCoreCosim({ accelerator, layer, columns, simulator, workDir: join(dir, `${i}`) });
    expect(exact.levels, what).toEqual(golden);
    expect({ cycles: exact.cycles, busy: exact.counters.busy }, what).toEqual({ cycles: prediction.cycles, busy: prediction.busy });
    expect({ ...exact.counters, busy: 0 }, what).toEqual({ ...prediction.events, busy: 0 });
    runs += 1;
    if (i % 3 === 0) {
      const stalled = await runSnnCoreCosim({ accelerator, layer, columns, simulator, workDir: join(dir, `${i}-gaps`), gaps: { seed: seedBase + i } });
      expect(stalled.levels, `${what}, with gaps`).toEqual(golden);
      // Gaps and stalls move work in time, never change it.
      expect({ ...stalled.counters, busy: 0 }, `${what}, with gaps`).toEqual({ ...prediction.events, busy: 0 });
      expect(stalled.cycles).toBeGreaterThanOrEqual(prediction.cycles);
      runs += 1;
    }
  }
  return runs;
}

describe.each(CONFIGS)('hwgen_snn_core, %s', (_, accelerator) => {
  it('passes lint, Icarus and yosys, with no multiplier', async () => {
    const core = generateSnnCore(accelerator);
    const dir = await freshDir('hwgen-snn-checks-');
    const { cells } = await checkGeneratedModule(core, dir, 'wreduce; alumacc');
    expect(Object.keys(cells).filter((cell) => /\$(mul|macc)/.test(cell))).toEqual([]);
  });

  it.each(SIMULATORS)(
    'matches the golden model and the cost model on %s',
    async (simulator) => {
      const runs = await cosimSweep(accelerator, simulator, 2 * FLAVOURS.length, 1000);
      expect(runs).toBeGreaterThan(FLAVOURS.length);
    },
    240_000,
  );

  it.runIf(SWEEP).each(SIMULATORS)(
    'long sweep on %s (HWGEN_SWEEP=1)',
    async (simulator) => {
      await cosimSweep(accelerator, simulator, simulator === 'verilator' ? 1000 : 100, 50_000);
    },
    3_600_000,
  );
});

describe('hwgen_snn_core, the default design on vgg16 conv1_2 columns', () => {
  // M = 64, K = 576: G = 4 groups of 16 lanes, G·K = 2304 of 4096 weight words; ~900 spikes per column.
  const accelerator = defaultAccelerator();
  const layerPromise = zooGemmLayer('vgg16', 'conv1_2');

  it.each([
    ['verilator', 40],
    ['icarus', 2],
  ] as const)(
    'is exact on %s for %i columns',
    async (simulator, count) => {
      const layer = await layerPromise;
      const rng = new Rng(20_000 + count);
      const columns = Array.from({ length: count }, () => rng.nextInt(0, layer.N - 1));
      const golden = Uint8Array.from(columns.flatMap((n) => Array.from(annColumn(layer, n))));
      const prediction = predictSnnCore(layer, columns, snnCoreParams(accelerator));
      const result = await runSnnCoreCosim({ accelerator, layer, columns, simulator, workDir: await freshDir(`hwgen-snn-zoo-${simulator}-`) });
      expect(result.levels).toEqual(golden);
      expect({ cycles: result.cycles, ...result.counters }).toEqual({ cycles: prediction.cycles, ...prediction.events, busy: prediction.busy });
    },
    240_000,
  );
});
