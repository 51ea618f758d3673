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
import { columnsOfKind, drainReads, feederParams, gatherParams, listEntries, loadsBeforeStart, packEntry } from '../modules/dispatcher/arch.ts';
import type { PortSpec } from '../arch/module.ts';
import { LOAD_BUSES, type LoadBus, type LoadWords } from '../arch/load-buses.ts';
import { type LayerTile, tileSubLayer, weightBankOf } from '../cost/layer-tiling.ts';
import { weightBankBase } from '../arch/weight-banks.ts';
import type { CoreKind, Schedule } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { CheckError } from '../errors.ts';
import { type OutputValues, beatsPerOutput, configT, outputKindOf, valuesFromStream } from '../arch/output-stream.ts';
import { type Captures, type GroupQueue, type PortValues, ProgramBuilder, concatBytes, programOutputs } from './program.ts';

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

/** The input a drain sweeps: the output banks' read address (hwgen/flows/program_tb.v.hbs, SWEEP). */
export const DRAIN_SWEEP_PORT = 'ob_rd_addr';

/**
 * A layer's program: its bytes tile by tile, generated as they are read (so that a layer's stimulus is never in
 * memory whole), and where its results are among the captures, which is known once the bytes have been read.
 */
export class LayerProgram {
  /** The top's ports, which the program drives and captures. */
  readonly ports: readonly PortSpec[];
  readonly cores: number;
  private readonly readbacks: TileReadback[] = [];
  private readonly busWords: LoadWords[] = [];
  private readonly bankCaptures: number[][] = [];
  private counterStart = -1;
  private read = false;

  constructor(
    readonly accelerator: Accelerator,
    readonly layer: GemmLayer,
    private readonly hostTiles: readonly HostTile[],
  ) {
    this.ports = accelTopPorts(accelerator);
    this.cores = accelerator.config.ann.arrays + accelerator.config.snn.cores;
  }

  /**
   * The program's bytes: one chunk per tile, then the counter reads and the end. Can be read once. With two banks
   * (buffers.banks) tile t's stretch is: [its loads, if before the start] start, the drain of tile t−1 and the
   * loads of tile t+1 under its run, the wait for done, [the last tile's drain]; tile t runs in bank t mod 2.
   */
  *chunks(): Generator<Uint8Array> {
    if (this.read) throw new Error(`the program of ${this.layer.name} has been read already`);
    this.read = true;
    const builder = new ProgramBuilder(this.ports, DRAIN_SWEEP_PORT);
    const banks = this.accelerator.config.buffers.banks;
    const subs = this.hostTiles.map((tile) => tileSubLayer(this.layer, tile.tile));
    const bankOf = (t: number): number => (banks > 1 ? t % 2 : 0);
    const loadTile = (t: number): void => {
      builder.hold({ bank: bankOf(t) });
      this.busWords[t] = emitLoads(builder, busQueues(this.accelerator, subs[t] as GemmLayer, this.hostTiles[t] as HostTile));
    };
    const drainTile = (t: number): void => {
      builder.hold({ bank: bankOf(t) });
      this.bankCaptures[t] = emitDrain(builder, this.accelerator, subs[t] as GemmLayer, this.hostTiles[t] as HostTile);
    };
    const last = this.hostTiles.length - 1;
    for (const [t, tile] of this.hostTiles.entries()) {
      builder.mark(tileMark(t, 0));
      if (loadsBeforeStart(this.hostTiles, t, banks)) loadTile(t);
      builder.mark(tileMark(t, 1));
      builder.hold({ ...tileConfig(this.accelerator, subs[t] as GemmLayer, tile), bank: bankOf(t) });
      builder.play({ start: 1 });
      if (banks > 1 && t > 0) drainTile(t - 1);
      if (banks > 1 && t < last && !loadsBeforeStart(this.hostTiles, t + 1, banks)) loadTile(t + 1);
      builder.mark(tileMark(t, 2));
      builder.wait();
      // done is high in the cycle after the wait sees it, and the top takes no start while done is high: one idle cycle.
      if (banks > 1) builder.play();
      builder.mark(tileMark(t, 3));
      if (banks === 1 || t === last) drainTile(t);
      builder.mark(tileMark(t, 4));
      yield builder.take();
    }
    this.readbacks.push(...this.hostTiles.map((tile, t) => ({ tile, busWords: this.busWords[t] as LoadWords, bankCaptures: this.bankCaptures[t] as number[] })));
    builder.hold({});
    for (let c = 0; c < this.cores; c++) {
      ACCEL_COUNTERS.forEach((_, i) => {
        const index = builder.capture({ cnt_rd_core: c, cnt_rd_idx: i });
        if (this.counterStart < 0) this.counterStart = index;
      });
    }
    yield builder.finish();
  }

