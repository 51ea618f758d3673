/**
 * `hwgen explore`'s flow: every point of a space through the cost model (on worker threads) and yosys (cached,
 * a few at a time), the Pareto front of (cycles, energy, cells), the iso-area comparison, and the front verified
 * in RTL. Writes into `dir` (the caller makes it appear atomically): `pareto.json`, and per front point
 * `points/<id>/config.json`, `workload.json` when T is swept, and the simulation's `sim/` folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimulatorName } from '../../sim/types.ts';
import { DEFAULT_ENERGY_PJ, type EventCounts } from '../arch/events.ts';
import { InputError } from '../errors.ts';
import { designSummary, predictedLayers, utilisationOf } from '../report/build-report.ts';
import { writeReport } from '../report/page.ts';
import { prettyJson } from '../util/json.ts';
import { type Progress, meterOf, silentProgress } from '../util/progress.ts';
import type { LoadedManifest } from '../workload/load-manifest.ts';
import { resolveWorkload } from '../workload/resolve.ts';
import { HWGEN_VERSION } from '../version.ts';
import { type MeasuredArea, areaCache, synthesizedArea } from './area.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import { type CostEvaluator, costEvaluator } from './cost-pool.ts';
import type { CostWorkerData } from './cost-outcome.ts';
import type { Accelerator } from '../config/load-config.ts';
import { type WorkloadVariant, withLevels, workloadVariant } from './levels.ts';
import type { ParetoFile, ParetoPoint, PointArea, PointVerification } from '../report/pareto-file.ts';
import { byObjectives, isoAreaComparisons, paretoFront } from './pareto.ts';
import { type PointSpec, enumeratePoints, kindOf, pointId } from './points.ts';
import { EXPLORE_SEED, type PointCost } from './point-cost.ts';
import type { Space } from './space.ts';
import { predictedCyclesOf, verifyPoint } from './verify.ts';

/**
 * Where areas and costs are computed: in this process by default, or as jobs on a queue (hwgen/queue, `--queue`).
 * Either way the figures are the same, so the files are too.
 */
export interface ExploreBackend {
  readonly area: (accelerator: Accelerator) => Promise<MeasuredArea>;
  /** Syntheses asked for at once (default `toolJobs`): a queue's workers set their own pace, so it asks for all. */
  readonly areaJobs?: number;
  /** The cost evaluator of the variants (default: `jobs` worker threads here, cost-pool.ts). */
  readonly costs: (data: CostWorkerData, jobs: number) => CostEvaluator;
}

export interface ExploreOptions {
  readonly space: Space;
  readonly workload: LoadedManifest;
  /** What the front is verified on (the workload, or some of its layers); none: no RTL verification. */
  readonly verifyWorkload?: LoadedManifest | undefined;
  readonly simulator: SimulatorName;
  /** Cost-model workers (1: in this thread). */
  readonly jobs: number;
  /** yosys runs, and RTL simulations, at a time. */
  readonly toolJobs: number;
  readonly energyTable?: Readonly<EventCounts> | undefined;
  readonly progress?: Progress;
  readonly backend?: ExploreBackend | undefined;
}

export interface ExploreResult {
  readonly pareto: ParetoFile;
  /** Skipped points, points over the constraints. */
  readonly notes: readonly string[];
  readonly candidates: number;
  /** One line per front point that failed its RTL verification. */
  readonly failures: readonly string[];
}

interface EvaluatedPoint {
  readonly spec: PointSpec;
  readonly cost: PointCost;
  readonly area: MeasuredArea;
}

function secondsOf(cycles: number, clockMHz: number): number {
  return cycles / (clockMHz * 1e6);
}

function paretoPoint({ spec, cost, area }: EvaluatedPoint, onFront: boolean, verified?: PointVerification): ParetoPoint {
  const { config } = spec.accelerator;
  const cells: PointArea = { cells: area.cells, memoryBits: area.memoryBits };
  return {
    id: spec.id, params: spec.params, config, kind: kindOf(config), cycles: cost.cycles, energyPj: cost.energyPj,
    edpJs: cost.energyPj * 1e-12 * secondsOf(cost.cycles, config.clockMHz), area: cells, pareto: onFront,
    ...(verified === undefined ? {} : { verified }),
  };
}

/** One workload variant per distinct T among the points, golden model run once for each. */
async function variantsOf(points: readonly PointSpec[], workload: LoadedManifest, progress: Progress): Promise<WorkloadVariant[]> {
  const levels = [...new Set(points.map((point) => point.T))];
  const variants: WorkloadVariant[] = [];
  for (const T of levels) {
    progress.info(`golden model of ${workload.manifest.name}${T === undefined ? '' : ` at T = ${T}`}`);
    variants.push(await workloadVariant(workload, T));
  }
  return variants;
}

