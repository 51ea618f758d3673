/**
 * Randomised co-simulation of hwgen_ann_core on Verilator and Icarus: every output level equals the
 * golden model, and with +gaps=0 the cycle count and every counter equal the cost model exactly.
 * One build per (configuration, simulator) serves every layer: data travel as files and plusargs.
 * HWGEN_SWEEP=1 runs many more random layers per build (for `make bench`, not CI).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGeneratedModule } from '../../../sim/checks.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { type Accelerator, acceleratorFrom, defaultAccelerator } from '../../config/load-config.ts';
import { annCoreLoadEvents, predictAnnCore } from './timing.ts';
import { generateAnnCore } from './generator.ts';
import { type AnnCoreParams, annCoreParams } from './arch.ts';
import { annLayer } from '../../golden/ann.ts';
import { Rng, deriveSeed } from '../../util/rng.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { runAnnCoreCosim } from './cosim.ts';
import { SIMULATORS } from '../../../sim/registry.ts';

const SWEEP = process.env.HWGEN_SWEEP === '1';
/** Input beats the test builds hold: the largest test stream (columns × J) must fit. */
const IN_DEPTH = 1 << 12;
const MAX_COLUMNS = 6;

/** Three designs: the default limits on 8×8, a narrow odd-shaped array, a declared-wide accumulator. */
const CONFIGS: readonly { readonly label: string; readonly accelerator: Accelerator }[] = [
  {
    label: '8x8, default limits',
    accelerator: acceleratorFrom({ name: 'ann8x8', ann: { rows: 8, cols: 8 }, limits: { maxK: 512, maxM: 64 }, buffers: { weightBytes: 64 * 64 } }, 'test'),
  },
  {
    label: '3x5, narrow accumulator',
    accelerator: acceleratorFrom(
      { name: 'ann3x5', ann: { rows: 3, cols: 5 }, limits: { maxK: 64, maxM: 40, maxInLevels: 15, maxBiasAbs: 1000, maxTheta: 1024 }, buffers: { weightBytes: 15 * 200 } },
      'test',
    ),
  },
  {
    label: '4x16, 48-bit accumulator',
    accelerator: acceleratorFrom({ name: 'ann4x16', ann: { rows: 4, cols: 16 }, limits: { maxK: 300, maxM: 32 }, widths: { accumulator: 48 }, buffers: { weightBytes: 64 * 40 } }, 'test'),
  },
];

type Limits = Accelerator['config']['limits'];

interface Shape {
  readonly M: number;
  readonly K: number;
}

/** Layer data of one flavour; each flavour pins one extreme of the contract. */
interface Flavour {
  readonly name: string;
  shape?(rng: Rng, limits: Limits, params: AnnCoreParams): Shape;
  readonly T?: number;
  readonly inLevels?: (limits: Limits) => number;
  readonly weight?: (rng: Rng, m: number, k: number) => number;
  readonly level?: (rng: Rng, inLevels: number, k: number, n: number) => number;
  readonly bias?: (rng: Rng, limits: Limits) => number;
  readonly theta?: (rng: Rng, limits: Limits, typical: number) => number;
}

const FLAVOURS: readonly Flavour[] = [
  { name: 'mixed' },
  { name: 'T=1', T: 1 },
  { name: 'T=255, small θ', T: 255, theta: (rng) => rng.nextInt(1, 40) },
  { name: 'Tin=255', inLevels: (limits) => limits.maxInLevels },
  { name: 'θ=1', theta: () => 1 },
  { name: 'θ=max', theta: (_rng, limits) => limits.maxTheta },
  { name: 'K=1', shape: (rng, limits, params) => ({ M: rng.nextInt(1, Math.min(limits.maxM, params.rows * 3)), K: 1 }) },
  { name: 'M=1', shape: (rng, limits, params) => ({ M: 1, K: rng.nextInt(1, Math.min(limits.maxK, params.cols * 9)) }) },
  { name: 'all-zero columns', level: () => 0 },
  { name: 'all-max columns', inLevels: (limits) => limits.maxInLevels, level: (_rng, inLevels) => inLevels },
  { name: 'large negative biases', bias: (rng, limits) => -rng.nextInt(Math.floor(limits.maxBiasAbs / 2), limits.maxBiasAbs) },
  {
    // The accumulator's extremes: the longest K, every product −128·Tin (or 127·Tin), |bias| at its limit.
    name: 'accumulator extremes',
    shape: (_rng, limits, params) => ({ M: Math.min(limits.maxM, params.rows), K: Math.min(limits.maxK, params.maxChunks * params.cols) }),
    inLevels: (limits) => limits.maxInLevels,
    weight: (_rng, m) => (m % 2 === 0 ? -128 : 127),
    level: (_rng, inLevels) => inLevels,
    bias: (rng, limits) => (rng.nextInt(0, 1) === 0 ? -limits.maxBiasAbs : limits.maxBiasAbs),
    theta: (_rng, limits) => limits.maxTheta,
  },
];

