/**
 * ReportData from a simulation run: its result.json (flows/write-sim.ts), the config and the workload it ran.
 * Every layer's plan is recomputed as `hwgen check` does it (layerRunPlan with the run's policy and seed, inputs
 * chained through the RTL's own outputs where given), and must predict the cycles and energy the run recorded:
 * otherwise the report would draw another schedule than the one simulated. From the plan: the Gantt intervals
 * (layer-timeline.ts), busy cycles, and the energy by event (predicted events × the energy table).
 */
import type { OutputValues } from '../arch/output-stream.ts';
import type { Accelerator } from '../config/load-config.ts';
import { type LayerPrediction, designOf } from '../cost/layer.ts';
import type { CoreParams } from '../modules/accel/arch.ts';
import { DEFAULT_ENERGY_PJ, EVENT_NAMES, type EventCounts } from '../arch/events.ts';
import { InputError } from '../errors.ts';
import type { ParetoFile } from './pareto-file.ts';
import { passOn } from '../flows/golden.ts';
import { layerRunPlan } from '../flows/layer-plan.ts';
import type { SimResultJson } from '../flows/write-sim.ts';
import { POLICIES, type PolicyName, isPolicyName } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { lowerToGemm } from '../workload/lower.ts';
import type { ResolvedLayer, ResolvedWorkload } from '../workload/resolve.ts';
import { layerTimeline } from './layer-timeline.ts';
import type { CoreUtilisation, DesignSummary, LayerReport, MismatchSection, NetworkSummary, ReportData, ResourceSection } from './report-data.ts';
import { gemmOutputOrder } from '../workload/batch.ts';

/** What result.json says of one layer. */
export type SimLayerJson = SimResultJson['layers'][number];

export interface SimReportInput {
  readonly result: SimResultJson;
  readonly accelerator: Accelerator;
  /** The workload as the run resolved it (the same `--layers`). */
  readonly workload: ResolvedWorkload;
  /** The table the run was given (`--energy`); DEFAULT_ENERGY_PJ when absent. */
  readonly energyTable?: Readonly<EventCounts>;
  /** The RTL's output of each layer (the run's `<layer>.y.npy`): what the next layer took. The golden output when absent. */
  readonly outputs?: ReadonlyMap<string, OutputValues>;
  readonly resources?: ResourceSection;
  readonly pareto?: ParetoFile;
  readonly mismatch?: MismatchSection;
  /** Default: `<design> on <workload>`. */
  readonly title?: string;
  readonly network?: NetworkSummary;
  /** Images of the batch the run computed. */
  readonly inferences?: number;
  /** Versions of the tools beyond hwgen (the simulator's, yosys'), tool → version line. */
  readonly tools?: Readonly<Record<string, string>>;
}


export function designSummary(accelerator: Accelerator): DesignSummary {
  const { name, ann, snn, clockMHz } = accelerator.config;
  return { name, ann: { arrays: ann.arrays, rows: ann.rows, cols: ann.cols }, snn: { cores: snn.cores, lanes: snn.lanes }, clockMHz, configHash: accelerator.hash };
}

/** Event name → pJ: the predicted count of each event times its entry in the table. */
export function energyByEvent(events: Readonly<EventCounts>, table: Readonly<EventCounts>): Record<string, number> {
  return Object.fromEntries(EVENT_NAMES.map((name) => [name, events[name] * table[name]]));
}

/**
 * One layer's part of the report from its exact prediction (`golden`: its Y) and, when it was simulated, what
 * result.json recorded of it.
 */
export function layerReportOf(gemm: GemmLayer, prediction: LayerPrediction, golden: OutputValues, params: CoreParams, table: Readonly<EventCounts>, recorded?: SimLayerJson): LayerReport {
  const timeline = layerTimeline(gemm, prediction, golden, params);
  const simulated = recorded === undefined ? {} : { cycles: recorded.cycles, match: recorded.match, checked: recorded.checked };
  const findings = recorded?.waveCheck?.findings;
  return {
    name: gemm.name,
    shape: { M: gemm.M, K: gemm.K, N: gemm.N },
    tiles: prediction.tiles.length,
    predictedCycles: prediction.cycles,
    ...simulated,
    problems: recorded?.problems ?? [],
    cores: timeline.cores,
    phases: timeline.phases,
    energyPj: energyByEvent(prediction.events, table),
    ...(findings === undefined ? {} : { waveFindings: findings }),
  };
}

/**
 * Layers that were only predicted (no simulation: `hwgen explore`'s points), each planned as `hwgen sim` would run
 * it with the policy and seed, on its own golden input: the Layers table, Gantt charts and energies of a design.
 */
