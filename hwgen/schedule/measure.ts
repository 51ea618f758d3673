/**
 * Measures the schedulers on synthetic VGG-16 conv layers (synthetic-costs.ts) and prints the tables of
 * README.md, "Measured":  npx tsx hwgen/schedule/measure.ts
 *
 * Per layer and machine mix: the `cost` policy's gap to the lower bound, its throughput gain over `random`
 * (makespan_random / makespan_cost − 1, averaged over RANDOM_SEEDS seeds), its EDP and energy against
 * `ann` (ANN arrays only, SNN cores idle), the share of columns it gives the SNN cores, and the median wall
 * time of `schedule(…, 'cost')`. Then how schedules computed on calibration inputs fare on another input.
 * Everything but the times is deterministic.
 */
import { applySchedule, meanCosts } from './calibration.ts';
import { schedule } from './policies.ts';
import { summarize } from './summary.ts';
import { type SyntheticConvLayer, type SyntheticCoreParams, syntheticLayerCosts } from './synthetic-costs.ts';
import type { ColumnCosts, Machines, Schedule } from './types.ts';

/** VGG-16 (224×224) convs, one per block: the zoo's geometry (3×3, stride 1, padding 1). */
const LAYERS: SyntheticConvLayer[] = [
  { name: 'conv1_2', C: 64, H: 224, W: 224, M: 64, kernel: 3, stride: 1, padding: 1 },
  { name: 'conv2_2', C: 128, H: 112, W: 112, M: 128, kernel: 3, stride: 1, padding: 1 },
  { name: 'conv3_2', C: 256, H: 56, W: 56, M: 256, kernel: 3, stride: 1, padding: 1 },
  { name: 'conv4_2', C: 512, H: 28, W: 28, M: 512, kernel: 3, stride: 1, padding: 1 },
  { name: 'conv5_2', C: 512, H: 14, W: 14, M: 512, kernel: 3, stride: 1, padding: 1 },
];

const CORE_CONFIGS: { label: string; params: SyntheticCoreParams }[] = [
  // 64 adders against 64 multiply-accumulators: an average column takes ~1.6× longer on the SNN core.
  { label: 'ANN 8×8, SNN 64 lanes', params: { annRows: 8, annCols: 8, snnLanes: 64 } },
  // The config schema's defaults: an average column takes ~6× longer on the SNN core.
  { label: 'ANN 8×8, SNN 16 lanes (config defaults)', params: { annRows: 8, annCols: 8, snnLanes: 16 } },
];

const MIXES: Machines[] = [1, 2].flatMap((annArrays) => [2, 3, 4].map((snnCores) => ({ annArrays, snnCores })));
const INPUT_SEED = 1;
/** Calibration inputs, and an input none of them is, for the static-schedule table. */
const CALIBRATION_SEEDS = [11, 12, 13, 14, 15, 16, 17, 18];
const HELD_OUT_SEED = 99;
const RANDOM_SEEDS = [1, 2, 3, 4, 5];
const TIMING_RUNS = 3;

