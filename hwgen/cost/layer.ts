/**
 * Cycles, events, energy and EDP of a whole layer on a design, under a static column schedule.
 *
 * What is exact and what is not (README.md in this folder):
 *   - each core's part is exact: it runs its column list, and predictAnnCore / predictSnnCore, proven equal to
 *     the RTL by co-simulation, give its cycles and events;
 *   - the rest models the planned column dispatcher and accelerator top, which do not exist yet
 *     (PROVISIONAL, not proven in RTL): a layer too big for one core is tiled along M (layer-tiling.ts), tiles
 *     run one after another; before a tile, every core that has columns gets the tile's weight and bias/θ
 *     words over ONE shared load bus, one word per cycle, cores in order of decreasing stream length, and each
 *     core starts streaming as soon as its own load is done; a tile ends DISPATCH_OVERHEAD_CYCLES after the
 *     last core's last output beat.
 */
import type { Accelerator } from '../config/load-config.ts';
import { annCoreGeometryOf } from '../generate/ann-core/layout.ts';
import { snnCoreGeometryOf } from '../generate/snn-core/layout.ts';
import { annLayer } from '../golden/ann.ts';
import { checkSchedule, schedule as scheduleColumns, summarize } from '../schedule/index.ts';
import type { ColumnCosts, CoreKind, Machines, PolicyName, Schedule, ScheduledCore, ScheduleSummary } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { GemmShape } from '../workload/shapes.ts';
import { annCoreLoadEvents, annCoreParams, predictAnnCore } from './ann-core.ts';
import { type CoreParams, columnCosts } from './column-costs.ts';
import { DEFAULT_ENERGY_PJ, type EventCounts, addEvents, energyPicojoules, zeroEvents } from './events.ts';
import { type LayerTile, maxTileRows, tileLayer, tileOutputs, tileSubLayer } from './layer-tiling.ts';
import { predictSnnCore, snnCoreLoadEvents, snnCoreParams } from './snn-core.ts';

export { type LayerTile, maxTileRows, tileLayer, tileOutputs, tileSubLayer } from './layer-tiling.ts';

/**
 * PROVISIONAL (planned dispatcher): cycles a tile takes beyond its cores' streams: one to read the first
 * activation word from the activation buffer (a synchronous SRAM read) before the first input beat, one to
 * write the last output level into the output buffer after the last output beat.
 */
export const DISPATCH_OVERHEAD_CYCLES = 2;

/** The cores of a design: both kinds' parameters and how many of each. */
export interface Design {
  readonly params: CoreParams;
  readonly machines: Machines;
  readonly clockMHz: number;
}

export function designOf(accelerator: Accelerator): Design {
  const { ann, snn, clockMHz } = accelerator.config;
  return {
    params: { ann: annCoreParams(accelerator), snn: snnCoreParams(accelerator) },
    machines: { annArrays: ann.arrays, snnCores: snn.cores },
    clockMHz,
  };
}

export interface LayerOptions {
  /** The layer's output levels Y (M×N row-major, as annLayer returns); computed once when absent. */
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
  /** All A + S cores (ANN arrays first), idle ones included; cores of a kind the tile cannot use stay empty. */
  readonly schedule: Schedule;
  /** The policy actually used: `ann`/`snn` fall back to the other kind when the tile cannot use theirs. */
  readonly policy: PolicyName;
  /** Makespan, energy and lower bound of the column-cost model on the cores the tile may use. */
  readonly summary: ScheduleSummary;
}

export interface LayerPlan {
  readonly policy: PolicyName;
  readonly shape: Pick<GemmShape, 'M' | 'K' | 'N'>;
  readonly tiles: readonly TilePlan[];
}

/** The cores a tile may use: the design's, with the kinds it cannot use set to 0. */
function tileMachines(tile: LayerTile, machines: Machines): Machines {
  return { annArrays: tile.kinds.includes('ann') ? machines.annArrays : 0, snnCores: tile.kinds.includes('snn') ? machines.snnCores : 0 };
}

function idleCores(kind: CoreKind, count: number): ScheduledCore[] {
  return Array.from({ length: count }, (_, index) => ({ kind, index, columns: [] }));
}