export function predictedLayers(accelerator: Accelerator, gemms: readonly GemmLayer[], policy: PolicyName, seed: number, table: Readonly<EventCounts> = DEFAULT_ENERGY_PJ): LayerReport[] {
  const params = designOf(accelerator).params;
  return gemms.map((gemm) => {
    const plan = layerRunPlan(accelerator, gemm, policy, seed, table);
    return layerReportOf(gemm, plan.prediction, plan.golden, params, table);
  });
}

/** Busy over total cycles per core, summed over the layers (total: the layers' predicted cycles). */
export function utilisationOf(layers: readonly LayerReport[]): CoreUtilisation[] {
  const total = layers.reduce((sum, layer) => sum + layer.predictedCycles, 0);
  const byCore = new Map<string, CoreUtilisation>();
  for (const core of layers.flatMap((layer) => layer.cores)) {
    const known = byCore.get(core.id);
    byCore.set(core.id, { id: core.id, kind: core.kind, busy: (known?.busy ?? 0) + core.busy, total });
  }
  return [...byCore.values()];
}

/** The run's plan must be the one recomputed here: same predicted cycles and energy. */
function checkRecorded(recorded: SimLayerJson, prediction: LayerPrediction, policy: string, seed: number): void {
  const sameEnergy = Math.abs(recorded.predictedEnergyPj - prediction.energyPj) <= 1e-9 * Math.max(1, Math.abs(prediction.energyPj));
  if (recorded.predictedCycles === prediction.cycles && sameEnergy) return;
  throw new InputError(
    'result.json',
    `layers.${recorded.name}`,
    `predicted ${recorded.predictedCycles} cycles and ${recorded.predictedEnergyPj} pJ, but policy ${policy}, seed ${seed} give ${prediction.cycles} and ${prediction.energyPj}: give the run's config, workload and energy table`,
  );
}

function inputOf(layer: ResolvedLayer, previous: Uint8Array | undefined): Uint8Array {
  const levels = layer.input?.().data ?? previous;
  if (levels === undefined) throw new Error(`${layer.field} has no input: resolveWorkload lets no such layer through`);
  return levels;
}

/** The layers result.json names, each planned and drawn; inputs chained through the workload as the run did. */
function simulatedLayers(input: SimReportInput, policy: PolicyName, table: Readonly<EventCounts>): LayerReport[] {
  const { result, accelerator, workload } = input;
  const recorded = new Map(result.layers.map((layer) => [layer.name, layer]));
  const missing = result.layers.find((layer) => !workload.layers.some((resolved) => resolved.spec.name === layer.name));
  if (missing !== undefined) throw new InputError('result.json', `layers.${missing.name}`, `workload ${workload.name} has no such layer`);
  const params = designOf(accelerator).params;
  const reports: LayerReport[] = [];
  let previous: Uint8Array | undefined;
  for (const layer of workload.layers) {
    if (reports.length === recorded.size) break;
    const gemm = lowerToGemm(layer, inputOf(layer, previous));
    const record = recorded.get(layer.spec.name);
    const plan = layerRunPlan(accelerator, gemm, policy, result.seed, table);
    if (record !== undefined) {
      checkRecorded(record, plan.prediction, policy, result.seed);
      reports.push(layerReportOf(gemm, plan.prediction, plan.golden, params, table, record));
    }
    const rtl = input.outputs?.get(layer.spec.name);
    previous = passOn(layer, rtl === undefined ? plan.golden : gemmOutputOrder(layer, rtl));
  }
  return reports;
}

/** The report of a `hwgen sim` run (see the top of this file). */
export function reportFromSim(input: SimReportInput): ReportData {
  const { result, accelerator } = input;
  if (result.configHash !== accelerator.hash) {
    throw new InputError('result.json', 'configHash', `the run used config sha256 ${result.configHash.slice(0, 12)}…, ${accelerator.source} is ${accelerator.hash.slice(0, 12)}…: give the run's config`);
  }
  if (!isPolicyName(result.policy)) throw new InputError('result.json', 'policy', `"${result.policy}" is not one of ${POLICIES.join(', ')}`);
  const table = input.energyTable ?? DEFAULT_ENERGY_PJ;
  const layers = simulatedLayers(input, result.policy, table);
  return {
    title: input.title ?? `${accelerator.config.name} on ${result.workload}`,
    design: designSummary(accelerator),
    run: { workload: result.workload, simulator: result.simulator, policy: result.policy, seed: result.seed, generator: result.generator },
    layers,
    utilisation: utilisationOf(layers),
    energyTablePj: { ...table },
    ...(input.resources === undefined ? {} : { resources: input.resources }),
    ...(input.pareto === undefined ? {} : { pareto: input.pareto }),
    ...(input.mismatch === undefined ? {} : { mismatch: input.mismatch }),
    ...(input.network === undefined ? {} : { network: input.network }),
    ...(input.inferences === undefined ? {} : { inferences: input.inferences }),
    tools: { hwgen: result.generator, ...input.tools },
  };
}