function percent(value: number, digits = 1): string {
  return `${value >= 0 ? '+' : ''}${(100 * value).toFixed(digits)} %`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The `cost` schedule and the median time to compute it. */
function timedCostSchedule(costs: ColumnCosts, machines: Machines): { result: Schedule; ms: number } {
  const times: number[] = [];
  let result: Schedule | undefined;
  for (let run = 0; run < TIMING_RUNS; run++) {
    const start = performance.now();
    result = schedule(costs, machines, 'cost', { seed: RANDOM_SEEDS[0] ?? 0 });
    times.push(performance.now() - start);
  }
  if (result === undefined) throw new Error('no timing runs');
  return { result, ms: median(times) };
}

function meanRandomMakespan(costs: ColumnCosts, machines: Machines): number {
  const makespans = RANDOM_SEEDS.map((seed) => summarize(schedule(costs, machines, 'random', { seed }), costs, machines).makespan);
  return makespans.reduce((sum, m) => sum + m, 0) / makespans.length;
}

function snnShare(result: Schedule, columns: number): number {
  return result.cores.filter((core) => core.kind === 'snn').reduce((sum, core) => sum + core.columns.length, 0) / columns;
}

function row(layer: SyntheticConvLayer, costs: ColumnCosts, machines: Machines): string {
  const columns = costs.annCycles.length;
  const { result, ms } = timedCostSchedule(costs, machines);
  const cost = summarize(result, costs, machines);
  const annOnly = summarize(schedule(costs, machines, 'ann', { seed: 0 }), costs, machines);
  const randomGain = meanRandomMakespan(costs, machines) / cost.makespan - 1;
  const K = layer.C * layer.kernel * layer.kernel;
  return [
    layer.name,
    columns,
    K,
    machines.annArrays,
    machines.snnCores,
    percent(cost.gapToBound, 3),
    percent(randomGain),
    percent(cost.edp / annOnly.edp - 1),
    percent(cost.energy / annOnly.energy - 1),
    `${(100 * snnShare(result, columns)).toFixed(0)} %`,
    ms.toFixed(0),
  ].join(' | ');
}

function printTable(label: string, params: SyntheticCoreParams, costsOf: Map<string, ColumnCosts>): void {
  console.log(`\n#### ${label}\n`);
  console.log('| layer | N | K | A | S | gap to bound | gain vs random | EDP vs ANN-only | energy vs ANN-only | SNN columns | cost time (ms) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const layer of LAYERS) {
    const costs = costsOf.get(layer.name) ?? syntheticLayerCosts(layer, params, INPUT_SEED).costs;
    for (const machines of MIXES) console.log(`| ${row(layer, costs, machines)} |`);
  }
}

/** Static schedules computed on calibration inputs, run on a held-out input of the same layer. */
function printCalibration(params: SyntheticCoreParams, machines: Machines): void {
  console.log(`\n#### Static schedules on another input (${CORE_CONFIGS[0]?.label}, A=${machines.annArrays}, S=${machines.snnCores})\n`);
  console.log(`Makespan on input seed ${HELD_OUT_SEED}, against \`cost\` rescheduled for that input.\n`);
  console.log(`| layer | fitted to one other input | fitted to the mean of ${CALIBRATION_SEEDS.length} inputs | random |`);
  console.log('|---|---:|---:|---:|');
  for (const layer of LAYERS) {
    const samples = CALIBRATION_SEEDS.map((seed) => syntheticLayerCosts(layer, params, seed).costs);
    const heldOut = syntheticLayerCosts(layer, params, HELD_OUT_SEED).costs;
    const rescheduled = summarize(schedule(heldOut, machines, 'cost', { seed: 1 }), heldOut, machines).makespan;
    const fittedTo = (costs: ColumnCosts): number => applySchedule(schedule(costs, machines, 'cost', { seed: 1 }), heldOut).makespan;
    const one = fittedTo(samples[0] ?? heldOut);
    const mean = fittedTo(meanCosts(samples));
    const random = meanRandomMakespan(heldOut, machines);
    console.log(`| ${layer.name} | ${[one, mean, random].map((m) => percent(m / rescheduled - 1)).join(' | ')} |`);
  }
}

function main(): void {
  console.log(`Node ${process.version}; inputs: zoo hidden-layer activations (clustered, skewed, T = 15, 56 % non-zero), seed ${INPUT_SEED}`);
  for (const { label, params } of CORE_CONFIGS) {
    const costs = new Map(LAYERS.map((layer) => [layer.name, syntheticLayerCosts(layer, params, INPUT_SEED).costs]));
    printTable(label, params, costs);
  }
  const primary = CORE_CONFIGS[0];
  if (primary !== undefined) printCalibration(primary.params, { annArrays: 1, snnCores: 3 });
}

main();