/** A schedule on the tile's usable cores, widened to all of the design's cores. */
function widenSchedule(narrow: Schedule, usable: Machines, machines: Machines): Schedule {
  const ann = usable.annArrays > 0 ? narrow.cores.filter((core) => core.kind === 'ann') : idleCores('ann', machines.annArrays);
  const snn = usable.snnCores > 0 ? narrow.cores.filter((core) => core.kind === 'snn') : idleCores('snn', machines.snnCores);
  return { policy: narrow.policy, cores: [...ann, ...snn] };
}

/**
 * The cores a policy tiles for. `ann` and `snn` use one kind, so they tile for that kind alone (a strong
 * single-kind baseline is not held back by the other kind's smaller memories); when that kind cannot hold
 * the layer they fall back to the other kind. `cost` and `random` tile so that every tile fits both kinds.
 */
function machinesForPolicy(policy: PolicyName, shape: Pick<GemmLayer, 'K'>, design: Design): Machines {
  const capacity = maxTileRows(shape.K, design.params);
  const { annArrays, snnCores } = design.machines;
  if (policy === 'ann' && annArrays > 0 && capacity.ann > 0) return { annArrays, snnCores: 0 };
  if (policy === 'snn' && snnCores > 0 && capacity.snn > 0) return { annArrays: 0, snnCores };
  return design.machines;
}

function effectivePolicy(policy: PolicyName, usable: Machines): PolicyName {
  if (policy === 'ann' && usable.annArrays === 0) return 'snn';
  if (policy === 'snn' && usable.snnCores === 0) return 'ann';
  return policy;
}

/** Tiles the layer for `policy` and schedules every tile's columns with it. */
export function planLayer(layer: GemmLayer, design: Design, policy: PolicyName, options: LayerOptions & { readonly seed: number }): LayerPlan {
  const outputs = options.outputs ?? annLayer(layer);
  const tiles = tileLayer(layer, design.params, machinesForPolicy(policy, layer, design)).map((tile): TilePlan => {
    const costs = columnCosts(tileSubLayer(layer, tile), design.params, { outputs: tileOutputs(outputs, tile, layer), energyTable: options.energyTable });
    const usable = tileMachines(tile, design.machines);
    const used = effectivePolicy(policy, usable);
    const narrow = scheduleColumns(costs, usable, used, { seed: options.seed });
    return { tile, costs, schedule: widenSchedule(narrow, usable, design.machines), policy: used, summary: summarize(narrow, costs, usable) };
  });
  return { policy, shape: { M: layer.M, K: layer.K, N: layer.N }, tiles };
}

// ---------------------------------------------------------------------------------------------
// Prediction: exact cores, provisional loads.

/** One core's part of a tile. */
export interface CoreRun {
  readonly kind: CoreKind;
  readonly index: number;
  readonly columns: number;
  /** Weight and bias/θ words written before it starts (0 for an idle core: nothing to load). */
  readonly loadWords: number;
  /** Cycle (from the tile's start) its load ends and its stream begins. */
  readonly start: number;
  /** Exact cycles of its stream (predictAnnCore / predictSnnCore). */
  readonly cycles: number;
  /** Exact events of its stream, loads excluded. */
  readonly events: EventCounts;
  /** Bytes written into its memories by the load. */
  readonly loadEvents: EventCounts;
}

export interface TilePrediction {
  readonly tile: LayerTile;
  readonly cores: readonly CoreRun[];
  /** max over cores of start + cycles, plus DISPATCH_OVERHEAD_CYCLES. */
  readonly cycles: number;
  /** Words on the shared load bus: Σ loadWords. */
  readonly loadCycles: number;
  /** Streams plus loads. */
  readonly events: EventCounts;
}

export interface LayerPrediction {
  readonly name: string;
  readonly tiles: readonly TilePrediction[];
  /** Σ over tiles: tiles run one after another. */
  readonly cycles: number;
  readonly loadCycles: number;
  readonly events: EventCounts;
  readonly energyPj: number;
  readonly seconds: number;
  /** energy × time, pJ·s; `edpJs` is the same in J·s. */
  readonly edpPjS: number;
  readonly edpJs: number;
}