/** A point's figures, or why it was skipped. */
type Evaluation = { readonly point: EvaluatedPoint } | { readonly note: string };

async function evaluateAll(points: readonly PointSpec[], variants: readonly WorkloadVariant[], options: ExploreOptions): Promise<Evaluation[]> {
  const progress = options.progress ?? silentProgress;
  // No more workers than points: each one copies every variant's layers when it starts.
  const { backend } = options;
  const evaluator = (backend?.costs ?? costEvaluator)({ variants: variants.map((variant) => variant.layers), energyTable: options.energyTable }, Math.min(options.jobs, points.length));
  const swept = new Set(options.space.parameters.map((parameter) => parameter.name));
  const measure = backend?.area ?? synthesizedArea;
  const areaOf = areaCache(backend?.areaJobs ?? options.toolJobs, async (accelerator) => {
    const done = progress.start(`yosys generic cells of ${pointId(accelerator.config, undefined, swept)}`);
    const area = await measure(accelerator);
    done(`${area.cells} cells, ${area.memoryBits} memory bits${area.cached ? ' (cached)' : ''}`);
    return area;
  });
  let finished = 0;
  const meter = meterOf(progress, { label: 'cost model of the points', total: points.length, unit: 'points' });
  const evaluateOne = async (spec: PointSpec): Promise<Evaluation> => {
    const outcome = await evaluator.evaluate(spec.accelerator.config, variants.findIndex((variant) => variant.T === spec.T));
    const label = `point ${++finished}/${points.length} ${spec.id}`;
    meter.update(finished);
    if (outcome.kind === 'error') throw new Error(`cost model of ${spec.id}: ${outcome.message}`);
    if (outcome.kind === 'skip') {
      progress.info(`${label}: skipped (${outcome.reason})`);
      return { note: `${spec.id}: skipped: ${outcome.reason}` };
    }
    progress.info(`${label}: ${outcome.cost.cycles} cycles, ${(outcome.cost.energyPj / 1e3).toFixed(1)} nJ`);
    return { point: { spec, cost: outcome.cost, area: await areaOf(spec.accelerator) } };
  };
  try {
    // In point order whatever order the workers finish in, so notes and files come out the same every run.
    return await Promise.all(points.map(evaluateOne));
  } finally {
    meter.stop();
    await evaluator.close();
  }
}

function overConstraints(point: EvaluatedPoint, constraints: Space['constraints']): string | undefined {
  const { maxCells, maxMemoryBits } = constraints;
  if (maxCells !== undefined && point.area.cells > maxCells) return `${point.area.cells} cells, above constraints.maxCells = ${maxCells}`;
  if (maxMemoryBits !== undefined && point.area.memoryBits > maxMemoryBits) return `${point.area.memoryBits} memory bits, above constraints.maxMemoryBits = ${maxMemoryBits}`;
  return undefined;
}

async function writePointFiles(point: EvaluatedPoint, dir: string, workload: LoadedManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'config.json'), prettyJson(point.spec.accelerator.config));
  if (point.spec.T !== undefined) await writeFile(join(dir, 'workload.json'), prettyJson(withLevels(workload, point.spec.T).manifest));
}

/** Writes a front point's files and, when asked, verifies it in RTL; a failure is one line naming the point. */
async function writeAndVerify(point: EvaluatedPoint, dir: string, options: ExploreOptions): Promise<{ verification?: PointVerification; failure?: string }> {
  const pointDir = join(dir, 'points', point.spec.id);
  await writePointFiles(point, pointDir, options.workload);
  if (options.verifyWorkload === undefined) return {};
  const done = (options.progress ?? silentProgress).start(`RTL verification of ${point.spec.id} on ${options.simulator}`);
  const workload = await resolveWorkload(withLevels(options.verifyWorkload, point.spec.T));
  const predicted = predictedCyclesOf(workload, point.cost.layerCycles);
  const { verification, problems } = await verifyPoint(point.spec.accelerator, workload, predicted, join(pointDir, 'sim'), options);
  done(verification.match ? `${verification.cycles} cycles = predicted, outputs match` : `FAILED: ${problems[0] ?? '?'}`);
  return { verification, ...(problems.length === 0 ? {} : { failure: `${point.spec.id}: ${problems.join('; ')}` }) };
}