/** A random shape that fits the core, M and K mostly not multiples of the array. */
function randomShape(rng: Rng, limits: Limits, params: AnnCoreParams): Shape {
  for (;;) {
    const M = rng.nextInt(1, Math.min(limits.maxM, params.rows * 4 + 3));
    const K = rng.nextInt(1, Math.min(limits.maxK, params.cols * 12 + 5));
    if (Math.ceil(M / params.rows) * Math.ceil(K / params.cols) <= params.weightDepth) return { M, K };
  }
}

function randomLayer(flavour: Flavour, seed: number, accelerator: Accelerator): GemmLayer {
  const rng = new Rng(seed);
  const { limits } = accelerator.config;
  const params = annCoreParams(accelerator);
  const { M, K } = (flavour.shape ?? randomShape)(rng, limits, params);
  const N = rng.nextInt(1, MAX_COLUMNS - 2);
  const T = flavour.T ?? rng.nextInt(1, 255);
  const inLevels = flavour.inLevels?.(limits) ?? rng.nextInt(1, limits.maxInLevels);
  const weights = Int8Array.from({ length: M * K }, (_, i) => flavour.weight?.(rng, Math.floor(i / K), i % K) ?? rng.nextInt(-128, 127));
  // Some columns all zero, the rest uniform levels.
  const zeroColumn = Array.from({ length: N }, () => rng.nextFloat() < 0.2);
  const input = Uint8Array.from({ length: K * N }, (_, i) => {
    const n = i % N;
    return flavour.level?.(rng, inLevels, Math.floor(i / N), n) ?? (zeroColumn[n] ? 0 : rng.nextInt(0, inLevels));
  });
  // θ near the spread of acc/T gives levels across 0..T rather than all 0 or all T.
  const typical = Math.max(1, Math.round((Math.sqrt(K) * 74 * inLevels) / 2 / Math.max(1, T / 4)));
  const theta = Int32Array.from({ length: M }, () => Math.min(limits.maxTheta, flavour.theta?.(rng, limits, typical) ?? rng.nextInt(1, Math.min(limits.maxTheta, 2 * typical))));
  const bias = Int32Array.from({ length: M }, () => flavour.bias?.(rng, limits) ?? rng.nextInt(-Math.min(limits.maxBiasAbs, 4 * typical), Math.min(limits.maxBiasAbs, 4 * typical)));
  return { name: `${flavour.name} #${seed}`, M, K, N, T, inLevels, weights, input, bias, theta };
}

/** Columns in a random order, some repeated (the core must not care which column it sees). */
function randomColumns(rng: Rng, N: number): number[] {
  return Array.from({ length: rng.nextInt(1, MAX_COLUMNS) }, () => rng.nextInt(0, N - 1));
}

function expectedLevels(layer: GemmLayer, columns: readonly number[]): Uint8Array {
  const outputs = annLayer(layer);
  return Uint8Array.from(columns.flatMap((n) => Array.from({ length: layer.M }, (_, m) => outputs[m * layer.N + n] ?? 0)));
}

