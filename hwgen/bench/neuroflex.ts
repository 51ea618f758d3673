/**
 * The NeuroFlex comparisons (docs/results.md) from the layer cost model (hwgen/cost/layer.ts:
 * exact by the host protocol: 2-D tiles, parallel load buses, start, run, drain) on whole zoo layers: throughput of `cost` against random mapping,
 * EDP of `cost` against ANN-only, and the distance to the lower bound, on three designs. Then the
 * schedule-transfer check: a static schedule fitted to one input of a layer, run on another input.
 *
 * Then the same comparisons from RTL on a sample of columns of every layer (neuroflex-rtl.ts), on the designs
 * of NEUROFLEX_RTL_DESIGNS: RTL cycles must equal the prediction, or the bench fails.
 *
 * `hwgen bench neuroflex` and `make bench` print it; hwgen/cost/README.md and README.md ("Scheduling") quote and
 * discuss the figures.
 */
import { zooGemmLayer } from '../zoo/zoo-gemm.ts';
import { type Accelerator, acceleratorFrom, defaultAccelerator } from '../config/load-config.ts';
import type { AcceleratorConfigInput } from '../config/schema.ts';
import { type PolicyOutcome, edpChange, evaluatePolicy, gapToBound, snnShare, throughputGain } from '../cost/layer-compare.ts';
import { type Design, designOf, predictLayer } from '../cost/layer.ts';
import { annLayer } from '../golden/ann.ts';
import { type Progress, silentProgress } from '../util/progress.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { PIXEL_LEVELS } from '../zoo/layers.ts';
import { markdownTable } from '../util/measure.ts';
import { type RtlLayer, percent, rtlTables, runRtlSamples, runWholeLayers, wholeLayerTable } from './neuroflex-rtl.ts';

/** A design of the comparison, with why it is there. */
interface BenchDesign {
  readonly id: string;
  readonly what: string;
  readonly accelerator: Accelerator;
}

function design(id: string, what: string, config: AcceleratorConfigInput): BenchDesign {
  return { id, what, accelerator: acceleratorFrom(config, `neuroflex design ${id}`) };
}

export const NEUROFLEX_DESIGNS: readonly BenchDesign[] = [
  { id: 'default', what: '1 ANN 8×8, 2 SNN × 16 lanes, 64 KB weights (an SNN core ~6× slower than the array per column)', accelerator: defaultAccelerator() },
  design('snn64', '1 ANN 8×8, 2 SNN × 64 lanes, 512 KB weights (an SNN core ~1.6× slower)', {
    name: 'snn64',
    ann: { arrays: 1, rows: 8, cols: 8 },
    snn: { cores: 2, lanes: 64 },
    buffers: { weightBytes: 512 * 1024 },
  }),
  design('snn128', '2 ANN 8×8, 4 SNN × 128 lanes, 1 MB weights (an SNN core ~0.8× the array\'s cycles per column)', {
    name: 'snn128',
    ann: { arrays: 2, rows: 8, cols: 8 },
    snn: { cores: 4, lanes: 128 },
    buffers: { weightBytes: 1024 * 1024 },
  }),
];

/** Representative layers: the direct-coded input layer, an early and a late hidden layer, per network. */
export const NEUROFLEX_LAYERS: readonly { readonly network: string; readonly layer: string; readonly role: string }[] = [
  { network: 'vgg16', layer: 'conv1_1', role: 'input layer, 8-bit pixels' },
  { network: 'vgg16', layer: 'conv2_1', role: 'early 3×3, 12 544 columns' },
  { network: 'vgg16', layer: 'conv5_1', role: 'late 3×3, K = 4608' },
  { network: 'resnet34', layer: 'conv1', role: 'input 7×7/2, 8-bit pixels' },
  { network: 'resnet34', layer: 'layer1.0.conv1', role: 'early 3×3' },
  { network: 'resnet34', layer: 'layer3.0.conv2', role: 'late 3×3, K = 2304' },
  { network: 'googlenet', layer: 'conv2.3x3', role: 'stem 3×3' },
  { network: 'googlenet', layer: 'inception3a.3x3', role: 'inception 3×3' },
  { network: 'googlenet', layer: 'inception4a.1x1', role: 'inception 1×1' },
  { network: 'bert-base', layer: 'enc0.q', role: 'Q projection' },
  { network: 'bert-base', layer: 'enc0.head0.scores', role: 'attention scores' },
  { network: 'bert-base', layer: 'enc0.ffn2', role: 'FFN down, K = 3072' },
];

