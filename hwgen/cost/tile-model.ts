/**
 * The exact cycles and events of one tile under the host protocol (hwgen/modules/dispatcher/spec.md, "Host
 * protocol: tiles, bus cycles and the exact layer model"). The host plays one program line per clock cycle and
 * only the run depends on data, so
 *
 *     tile cycles = load + 1 (start) + run + drain
 *     load  = max over the 7 load buses (all in parallel, one word per cycle each, broadcast to every core or
 *             replica of their kind) of the words the tile puts on it
 *     run   = predictDispatch(...).cycles + RUN_WAIT_OFFSET        (cores exact by co-simulation)
 *     drain = M_tile · Nt                                          (one output level per cycle)
 */
import { annCoreGeometryOf } from '../modules/ann-core/arch.ts';
import { eventBytes, snnCoreGeometryOf } from '../modules/snn-core/arch.ts';
import type { CoreKind, Schedule } from '../schedule/types.ts';
import { LOAD_BUSES, type LoadWords } from '../arch/load-buses.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { GemmShape } from '../workload/shapes.ts';
import { annCoreLoadEvents } from '../modules/ann-core/timing.ts';
import type { Design } from '../modules/accel/arch.ts';
import { type DispatchPrediction, RUN_WAIT_OFFSET, predictDispatch } from './dispatcher.ts';
import { type EventCounts, addEvents, zeroEvents } from '../arch/events.ts';
import type { LayerTile } from './layer-tiling.ts';
import { snnCoreLoadEvents } from '../modules/snn-core/timing.ts';

/** The host's load buses (spec.md's table). */

/** The kinds a schedule gives at least one column to. */
export function kindsUsedBy(schedule: Schedule): CoreKind[] {
  return (['ann', 'snn'] as const).filter((kind) => schedule.cores.some((core) => core.kind === kind && core.columns.length > 0));
}

/** Σ_n B_n = Σ_n max(E_n, 1): the event words of every column of a (tile) layer, in its event replica. */
export function eventWordsOf(layer: Pick<GemmLayer, 'K' | 'N' | 'input'>): number {
  const events = new Uint32Array(layer.N);
  for (let k = 0, row = 0; k < layer.K; k++, row += layer.N) {
    for (let n = 0; n < layer.N; n++) if ((layer.input[row + n] ?? 0) !== 0) events[n] = (events[n] ?? 0) + 1;
  }
  return events.reduce((sum, e) => sum + Math.max(e, 1), 0);
}

/** Weight and bias/θ words one core of the kind receives for a tile of this shape: {weights, bias/θ}. */
export function weightWordsOf(kind: CoreKind, shape: Pick<GemmShape, 'M' | 'K'>, design: Pick<Design, 'params'>): { weights: number; biasTheta: number } {
  if (kind === 'ann') {
    const { groups, chunks } = annCoreGeometryOf(shape, design.params.ann);
    return { weights: groups * chunks, biasTheta: groups };
  }
  const { groups } = snnCoreGeometryOf(shape, design.params.snn);
  return { weights: groups * shape.K, biasTheta: groups };
}

/** Dense replica words of a column tile: J per column. */
export function actWordsOf(shape: Pick<GemmShape, 'K' | 'N'>, design: Pick<Design, 'params'>): number {
  return annCoreGeometryOf({ M: 1, K: shape.K }, design.params.ann).chunks * shape.N;
}

/**
 * Words on each bus before a tile (`sub` = the tile as a layer): weights of `weightKinds` (the kinds the row
 * tile uses, in its first column tile; none otherwise), a replica of each kind this column tile uses, and one
 * schedule entry per column.
 */
export function tileLoadWords(sub: GemmLayer, tileKinds: readonly CoreKind[], weightKinds: readonly CoreKind[], design: Pick<Design, 'params'>): LoadWords {
  const ann = weightKinds.includes('ann') ? weightWordsOf('ann', sub, design) : { weights: 0, biasTheta: 0 };
  const snn = weightKinds.includes('snn') ? weightWordsOf('snn', sub, design) : { weights: 0, biasTheta: 0 };
  return {
    annW: ann.weights,
    annBt: ann.biasTheta,
    snnW: snn.weights,
    snnBt: snn.biasTheta,
    act: tileKinds.includes('ann') ? actWordsOf(sub, design) : 0,
    ev: tileKinds.includes('snn') ? eventWordsOf(sub) : 0,
    sched: sub.N,
  };
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
  const { annArrays, snnCores } = design.machines;
  const annLoad = weightKinds.includes('ann') ? annCoreLoadEvents(sub, design.params.ann).sram_byte * annArrays : 0;
  const snnLoad = weightKinds.includes('snn') ? snnCoreLoadEvents(sub, design.params.snn).sram_byte * snnCores : 0;
  return {
    weightLoads: annLoad + snnLoad,
    replicaWrites: words.act * design.params.ann.cols * annArrays + words.ev * eventBytes(design.params.snn) * snnCores,
    schedule: 2 * words.sched * design.buffers.schedEntryBytes,
    replicaReads: dispatch.cores.reduce((sum, core) => sum + core.actBytes, 0),
    outputs: 2 * sub.M * sub.N,
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
  const drainCycles = sub.M * sub.N;
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