let workspace: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hwgen-ann-cosim-'));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function checkOneLayer(accelerator: Accelerator, simulator: SimulatorName, layer: GemmLayer, columns: readonly number[], runDir: string, gapSeed: number): Promise<void> {
  const label = `${layer.name} M=${layer.M} K=${layer.K} T=${layer.T} columns [${columns.join(',')}]`;
  const expected = expectedLevels(layer, columns);
  const exact = await runAnnCoreCosim({ accelerator, layer, columns, simulator, workDir: join(runDir, 'exact'), inDepth: IN_DEPTH });
  expect(exact.levels, label).toEqual(expected);
  const prediction = predictAnnCore(layer, columns, annCoreParams(accelerator));
  expect(exact.cycles, `${label}: cycles`).toBe(prediction.cycles);
  expect(exact.counters, `${label}: counters`).toEqual({ ...prediction.events, busy: prediction.busy });
  expect(exact.loadSramBytes, `${label}: load bytes`).toBe(annCoreLoadEvents(layer, annCoreParams(accelerator)).sram_byte);
  const stalled = await runAnnCoreCosim({ accelerator, layer, columns, simulator, gaps: { seed: gapSeed }, workDir: join(runDir, 'gaps'), inDepth: IN_DEPTH });
  expect(stalled.levels, `${label} with gaps`).toEqual(expected);
  expect(stalled.counters.ann_mac, `${label} with gaps: MACs`).toBe(prediction.events.ann_mac);
}

describe.each(CONFIGS)('hwgen_ann_core, $label', ({ label, accelerator }) => {
  const rounds = SWEEP ? 40 : 3;

  it('passes the static checks', async () => {
    const dir = join(workspace, label.replace(/\W+/g, '_'), 'static');
    await mkdir(dir, { recursive: true });
    await checkGeneratedModule(generateAnnCore(accelerator), dir);
  }, 120_000);

  it.each(SIMULATORS)('%s: random layers are bit-exact, and cycles and counters are as predicted', async (simulator) => {
    for (let round = 0; round < rounds; round++) {
      for (const [index, flavour] of FLAVOURS.entries()) {
        const seed = deriveSeed(2024, label, flavour.name, round);
        const layer = randomLayer(flavour, seed, accelerator);
        const columns = randomColumns(new Rng(deriveSeed(seed, 'columns')), layer.N);
        const runDir = join(workspace, label.replace(/\W+/g, '_'), simulator, `${round}-${index}`);
        await checkOneLayer(accelerator, simulator, layer, columns, runDir, deriveSeed(seed, 'gaps'));
      }
    }
  }, SWEEP ? 3_600_000 : 240_000);
});

/** A compute-bound layer for the default design: 64×576, so G = 8 and J = 72. */
function speedLayer(N: number): GemmLayer {
  const rng = new Rng(9);
  const [M, K] = [64, 576];
  return {
    name: 'speed',
    M,
    K,
    N,
    T: 15,
    inLevels: 15,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, () => rng.nextInt(0, 15)),
    bias: new Int32Array(M),
    theta: new Int32Array(M).fill(20_000),
  };
}

// `make bench` figures: build time (uncached, then cached) and simulated cycles per second.
describe.runIf(SWEEP)('simulation speed of the default design', () => {
  it.each([
    ['verilator', 800],
    ['icarus', 20],
  ] as const)('%s', async (simulator, columns) => {
    const accelerator = defaultAccelerator();
    const layer = speedLayer(columns);
    const order = Array.from({ length: columns }, (_, n) => n);
    const cacheDir = join(workspace, 'speed-cache', simulator);
    const first = await runAnnCoreCosim({ accelerator, layer, columns: order, simulator, workDir: join(workspace, 'speed', simulator, 'first'), cacheDir });
    const second = await runAnnCoreCosim({ accelerator, layer, columns: order, simulator, workDir: join(workspace, 'speed', simulator, 'second'), cacheDir });
    expect(second.build.cached).toBe(true);
    expect(second.cycles).toBe(predictAnnCore(layer, order, annCoreParams(accelerator)).cycles);
    const rate = (second.cycles / second.simulatorWallMs) * 1000;
    process.stdout.write(
      `| ${simulator} | ${(first.build.buildMs / 1000).toFixed(1)} s | ${second.build.buildMs.toFixed(0)} ms | ${second.cycles} | ${(second.simulatorWallMs / 1000).toFixed(2)} s | ${Math.round(rate)} cycles/s |\n`,
    );
  }, 1_800_000);
});
