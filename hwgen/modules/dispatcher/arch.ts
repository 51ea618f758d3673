/**
 * The dispatcher's hardware model: the column feeder's and output gatherer's parameters and widths for each kind of
 * core, the schedule-entry packing, and the host's layout of a (tile of a) layer in the activation replicas and
 * schedule memories (spec.md beside this file, "Activation data" and "Schedule buffer"): a kind's replica holds the
 * columns the tile gives cores of that kind; a core's list is a sequence of {count, base} entries into it.
 */
import type { Accelerator } from '../../config/load-config.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { CoreKind } from '../../arch/core-kinds.ts';
import { bitsFor, clog2 } from '../../arch/math.ts';
import { type AnnCoreParams, annCoreGeometry, columnBeats } from '../ann-core/arch.ts';
import { type SnnCoreParams, addressBits, snnColumnEvents, snnCoreParams } from '../snn-core/arch.ts';

/** Cycles from `start` to the first word offered: a schedule read, then a data read. */
export const FEEDER_LATENCY = 2;

export interface FeederParams {
  /** WORD_W: bits per replica word (ANN: 8·ann.cols; SNN: KW + 8). */
  readonly wordBits: number;
  /** DEPTH: replica words of one bank. */
  readonly depth: number;
  /** SCHED_DEPTH: schedule entries of one bank. */
  readonly schedDepth: number;
  /** BANKS: 1, or 2 (one loads while the other is walked; buffers.banks). */
  readonly banks: number;
}

/** One bank's share of a memory of `units` (bytes, entries): the banks split a buffer, they do not add to it. */
function perBank(units: number, banks: number): number {
  return Math.max(1, Math.floor(units / banks));
}

/** Each kind's replica words (one bank): an ANN array's dense words of ann.cols levels, an SNN core's events {k, x}. */
const FEEDER_WORDS: Readonly<Record<CoreKind, (accelerator: Accelerator) => Pick<FeederParams, 'wordBits' | 'depth'>>> = {
  ann: ({ config: { ann, buffers } }) => ({ wordBits: 8 * ann.cols, depth: perBank(Math.floor(buffers.activationBytes / ann.cols), buffers.banks) }),
  snn: (accelerator) => ({ wordBits: addressBits(snnCoreParams(accelerator)) + 8, depth: perBank(accelerator.config.buffers.activationBytes, accelerator.config.buffers.banks) }),
};

/** The feeder of a core of the kind on this design. */
export function feederParams(accelerator: Accelerator, kind: CoreKind): FeederParams {
  const { scheduleEntries, banks } = accelerator.config.buffers;
  return { ...FEEDER_WORDS[kind](accelerator), schedDepth: perBank(scheduleEntries, banks), banks };
}

export interface FeederWidths {
  readonly addressBits: number;
  readonly countBits: number;
  readonly schedAddressBits: number;
  readonly entryBits: number;
}

export function feederWidths(params: FeederParams): FeederWidths {
  return {
    addressBits: clog2(params.depth),
    countBits: bitsFor(params.depth),
    schedAddressBits: clog2(params.schedDepth),
    entryBits: bitsFor(params.schedDepth),
  };
}

/** A schedule entry: `count` words from word `base`. */
export interface FeederEntry {
  readonly base: number;
  readonly count: number;
}

/** The entry as written to the schedule memory: {count, base}, base in the low address bits. */
export function packEntry(entry: FeederEntry, params: FeederParams): bigint {
  const { addressBits: aw, countBits: cw } = feederWidths(params);
  if (!Number.isInteger(entry.count) || entry.count < 1 || entry.count >= 2 ** cw) throw new RangeError(`feeder entry: count must be 1..${2 ** cw - 1}, got ${entry.count}`);
  if (!Number.isInteger(entry.base) || entry.base < 0 || entry.base + entry.count > params.depth) {
    throw new RangeError(`feeder entry: words ${entry.base}..${entry.base + entry.count - 1} are outside the ${params.depth}-word replica`);
  }
  return (BigInt(entry.count) << BigInt(aw)) | BigInt(entry.base);
}

export interface GatherParams {
  /** DEPTH: output levels one bank holds (buffers.outputBytes / banks). */
  readonly depth: number;
  /** BANKS: 1, or 2 (the host drains one while a run writes the other; buffers.banks). */
  readonly banks: number;
  /** SCHED_DEPTH: longest column list (buffers.scheduleEntries). */
  readonly schedDepth: number;
  /** RD_W: levels the host reads per cycle, a power of two (buffers.drainBytes). */
  readonly readLevels: number;
}

