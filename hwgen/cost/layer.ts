/**
 * Cycles, events, energy and EDP of a whole layer on a design, under a static column schedule, exactly as the
 * host protocol runs it (hwgen/modules/dispatcher/spec.md, "Host protocol: tiles, bus cycles and the exact
 * layer model"):
 *   - the layer is cut into row tiles and each row tile into column tiles (layer-tiling.ts), run one after
 *     another in that order;
 *   - a tile costs load + 1 + run + drain cycles with one bank, and its neighbours' drain and loads run under
 *     its run with two (tile-model.ts): the load is the busiest of 7 parallel load buses, the run is
 *     predictDispatch (the cores' exact models plus the feeder latency, co-simulated on the accelerator top) plus
 *     RUN_WAIT_OFFSET, the drain reads M_tile·Nt levels, R a cycle (buffers.drainBytes);
 *   - events are the cores' streams plus every buffer byte the loads, the feeders, the schedule and the output
 *     banks move.
 * Only the run depends on data; everything else is counted from the protocol, so the model is exact as far as
 * the host program follows the protocol.
 *
 * Planning (planLayer) schedules each column tile's columns with a policy on the column-cost model; `cost` also
 * picks which kinds of core a column tile uses, since using a kind brings its weights and its replica's load
 * (planTile), and whether a layer's row tiles take weight banks (layer-tiling.ts, WeightUse).
 */
import type { Accelerator } from '../config/load-config.ts';
import { CORE_KINDS, coresOf, isCoreKind, machinesOfKinds } from '../arch/core-kinds.ts';
import { FEEDER_LATENCY, drainReads } from '../modules/dispatcher/arch.ts';
import { fireLevels } from '../golden/output.ts';
import { beatsPerOutput } from '../arch/output-stream.ts';
import { checkSchedule, makespanLowerBound, schedule as scheduleColumns, summarize } from '../schedule/index.ts';
import type { ColumnCosts, CoreKind, Machines, PolicyName, Schedule, ScheduledCore, ScheduleSummary } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { GemmShape } from '../workload/shapes.ts';
import { columnCosts } from './column-costs.ts';
import { type Design, designOf } from '../modules/accel/arch.ts';
import { RUN_WAIT_OFFSET } from './dispatcher.ts';
import { DEFAULT_ENERGY_PJ, type EventCounts, addEvents, energyPicojoules, zeroEvents } from '../arch/events.ts';
import { type LayerTile, type WeightUse, kindRefusal, rowTilesOf, tileLayer, tileOutputs, tileSchedules, tileSubLayer, usableKinds, weightUses } from './layer-tiling.ts';
import { type TilePrediction, type TileSramBytes, type TileTimeline, kindsUsedBy, predictTileRun, tileLoadWords, tileTimelines, timelineCycles } from './tile-model.ts';

export { type Design, type DesignBuffers, designBuffersOf, designOf } from '../modules/accel/arch.ts';
export {
  type ColumnLimits,
  type LayerTile,
  columnLimits,
  kindRefusal,
  maxTileColumns,
  maxTileRows,
  rowTilesOf,
  tileLayer,
  tileOutputs,
  tileRowHeight,
  tileSchedule,
  tileSchedules,
  tileSubLayer,
} from './layer-tiling.ts';
import { loadCyclesOf } from '../arch/load-buses.ts';
export { LOAD_BUSES, type LoadBus, type LoadWords } from '../arch/load-buses.ts';
export { type TilePrediction, type TileSramBytes, kindsUsedBy, tileLoadWords } from './tile-model.ts';

export interface LayerOptions {
  /** The levels the fire stage makes (M×N row-major, as fireLevels returns); computed once when absent. */
  readonly outputs?: Uint8Array | undefined;
  /** pJ per event; DEFAULT_ENERGY_PJ when absent. */
  readonly energyTable?: Readonly<EventCounts> | undefined;
}

// ---------------------------------------------------------------------------------------------
// Planning: column costs and a schedule per tile.

