/**
 * The host driver (hwgen/modules/dispatcher/spec.md, "Host protocol"): turns one layer, cut into tiles
 * each with its static schedule, into the bus cycles a host drives into hwgen_accel_top (a program,
 * program.ts), and reads the outputs and counters back out of what the testbench captured.
 *
 * Per tile: loads (seven buses in parallel, one word per cycle each; weights only when the tile asks for
 * them), one start cycle, a wait for done, then the output banks read core by core. After the last tile
 * the counters are read (not part of the layer's cycles).
 */
import type { Accelerator } from '../config/load-config.ts';
import { CORE_KIND_FACTS, CORE_KINDS, byKind } from '../arch/core-kinds.ts';
import { ACCEL_COUNTERS, type AccelCounter, CORE_KIND_ARCH, type CoreParams, accelTopPorts, accelTopWidths, coreParamsOf } from '../modules/accel/arch.ts';
import { feederParams, listEntries, packEntry } from '../modules/dispatcher/arch.ts';
import type { PortSpec } from '../arch/module.ts';
import { LOAD_BUSES, type LoadBus, type LoadWords } from '../arch/load-buses.ts';
import { type LayerTile, tileSubLayer } from '../cost/layer-tiling.ts';
import type { CoreKind, Schedule } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { CheckError } from '../errors.ts';
import { type OutputValues, beatsPerOutput, configT, outputKindOf, valuesFromStream } from '../arch/output-stream.ts';
import { type Capture, type PortValues, ProgramBuilder, decodeCapture } from './program.ts';

/** One tile of a layer as the host runs it: what the cost model's tile prediction holds. */
export interface HostTile {
  readonly tile: LayerTile;
  /** All A + S cores, columns tile-local (0..colEnd − colStart − 1). */
  readonly schedule: Schedule;
  /** Kinds whose weights and bias/θ are loaded before this tile (the first column tile of a row tile). */
  readonly weightKinds: readonly CoreKind[];
}

/** Where a tile's results are in the captures, and its cycle marks. */
export interface TileReadback {
  readonly tile: HostTile;
  readonly busWords: LoadWords;
  /** Per core (schedule order): index of its first drain capture. */
  readonly bankCaptures: readonly number[];
}

export interface LayerProgram {
  readonly layer: GemmLayer;
  /** The top's ports, which the program's lines drive and capture. */
  readonly ports: readonly PortSpec[];
  readonly text: string;
  readonly tiles: readonly TileReadback[];
  /** Index of the first counter capture: core c's counter i at counterCaptures + c·8 + i. */
  readonly counterCaptures: number;
  readonly cores: number;
}

/** Mark ids: tile t begins at 4t, its loads end at 4t+1, its run at 4t+2, its drain at 4t+3. */
export const tileMark = (tile: number, phase: 0 | 1 | 2 | 3): number => 4 * tile + phase;

const uses = (schedule: Schedule, kind: CoreKind): boolean => schedule.cores.some((core) => core.kind === kind && core.columns.length > 0);

/** One write a cycle on the load ports `<prefix>_wr_*`: enable, the word's address, then its fields. */
function writes(prefix: string, words: readonly Readonly<Record<string, bigint>>[]): PortValues[] {
  return words.map((fields, addr) => {
    const values: Record<string, bigint | number> = { [`${prefix}_wr_en`]: 1, [`${prefix}_wr_addr`]: addr };
    for (const [name, value] of Object.entries(fields)) values[`${prefix}_wr_${name}`] = value;
    return values;
  });
}

/** The weight and bias/θ words of every kind in `weightKinds`, on the kind's buses. */
function weightQueues(sub: GemmLayer, weightKinds: readonly CoreKind[], params: CoreParams): Partial<Record<LoadBus, PortValues[]>> {
  const queues: Partial<Record<LoadBus, PortValues[]>> = {};
  for (const kind of CORE_KINDS.filter((k) => weightKinds.includes(k))) {
    const { buses } = CORE_KIND_FACTS[kind];
    const { ports, weightLoad } = CORE_KIND_ARCH[kind];
    const load = weightLoad(sub, params);
    queues[buses.weights] = writes(ports.weights, load.weights.map((data) => ({ data })));
    queues[buses.biasTheta] = writes(ports.biasTheta, load.biasTheta.map(({ bias, theta }) => ({ bias, theta })));
  }
  return queues;
}

