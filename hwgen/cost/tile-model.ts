/**
 * The exact cycles and events of one tile under the host protocol (hwgen/modules/dispatcher/spec.md, "Host
 * protocol: tiles, bus cycles and the exact layer model"). The host plays one program line per clock cycle and
 * only the run depends on data. A tile's own phases:
 *
 *     load  = max over the 7 load buses (all in parallel, one word per cycle each, broadcast to every core or
 *             replica of their kind) of the words the tile puts on it (a kind's replica: the columns its cores run)
 *     run   = predictDispatch(...).cycles + RUN_WAIT_OFFSET        (cores exact by co-simulation)
 *     drain = Σ_cores ceil(M_tile · n_c · beats / R)              (R output bytes per cycle, buffers.drainBytes; 4 bytes per logit)
 *
 * and where they fall (tileTimelines): with one bank a tile is load + 1 (start) + run + drain; with two banks
 * the previous tile's drain and the next tile's loads run after the start cycle, under the run.
 */
import { CORE_KIND_FACTS, CORE_KINDS, coresOf } from '../arch/core-kinds.ts';
import type { CoreKind, Schedule } from '../schedule/types.ts';
import { type LoadWords, loadCyclesOf, zeroLoadWords } from '../arch/load-buses.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { CORE_KIND_ARCH, type Design } from '../modules/accel/arch.ts';
import { type HasOutputKind, beatsPerOutput } from '../arch/output-stream.ts';
import { type CoreColumns, type TileLoads, columnsOfKind, drainReads, loadsBeforeStart } from '../modules/dispatcher/arch.ts';
import { CORE_KIND_COSTS } from './core-kinds.ts';
import { type DispatchPrediction, RUN_WAIT_OFFSET, predictDispatch } from './dispatcher.ts';
import { type EventCounts, addEvents, zeroEvents } from '../arch/events.ts';
import type { LayerTile } from './layer-tiling.ts';

/** The kinds a schedule gives at least one column to. */
export function kindsUsedBy(schedule: Schedule): CoreKind[] {
  return CORE_KINDS.filter((kind) => schedule.cores.some((core) => core.kind === kind && core.columns.length > 0));
}

/**
 * Words on each bus before a tile (`sub` = the tile as a layer): weights of `weightKinds` (the kinds the row
 * tile uses, in its first column tile; none otherwise), each kind's replica of the columns `schedule` gives its
 * cores (none: no replica), and one schedule entry per column.
 */
export function tileLoadWords(sub: GemmLayer, schedule: CoreColumns, weightKinds: readonly CoreKind[], design: Pick<Design, 'params'>): LoadWords {
  const words = { ...zeroLoadWords(), sched: sub.N };
  for (const kind of CORE_KINDS) {
    const buses = CORE_KIND_FACTS[kind].buses;
    const model = CORE_KIND_COSTS[kind];
    if (weightKinds.includes(kind)) {
      const { weights, biasTheta } = model.weightWords(sub, design.params);
      words[buses.weights] = weights;
      words[buses.biasTheta] = biasTheta;
    }
    words[buses.replica] = model.columnWords(sub, columnsOfKind(schedule, kind), design.params);
  }
  return words;
}

/** Bytes the host writes into the activation replicas: each replica's words × its word's bytes × the cores of its kind. */
export function replicaWriteBytes(words: LoadWords, design: Pick<Design, 'params' | 'machines'>): number {
  const bytesOf = (kind: CoreKind): number =>
    words[CORE_KIND_FACTS[kind].buses.replica] * CORE_KIND_ARCH[kind].replicaWordBytes(design.params) * coresOf(design.machines, kind);
  return CORE_KINDS.reduce((sum, kind) => sum + bytesOf(kind), 0);
}

