/**
 * The NeuroFlex comparisons from RTL on a sample of every benchmarked layer: the layer's GEMM restricted to a
 * deterministic sample of columns of X (and of rows of W when the layer has many), run through the generated
 * accelerator on Verilator (hwgen/flows/simulate.ts: the host protocol, outputs checked against the golden
 * model, every tile's cycles and every counter against the exact cost model) under `cost`, `random` (several
 * seeds) and `ann`. Any run whose RTL differs from the golden model or from the prediction fails the bench.
 *
 * neuroflex.ts calls it after the whole-layer cost-model tables; hwgen/bench/neuroflex-rtl.test.ts checks the sampling.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import { edpChange, throughputGain } from '../cost/layer-compare.ts';
import { CheckError } from '../errors.ts';
import { simulateGemm } from '../flows/simulate.ts';
import type { PolicyName } from '../schedule/types.ts';
import { type Progress, silentProgress } from '../util/progress.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { PIXEL_LEVELS } from '../zoo/layers.ts';
import { markdownTable } from '../util/measure.ts';

// ---------------------------------------------------------------------------------------------
// Sampling.

/** 1/φ: the offsets j·φ mod 1 spread evenly over [0, 1) and repeat with no period (a literal: Math.sqrt may differ by engine). */
const GOLDEN_FRACTION = 0.6180339887498949;

/**
 * `count` indices of 0..total-1 (all of them when count ≥ total), increasing: one from each of `count` equal
 * strata [⌊j·total/count⌋, ⌊(j+1)·total/count⌋), at the offset frac((j+1)/φ) of its stratum. Evenly spread like
 * evenly spaced indices, but the offsets vary, so a stride that is a multiple of an image row cannot make every
 * sampled column the same image column (an edge column, say). Exact integer and IEEE arithmetic only.
 */
export function sampleIndices(total: number, count: number): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`sampleIndices: total must be an integer ≥ 0, got ${total}`);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`sampleIndices: count must be an integer ≥ 1, got ${count}`);
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: count }, (_, j) => {
    const lo = Math.floor((j * total) / count);
    const hi = Math.floor(((j + 1) * total) / count);
    const position = (j + 1) * GOLDEN_FRACTION;
    return lo + Math.floor((position - Math.floor(position)) * (hi - lo));
  });
}

/** A sample size that keeps every column (or row): the whole layer. */
export const WHOLE_LAYER = Number.MAX_SAFE_INTEGER;

export interface SampleSpec {
  /** Columns of X (GEMM columns N) kept. */
  readonly columns: number;
  /** Rows of W (output channels M) kept at most. */
  readonly maxRows: number;
}

export interface SampledLayer {
  /** The sub-layer: rows `rows` of W, bias and θ; columns `columns` of X; same K, T and input levels. */
  readonly layer: GemmLayer;
  /** Indices into the whole layer's rows (M) and columns (N). */
  readonly rows: readonly number[];
  readonly columns: readonly number[];
}

/**
 * The layer's GEMM restricted to a sample of its columns and rows (sampleIndices). Its output is exactly the
 * whole layer's Y at those rows and columns: each output level depends on one row of W and one column of X.
 */
export function sampleGemmLayer(layer: GemmLayer, spec: SampleSpec): SampledLayer {
  const rows = sampleIndices(layer.M, spec.maxRows);
  const columns = sampleIndices(layer.N, spec.columns);
  const { K, N } = layer;
  const n = columns.length;
  const input = new Uint8Array(K * n);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < n; j++) input[k * n + j] = layer.input[k * N + (columns[j] as number)] as number;
  }
  const weights = new Int8Array(rows.length * K);
  rows.forEach((m, i) => weights.set(layer.weights.subarray(m * K, (m + 1) * K), i * K));
  const sampled: GemmLayer = {
    ...layer,
    M: rows.length,
    N: n,
    weights,
    input,
    bias: Int32Array.from(rows, (m) => layer.bias[m] as number),
    theta: Int32Array.from(rows, (m) => layer.theta[m] as number),
  };
  return { layer: sampled, rows, columns };
}

