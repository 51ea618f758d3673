/**
 * `hwgen schedule [CONFIG] WORKLOAD`: schedules every layer's columns over the design's ANN arrays and SNN
 * cores with a policy and predicts the layer (hwgen/cost/layer.ts: exact by the host protocol), next
 * to the other policies for comparison: throughput against `random`, EDP against ANN-only.
 */
import { type Command, Option } from 'commander';
import { type Accelerator, loadAccelerator } from '../../config/load-config.ts';
import { loadEnergyTable } from '../../cost/energy-table.ts';
import type { EventCounts } from '../../arch/events.ts';
import { type PolicyOutcome, edpChange, evaluatePolicy, gapToBound, snnShare, throughputGain } from '../../cost/layer-compare.ts';
import { type Design, designOf } from '../../cost/layer.ts';
import { refuseLayersTheDesignCannotRun } from '../../cost/layer-limits.ts';
import { InputError } from '../../errors.ts';
import { runGolden } from '../../flows/golden.ts';
import { POLICIES, type PolicyName } from '../../schedule/types.ts';
import { type Progress, silentProgress, stderrProgress } from '../../util/progress.ts';
import { prettyJson } from '../../util/json.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { resolveWorkload } from '../../workload/resolve.ts';
import { parseSeed } from '../../util/seed-arg.ts';
import { loadWorkloadArg } from '../workload-arg.ts';


interface ScheduleOptions {
  policy: PolicyName;
  seed: string;
  energy?: string;
  json?: boolean;
  layers?: string;
  quiet?: boolean;
}

/** One layer under every policy, the chosen one first. */
interface LayerReport {
  readonly name: string;
  readonly shape: { readonly M: number; readonly K: number; readonly N: number };
  /** The layer's floor (planLowerBound of the `cost` plan, tiled for both kinds): every policy is compared to it. */
  readonly lowerBound: number;
  readonly outcomes: readonly PolicyOutcome[];
}


function policyOrder(chosen: PolicyName): PolicyName[] {
  return [chosen, ...POLICIES.filter((policy) => policy !== chosen)];
}

function outcomeOf(report: LayerReport, policy: PolicyName): PolicyOutcome {
  const outcome = report.outcomes.find((candidate) => candidate.policy === policy);
  if (outcome === undefined) throw new Error(`no ${policy} outcome for ${report.name}`);
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// Text output.

function formatEnergy(picojoules: number): string {
  const units: [number, string][] = [
    [1e9, 'mJ'],
    [1e6, 'µJ'],
    [1e3, 'nJ'],
  ];
  const [scale, unit] = units.find(([threshold]) => picojoules >= threshold) ?? [1, 'pJ'];
  return `${(picojoules / scale).toFixed(3)} ${unit}`;
}

function signedPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '-';
  const text = (100 * fraction).toFixed(1);
  return `${fraction >= 0 ? '+' : ''}${text} %`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function designLine(accelerator: Accelerator): string {
  const { name, ann, snn, clockMHz } = accelerator.config;
  const arrays = ann.arrays === 0 ? 'no ANN array' : `${plural(ann.arrays, 'ANN array')} ${ann.rows}x${ann.cols}`;
  const cores = snn.cores === 0 ? 'no SNN core' : `${plural(snn.cores, 'SNN core')} x ${snn.lanes} lanes`;
  return `${name}: ${arrays}, ${cores}, ${clockMHz} MHz`;
}

const TABLE_HEADER = ['policy', 'cycles', 'load', 'busy', 'bound', 'gap', 'energy', 'EDP (J·s)', 'on SNN'];
const RIGHT_ALIGNED = [false, true, true, true, true, true, true, true, true];

function policyLabel(outcome: PolicyOutcome): string {
  return outcome.fellBack ? `${outcome.policy}*` : outcome.policy;
}

function policyRow(outcome: PolicyOutcome, lowerBound: number): string[] {
  const { prediction } = outcome;
  return [
    policyLabel(outcome),
    String(prediction.cycles),
    String(prediction.loadCycles),
    `${(100 * prediction.busyCycles / prediction.cycles).toFixed(1)} %`,
    String(Math.round(lowerBound)),
    signedPercent(gapToBound(prediction.cycles, lowerBound)),
    formatEnergy(prediction.energyPj),
    prediction.edpJs.toExponential(3),
    `${(100 * snnShare(outcome)).toFixed(1)} %`,
  ];
}

function alignedTable(rows: readonly (readonly string[])[]): string[] {
  const widths = TABLE_HEADER.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => `  ${row.map((cell, column) => (RIGHT_ALIGNED[column] === true ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ')}`.trimEnd());
}