/** One tile's column costs and schedule. */
export interface TilePlan {
  readonly tile: LayerTile;
  readonly costs: ColumnCosts;
  /** The tile's columns (tile-local numbers) on all A + S cores (ANN arrays first), idle ones included. */
  readonly schedule: Schedule;
  /** The policy actually used: `ann`/`snn` fall back to the other kind when the tile cannot use theirs. */
  readonly policy: PolicyName;
  /** Makespan, energy and LP lower bound of the column-cost model on the cores the schedule may use. */
  readonly summary: ScheduleSummary;
  /** A floor on the tile's predicted cycles under any schedule (tileLowerBound). */
  readonly lowerBound: number;
}

export interface LayerPlan {
  readonly policy: PolicyName;
  readonly shape: Pick<GemmShape, 'M' | 'K' | 'N'>;
  /** In protocol order. */
  readonly tiles: readonly TilePlan[];
}

function idleCores(kind: CoreKind, count: number): ScheduledCore[] {
  return Array.from({ length: count }, (_, index) => ({ kind, index, columns: [] }));
}

/** A schedule on the tile's usable cores, widened to all of the design's cores. */
function widenSchedule(narrow: Schedule, usable: Machines, machines: Machines): Schedule {
  const coresOfKind = (kind: CoreKind): ScheduledCore[] =>
    coresOf(usable, kind) > 0 ? narrow.cores.filter((core) => core.kind === kind) : idleCores(kind, coresOf(machines, kind));
  return { policy: narrow.policy, cores: CORE_KINDS.flatMap(coresOfKind) };
}

/**
 * The cores a policy tiles for. `ann` and `snn` use one kind, so they tile for that kind alone (a strong
 * single-kind baseline is not held back by the other kind's smaller memories); when that kind cannot hold
 * the layer they fall back to the other kind. `cost` and `random` tile so that every tile fits both kinds.
 */
function machinesForPolicy(policy: PolicyName, shape: Pick<GemmLayer, 'K'>, design: Design): Machines {
  const single = isCoreKind(policy) && coresOf(design.machines, policy) > 0 && kindRefusal(policy, shape.K, design) === undefined;
  return single ? machinesOfKinds([policy], design.machines) : design.machines;
}

/** A single-kind policy whose kind has no usable core falls back to a kind that has. */
function effectivePolicy(policy: PolicyName, usable: Machines): PolicyName {
  if (!isCoreKind(policy) || coresOf(usable, policy) > 0) return policy;
  return CORE_KINDS.find((kind) => coresOf(usable, kind) > 0) ?? policy;
}

/** The non-empty sets of kinds a column tile may give columns to, largest first (all of them first), each in the order of `kinds`. */
function kindSets(kinds: readonly CoreKind[]): CoreKind[][] {
  const subsets = kinds.reduce<CoreKind[][]>((sets, kind) => [...sets, ...sets.map((set) => [...set, kind])], [[]]);
  return subsets.filter((set) => set.length > 0).sort((a, b) => b.length - a.length);
}

/**
 * A floor on load(U), a tile's busiest load bus when it gives columns to the kinds U: one schedule entry per
 * column and, first in its row tile, U's weight and bias/θ words (each kind's replica holds only the columns its
 * cores run, so it may be as small as one column's words).
 */
function tileLoadFloor(tile: LayerTile, sub: GemmLayer, design: Design): (kinds: readonly CoreKind[]) => number {
  return (kinds) => loadCyclesOf(tileLoadWords(sub, { cores: [] }, tile.firstInRow ? kinds : [], design));
}

/** The load a tile with this schedule puts on its busiest bus (its weights when first in its row tile). */
function scheduleLoad(tile: LayerTile, sub: GemmLayer, schedule: Schedule, design: Design): number {
  return loadCyclesOf(tileLoadWords(sub, schedule, tile.firstInRow ? kindsUsedBy(schedule) : [], design));
}

/**
 * The constant part of a tile's cycles: start, the feeder latency, RUN_WAIT_OFFSET and the drain at its least,
 * ceil(M_tile·Nt·beats / R) (the drain reads each core's bank R levels a cycle: splitting the columns between cores
 * never reads fewer words).
 */
