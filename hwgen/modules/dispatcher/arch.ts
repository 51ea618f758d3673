/**
 * The dispatcher's hardware model: the column feeder's and output gatherer's parameters and widths for each kind of
 * core, the schedule-entry packing, and the host's layout of a (tile of a) layer in the activation replicas and
 * schedule memories (spec.md beside this file, "Activation data" and "Schedule buffer"): every column of the tile is
 * in the replica, whatever core runs it; a core's list is a sequence of {count, base} entries into it.
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
  /** Column n's words are [base[n], base[n] + count[n]). */
  readonly entries: readonly FeederEntry[];
}

/** Dense replica of an ANN array: column n at words n·J .. n·J + J − 1, COLS levels a word. */
export function denseReplica(layer: GemmLayer, params: AnnCoreParams): Replica {
  const geometry = annCoreGeometry(layer, params);
  const J = geometry.chunks;
  const words = Array.from({ length: layer.N }, (_, n) => columnBeats(layer, n, params, geometry)).flat();
  return { words, entries: Array.from({ length: layer.N }, (_, n) => ({ base: n * J, count: J })) };
}

/** Event replica of an SNN core: column n's bundled events {x, k} back to back (a terminator when empty). */
export function eventReplica(layer: GemmLayer, params: SnnCoreParams): Replica {
  const kw = BigInt(addressBits(params));
  const words: bigint[] = [];
  const entries: FeederEntry[] = [];
  for (let n = 0; n < layer.N; n++) {
    const base = words.length;
    for (const beat of snnColumnEvents(layer, n)) words.push((BigInt(beat.level) << kw) | BigInt(beat.addr));
    entries.push({ base, count: words.length - base });
  }
  return { words, entries };
}

/** A core's list as schedule entries. */
export function listEntries(replica: Replica, columns: readonly number[]): FeederEntry[] {
  return columns.map((n) => {
    const entry = replica.entries[n];
    if (entry === undefined) throw new RangeError(`column ${n} is not in the replica (${replica.entries.length} columns)`);
    return entry;
  });
}

/**
 * With `banks` banks, does tile t of a layer load before its start cycle (hwgen/modules/dispatcher/spec.md,
 * "Overlapped tiles")? With one bank every tile does; with two, the first does, and so does a tile that loads
 * weights: the weight memories have one bank, so they wait for the previous run to end. The others load under the
 * previous tile's run.
 */
export function loadsBeforeStart(tiles: readonly { readonly weightKinds: readonly unknown[] }[], t: number, banks: number): boolean {
  return banks === 1 || t === 0 || (tiles[t]?.weightKinds.length ?? 0) > 0;
}