/** Throughput against random mapping and EDP against the ANN-only baseline. */
function comparisonLine(chosen: PolicyName, policy: PolicyTotals, random: PolicyTotals, ann: PolicyTotals): string {
  return `  ${chosen} vs random: throughput ${signedPercent(throughputGain(policy.cycles, random.cycles))}; ${chosen} vs ann-only: EDP ${signedPercent(edpChange(policy.edpJs, ann.edpJs))}`;
}

/** Whether a plan's row tiles take one weight bank each (WeightUse `banks`). */
function inWeightBanks(outcome: PolicyOutcome): boolean {
  return outcome.plan.tiles.some((tile) => tile.tile.weightsBanked);
}

function layerText(report: LayerReport, chosen: PolicyName): string {
  const { M, K, N } = report.shape;
  const outcome = outcomeOf(report, chosen);
  const tiles = `${plural(outcome.plan.tiles.length, 'tile')}${inWeightBanks(outcome) ? ', row tiles in weight banks' : ''}`;
  const ordered = policyOrder(chosen).map((policy) => outcomeOf(report, policy));
  const lines = [`layer ${report.name}: M=${M} K=${K} N=${N}, ${tiles}`, ...alignedTable([TABLE_HEADER, ...ordered.map((outcome) => policyRow(outcome, report.lowerBound))])];
  lines.push(comparisonLine(chosen, totalsOf([report], chosen), totalsOf([report], 'random'), totalsOf([report], 'ann')));
  if (ordered.some((outcome) => outcome.fellBack)) lines.push('  * the policy\'s kind of core cannot hold this layer: it ran on the other kind');
  return lines.join('\n');
}

interface PolicyTotals {
  readonly cycles: number;
  readonly energyPj: number;
  readonly seconds: number;
  readonly edpJs: number;
}

/** Layers run one after another: cycles and energies add up, EDP is the whole run's energy × time. */
function totalsOf(reports: readonly LayerReport[], policy: PolicyName): PolicyTotals {
  const outcomes = reports.map((report) => outcomeOf(report, policy).prediction);
  const cycles = outcomes.reduce((sum, prediction) => sum + prediction.cycles, 0);
  const energyPj = outcomes.reduce((sum, prediction) => sum + prediction.energyPj, 0);
  const seconds = outcomes.reduce((sum, prediction) => sum + prediction.seconds, 0);
  return { cycles, energyPj, seconds, edpJs: energyPj * seconds * 1e-12 };
}