/** Words a core of this kind needs for a layer of this shape: weights plus one bias/θ word per group. */
export function loadWordsOf(kind: CoreKind, shape: Pick<GemmShape, 'M' | 'K'>, params: CoreParams): number {
  if (kind === 'ann') {
    const { groups, chunks } = annCoreGeometryOf(shape, params.ann);
    return groups * chunks + groups;
  }
  const { groups } = snnCoreGeometryOf(shape, params.snn);
  return groups * shape.K + groups;
}

function loadEventsOf(kind: CoreKind, shape: Pick<GemmShape, 'M' | 'K'>, params: CoreParams): EventCounts {
  return kind === 'ann' ? annCoreLoadEvents(shape, params.ann) : snnCoreLoadEvents(shape, params.snn);
}

interface StreamRun {
  readonly core: ScheduledCore;
  readonly cycles: number;
  readonly events: EventCounts;
}

function streamOf(core: ScheduledCore, layer: GemmLayer, outputs: Uint8Array, params: CoreParams): StreamRun {
  if (core.columns.length === 0) return { core, cycles: 0, events: zeroEvents() };
  const prediction = core.kind === 'ann' ? predictAnnCore(layer, core.columns, params.ann, outputs) : predictSnnCore(layer, core.columns, params.snn, outputs);
  return { core, cycles: prediction.cycles, events: { ...prediction.events } };
}

/**
 * Loads over the shared bus in order of decreasing stream length (ties: core order), which minimises
 * max(load end + stream) for one bus (Jackson's rule); idle cores are not loaded.
 */
function loadSchedule(streams: readonly StreamRun[], layer: GemmLayer, params: CoreParams): CoreRun[] {
  const order = streams.map((_, i) => i).sort((a, b) => (streams[b]?.cycles ?? 0) - (streams[a]?.cycles ?? 0) || a - b);
  const runs = new Array<CoreRun>(streams.length);
  let busEnd = 0;
  for (const i of order) {
    const { core, cycles, events } = streams[i] as StreamRun;
    const busy = core.columns.length > 0;
    const loadWords = busy ? loadWordsOf(core.kind, layer, params) : 0;
    busEnd += loadWords;
    const loadEvents = busy ? loadEventsOf(core.kind, layer, params) : zeroEvents();
    runs[i] = { kind: core.kind, index: core.index, columns: core.columns.length, loadWords, start: busy ? busEnd : 0, cycles, events, loadEvents };
  }
  return runs;
}

function checkTileSchedule(schedule: Schedule, tile: LayerTile, layer: GemmLayer, machines: Machines): void {
  const problems = checkSchedule(schedule, layer.N, machines);
  const misplaced = schedule.cores.find((core) => core.columns.length > 0 && !tile.kinds.includes(core.kind));
  if (misplaced !== undefined) problems.push(`${misplaced.kind} ${misplaced.index} has columns, but no ${misplaced.kind} core can hold the layer's weights`);
  if (problems.length > 0) throw new RangeError(`schedule of ${layer.name} rows ${tile.rowStart}..${tile.rowEnd - 1}: ${problems.slice(0, 3).join('; ')}`);
}

/** Exact core streams and the provisional load of one tile. */
export function predictTile(layer: GemmLayer, tile: LayerTile, schedule: Schedule, design: Design, outputs: Uint8Array): TilePrediction {
  const sub = tileSubLayer(layer, tile);
  checkTileSchedule(schedule, tile, sub, design.machines);
  const subOutputs = tileOutputs(outputs, tile, layer);
  const cores = loadSchedule(
    schedule.cores.map((core) => streamOf(core, sub, subOutputs, design.params)),
    sub,
    design.params,
  );
  const finish = cores.reduce((latest, core) => Math.max(latest, core.columns > 0 ? core.start + core.cycles : 0), 0);
  const events = cores.reduce((sum, core) => addEvents(addEvents(sum, core.events), core.loadEvents), zeroEvents());
  return { tile, cores, cycles: finish + DISPATCH_OVERHEAD_CYCLES, loadCycles: cores.reduce((sum, core) => sum + core.loadWords, 0), events };
}

/** One schedule of the layer's columns for every tile, or a plan (a tiling and a schedule per tile). */
export type LayerSchedule = Schedule | LayerPlan;