/** The words each load bus carries for one tile, in order. */
function busQueues(accelerator: Accelerator, sub: GemmLayer, tile: HostTile): Record<LoadBus, PortValues[]> {
  const params = coreParamsOf(accelerator);
  const queues: Record<LoadBus, PortValues[]> = { annW: [], annBt: [], snnW: [], snnBt: [], act: [], ev: [], sched: [], ...weightQueues(sub, tile.weightKinds, params) };
  const replicas = byKind((kind) => (uses(tile.schedule, kind) ? CORE_KIND_ARCH[kind].replica(sub, params) : undefined));
  for (const kind of CORE_KINDS) {
    const replica = replicas[kind];
    if (replica === undefined) continue;
    queues[CORE_KIND_FACTS[kind].buses.replica] = writes(CORE_KIND_ARCH[kind].ports.replica, replica.words.map((data) => ({ data })));
  }
  tile.schedule.cores.forEach((core, c) => {
    if (core.columns.length === 0) return;
    const replica = replicas[core.kind];
    if (replica === undefined) throw new Error('unreachable: a used kind has its replica');
    const feeder = feederParams(accelerator, core.kind);
    listEntries(replica, core.columns).forEach((entry, i) => {
      queues.sched.push({ sched_wr_en: 1, sched_wr_core: c, sched_wr_addr: i, sched_wr_data: packEntry(entry, feeder) });
    });
  });
  return queues;
}

/** The layer configuration held while a tile runs; a kind the tile leaves idle keeps zeros. */
function tileConfig(accelerator: Accelerator, sub: GemmLayer, schedule: Schedule): PortValues {
  const params = coreParamsOf(accelerator);
  const { entryBits } = accelTopWidths(accelerator);
  const entries = schedule.cores.reduce((word, core, c) => word | (BigInt(core.columns.length) << BigInt(c * entryBits)), 0n);
  const values: Record<string, bigint | number> = { cfg_t: configT(sub), cfg_entries: entries };
  for (const kind of CORE_KINDS) if (uses(schedule, kind)) Object.assign(values, CORE_KIND_ARCH[kind].config(sub, params));
  return values;
}

function emitLoads(builder: ProgramBuilder, queues: Record<LoadBus, PortValues[]>): LoadWords {
  const length = Math.max(...LOAD_BUSES.map((bus) => queues[bus].length));
  for (let i = 0; i < length; i++) {
    builder.play(Object.assign({}, ...LOAD_BUSES.map((bus) => queues[bus][i] ?? {})) as PortValues);
  }
  return Object.fromEntries(LOAD_BUSES.map((bus) => [bus, queues[bus].length])) as LoadWords;
}

function emitTile(builder: ProgramBuilder, accelerator: Accelerator, layer: GemmLayer, tile: HostTile, t: number): TileReadback {
  const sub = tileSubLayer(layer, tile.tile);
  builder.hold(tileConfig(accelerator, sub, tile.schedule));
  builder.mark(tileMark(t, 0));
  const busWords = emitLoads(builder, busQueues(accelerator, sub, tile));
  builder.mark(tileMark(t, 1));
  builder.play({ start: 1 });
  builder.wait();
  builder.mark(tileMark(t, 2));
  const bankCaptures = tile.schedule.cores.map((core, c) => {
    let first = -1;
    for (let addr = 0; addr < core.columns.length * sub.M * beatsPerOutput(sub); addr++) {
      const index = builder.capture({ ob_rd_core: c, ob_rd_addr: addr });
      if (first < 0) first = index;
    }
    return first;
  });
  builder.mark(tileMark(t, 3));
  return { tile, busWords, bankCaptures };
}