/** Seeds of the random baseline; its figures are the mean over them. */
const RANDOM_SEEDS = [1, 2, 3];
const COST_SEED = 1;

// ---------------------------------------------------------------------------------------------
// Policy comparison.

export interface LayerComparison {
  readonly network: string;
  readonly layer: GemmLayer;
  readonly role: string;
  readonly cost: PolicyOutcome;
  readonly random: readonly PolicyOutcome[];
  readonly ann: PolicyOutcome;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function compareOnDesign(layer: GemmLayer, outputs: Uint8Array, target: Design): Pick<LayerComparison, 'cost' | 'random' | 'ann'> {
  return {
    cost: evaluatePolicy(layer, target, 'cost', { seed: COST_SEED, outputs }),
    random: RANDOM_SEEDS.map((seed) => evaluatePolicy(layer, target, 'random', { seed, outputs })),
    ann: evaluatePolicy(layer, target, 'ann', { seed: COST_SEED, outputs }),
  };
}

/** The figures of one comparison. */
export interface ComparisonFigures {
  /** mean(random cycles) / cost cycles − 1. */
  readonly throughputGain: number;
  /** EDP_cost / EDP_ann − 1. */
  readonly edpChange: number;
  readonly energyChange: number;
  /** The scheduler's makespan against its LP bound (column-cost model). */
  readonly scheduleGap: number;
  /** Predicted cycles against the layer's floor (planLowerBound: cheapest loads + LP bound + start + drain). */
  readonly predictedGap: number;
}

export function figuresOf(comparison: Pick<LayerComparison, 'cost' | 'random' | 'ann'>): ComparisonFigures {
  const { cost, random, ann } = comparison;
  return {
    throughputGain: throughputGain(cost.prediction.cycles, mean(random.map((outcome) => outcome.prediction.cycles))),
    edpChange: edpChange(cost.prediction.edpPjS, ann.prediction.edpPjS),
    energyChange: cost.prediction.energyPj / ann.prediction.energyPj - 1,
    scheduleGap: gapToBound(cost.modelMakespan, cost.columnBound),
    predictedGap: gapToBound(cost.prediction.cycles, cost.lowerBound),
  };
}

/** Tiles and, in brackets, row tiles. */
function tileCount(outcome: PolicyOutcome): string {
  const rowTiles = outcome.plan.tiles.filter((tile) => tile.tile.firstInRow).length;
  return `${outcome.plan.tiles.length} (${rowTiles})`;
}

/** Shares of the predicted cycles spent loading, running and draining (start cycles are in none: one per tile). */
function phaseSplit(outcome: PolicyOutcome): string {
  const { cycles, loadCycles, runCycles, drainCycles } = outcome.prediction;
  return [loadCycles, runCycles, drainCycles].map((part) => (100 * part / cycles).toFixed(0)).join(' / ');
}

function comparisonRow(comparison: LayerComparison): string[] {
  const { layer, cost } = comparison;
  const figures = figuresOf(comparison);
  return [
    `${comparison.network} ${layer.name}`,
    comparison.role,
    `${layer.M}×${layer.K}×${layer.N}`,
    tileCount(cost),
    phaseSplit(cost),
    `${(100 * snnShare(cost)).toFixed(0)} %`,
    percent(figures.scheduleGap, 2),
    percent(figures.predictedGap),
    percent(figures.throughputGain),
    percent(figures.edpChange),
    percent(figures.energyChange),
  ];
}

const COMPARISON_HEADER = ['layer', 'role', 'M×K×N', 'tiles (row tiles)', 'cost: load / run / drain %', 'cost: on SNN', 'gap, schedule', 'gap, predicted', 'throughput vs random', 'EDP vs ANN-only', 'energy vs ANN-only'];

/** Whole slice of layers run one after another: cycles and energies summed per policy. */
function sliceFigures(comparisons: readonly LayerComparison[]): { throughputGain: number; edpChange: number } {
  const total = (pick: (c: LayerComparison) => number) => comparisons.reduce((sum, c) => sum + pick(c), 0);
  const costCycles = total((c) => c.cost.prediction.cycles);
  const randomCycles = total((c) => mean(c.random.map((o) => o.prediction.cycles)));
  const annCycles = total((c) => c.ann.prediction.cycles);
  const costEdp = total((c) => c.cost.prediction.energyPj) * costCycles;
  const annEdp = total((c) => c.ann.prediction.energyPj) * annCycles;
  return { throughputGain: throughputGain(costCycles, randomCycles), edpChange: edpChange(costEdp, annEdp) };
}

function range(values: readonly number[]): string {
  return `${percent(Math.min(...values))} … ${percent(Math.max(...values))}`;
}

/** Hidden layers only: the direct-coded input layers are a different regime (see README). */
function summaryRow(target: BenchDesign, comparisons: readonly LayerComparison[]): string[] {
  const hidden = comparisons.filter((c) => c.layer.inLevels < PIXEL_LEVELS);
  const figures = hidden.map(figuresOf);
  const slice = sliceFigures(hidden);
  return [
    target.id,
    range(figures.map((f) => f.throughputGain)),
    range(figures.map((f) => f.edpChange)),
    percent(slice.throughputGain),
    percent(slice.edpChange),
    range(figures.map((f) => f.predictedGap)),
  ];
}

// ---------------------------------------------------------------------------------------------
// Schedule transfer: fitted to one input, run on another.

interface TransferRow {
  readonly design: string;
  readonly layer: string;
  readonly fittedOn: number;
  readonly runOn: number;
  /** cycles of the transferred schedule / cycles of `cost` rescheduled on the run input − 1. */
  readonly transferred: number;
  /** mean random cycles / rescheduled cycles − 1. */
  readonly random: number;
}

/** The same layer (weights of seed 0) with the input of `inputSeed`. */
async function layerWithInput(network: string, name: string, inputSeed: number): Promise<GemmLayer> {
  const base = await zooGemmLayer(network, name, 0);
  if (inputSeed === 0) return base;
  const other = await zooGemmLayer(network, name, inputSeed);
  return { ...base, input: other.input };
}

function transferRows(layers: readonly GemmLayer[], outputs: readonly Uint8Array[], target: BenchDesign): TransferRow[] {
  const design = designOf(target.accelerator);
  const plans = layers.map((layer, i) => evaluatePolicy(layer, design, 'cost', { seed: COST_SEED, outputs: outputs[i] as Uint8Array }));
  const rows: TransferRow[] = [];
  for (const [fittedOn, runOn] of [
    [0, 1],
    [1, 0],
  ] as const) {
    const runLayer = layers[runOn] as GemmLayer;
    const runOutputs = outputs[runOn] as Uint8Array;
    const rescheduled = (plans[runOn] as PolicyOutcome).prediction.cycles;
    const transferred = predictLayer(runLayer, (plans[fittedOn] as PolicyOutcome).plan, design, { outputs: runOutputs }).cycles;
    const random = mean(RANDOM_SEEDS.map((seed) => evaluatePolicy(runLayer, design, 'random', { seed, outputs: runOutputs }).prediction.cycles));
    rows.push({ design: target.id, layer: runLayer.name, fittedOn, runOn, transferred: transferred / rescheduled - 1, random: random / rescheduled - 1 });
  }
  return rows;
}

const TRANSFER_LAYERS: readonly [string, string][] = [
  ['resnet34', 'layer1.0.conv1'],
  ['vgg16', 'conv2_1'],
];
const TRANSFER_INPUT_SEEDS = [0, 1];

async function transferTable(progress: Progress): Promise<string> {
  const rows: TransferRow[] = [];
  for (const [network, name] of TRANSFER_LAYERS) {
    const done = progress.start(`schedule transfer on ${network} ${name}`);
    const layers = await Promise.all(TRANSFER_INPUT_SEEDS.map((seed) => layerWithInput(network, name, seed)));
    const outputs = layers.map((layer) => annLayer(layer));
    for (const target of NEUROFLEX_DESIGNS.slice(0, 2)) rows.push(...transferRows(layers, outputs, target).map((row) => ({ ...row, layer: `${network} ${name}` })));
    done();
  }
  return markdownTable(
    ['design', 'layer', 'fitted to input', 'run on input', 'transferred schedule', 'random (mean of 3 seeds)'],
    rows.map((row) => [row.design, row.layer, `seed ${row.fittedOn}`, `seed ${row.runOn}`, percent(row.transferred), percent(row.random)]),
  );
}

// ---------------------------------------------------------------------------------------------

async function compareAll(progress: Progress): Promise<Map<string, LayerComparison[]>> {
  const byDesign = new Map<string, LayerComparison[]>(NEUROFLEX_DESIGNS.map((target) => [target.id, []]));
  for (const { network, layer: name, role } of NEUROFLEX_LAYERS) {
    const done = progress.start(`${network} ${name} on ${NEUROFLEX_DESIGNS.length} designs`);
    const layer = await zooGemmLayer(network, name);
    const outputs = annLayer(layer);
    for (const target of NEUROFLEX_DESIGNS) {
      byDesign.get(target.id)?.push({ network, layer, role, ...compareOnDesign(layer, outputs, designOf(target.accelerator)) });
    }
    done();
  }
  return byDesign;
}

/** Columns of X per layer in the RTL sample (`hwgen bench neuroflex --rtl-sample N`); 0 leaves RTL out. */
export const DEFAULT_RTL_SAMPLE = 24;
/** Rows of W per layer in the RTL sample at most. */
export const DEFAULT_RTL_ROWS = 128;
/** The designs the RTL sample runs on by default. */
export const NEUROFLEX_RTL_DESIGNS: readonly string[] = ['default', 'snn64'];

export interface NeuroflexOptions {
  /** Columns of X per layer run in RTL; 0: no RTL part. */
  readonly rtlSample?: number;
  /** Rows of W per layer run in RTL at most. */
  readonly rtlRows?: number;
  /** Ids of NEUROFLEX_DESIGNS to run in RTL. */
  readonly rtlDesigns?: readonly string[];
  /** Also run every layer whole in RTL under `cost` and `ann`. */
  readonly rtlWhole?: boolean;
}

function rtlDesignsOf(ids: readonly string[]): BenchDesign[] {
  return ids.map((id) => {
    const found = NEUROFLEX_DESIGNS.find((target) => target.id === id);
    if (found === undefined) throw new RangeError(`no NeuroFlex design ${id} (designs: ${NEUROFLEX_DESIGNS.map((target) => target.id).join(', ')})`);
    return found;
  });
}

async function rtlSection(byDesign: Map<string, LayerComparison[]>, options: NeuroflexOptions, progress: Progress): Promise<string> {
  const columns = options.rtlSample ?? DEFAULT_RTL_SAMPLE;
  const sample = { columns, maxRows: options.rtlRows ?? DEFAULT_RTL_ROWS };
  const designs = rtlDesignsOf(options.rtlDesigns ?? NEUROFLEX_RTL_DESIGNS);
  const first = byDesign.get(NEUROFLEX_DESIGNS[0]?.id ?? '') ?? [];
  const layers: RtlLayer[] = first.map((comparison, i) => ({
    network: comparison.network,
    role: comparison.role,
    layer: comparison.layer,
    whole: new Map(
      NEUROFLEX_DESIGNS.flatMap((target) => {
        const on = byDesign.get(target.id)?.[i];
        return on === undefined ? [] : [[target.id, figuresOf(on)] as const];
      }),
    ),
  }));
  const wholeSlice = new Map(designs.map((target) => [target.id, sliceFigures((byDesign.get(target.id) ?? []).filter((c) => c.layer.inLevels < PIXEL_LEVELS))] as const));
  const results = await runRtlSamples(layers, { sample, designs, randomSeeds: RANDOM_SEEDS, costSeed: COST_SEED, progress });
  return rtlTables(results, { sample, designs, randomSeeds: RANDOM_SEEDS, wholeSlice });
}

/** Every chosen layer whole in RTL under `cost` and `ann`, RTL cycles equal to the cost model's. */
async function wholeSection(byDesign: Map<string, LayerComparison[]>, options: NeuroflexOptions, progress: Progress): Promise<string> {
  const designs = rtlDesignsOf(options.rtlDesigns ?? NEUROFLEX_RTL_DESIGNS);
  const layers: RtlLayer[] = (byDesign.get(NEUROFLEX_DESIGNS[0]?.id ?? '') ?? []).map((comparison) => ({ network: comparison.network, role: comparison.role, layer: comparison.layer, whole: new Map() }));
  const runs = await runWholeLayers(layers, designs, ['cost', 'ann'], progress);
  return ['### Every layer whole in RTL (Verilator; `cost` and `ann`; each run equal to the golden model, cycles, counters and events as predicted)', '', wholeLayerTable(runs)].join('\n');
}

/** Every table of the benchmark, as Markdown. */
export async function neuroflexBench(progress: Progress = silentProgress, options: NeuroflexOptions = {}): Promise<string> {
  const rtlSample = options.rtlSample ?? DEFAULT_RTL_SAMPLE;
  if (!Number.isSafeInteger(rtlSample) || rtlSample < 0) throw new RangeError(`rtlSample must be an integer ≥ 0, got ${rtlSample}`);
  const rtlRows = options.rtlRows ?? DEFAULT_RTL_ROWS;
  if (!Number.isSafeInteger(rtlRows) || rtlRows < 1) throw new RangeError(`rtlRows must be an integer ≥ 1, got ${rtlRows}`);
  // bad design ids fail before the minute of cost-model tables
  if (rtlSample > 0) rtlDesignsOf(options.rtlDesigns ?? NEUROFLEX_RTL_DESIGNS);
  const byDesign = await compareAll(progress);
  const sections = ['### NeuroFlex comparisons (layer cost model, exact by the host protocol; zoo seed 0, T = 15)', ''];
  for (const target of NEUROFLEX_DESIGNS) {
    sections.push(`**${target.id}**: ${target.what}`, '', markdownTable(COMPARISON_HEADER, (byDesign.get(target.id) ?? []).map(comparisonRow)), '');
  }
  sections.push(
    '**Summary** over the hidden layers (the two direct-coded input layers left out: see the tables). "Slice": those layers run one after another, cycles and energy summed per policy. NeuroFlex claims +16 … +19 % and −57 … −67 %.',
    '',
    markdownTable(
      ['design', 'throughput vs random', 'EDP vs ANN-only', 'slice: throughput', 'slice: EDP', 'gap, predicted'],
      NEUROFLEX_DESIGNS.map((target) => summaryRow(target, byDesign.get(target.id) ?? [])),
    ),
    '',
    '**Schedule transfer**: a `cost` schedule fitted to one input, run on another input of the same layer (same weights), against `cost` rescheduled for that input',
    '',
    await transferTable(progress),
  );
  if (rtlSample > 0) sections.push('', await rtlSection(byDesign, { ...options, rtlSample }, progress));
  if (options.rtlWhole === true) sections.push('', await wholeSection(byDesign, options, progress));
  return sections.join('\n');
}