function totalText(reports: readonly LayerReport[], chosen: PolicyName): string {
  const totals = totalsOf(reports, chosen);
  const random = totalsOf(reports, 'random');
  const ann = totalsOf(reports, 'ann');
  return [
    `total (${plural(reports.length, 'layer')}, one after another): ${chosen} ${totals.cycles} cycles, ${formatEnergy(totals.energyPj)}, EDP ${totals.edpJs.toExponential(3)} J·s`,
    comparisonLine(chosen, totals, random, ann),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// JSON output.

function outcomeJson(outcome: PolicyOutcome, lowerBound: number): Record<string, unknown> {
  const { prediction } = outcome;
  return {
    policy: outcome.policy,
    fellBack: outcome.fellBack,
    tiles: outcome.plan.tiles.length,
    weightBanks: inWeightBanks(outcome),
    cycles: prediction.cycles,
    loadCycles: prediction.loadCycles,
    runCycles: prediction.runCycles,
    drainCycles: prediction.drainCycles,
    busyCycles: prediction.busyCycles,
    modelMakespan: outcome.modelMakespan,
    columnBound: outcome.columnBound,
    gapToBound: gapToBound(prediction.cycles, lowerBound),
    annColumns: outcome.annColumns,
    snnColumns: outcome.snnColumns,
    events: prediction.events,
    dispatcherBytes: prediction.breakdown.dispatcher,
    energyPj: prediction.energyPj,
    seconds: prediction.seconds,
    edpJs: prediction.edpJs,
  };
}

function reportJson(workloadName: string, accelerator: Accelerator, chosen: PolicyName, seed: number, table: Readonly<EventCounts>, reports: readonly LayerReport[]): string {
  const { name, ann, snn, clockMHz } = accelerator.config;
  const layers = reports.map((report) => {
    const policy = outcomeOf(report, chosen).prediction;
    return {
      name: report.name,
      ...report.shape,
      lowerBound: report.lowerBound,
      policies: Object.fromEntries(policyOrder(chosen).map((p) => [p, outcomeJson(outcomeOf(report, p), report.lowerBound)])),
      throughputGainOverRandom: throughputGain(policy.cycles, outcomeOf(report, 'random').prediction.cycles),
      edpChangeVsAnn: edpChange(policy.edpJs, outcomeOf(report, 'ann').prediction.edpJs),
    };
  });
  const totals = Object.fromEntries(POLICIES.map((p) => [p, totalsOf(reports, p)]));
  const chosenTotals = totalsOf(reports, chosen);
  return prettyJson({
    workload: workloadName,
    design: { name, annArrays: ann.arrays, rows: ann.rows, cols: ann.cols, snnCores: snn.cores, lanes: snn.lanes, clockMHz },
    policy: chosen,
    seed,
    energyTablePj: table,
    layers,
    totals: {
      ...totals,
      throughputGainOverRandom: throughputGain(chosenTotals.cycles, totalsOf(reports, 'random').cycles),
      edpChangeVsAnn: edpChange(chosenTotals.edpJs, totalsOf(reports, 'ann').edpJs),
    },
  });
}

// ---------------------------------------------------------------------------------------------

/** What every layer of a run shares. */
interface RunContext {
  readonly design: Design;
  readonly seed: number;
  readonly table: Readonly<EventCounts>;
  readonly progress: Progress;
}

function reportLayer(gemm: GemmLayer, outputs: Uint8Array, run: RunContext): LayerReport {
  const done = run.progress.start(`schedule ${gemm.name} under ${POLICIES.join(', ')}`);
  const outcomes = POLICIES.map((policy) => evaluatePolicy(gemm, run.design, policy, { seed: run.seed, outputs, energyTable: run.table }));
  const lowerBound = outcomes.find((outcome) => outcome.policy === 'cost')?.lowerBound ?? 0;
  done();
  return { name: gemm.name, shape: { M: gemm.M, K: gemm.K, N: gemm.N }, lowerBound, outcomes };
}

async function runSchedule(first: string, second: string | undefined, options: ScheduleOptions): Promise<void> {
  const [configFile, workloadArg] = second === undefined ? [undefined, first] : [first, second];
  const seed = parseSeed(options.seed);
  const accelerator = await loadAccelerator(configFile);
  const table = await loadEnergyTable(options.energy);
  const workload = await resolveWorkload(await loadWorkloadArg(workloadArg, { layers: options.layers }));
  const progress = options.quiet === true ? silentProgress : stderrProgress('schedule');
  // A layer the design cannot run fails before any golden run, not after the layers before it.
  refuseLayersTheDesignCannotRun(accelerator, workload.layers, '--layers');
  const design = designOf(accelerator);
  const run: RunContext = { design, seed, table, progress };
  const reports: LayerReport[] = [];
  for (const result of runGolden(workload, 'ann', progress)) reports.push(reportLayer(result.gemm, result.levels, run));
  if (options.json === true) {
    process.stdout.write(reportJson(workload.name, accelerator, options.policy, seed, table, reports));
    return;
  }
  const header = `${workload.name} on ${designLine(accelerator)}; policy ${options.policy}, seed ${seed}`;
  const body = reports.map((report) => layerText(report, options.policy));
  process.stdout.write(`${[header, ...body, totalText(reports, options.policy)].join('\n')}\n`);
}

export function registerSchedule(program: Command): void {
  program
    .command('schedule')
    .description('schedule each layer\'s columns over the ANN arrays and SNN cores and predict cycles, energy and EDP (no CONFIG: the default design)')
    .usage('[options] [CONFIG] WORKLOAD')
    .argument('<CONFIG|WORKLOAD>', 'accelerator config (YAML/JSON) when a WORKLOAD follows, else the WORKLOAD')
    .argument('[WORKLOAD]', 'workload manifest (YAML/JSON) or zoo network name')
    .addOption(new Option('--policy <POLICY>', 'the policy to report (the others are printed for comparison)').choices(POLICIES).default('cost'))
    .option('--seed <N>', 'seed of the random policy (and of the random start cost compares with)', '0')
    .option('--energy <FILE>', 'energy table override, pJ per event (YAML/JSON)')
    .option('--layers <NAMES>', 'comma-separated layer names to run (layers that take their own input)')
    .option('--json', 'machine-readable output')
    .option('-q, --quiet', 'no progress lines')
    .action(runSchedule);
}
