/**
 * The exact cycles and events of one tile under the host protocol (hwgen/modules/dispatcher/spec.md, "Host
 * protocol: tiles, bus cycles and the exact layer model"). The host plays one program line per clock cycle and
 * only the run depends on data, so
 *
 *     tile cycles = load + 1 (start) + run + drain
 *     load  = max over the 7 load buses (all in parallel, one word per cycle each, broadcast to every core or
 *             replica of their kind) of the words the tile puts on it
 *     run   = predictDispatch(...).cycles + RUN_WAIT_OFFSET        (cores exact by co-simulation)
 *     drain = Σ_cores ceil(M_tile · n_c · beats / R)              (R output bytes per cycle, buffers.drainBytes; 4 bytes per logit)
 */
import { CORE_KIND_FACTS, CORE_KINDS, coresOf } from '../arch/core-kinds.ts';
import type { CoreKind, Schedule } from '../schedule/types.ts';
import { LOAD_BUSES, type LoadWords, zeroLoadWords } from '../arch/load-buses.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { CORE_KIND_ARCH, type Design } from '../modules/accel/arch.ts';
import { type HasOutputKind, beatsPerOutput } from '../arch/output-stream.ts';
import { drainReads } from '../modules/dispatcher/arch.ts';
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
 * tile uses, in its first column tile; none otherwise), a replica of each kind this column tile uses, and one
 * schedule entry per column.
 */
export function tileLoadWords(sub: GemmLayer, tileKinds: readonly CoreKind[], weightKinds: readonly CoreKind[], design: Pick<Design, 'params'>): LoadWords {
  const words = { ...zeroLoadWords(), sched: sub.N };
  for (const kind of CORE_KINDS) {
    const buses = CORE_KIND_FACTS[kind].buses;
    const model = CORE_KIND_COSTS[kind];
    if (weightKinds.includes(kind)) {
      const { weights, biasTheta } = model.weightWords(sub, design.params);
      words[buses.weights] = weights;
      words[buses.biasTheta] = biasTheta;
    }
    if (tileKinds.includes(kind)) words[buses.replica] = model.replicaWords(sub, design.params);
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

export interface TilePrediction {
  readonly tile: LayerTile;
  /** The tile's schedule (tile-local column numbers, all of the design's cores). */
  readonly schedule: Schedule;
  /** Words on each load bus; `loadCycles` is their maximum. */
  readonly loadWords: LoadWords;
  readonly loadCycles: number;
  /** predictDispatch cycles + RUN_WAIT_OFFSET. */
  readonly runCycles: number;
  /** M_tile · Nt. */
  readonly drainCycles: number;
  /** loadCycles + 1 (start) + runCycles + drainCycles. */
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
  const loadWords = tileLoadWords(sub, kinds, weightKinds, design);
  const loadCycles = Math.max(...LOAD_BUSES.map((bus) => loadWords[bus]));
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
    cycles: loadCycles + 1 + runCycles + drainCycles,
    dispatch,
    weightKinds,
    kinds,
    breakdown: { cores: dispatch.events, dispatcher },
    events,
  };
}