/** sram_byte events of the dispatcher and the loads in one tile (the cores' own streams excluded). */
export interface TileSramBytes {
  /** Weight and bias/θ writes, × the cores of the kind (broadcast). */
  readonly weightLoads: number;
  /** Replica writes: act words · ann.cols × A, ev words · eventBytes × S. */
  readonly replicaWrites: number;
  /** Schedule writes and reads: Nt each, SCHED_ENTRY_BYTES each. */
  readonly schedule: number;
  /** The feeders' replica reads: their words × bytes per word. */
  readonly replicaReads: number;
  /** Output-bank writes and drain reads: M_tile · Nt each. */
  readonly outputs: number;
}

function sramBytesOf(sub: GemmLayer, words: LoadWords, weightKinds: readonly CoreKind[], dispatch: DispatchPrediction, design: Design): TileSramBytes {
  const loadBytes = (kind: CoreKind): number => CORE_KIND_COSTS[kind].loadEvents(sub, design.params).sram_byte * coresOf(design.machines, kind);
  return {
    weightLoads: CORE_KINDS.reduce((sum, kind) => sum + (weightKinds.includes(kind) ? loadBytes(kind) : 0), 0),
    replicaWrites: replicaWriteBytes(words, design),
    schedule: 2 * words.sched * design.buffers.schedEntryBytes,
    replicaReads: dispatch.cores.reduce((sum, core) => sum + core.actBytes, 0),
    outputs: 2 * sub.M * beatsPerOutput(sub) * sub.N,
  };
}

function totalBytes(bytes: TileSramBytes): number {
  return bytes.weightLoads + bytes.replicaWrites + bytes.schedule + bytes.replicaReads + bytes.outputs;
}

/**
 * Where a tile's stretch of the program goes (hwgen/modules/dispatcher/spec.md, "Overlapped tiles"): loads before
 * the start cycle, the start cycle, work under the run, the wait for done, a drain after it.
 */
export interface TileTimeline {
  /** Loads before the start cycle: every tile's with one bank; with two, the first tile's and a tile's that loads weights. */
  readonly exposedLoad: number;
  /** After the start cycle (two banks): the previous tile's drain … */
  readonly hiddenDrain: number;
  /** … then the next tile's loads (when it loads no weights). */
  readonly hiddenLoad: number;
  /** The wait for done: the run less the hidden work, at least one cycle (a wait lasts one cycle at least); with two banks, and the cycle of done. */
  readonly wait: number;
  /** The drain after the wait: every tile's with one bank, the last tile's with two. */
  readonly tailDrain: number;
}

export function timelineCycles(timeline: TileTimeline): number {
  return timeline.exposedLoad + 1 + timeline.hiddenDrain + timeline.hiddenLoad + timeline.wait + timeline.tailDrain;
}

/** The tile's phases laid out alone, as one bank lays out every tile. */
function serialTimeline(loadCycles: number, runCycles: number, drainCycles: number): TileTimeline {
  return { exposedLoad: loadCycles, hiddenDrain: 0, hiddenLoad: 0, wait: runCycles, tailDrain: drainCycles };
}

/** A tile's own phase lengths and whether it loads weights: what its place in the program depends on. */
export type TilePhases = Pick<TilePrediction, 'loadCycles' | 'runCycles' | 'drainCycles' | 'weightKinds'> & TileLoads;

/**
 * With two banks the next start may follow the wait at once, but `done` is still high in the cycle after the wait
 * has seen it and the top takes no start then: the host idles that cycle.
 */
const DONE_CYCLE = 1;

/** Every tile's timeline in protocol order (one bank: serial; two: drains and loads under the neighbouring runs). */
export function tileTimelines(tiles: readonly TilePhases[], banks: number): TileTimeline[] {
  if (banks === 1) return tiles.map((tile) => serialTimeline(tile.loadCycles, tile.runCycles, tile.drainCycles));
  return tiles.map((tile, t) => {
    const next = tiles[t + 1];
    const hiddenDrain = t > 0 ? (tiles[t - 1]?.drainCycles ?? 0) : 0;
    const hiddenLoad = next !== undefined && !loadsBeforeStart(tiles, t + 1, banks) ? next.loadCycles : 0;
    return {
      exposedLoad: loadsBeforeStart(tiles, t, banks) ? tile.loadCycles : 0,
      hiddenDrain,
      hiddenLoad,
      wait: Math.max(1, tile.runCycles - hiddenDrain - hiddenLoad) + DONE_CYCLE,
      tailDrain: next === undefined ? tile.drainCycles : 0,
    };
  });
}