function tileFixedCycles(sub: GemmLayer, design: Design): number {
  return 1 + FEEDER_LATENCY + RUN_WAIT_OFFSET + drainReads(sub.M * beatsPerOutput(sub) * sub.N, { readLevels: design.buffers.drainLevels });
}

/**
 * A floor on a tile's cycles that no schedule of its columns beats (in the column-cost model for the run):
 *
 *     min over the sets U of kinds the tile may give columns to of   load(U) + LP bound of the columns on U's cores
 *     + 1 (start) + FEEDER_LATENCY + RUN_WAIT_OFFSET (the run's constant part) + ceil(M_tile·Nt / R) (drain)
 *
 * with load(U) = max(Nt and, in the first column tile of a row tile, U's weight and bias/θ words): a schedule that
 * uses the kinds U loads at least that. Taking the minimum over U,
 * not the cheapest load plus the LP bound on all cores, keeps the floor honest when a kind's replica load costs
 * more than its cores save. With two banks (buffers.banks) the floor is the run's part alone.
 */
export function tileLowerBound(tile: LayerTile, sub: GemmLayer, costs: ColumnCosts, design: Design): number {
  // With two banks a tile's loads and drain may run under its neighbours' runs: only the run is certain.
  if (design.buffers.banks > 1) return Math.min(...kindSets(tile.kinds).map((kinds) => makespanLowerBound(costs, machinesOfKinds(kinds, design.machines)))) + 1 + FEEDER_LATENCY + RUN_WAIT_OFFSET;
  const loadOf = tileLoadFloor(tile, sub, design);
  const best = Math.min(...kindSets(tile.kinds).map((kinds) => loadOf(kinds) + makespanLowerBound(costs, machinesOfKinds(kinds, design.machines))));
  return best + tileFixedCycles(sub, design);
}

/**
 * What the choice between kind sets minimises: load + makespan with one bank (the load comes before the run);
 * with two, the larger of the two (this tile's run hides the next tile's loads, and the previous run this one's).
 */
function tileEstimate(load: number, makespan: number, design: Design): number {
  return design.buffers.banks > 1 ? Math.max(load, makespan) : load + makespan;
}

interface Candidate {
  readonly machines: Machines;
  readonly policy: PolicyName;
  readonly schedule: Schedule;
  readonly summary: ScheduleSummary;
  /** tileEstimate of its load and column-cost makespan: what the choice between kind sets minimises. */
  readonly estimate: number;
}

/**
 * The tile's schedule. `cost` also chooses which kinds the tile uses: a kind's replica holds the columns its cores
 * run (an SNN column is up to K event words against J dense words), and a kind's weights load with the row tile's
 * first column tile, so giving columns to both kinds can cost more load than their cores save. For each set U of
 * usable kinds (both first, so ties keep both), the `cost` scheduler runs on U's cores, and the set with the least
 * tileEstimate of its load and makespan wins. Other policies use every usable kind (`ann`/`snn`: their own, falling back to the other).
 */
function planTile(layer: GemmLayer, tile: LayerTile, design: Design, policy: PolicyName, options: LayerOptions & { readonly seed: number; readonly outputs: Uint8Array }): TilePlan {
  const sub = tileSubLayer(layer, tile);
  const costs = columnCosts(sub, design.params, { outputs: tileOutputs(options.outputs, tile, layer), energyTable: options.energyTable });
  const candidates = (policy === 'cost' ? kindSets(tile.kinds) : [tile.kinds]).map((kinds): Candidate => {
    const machines = machinesOfKinds(kinds, design.machines);
    const used = effectivePolicy(policy, machines);
    const schedule = scheduleColumns(costs, machines, used, { seed: options.seed });
    const summary = summarize(schedule, costs, machines);
    return { machines, policy: used, schedule, summary, estimate: tileEstimate(scheduleLoad(tile, sub, schedule, design), summary.makespan, design) };
  });
  const best = candidates.reduce((chosen, candidate) => (candidate.estimate < chosen.estimate ? candidate : chosen));
  return {
    tile,
    costs,
    schedule: widenSchedule(best.schedule, best.machines, design.machines),
    policy: best.policy,
    summary: best.summary,
    lowerBound: tileLowerBound(tile, sub, costs, design),
  };
}