/** The program that runs every tile of `layer` in order, then reads the counters. */
export function layerProgram(accelerator: Accelerator, layer: GemmLayer, tiles: readonly HostTile[]): LayerProgram {
  const ports = accelTopPorts(accelerator);
  const builder = new ProgramBuilder(ports);
  const readbacks = tiles.map((tile, t) => emitTile(builder, accelerator, layer, tile, t));
  builder.hold({});
  const cores = accelerator.config.ann.arrays + accelerator.config.snn.cores;
  let counterCaptures = -1;
  for (let c = 0; c < cores; c++) {
    ACCEL_COUNTERS.forEach((_, i) => {
      const index = builder.capture({ cnt_rd_core: c, cnt_rd_idx: i });
      if (counterCaptures < 0) counterCaptures = index;
    });
  }
  return { layer, ports, text: builder.finish(), tiles: readbacks, counterCaptures, cores };
}

export interface TileMeasurement {
  readonly loadCycles: number;
  /** The wait for done after the start cycle (the cost model's runCycles). */
  readonly runCycles: number;
  readonly drainCycles: number;
  readonly cycles: number;
  /** The top's cnt_cycles after the tile's run. */
  readonly cntCycles: number;
}

export interface LayerReadback {
  /** Y (M×N row-major) as the RTL computed it: levels, or logits assembled from their four bytes. */
  readonly outputs: OutputValues;
  readonly tiles: readonly TileMeasurement[];
  /** Σ tile cycles. */
  readonly cycles: number;
  /** Per core (schedule order), its counters since reset. */
  readonly counters: Record<AccelCounter, number>[];
}

/** Reads a layer's outputs, counters and cycles out of the captures and marks of its program's run. */
export function readLayer(program: LayerProgram, captures: readonly Capture[], marks: ReadonlyMap<number, number>): LayerReadback {
  const { layer, ports } = program;
  /** The named outputs of a capture; an x or z bit in one of them is a design fault. */
  const decoded = (index: number, ...names: string[]): Record<string, bigint> => {
    const capture = captures[index];
    if (capture === undefined) throw new RangeError(`capture ${index} is missing (${captures.length} captured)`);
    const { values, unknown } = decodeCapture(ports, capture);
    const undefinedOutput = names.find((name) => unknown.has(name));
    if (undefinedOutput !== undefined) throw new CheckError(`${layer.name}: capture ${index}: ${undefinedOutput} has x or z bits (an unwritten or undriven value)`);
    return values;
  };
  const mark = (id: number): number => {
    const cycle = marks.get(id);
    if (cycle === undefined) throw new RangeError(`mark ${id} is missing`);
    return cycle;
  };
  // The bytes the cores streamed, (M·beats)×N: a bank holds a column's M_tile·beats bytes in stream order.
  const beats = beatsPerOutput(layer);
  const bytes = new Uint8Array(layer.M * beats * layer.N);
  const tiles = program.tiles.map(({ tile, bankCaptures }, t): TileMeasurement => {
    const { rowStart, rowEnd, colStart } = tile.tile;
    const rows = (rowEnd - rowStart) * beats;
    let cntCycles = 0;
    tile.schedule.cores.forEach((core, c) => {
      const first = bankCaptures[c] ?? -1;
      core.columns.forEach((n, i) => {
        for (let r = 0; r < rows; r++) {
          const values = decoded(first + i * rows + r, 'ob_rd_data', 'cnt_cycles');
          if (i === 0 && r === 0) cntCycles = Number(values.cnt_cycles);
          bytes[(rowStart * beats + r) * layer.N + colStart + n] = Number(values.ob_rd_data);
        }
      });
    });
    const [begin, loaded, ran, drained] = [0, 1, 2, 3].map((phase) => mark(tileMark(t, phase as 0 | 1 | 2 | 3))) as [number, number, number, number];
    return { loadCycles: loaded - begin, runCycles: ran - loaded - 1, drainCycles: drained - ran, cycles: drained - begin, cntCycles };
  });
  const counters = Array.from({ length: program.cores }, (_, c) =>
    Object.fromEntries(ACCEL_COUNTERS.map((name, i) => [name, Number(decoded(program.counterCaptures + c * ACCEL_COUNTERS.length + i, 'cnt_rd_data').cnt_rd_data)])) as Record<AccelCounter, number>,
  );
  return { outputs: valuesFromStream(bytes, outputKindOf(layer), layer.M, layer.N), tiles, cycles: tiles.reduce((sum, tile) => sum + tile.cycles, 0), counters };
}