// ---------------------------------------------------------------------------------------------
// Runs.

export interface RtlDesign {
  readonly id: string;
  readonly accelerator: Accelerator;
}

export interface RtlLayer {
  readonly network: string;
  readonly role: string;
  /** The whole layer; the sample is taken from it. */
  readonly layer: GemmLayer;
  /** The whole layer's cost-model figures on each design (by id), to set the sample's next to. */
  readonly whole: ReadonlyMap<string, { readonly throughputGain: number; readonly edpChange: number }>;
}

export interface RtlOptions {
  readonly sample: SampleSpec;
  readonly designs: readonly RtlDesign[];
  readonly randomSeeds: readonly number[];
  readonly costSeed: number;
  /** The whole hidden layers' cost-model slice figures on each design (by id), to set the samples' slice next to. */
  readonly wholeSlice?: ReadonlyMap<string, { readonly throughputGain: number; readonly edpChange: number }>;
  /** Simulations run at the same time (default: the machine's cores, at most 4). */
  readonly concurrency?: number;
  readonly progress?: Progress;
}

/** One checked RTL run: RTL cycles equal predicted cycles and outputs equal the golden model, or the bench has failed. */
export interface RtlRun {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly tiles: number;
  readonly cycles: number;
  readonly predictedCycles: number;
  /** From the RTL counters (and the host's bus traffic). */
  readonly energyPj: number;
  readonly predictedEnergyPj: number;
  /** energyPj × cycles / clock, pJ·s. */
  readonly edpPjS: number;
}

export interface RtlLayerResult {
  readonly design: string;
  readonly network: string;
  readonly role: string;
  readonly whole: GemmLayer;
  readonly sampled: SampledLayer;
  readonly cost: RtlRun;
  readonly random: readonly RtlRun[];
  readonly ann: RtlRun;
  readonly wholeFigures: { readonly throughputGain: number; readonly edpChange: number } | undefined;
}

interface Job {
  readonly design: RtlDesign;
  readonly layerIndex: number;
  readonly policy: PolicyName;
  readonly seed: number;
}