function planOnMachines(layer: GemmLayer, design: Design, policy: PolicyName, machines: Machines, options: LayerOptions & { readonly seed: number; readonly outputs: Uint8Array }, use?: WeightUse): LayerPlan {
  const tiles = tileLayer(layer, design, machines, use).map((tile) => planTile(layer, tile, design, policy, options));
  return { policy, shape: { M: layer.M, K: layer.K, N: layer.N }, tiles };
}

/** The single-kind policies whose plans `cost` also weighs (both kinds present and able to hold the layer). */
function singleKindPolicies(layer: GemmLayer, design: Design): PolicyName[] {
  if (CORE_KINDS.some((kind) => coresOf(design.machines, kind) === 0)) return [];
  return CORE_KINDS.filter((kind) => kindRefusal(kind, layer.K, design) === undefined);
}

/**
 * Tiles the layer for `policy` and schedules every tile's columns with it (planTile). `cost` plans on the
 * tiling both kinds share and also takes the single-kind plans (each tiled for its kind alone: taller tiles,
 * fewer weight reloads), each with the whole weight memories and, where it can, with row tiles in weight banks
 * (WeightUse); it predicts each exactly and keeps the fastest (then the least energy): so `cost` is never slower
 * than `ann` or `snn`. The other policies take the default weight use.
 */
export function planLayer(layer: GemmLayer, design: Design, policy: PolicyName, options: LayerOptions & { readonly seed: number }): LayerPlan {
  const withOutputs = { ...options, outputs: options.outputs ?? fireLevels(layer) };
  if (policy !== 'cost') return planOnMachines(layer, design, policy, machinesForPolicy(policy, layer, design), withOutputs);
  const candidates = [policy, ...singleKindPolicies(layer, design)].flatMap((planned) => {
    const machines = machinesForPolicy(planned, layer, design);
    return weightUses(layer, usableKinds(layer, design, machines), design).map((use) => planOnMachines(layer, design, planned, machines, withOutputs, use));
  });
  const [first] = candidates;
  if (first === undefined) throw new Error('unreachable: a layer has at least one plan');
  if (candidates.length === 1) return first;
  const scored = candidates.map((plan) => ({ plan, prediction: predictLayer(layer, plan, design, withOutputs) }));
  const best = scored.reduce((chosen, c) => (c.prediction.cycles < chosen.prediction.cycles || (c.prediction.cycles === chosen.prediction.cycles && c.prediction.energyPj < chosen.prediction.energyPj) ? c : chosen));
  return { ...best.plan, policy: 'cost' };
}

// ---------------------------------------------------------------------------------------------
// Prediction: exact by protocol.

export interface LayerPrediction {
  readonly name: string;
  /** In protocol order. */
  readonly tiles: readonly TilePrediction[];
  /** Σ over tiles: tiles run one after another. */
  readonly cycles: number;
  /**
   * Σ over tiles of the cycles spent loading before a start, between a start and the next tile (the run, with two
   * banks also the drains and loads under it) and draining after the last wait: cycles = load + tiles + run + drain.
   */
  readonly loadCycles: number;
  readonly runCycles: number;
  readonly drainCycles: number;
  /** Σ over tiles of the start cycle and the run (predictDispatch cycles): the cycles in which the cores have a tile. */
  readonly busyCycles: number;
  readonly events: EventCounts;
  /** The events' parts, summed over tiles: the cores' streams and the dispatcher's and loads' buffer bytes. */
  readonly breakdown: { readonly cores: EventCounts; readonly dispatcher: TileSramBytes };
  readonly energyPj: number;
  readonly seconds: number;
  /** energy × time, pJ·s; `edpJs` is the same in J·s. */
  readonly edpPjS: number;
  readonly edpJs: number;
}