  /** Every tile's readback; complete once the chunks have been read. */
  get tiles(): readonly TileReadback[] {
    this.requireRead();
    return this.readbacks;
  }

  /** Index of the first counter capture: core c's counter i at counterCaptures + c·8 + i. */
  get counterCaptures(): number {
    this.requireRead();
    return this.counterStart;
  }

  private requireRead(): void {
    if (this.counterStart < 0) throw new Error(`the program of ${this.layer.name} has not been read to its end`);
  }
}

/**
 * Mark ids of tile t's stretch: 5t its beginning, 5t+1 its start cycle (after the loads before it), 5t+2 the wait
 * (after the work under the run), 5t+3 the wait's end, 5t+4 its end (after the drain that follows the wait).
 */
export type TilePhaseMark = 0 | 1 | 2 | 3 | 4;
export const TILE_MARKS = 5;
export const tileMark = (tile: number, phase: TilePhaseMark): number => TILE_MARKS * tile + phase;

const uses = (schedule: Schedule, kind: CoreKind): boolean => schedule.cores.some((core) => core.kind === kind && core.columns.length > 0);

/** One bus's writes: word i's fields (`addr`, `data`, ...: the ports `<prefix>_wr_<field>`), the enable set. */
interface BusWrites {
  readonly prefix: string;
  readonly count: number;
  fields(i: number): Readonly<Record<string, bigint>>;
}

/** Word i at address base + i. */
function addressed(prefix: string, words: readonly Readonly<Record<string, bigint>>[], base = 0): BusWrites {
  return { prefix, count: words.length, fields: (i) => ({ addr: BigInt(base + i), ...words[i] }) };
}

/** The weight and bias/θ words of every kind in `weightKinds`, on the kind's buses, into the tile's weight bank. */
function weightQueues(sub: GemmLayer, tile: HostTile, params: CoreParams): Partial<Record<LoadBus, BusWrites>> {
  const queues: Partial<Record<LoadBus, BusWrites>> = {};
  for (const kind of CORE_KINDS.filter((k) => tile.weightKinds.includes(k))) {
    const { buses } = CORE_KIND_FACTS[kind];
    const { ports, weightLoad } = CORE_KIND_ARCH[kind];
    const load = weightLoad(sub, params);
    const base = weightBankBase(params[kind], weightBankOf(tile.tile));
    queues[buses.weights] = addressed(ports.weights, load.weights.map((data) => ({ data })), base.weights);
    queues[buses.biasTheta] = addressed(ports.biasTheta, load.biasTheta, base.biasTheta);
  }
  return queues;
}