/** The kinds a schedule gives columns to (all of the design's when it gives none). */
function machinesUsedBy(schedule: Schedule, machines: Machines): Machines {
  const uses = (kind: CoreKind) => schedule.cores.some((core) => core.kind === kind && core.columns.length > 0);
  if (!uses('ann') && !uses('snn')) return machines;
  return { annArrays: uses('ann') ? machines.annArrays : 0, snnCores: uses('snn') ? machines.snnCores : 0 };
}

/** Each tile with its schedule: a plan's own, or the one schedule on a tiling for the kinds it uses. */
function tilesWithSchedules(layer: GemmLayer, schedule: LayerSchedule, design: Design): { tile: LayerTile; schedule: Schedule }[] {
  if ('tiles' in schedule) {
    const last = schedule.tiles.at(-1)?.tile;
    if (last?.rowEnd !== layer.M) throw new RangeError(`the plan's tiles cover rows 0..${(last?.rowEnd ?? 0) - 1}, layer ${layer.name} has M = ${layer.M}`);
    return schedule.tiles.map((plan) => ({ tile: plan.tile, schedule: plan.schedule }));
  }
  const capacity = maxTileRows(layer.K, design.params);
  const misplaced = schedule.cores.find((core) => core.columns.length > 0 && capacity[core.kind] === 0);
  if (misplaced !== undefined) throw new RangeError(`schedule of ${layer.name}: ${misplaced.kind} ${misplaced.index} has columns, but no ${misplaced.kind} core can hold the layer's weights`);
  return tileLayer(layer, design.params, machinesUsedBy(schedule, design.machines)).map((tile) => ({ tile, schedule }));
}

/**
 * Cycles, events, energy and EDP of `layer` under `schedule` on the design: exact per core (the cores' cost
 * models), provisional for loads and the dispatcher (see the top of this file).
 */
export function predictLayer(layer: GemmLayer, schedule: LayerSchedule, accelerator: Accelerator | Design, options: LayerOptions = {}): LayerPrediction {
  const design = 'params' in accelerator ? accelerator : designOf(accelerator);
  const outputs = options.outputs ?? annLayer(layer);
  const predictions = tilesWithSchedules(layer, schedule, design).map(({ tile, schedule: tileSchedule }) => predictTile(layer, tile, tileSchedule, design, outputs));
  const events = predictions.reduce((sum, tile) => addEvents(sum, tile.events), zeroEvents());
  const cycles = predictions.reduce((sum, tile) => sum + tile.cycles, 0);
  const energyPj = energyPicojoules(events, options.energyTable ?? DEFAULT_ENERGY_PJ);
  const seconds = cycles / (design.clockMHz * 1e6);
  return {
    name: layer.name,
    tiles: predictions,
    cycles,
    loadCycles: predictions.reduce((sum, tile) => sum + tile.loadCycles, 0),
    events,
    energyPj,
    seconds,
    edpPjS: energyPj * seconds,
    edpJs: energyPj * seconds * 1e-12,
  };
}

/** Σ over tiles of the column-cost LP lower bound (schedule/lower-bound.ts): the scheduler's floor. */
export function planColumnBound(plan: LayerPlan): number {
  return plan.tiles.reduce((sum, tile) => sum + tile.summary.lowerBound, 0);
}

/**
 * The layer's floor in the column-cost model: per tile, the LP bound on the columns plus what no schedule
 * avoids, the load of the cheapest core that may run the tile (some core has to be loaded before any
 * column runs) and the dispatcher's overhead.
 */
export function planLowerBound(plan: LayerPlan, params: CoreParams): number {
  return plan.tiles.reduce((sum, { tile, summary }) => {
    const rows = { M: tile.rowEnd - tile.rowStart, K: plan.shape.K };
    const cheapestLoad = Math.min(...tile.kinds.map((kind) => loadWordsOf(kind, rows, params)));
    return sum + summary.lowerBound + cheapestLoad + DISPATCH_OVERHEAD_CYCLES;
  }, 0);
}

/** Σ over tiles of the column-cost makespan. */
export function planMakespan(plan: LayerPlan): number {
  return plan.tiles.reduce((sum, tile) => sum + tile.summary.makespan, 0);
}