export interface TilePrediction {
  readonly tile: LayerTile;
  /** The tile's schedule (tile-local column numbers, all of the design's cores). */
  readonly schedule: Schedule;
  /** Words on each load bus; `loadCycles` is their maximum. */
  readonly loadWords: LoadWords;
  readonly loadCycles: number;
  /** predictDispatch cycles + RUN_WAIT_OFFSET. */
  readonly runCycles: number;
  /** Σ_cores ceil(M_tile · n_c · beats / R): the tile's drain. */
  readonly drainCycles: number;
  /** Where the phases fall in the tile's stretch of the program; alone (predictTileRun) the serial layout. */
  readonly timeline: TileTimeline;
  /** The tile's stretch of the program: timelineCycles(timeline) (alone: loadCycles + 1 + runCycles + drainCycles). */
  readonly cycles: number;
  /** The run: every core's list, cycles and stream events (in the order of the schedule's cores). */
  readonly dispatch: DispatchPrediction;
  /** Kinds whose weights were loaded before this tile (the row tile's used kinds, first column tile only). */
  readonly weightKinds: readonly CoreKind[];
  /** Kinds this column tile gives columns to (their replicas were loaded). */
  readonly kinds: readonly CoreKind[];
  /** The events' parts: the cores' streams and the dispatcher's and loads' buffer bytes. */
  readonly breakdown: { readonly cores: EventCounts; readonly dispatcher: TileSramBytes };
  /** cores + dispatcher. */
  readonly events: EventCounts;
}

/**
 * The drain: each core's bank read R levels a cycle (R = buffers.drainBytes), so ceil(M_tile·beats·n_c / R) cycles
 * for a core with n_c columns, core after core.
 */
export function tileDrainCycles(sub: Pick<GemmLayer, 'M'> & HasOutputKind, schedule: Schedule, design: Design): number {
  const levelsPerColumn = sub.M * beatsPerOutput(sub);
  return schedule.cores.reduce((sum, core) => sum + drainReads(core.columns.length * levelsPerColumn, { readLevels: design.buffers.drainLevels }), 0);
}

/**
 * The exact cycles and events of one tile: `sub` and `subOutputs` are the tile as a layer (tileSubLayer,
 * tileOutputs), `schedule` its columns (tile-local numbers) on all of the design's cores, `weightKinds` the
 * kinds whose weights are loaded first (the row tile's used kinds for its first column tile, else none).
 */
export function predictTileRun(tile: LayerTile, sub: GemmLayer, subOutputs: Uint8Array, schedule: Schedule, weightKinds: readonly CoreKind[], design: Design): TilePrediction {
  const kinds = kindsUsedBy(schedule);
  const loadWords = tileLoadWords(sub, schedule, weightKinds, design);
  const loadCycles = loadCyclesOf(loadWords);
  const dispatch = predictDispatch(sub, schedule, design.params, subOutputs);
  const runCycles = dispatch.cycles + RUN_WAIT_OFFSET;
  const drainCycles = tileDrainCycles(sub, schedule, design);
  const dispatcher = sramBytesOf(sub, loadWords, weightKinds, dispatch, design);
  const events = addEvents(dispatch.events, { ...zeroEvents(), sram_byte: totalBytes(dispatcher) });
  return {
    tile,
    schedule,
    loadWords,
    loadCycles,
    runCycles,
    drainCycles,
    timeline: serialTimeline(loadCycles, runCycles, drainCycles),
    cycles: loadCycles + 1 + runCycles + drainCycles,
    dispatch,
    weightKinds,
    kinds,
    breakdown: { cores: dispatch.events, dispatcher },
    events,
  };
}