/** The words each load bus carries for one tile, in order (a bus without words is absent). */
function busQueues(accelerator: Accelerator, sub: GemmLayer, tile: HostTile): Partial<Record<LoadBus, BusWrites>> {
  const params = coreParamsOf(accelerator);
  const queues: Partial<Record<LoadBus, BusWrites>> = weightQueues(sub, tile, params);
  // Each kind's replica holds the columns the tile gives that kind's cores.
  const replicas = byKind((kind) => {
    const columns = columnsOfKind(tile.schedule, kind);
    return columns.length > 0 ? CORE_KIND_ARCH[kind].replica(sub, params, columns) : undefined;
  });
  for (const kind of CORE_KINDS) {
    const replica = replicas[kind];
    if (replica === undefined) continue;
    queues[CORE_KIND_FACTS[kind].buses.replica] = addressed(CORE_KIND_ARCH[kind].ports.replica, replica.words.map((data) => ({ data })));
  }
  const entries: Readonly<Record<string, bigint>>[] = [];
  tile.schedule.cores.forEach((core, c) => {
    if (core.columns.length === 0) return;
    const replica = replicas[core.kind];
    if (replica === undefined) throw new Error('unreachable: a used kind has its replica');
    const feeder = feederParams(accelerator, core.kind);
    listEntries(replica, core.columns).forEach((entry, i) => entries.push({ core: BigInt(c), addr: BigInt(i), data: packEntry(entry, feeder) }));
  });
  queues.sched = { prefix: 'sched', count: entries.length, fields: (i) => entries[i] ?? {} };
  return queues;
}

/** A bus's writes as packed words of its load-bus group (ProgramBuilder.loadQueues). */
function groupQueue(builder: ProgramBuilder, writes: BusWrites): GroupQueue {
  const layout = builder.groupFieldsOf(writes.prefix);
  const shifts = new Map([...layout].map(([name, field]) => [name.slice(writes.prefix.length + '_wr_'.length), BigInt(field.lsb)]));
  const enable = 1n << (shifts.get('en') ?? 0n);
  return {
    group: writes.prefix,
    count: writes.count,
    word: (i) => {
      let word = enable;
      for (const [name, value] of Object.entries(writes.fields(i))) {
        const shift = shifts.get(name);
        if (shift === undefined) throw new RangeError(`program: the DUT has no input ${writes.prefix}_wr_${name}`);
        word |= value << shift;
      }
      return word;
    },
  };
}

/** The layer configuration held while a tile runs (and its weight bank); a kind the tile leaves idle keeps zeros. */
function tileConfig(accelerator: Accelerator, sub: GemmLayer, tile: HostTile): PortValues {
  const params = coreParamsOf(accelerator);
  const { entryBits } = accelTopWidths(accelerator);
  const { schedule } = tile;
  const entries = schedule.cores.reduce((word, core, c) => word | (BigInt(core.columns.length) << BigInt(c * entryBits)), 0n);
  const values: Record<string, bigint | number> = { cfg_t: configT(sub), cfg_wbank: weightBankOf(tile.tile), cfg_entries: entries };
  for (const kind of CORE_KINDS) if (uses(schedule, kind)) Object.assign(values, CORE_KIND_ARCH[kind].config(sub, params));
  return values;
}

/** The load cycles: all seven buses in parallel, one word per cycle each. */
function emitLoads(builder: ProgramBuilder, queues: Partial<Record<LoadBus, BusWrites>>): LoadWords {
  builder.loadQueues(LOAD_BUSES.flatMap((bus) => {
    const writes = queues[bus];
    return writes === undefined ? [] : [groupQueue(builder, writes)];
  }));
  return Object.fromEntries(LOAD_BUSES.map((bus) => [bus, queues[bus]?.count ?? 0])) as LoadWords;
}

/** A tile's drain: every core's bank swept, R levels a read; per core, the index of its first capture. */
function emitDrain(builder: ProgramBuilder, accelerator: Accelerator, sub: GemmLayer, tile: HostTile): number[] {
  const drain = gatherParams(accelerator);
  return tile.schedule.cores.map((core, c) => builder.sweep({ ob_rd_core: c }, DRAIN_SWEEP_PORT, drainReads(core.columns.length * sub.M * beatsPerOutput(sub), drain)));
}

/** All of a (small) program's bytes at once: for tests and for decoding it. */
export function programBytes(program: LayerProgram): Uint8Array {
  return concatBytes([...program.chunks()]);
}

/** The program that runs every tile of `layer` in order, then reads the counters. */
export function layerProgram(accelerator: Accelerator, layer: GemmLayer, tiles: readonly HostTile[]): LayerProgram {
  return new LayerProgram(accelerator, layer, tiles);
}