function checkTileSchedule(schedule: Schedule, tile: LayerTile, sub: GemmLayer, machines: Machines): void {
  const problems = checkSchedule(schedule, sub.N, machines);
  const misplaced = schedule.cores.find((core) => core.columns.length > 0 && !tile.kinds.includes(core.kind));
  if (misplaced !== undefined) problems.push(`${misplaced.kind} ${misplaced.index} has columns, but no ${misplaced.kind} core can hold the layer`);
  if (problems.length > 0) throw new RangeError(`schedule of ${sub.name}: ${problems.slice(0, 3).join('; ')}`);
}

/**
 * The exact cycles and events of one tile of `layer` (whole-layer `outputs`), `schedule` being the tile's
 * columns in tile-local numbers and `weightKinds` the kinds whose weights are loaded before it.
 */
export function predictTile(layer: GemmLayer, tile: LayerTile, schedule: Schedule, design: Design, outputs: Uint8Array, weightKinds: readonly CoreKind[]): TilePrediction {
  const sub = tileSubLayer(layer, tile);
  checkTileSchedule(schedule, tile, sub, design.machines);
  return predictTileRun(tile, sub, tileOutputs(outputs, tile, layer), schedule, weightKinds, design);
}

/** One schedule of the layer's columns, restricted to every tile, or a plan (a tiling and a schedule per tile). */
export type LayerSchedule = Schedule | LayerPlan;

interface ScheduledTile {
  readonly tile: LayerTile;
  readonly schedule: Schedule;
}

/** The kinds a schedule gives columns to (all of the design's when it gives none). */
function machinesUsedBy(schedule: Schedule, machines: Machines): Machines {
  const used = kindsUsedBy(schedule);
  return used.length === 0 ? machines : machinesOfKinds(used, machines);
}

function planTiles(layer: GemmLayer, plan: LayerPlan): ScheduledTile[] {
  const { M, K, N } = plan.shape;
  if (M !== layer.M || K !== layer.K || N !== layer.N) throw new RangeError(`the plan is for M=${M} K=${K} N=${N}, layer ${layer.name} has M=${layer.M} K=${layer.K} N=${layer.N}`);
  return plan.tiles.map(({ tile, schedule }) => ({ tile, schedule }));
}

/** A whole-layer schedule on the tiling for the kinds it uses, restricted to every tile's columns. */
function scheduleTiles(layer: GemmLayer, schedule: Schedule, design: Design): ScheduledTile[] {
  const problems = checkSchedule(schedule, layer.N, design.machines);
  if (problems.length > 0) throw new RangeError(`schedule of ${layer.name}: ${problems.slice(0, 3).join('; ')}`);
  const misplaced = schedule.cores.find((core) => core.columns.length > 0 && kindRefusal(core.kind, layer.K, design) !== undefined);
  if (misplaced !== undefined) throw new RangeError(`schedule of ${layer.name}: ${misplaced.kind} ${misplaced.index} has columns, but no ${misplaced.kind} core can hold the layer`);
  const tiles = tileLayer(layer, design, machinesUsedBy(schedule, design.machines));
  return rowTilesOf(tiles.map((tile) => ({ tile }))).flatMap((row) => {
    const rowTiles = row.map(({ tile }) => tile);
    const schedules = tileSchedules(schedule, rowTiles, layer.N);
    return rowTiles.map((tile, t) => ({ tile, schedule: schedules[t] as Schedule }));
  });
}

/**
 * Every tile predicted in protocol order; the weights of the kinds a row tile uses load before its first column
 * tile. Each tile alone, then laid out together (tileTimelines: with two banks a tile's cycles depend on its
 * neighbours' loads and drains).
 */