/** Every front point written and verified, `toolJobs` at a time; the results in front order. */
async function verifyFront(front: readonly EvaluatedPoint[], dir: string, options: ExploreOptions): Promise<{ verified: Map<string, PointVerification>; failures: string[] }> {
  const run = concurrencyLimit(options.toolJobs);
  const results = await Promise.all(front.map((point) => run(() => writeAndVerify(point, dir, options))));
  const verified = new Map<string, PointVerification>();
  front.forEach((point, i) => {
    const verification = results[i]?.verification;
    if (verification !== undefined) verified.set(point.spec.id, verification);
  });
  return { verified, failures: results.flatMap(({ failure }) => (failure === undefined ? [] : [failure])) };
}

/**
 * report.html beside pareto.json: the Pareto plot and the iso-area table, and the fastest front point's design
 * with its layers as the cost model plans them (no RTL: the Layers table says "–" for measured cycles).
 */
async function writeExploreReport(dir: string, pareto: ParetoFile, evaluated: readonly EvaluatedPoint[], variants: readonly WorkloadVariant[], energyTable: Readonly<EventCounts> | undefined): Promise<void> {
  const fastest = pareto.points.find((point) => point.pareto) ?? pareto.points[0];
  const spec = evaluated.find((point) => point.spec.id === fastest?.id)?.spec;
  if (spec === undefined) return;
  const table = energyTable ?? DEFAULT_ENERGY_PJ;
  const gemms = (variants.find((variant) => variant.T === spec.T)?.layers ?? []).map((layer) => layer.gemm);
  const layers = predictedLayers(spec.accelerator, gemms, 'cost', EXPLORE_SEED, table);
  await writeReport(dir, {
    title: `hwgen explore: ${pareto.space} on ${pareto.workload} (layers: ${spec.id})`,
    design: designSummary(spec.accelerator),
    layers,
    utilisation: utilisationOf(layers),
    energyTablePj: { ...table },
    pareto,
    tools: { hwgen: pareto.generator },
  });
}

/**
 * A space without a single valid point has no front to show: that is a mistake in the space file (exit 2, naming
 * it and the first reason), not an empty result.
 */
function refuseIfNoValidPoint(space: Space, valid: number, notes: readonly string[]): void {
  if (valid > 0) return;
  const first = notes[0] === undefined ? '' : `; first: ${notes[0]}`;
  throw new InputError(space.file, '', `no valid design: every point is skipped or breaks a constraint${first}`);
}

export async function exploreSpace(options: ExploreOptions, dir: string): Promise<ExploreResult> {
  const progress = options.progress ?? silentProgress;
  const { space } = options;
  const enumeration = enumeratePoints(space);
  refuseIfNoValidPoint(space, enumeration.points.length, enumeration.notes);
  progress.info(`${space.name}: ${enumeration.points.length} points on ${options.workload.manifest.name}, ${options.jobs} cost worker(s), ${options.toolJobs} yosys/simulator run(s) at a time`);
  const variants = await variantsOf(enumeration.points, options.workload, progress);
  const evaluations = await evaluateAll(enumeration.points, variants, options);
  const notes = [...enumeration.notes, ...evaluations.flatMap((evaluation) => ('note' in evaluation ? [evaluation.note] : []))];
  const evaluated = evaluations.flatMap((evaluation) => ('point' in evaluation ? [evaluation.point] : [])).filter((point) => {
    const over = overConstraints(point, space.constraints);
    if (over !== undefined) notes.push(`${point.spec.id}: left out: ${over}`);
    return over === undefined;
  });
  refuseIfNoValidPoint(space, evaluated.length, notes);
  const sorted = evaluated.map((point) => ({ point, summary: paretoPoint(point, false) })).sort((a, b) => byObjectives(a.summary, b.summary));
  const frontIds = paretoFront(sorted.map(({ summary }) => summary));
  const { verified, failures } = await verifyFront(sorted.map(({ point }) => point).filter((point) => frontIds.has(point.spec.id)), dir, options);
  const points = sorted.map(({ point }) => paretoPoint(point, frontIds.has(point.spec.id), verified.get(point.spec.id)));
  const pareto: ParetoFile = {
    generator: `hwgen ${HWGEN_VERSION}`, space: space.name, workload: options.workload.manifest.name,
    objectives: ['cycles', 'energyPj', 'area.cells'], points, isoArea: isoAreaComparisons(points, space.budgets),
  };
  await writeFile(join(dir, 'pareto.json'), prettyJson(pareto));
  await writeExploreReport(dir, pareto, evaluated, variants, options.energyTable);
  return { pareto, notes, candidates: enumeration.points.length, failures };
}