/** A tile's stretch of the program as the testbench's marks measured it (the parts of TileTimeline). */
export interface TileMeasurement {
  /** Loads before the start cycle. */
  readonly loadCycles: number;
  /** Between the start cycle and the wait: the drain and loads under the run (two banks). */
  readonly hiddenCycles: number;
  /** The wait for done. */
  readonly waitCycles: number;
  /** The drain after the wait. */
  readonly drainCycles: number;
  readonly cycles: number;
  /** The top's cnt_cycles when the tile's drain began (the tile's run: cnt_cycles holds the last finished run). */
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
export function readLayer(program: LayerProgram, captures: Captures, marks: ReadonlyMap<number, number>): LayerReadback {
  const { layer, ports } = program;
  const fields = new Map(programOutputs(ports).fields.map((field) => [field.port.name, { shift: BigInt(field.lsb), mask: field.mask }]));
  /**
   * One output of a capture, or with `byte` one byte of it (a layer has millions: no object per capture); an x or
   * z bit in it is a design fault.
   */
  const output = (index: number, name: string, byte?: number): number => {
    const capture = captures.at(index);
    if (capture === undefined) throw new RangeError(`capture ${index} is missing (${captures.length} captured)`);
    const field = fields.get(name);
    if (field === undefined) throw new RangeError(`the top has no output ${name}`);
    const [shift, mask] = byte === undefined ? [field.shift, field.mask] : [field.shift + 8n * BigInt(byte), 0xffn];
    if (((capture.unknown >> shift) & mask) !== 0n) throw new CheckError(`${layer.name}: capture ${index}: ${name} has x or z bits (an unwritten or undriven value)`);
    return Number((capture.value >> shift) & mask);
  };
  const mark = (id: number): number => {
    const cycle = marks.get(id);
    if (cycle === undefined) throw new RangeError(`mark ${id} is missing`);
    return cycle;
  };
  // The bytes the cores streamed, (M·beats)×N: a bank holds a column's M_tile·beats bytes in stream order, R of
  // them in each word the drain reads (R = buffers.drainBytes), the first in the low byte.
  const beats = beatsPerOutput(layer);
  const perRead = gatherParams(program.accelerator).readLevels;
  const bytes = new Uint8Array(layer.M * beats * layer.N);
  const tiles = program.tiles.map(({ tile, bankCaptures }, t): TileMeasurement => {
    const { rowStart, rowEnd, colStart } = tile.tile;
    const rows = (rowEnd - rowStart) * beats;
    let cntCycles: number | undefined;
    tile.schedule.cores.forEach((core, c) => {
      const first = bankCaptures[c] ?? -1;
      core.columns.forEach((n, i) => {
        for (let r = 0; r < rows; r++) {
          const level = i * rows + r;
          const index = first + Math.floor(level / perRead);
          // The drain's first read: with two banks a later one may come after the next run's done.
          if (level === 0 && cntCycles === undefined) cntCycles = output(index, 'cnt_cycles');
          bytes[(rowStart * beats + r) * layer.N + colStart + n] = output(index, 'ob_rd_data', level % perRead);
        }
      });
    });
    const [begin, started, waiting, waited, end] = [0, 1, 2, 3, 4].map((phase) => mark(tileMark(t, phase as TilePhaseMark))) as [number, number, number, number, number];
    return { loadCycles: started - begin, hiddenCycles: waiting - started - 1, waitCycles: waited - waiting, drainCycles: end - waited, cycles: end - begin, cntCycles: cntCycles ?? 0 };
  });
  const counters = Array.from({ length: program.cores }, (_, c) =>
    Object.fromEntries(ACCEL_COUNTERS.map((name, i) => [name, output(program.counterCaptures + c * ACCEL_COUNTERS.length + i, 'cnt_rd_data')])) as Record<AccelCounter, number>,
  );
  return { outputs: valuesFromStream(bytes, outputKindOf(layer), layer.M, layer.N), tiles, cycles: tiles.reduce((sum, tile) => sum + tile.cycles, 0), counters };
}