function predictTiles(layer: GemmLayer, tiles: readonly ScheduledTile[], design: Design, outputs: Uint8Array): TilePrediction[] {
  const alone = rowTilesOf(tiles).flatMap((row) => {
    const used = new Set(row.flatMap(({ schedule }) => kindsUsedBy(schedule)));
    const weightKinds = CORE_KINDS.filter((kind) => used.has(kind));
    return row.map(({ tile, schedule }) => predictTile(layer, tile, schedule, design, outputs, tile.firstInRow ? weightKinds : []));
  });
  const timelines = tileTimelines(alone, design.buffers.banks);
  return alone.map((tile, t) => {
    const timeline = timelines[t] as TileTimeline;
    return { ...tile, timeline, cycles: timelineCycles(timeline) };
  });
}

function sumBytes(tiles: readonly TilePrediction[]): TileSramBytes {
  const sum = (pick: (bytes: TileSramBytes) => number) => tiles.reduce((total, tile) => total + pick(tile.breakdown.dispatcher), 0);
  return {
    weightLoads: sum((b) => b.weightLoads),
    replicaWrites: sum((b) => b.replicaWrites),
    schedule: sum((b) => b.schedule),
    replicaReads: sum((b) => b.replicaReads),
    outputs: sum((b) => b.outputs),
  };
}

/** Cycles, events, energy and EDP of `layer` under `schedule` on the design: exact by protocol (see the top of this file). */
export function predictLayer(layer: GemmLayer, schedule: LayerSchedule, accelerator: Accelerator | Design, options: LayerOptions = {}): LayerPrediction {
  const design = 'params' in accelerator ? accelerator : designOf(accelerator);
  const outputs = options.outputs ?? fireLevels(layer);
  const scheduled = 'tiles' in schedule ? planTiles(layer, schedule) : scheduleTiles(layer, schedule, design);
  const tiles = predictTiles(layer, scheduled, design, outputs);
  const sum = (pick: (tile: TilePrediction) => number) => tiles.reduce((total, tile) => total + pick(tile), 0);
  const events = tiles.reduce((total, tile) => addEvents(total, tile.events), zeroEvents());
  const cycles = sum((tile) => tile.cycles);
  const energyPj = energyPicojoules(events, options.energyTable ?? DEFAULT_ENERGY_PJ);
  const seconds = cycles / (design.clockMHz * 1e6);
  return {
    name: layer.name,
    tiles,
    cycles,
    loadCycles: sum((tile) => tile.timeline.exposedLoad),
    runCycles: sum((tile) => tile.timeline.hiddenDrain + tile.timeline.hiddenLoad + tile.timeline.wait),
    drainCycles: sum((tile) => tile.timeline.tailDrain),
    busyCycles: sum((tile) => tile.dispatch.cycles),
    events,
    breakdown: { cores: tiles.reduce((total, tile) => addEvents(total, tile.breakdown.cores), zeroEvents()), dispatcher: sumBytes(tiles) },
    energyPj,
    seconds,
    edpPjS: energyPj * seconds,
    edpJs: energyPj * seconds * 1e-12,
  };
}

// ---------------------------------------------------------------------------------------------
// Bounds.

/** Σ over tiles of the column-cost LP lower bound (schedule/lower-bound.ts): the scheduler's floor. */
export function planColumnBound(plan: LayerPlan): number {
  return plan.tiles.reduce((sum, tile) => sum + tile.summary.lowerBound, 0);
}

/**
 * The layer's floor: Σ over tiles of tileLowerBound (the cheapest set of kinds' load plus the LP bound of the
 * columns on those cores, the start cycle, the feeder latency, RUN_WAIT_OFFSET and the drain). Everything but
 * the run is counted exactly; the run's part is the column-cost model's LP bound, so predicted cycles can in
 * principle fall slightly below it by the column costs' error (README.md, "Column costs").
 */
export function planLowerBound(plan: LayerPlan): number {
  return plan.tiles.reduce((sum, tile) => sum + tile.lowerBound, 0);
}

/** Σ over tiles of the column-cost makespan (the run as the scheduler saw it). */
export function planMakespan(plan: LayerPlan): number {
  return plan.tiles.reduce((sum, tile) => sum + tile.summary.makespan, 0);
}