function defaultConcurrency(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** Runs `jobs` with at most `limit` at a time; stops starting new ones after the first failure, which it rethrows. */
async function runPool<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(jobs.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < jobs.length) {
      const index = next++;
      try {
        results[index] = await (jobs[index] as () => Promise<T>)();
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}

function shapeText(layer: GemmLayer): string {
  return `${layer.M}×${layer.K}×${layer.N}`;
}

/**
 * Every layer's sample on every design under cost, random (each seed) and ann, checked. The first run of a
 * design runs alone, so that its Verilator build (cached by content under .cache/sim) happens once.
 */
export async function runRtlSamples(layers: readonly RtlLayer[], options: RtlOptions): Promise<RtlLayerResult[]> {
  const progress = options.progress ?? silentProgress;
  const concurrency = options.concurrency ?? defaultConcurrency();
  const samples = layers.map((entry) => sampleGemmLayer(entry.layer, options.sample));
  const root = await mkdtemp(join(tmpdir(), 'hwgen-neuroflex-rtl-'));
  const runs = new Map<string, RtlRun>();
  const key = (design: string, layerIndex: number, policy: PolicyName, seed: number) => `${design}/${layerIndex}/${policy}/${seed}`;

  const runJob = async ({ design, layerIndex, policy, seed }: Job): Promise<void> => {
    const entry = layers[layerIndex] as RtlLayer;
    const sample = (samples[layerIndex] as SampledLayer).layer;
    const label = `RTL ${design.id} ${entry.network} ${entry.layer.name} sample ${shapeText(sample)} ${policy}${policy === 'random' ? ` seed ${seed}` : ''}`;
    const done = progress.start(label);
    const workDir = join(root, design.id, `${policy}-${seed}`);
    const result = await simulateGemm(design.accelerator, sample, layerIndex, { policy, seed, simulator: 'verilator', trace: 'none', workDir });
    const problems = [...result.problems];
    if (!result.match) problems.push(`${result.mismatchedLevels} output levels differ from the golden model`);
    if (result.cycles !== result.predictedCycles) problems.push(`RTL ${result.cycles} cycles, predicted ${result.predictedCycles}`);
    if (problems.length > 0) {
      done(`${problems.length} problems`);
      throw new CheckError(`neuroflex RTL sample: ${label}: RTL disagrees with the golden model or the cost model (run kept in ${result.workDir}): ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; … ${problems.length - 5} more` : ''}`);
    }
    await rm(result.workDir, { recursive: true, force: true });
    const seconds = result.cycles / (design.accelerator.config.clockMHz * 1e6);
    runs.set(key(design.id, layerIndex, policy, seed), {
      policy, seed, tiles: result.tiles, cycles: result.cycles, predictedCycles: result.predictedCycles,
      energyPj: result.energyPj, predictedEnergyPj: result.predictedEnergyPj, edpPjS: result.energyPj * seconds,
    });
    done(`${result.cycles} cycles = predicted, ${result.tiles} tiles, ${(result.energyPj / 1e6).toPrecision(3)} µJ`);
  };

  for (const design of options.designs) {
    const jobs: Job[] = [];
    layers.forEach((_, layerIndex) => {
      jobs.push({ design, layerIndex, policy: 'cost', seed: options.costSeed });
      for (const seed of options.randomSeeds) jobs.push({ design, layerIndex, policy: 'random', seed });
      jobs.push({ design, layerIndex, policy: 'ann', seed: options.costSeed });
    });
    const [first, ...rest] = jobs;
    if (first !== undefined) await runJob(first);
    await runPool(rest.map((job) => () => runJob(job)), concurrency);
  }
  await rm(root, { recursive: true, force: true });

  const run = (design: string, layerIndex: number, policy: PolicyName, seed: number): RtlRun => {
    const found = runs.get(key(design, layerIndex, policy, seed));
    if (found === undefined) throw new Error(`neuroflex RTL: no run ${key(design, layerIndex, policy, seed)}`);
    return found;
  };
  return options.designs.flatMap((design) =>
    layers.map((entry, layerIndex) => ({
      design: design.id,
      network: entry.network,
      role: entry.role,
      whole: entry.layer,
      sampled: samples[layerIndex] as SampledLayer,
      cost: run(design.id, layerIndex, 'cost', options.costSeed),
      random: options.randomSeeds.map((seed) => run(design.id, layerIndex, 'random', seed)),
      ann: run(design.id, layerIndex, 'ann', options.costSeed),
      wholeFigures: entry.whole.get(design.id),
    })),
  );
}

/** One layer run whole in RTL under one policy, checked. */
export interface WholeRtlRun {
  readonly design: string;
  readonly network: string;
  readonly layer: GemmLayer;
  readonly policy: PolicyName;
  readonly run: RtlRun;
  readonly seconds: number;
}

/**
 * Every layer whole (no sample) on every design under `policies`, each run checked like the samples: outputs equal
 * to the golden model, every cycle, counter and event as the cost model predicts. Random mapping is left to the
 * samples: on the input layers it is 20–100× slower than `cost`, hours of simulation for nothing more to learn.
 */
export async function runWholeLayers(layers: readonly RtlLayer[], designs: readonly RtlDesign[], policies: readonly PolicyName[], progress: Progress = silentProgress): Promise<WholeRtlRun[]> {
  const root = await mkdtemp(join(tmpdir(), 'hwgen-neuroflex-whole-'));
  const jobs = designs.flatMap((design) => layers.flatMap((entry, layerIndex) => policies.map((policy) => ({ design, entry, layerIndex, policy }))));
  const runs = await runPool(
    jobs.map(({ design, entry, layerIndex, policy }) => async (): Promise<WholeRtlRun> => {
      const label = `RTL ${design.id} ${entry.network} ${entry.layer.name} whole ${shapeText(entry.layer)} ${policy}`;
      const done = progress.start(label);
      const began = performance.now();
      const workDir = join(root, design.id, `${layerIndex}-${policy}`);
      const result = await simulateGemm(design.accelerator, entry.layer, layerIndex, { policy, seed: COST_SEED_WHOLE, simulator: 'verilator', trace: 'none', workDir });
      if (result.problems.length > 0 || !result.match || result.cycles !== result.predictedCycles) {
        done(`${result.problems.length} problems`);
        throw new CheckError(`neuroflex RTL whole: ${label}: RTL disagrees with the golden model or the cost model (run kept in ${result.workDir}): ${result.problems.slice(0, 5).join('; ')}`);
      }
      await rm(result.workDir, { recursive: true, force: true });
      const seconds = (performance.now() - began) / 1000;
      done(`${result.cycles} cycles = predicted`);
      const clock = result.cycles / (design.accelerator.config.clockMHz * 1e6);
      const run: RtlRun = { policy, seed: COST_SEED_WHOLE, tiles: result.tiles, cycles: result.cycles, predictedCycles: result.predictedCycles, energyPj: result.energyPj, predictedEnergyPj: result.predictedEnergyPj, edpPjS: result.energyPj * clock };
      return { design: design.id, network: entry.network, layer: entry.layer, policy, run, seconds };
    }),
    Math.min(2, defaultConcurrency()),
  );
  await rm(root, { recursive: true, force: true });
  return runs;
}

/** The seed of the whole-layer runs (cost and ann do not draw on it). */
const COST_SEED_WHOLE = 1;

/** The whole-layer runs as a table: RTL cycles (equal to the prediction, or the bench failed), energy, wall time. */
export function wholeLayerTable(runs: readonly WholeRtlRun[]): string {
  return markdownTable(
    ['design', 'layer', 'M×K×N', 'policy', 'tiles', 'RTL cycles = predicted', 'energy µJ (RTL counters)', 'wall time'],
    runs.map((r) => [r.design, `${r.network} ${r.layer.name}`, `${r.layer.M}×${r.layer.K}×${r.layer.N}`, r.policy, String(r.run.tiles), String(r.run.cycles), (r.run.energyPj / 1e6).toFixed(2), `${r.seconds.toFixed(0)} s`]),
  );
}

// ---------------------------------------------------------------------------------------------
// Tables.

export function percent(fraction: number, digits = 1): string {
  const text = (100 * fraction).toFixed(digits);
  return `${fraction >= 0 ? '+' : ''}${text} %`;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function microjoules(pj: number): string {
  return (pj / 1e6).toPrecision(3);
}

/** The sample's figures, from RTL cycles and RTL energy. */
export function sampleFigures(result: Pick<RtlLayerResult, 'cost' | 'random' | 'ann'>): { throughputGain: number; edpChange: number } {
  return {
    throughputGain: throughputGain(result.cost.cycles, mean(result.random.map((r) => r.cycles))),
    edpChange: edpChange(result.cost.edpPjS, result.ann.edpPjS),
  };
}

/** The hidden layers' samples run one after another: cycles and energies summed per policy. */
function sliceFigures(results: readonly RtlLayerResult[]): { throughputGain: number; edpChange: number } {
  const total = (pick: (r: RtlLayerResult) => number) => results.reduce((sum, r) => sum + pick(r), 0);
  const costCycles = total((r) => r.cost.cycles);
  const annCycles = total((r) => r.ann.cycles);
  return {
    throughputGain: throughputGain(costCycles, total((r) => mean(r.random.map((o) => o.cycles)))),
    edpChange: edpChange(total((r) => r.cost.energyPj) * costCycles, total((r) => r.ann.energyPj) * annCycles),
  };
}

function runCount(result: RtlLayerResult): number {
  return 2 + result.random.length;
}

function layerRow(result: RtlLayerResult): string[] {
  const figures = sampleFigures(result);
  const whole = result.wholeFigures;
  return [
    `${result.network} ${result.whole.name}`,
    `${shapeText(result.sampled.layer)} of ${shapeText(result.whole)}`,
    `${result.cost.cycles} / ${Math.round(mean(result.random.map((r) => r.cycles)))} / ${result.ann.cycles}`,
    `${runCount(result)} of ${runCount(result)}`,
    `${microjoules(result.cost.energyPj)} / ${microjoules(result.ann.energyPj)}`,
    percent(figures.throughputGain),
    percent(figures.edpChange),
    whole === undefined ? '–' : percent(whole.throughputGain),
    whole === undefined ? '–' : percent(whole.edpChange),
  ];
}

const LAYER_HEADER = [
  'layer',
  'sample M×K×N of whole',
  'RTL cycles: cost / random (mean) / ANN-only',
  'runs with RTL = predicted',
  'RTL energy µJ: cost / ANN-only',
  'sample: throughput vs random',
  'sample: EDP vs ANN-only',
  'whole layer (model): throughput',
  'whole layer (model): EDP',
];

function runRows(result: RtlLayerResult): string[][] {
  return [result.cost, ...result.random, result.ann].map((run) => [
    `${result.network} ${result.whole.name}`,
    run.policy === 'random' ? `random (seed ${run.seed})` : run.policy,
    String(run.tiles),
    String(run.cycles),
    String(run.predictedCycles),
    microjoules(run.energyPj),
    microjoules(run.predictedEnergyPj),
  ]);
}

/** The RTL tables as Markdown: per design one row per layer, a slice line, and every run. */
export function rtlTables(results: readonly RtlLayerResult[], options: Pick<RtlOptions, 'sample' | 'designs' | 'randomSeeds' | 'wholeSlice'>): string {
  const { columns, maxRows } = options.sample;
  const what = columns >= WHOLE_LAYER && maxRows >= WHOLE_LAYER ? 'every layer whole' : `${columns} columns of X and at most ${maxRows} rows of W per layer`;
  const lines = [
    `### NeuroFlex comparisons from RTL on a sample of each layer (Verilator; ${what})`,
    '',
    `Each layer's GEMM restricted to ${columns} columns (one from each of ${columns} equal strata of the N columns) and, when M > ${maxRows}, ${maxRows} rows spread the same way; K whole. ` +
      `Run on Verilator through the host protocol under \`cost\`, \`random\` (seeds ${options.randomSeeds.join(', ')}; mean) and \`ann\` (ANN-only); every run's outputs equal the golden model and its RTL cycles, counters and events equal the cost model's prediction (else the bench fails). ` +
      'EDP = RTL energy × RTL cycles / clock. The last two columns are the whole layer from the cost model (tables above), for comparison.',
    '',
  ];
  for (const design of options.designs) {
    const mine = results.filter((r) => r.design === design.id);
    const hidden = mine.filter((r) => r.whole.inLevels < PIXEL_LEVELS);
    const slice = sliceFigures(hidden);
    const wholeSlice = options.wholeSlice?.get(design.id);
    lines.push(
      `**${design.id}** (RTL)`,
      '',
      markdownTable(LAYER_HEADER, [
        ...mine.map(layerRow),
        [
          'hidden layers in sequence (cycles and energy summed)', '', '', '', '',
          percent(slice.throughputGain), percent(slice.edpChange),
          wholeSlice === undefined ? '–' : percent(wholeSlice.throughputGain), wholeSlice === undefined ? '–' : percent(wholeSlice.edpChange),
        ],
      ]),
      '',
    );
  }
  lines.push(
    '<details><summary>Every RTL run (cycles and energy, RTL and predicted)</summary>',
    '',
    ...options.designs.flatMap((design) => [
      `**${design.id}**`,
      '',
      markdownTable(
        ['layer', 'policy', 'tiles', 'RTL cycles', 'predicted cycles', 'RTL energy µJ', 'predicted energy µJ'],
        results.filter((r) => r.design === design.id).flatMap(runRows),
      ),
      '',
    ]),
    '</details>',
  );
  return lines.join('\n');
}
