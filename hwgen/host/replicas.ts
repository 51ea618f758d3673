/**
 * The host's layout of a (tile of a) layer in the dispatcher's activation replicas and schedule memories
 * (hwgen/generate/dispatcher/spec.md, "Activation data" and "Schedule buffer"): every column of the tile is
 * in the replica, whatever core runs it; a core's list is a sequence of {count, base} entries into it.
 */
import { type AnnCoreParams, annCoreGeometry, columnBeats } from '../generate/ann-core/layout.ts';
import type { FeederEntry } from '../generate/dispatcher/feeder.ts';
import { type SnnCoreParams, addressBits, snnColumnEvents } from '../generate/snn-core/layout.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';

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