export function gatherParams(accelerator: Accelerator): GatherParams {
  const { outputBytes, scheduleEntries, drainBytes, banks } = accelerator.config.buffers;
  return { depth: perBank(outputBytes, banks), schedDepth: perBank(scheduleEntries, banks), readLevels: drainBytes, banks };
}

/** Words of RD_W levels a bank holds: ceil(DEPTH / RD_W), the range of the host's read address. */
export function gatherReadWords(params: GatherParams): number {
  return Math.ceil(params.depth / params.readLevels);
}

/** Read cycles (words) that drain `levels` levels from one bank. */
export function drainReads(levels: number, params: Pick<GatherParams, 'readLevels'>): number {
  return Math.ceil(levels / params.readLevels);
}

export interface Replica {
  /** Replica words in address order. */
  readonly words: bigint[];
  /** Column n's words are [entries[n].base, + entries[n].count); undefined for a column the replica leaves out. */
  readonly entries: readonly (FeederEntry | undefined)[];
}

/** Every column of a layer, in order: a replica of all of them. */
export function allColumns(N: number): number[] {
  return Array.from({ length: N }, (_, n) => n);
}

/** A tile's column lists, core by core (a schedule's cores): what the replicas' layout depends on. */
export interface CoreColumns {
  readonly cores: readonly { readonly kind: CoreKind; readonly columns: readonly number[] }[];
}

/** The columns a schedule gives cores of `kind`, ascending: what that kind's replica holds. */
export function columnsOfKind(schedule: CoreColumns, kind: CoreKind): number[] {
  return schedule.cores.filter((core) => core.kind === kind).flatMap((core) => core.columns).sort((a, b) => a - b);
}

/** A replica of `columns` in that order, each column's words back to back. */
function replicaOf(N: number, columns: readonly number[], wordsOf: (n: number) => bigint[]): Replica {
  const words: bigint[] = [];
  const entries: (FeederEntry | undefined)[] = new Array<FeederEntry | undefined>(N).fill(undefined);
  for (const n of columns) {
    const base = words.length;
    words.push(...wordsOf(n));
    entries[n] = { base, count: words.length - base };
  }
  return { words, entries };
}

/** Dense replica of an ANN array: J words of COLS levels per column of `columns` (default: all, column n at n·J). */
export function denseReplica(layer: GemmLayer, params: AnnCoreParams, columns: readonly number[] = allColumns(layer.N)): Replica {
  const geometry = annCoreGeometry(layer, params);
  return replicaOf(layer.N, columns, (n) => columnBeats(layer, n, params, geometry));
}

/** Event replica of an SNN core: each column's bundled events {x, k} back to back (a terminator when empty). */
export function eventReplica(layer: GemmLayer, params: SnnCoreParams, columns: readonly number[] = allColumns(layer.N)): Replica {
  const kw = BigInt(addressBits(params));
  return replicaOf(layer.N, columns, (n) => snnColumnEvents(layer, n).map((beat) => (BigInt(beat.level) << kw) | BigInt(beat.addr)));
}

/** A core's list as schedule entries. */
export function listEntries(replica: Replica, columns: readonly number[]): FeederEntry[] {
  return columns.map((n) => {
    const entry = replica.entries[n];
    if (entry === undefined) throw new RangeError(`column ${n} is not in the replica (${replica.entries.length} columns)`);
    return entry;
  });
}

/** What decides where a tile's loads go: whether it loads weights, and whether its layer's weights are banked. */
export interface TileLoads {
  readonly weightKinds: readonly unknown[];
  readonly tile: { readonly weightsBanked: boolean };
}

/**
 * With `banks` banks, does tile t of a layer load before its start cycle (hwgen/modules/dispatcher/spec.md,
 * "Overlapped tiles")? With one bank every tile does; with two, the first does, and so does a tile that loads
 * weights into whole weight memories (a layer whose row tiles do not fit one weight bank), which wait for the
 * previous run to end. The others load under the previous tile's run.
 */
export function loadsBeforeStart(tiles: readonly TileLoads[], t: number, banks: number): boolean {
  const tile = tiles[t];
  return banks === 1 || t === 0 || (tile !== undefined && tile.weightKinds.length > 0 && !tile.tile.weightsBanked);
}
