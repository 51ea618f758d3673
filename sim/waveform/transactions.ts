/**
 * Transactions of valid/ready streams, read from a waveform at the rising edges of a clock
 * (sim/waveform/README.md, "Checking streams"): a beat is a cycle whose sampled valid and ready are both
 * high, and it carries the sampled payload. Each stream's protocol rules (protocol.ts) are checked on
 * the way.
 *
 * Cycles are numbered by the caller's choice: the edge's index in the file, or the value a counter
 * signal holds at the edge (the program player's `cycle`), which stays right when the waveform starts
 * late (a dump window). Edges in reset before the first counted one are numbered backwards from it.
 */
import { openWaveform } from './index.ts';
import { checkProtocol, isBeat, type ProtocolViolation, type StreamInterface, type StreamSample } from './protocol.ts';
import type { VcdCycle, VcdReader } from './vcd-reader.ts';
import type { SignalValue } from './values.ts';

/** One beat of a stream. */
export interface Transaction {
  readonly cycle: number;
  readonly time: number;
  /** In the order of the interface's payload fields. */
  readonly payload: readonly SignalValue[];
}

/** A rising edge, numbered, with every selected signal as sampled there. */
export interface NumberedCycle {
  readonly cycle: number;
  readonly time: number;
  readonly reset: boolean;
  readonly values: readonly SignalValue[];
}

/** Signal names in the order the reader is asked for them; a name asked twice gets one index. */
export class SignalTable {
  readonly names: string[] = [];
  private readonly indices = new Map<string, number>();

  indexOf(name: string): number {
    let index = this.indices.get(name);
    if (index === undefined) {
      index = this.names.length;
      this.names.push(name);
      this.indices.set(name, index);
    }
    return index;
  }
}

export interface CycleNumbering {
  /** Index of the reset signal in the values; absent: never in reset. */
  readonly reset?: number | undefined;
  /** Level at which reset is asserted (default 1). */
  readonly resetLevel?: 0 | 1;
  /** Index of a counter whose sampled value numbers the edge; absent: the edge's index in the file. */
  readonly counter?: number | undefined;
}

/**
 * Numbers the edges of a reader's `cycles(clock)`. With a counter, an edge out of reset is numbered by the
 * counter's sampled value (the previous number + 1 when it is x); the edges in reset before the first one
 * are held back and numbered first − n … first − 1.
 */
export async function* numberCycles(cycles: AsyncIterable<VcdCycle>, numbering: CycleNumbering): AsyncGenerator<NumberedCycle, void, undefined> {
  const level = BigInt(numbering.resetLevel ?? 1);
  const held: VcdCycle[] = [];
  let last: number | undefined;
  for await (const edge of cycles) {
    const reset = numbering.reset !== undefined && edge.values[numbering.reset] === level;
    if (numbering.counter === undefined) {
      yield { cycle: edge.index, time: edge.time, reset, values: edge.values };
      continue;
    }
    if (reset && last === undefined) {
      held.push(edge);
      continue;
    }
    const counted = edge.values[numbering.counter];
    const cycle = typeof counted === 'bigint' && !reset ? Number(counted) : (last ?? -1) + 1;
    for (let i = 0; i < held.length; i++) {
      const early = held[i]!;
      yield { cycle: cycle - held.length + i, time: early.time, reset: true, values: early.values };
    }
    held.length = 0;
    last = cycle;
    yield { cycle, time: edge.time, reset, values: edge.values };
  }
  // A waveform that ends in reset: number its edges from 0.
  for (let i = 0; i < held.length; i++) yield { cycle: i, time: held[i]!.time, reset: true, values: held[i]!.values };
}

export interface NumberedWaveformOptions extends CycleNumbering {
  /** The clock whose rising edges are numbered. */
  readonly clock: string;
  readonly fst2vcd?: string;
}

export interface NumberedWaveform {
  /** Still at hand after the edges: what its header says (widths, timescale). */
  readonly reader: VcdReader;
  readonly cycles: AsyncGenerator<NumberedCycle, void, undefined>;
}

/**
 * Opens a waveform for the signals of `table` and numbers its clock's rising edges (numberCycles). Put
 * every signal in the table first: the reader reads only those it is asked for.
 */
export async function openNumberedCycles(file: string, table: SignalTable, options: NumberedWaveformOptions): Promise<NumberedWaveform> {
  const reader = await openWaveform(file, { signals: table.names, fst2vcd: options.fst2vcd });
  return { reader, cycles: numberCycles(reader.cycles(options.clock), options) };
}

/** Where a stream's signals are in the sampled values. */
export interface StreamIndices {
  readonly valid: number;
  readonly ready: number | undefined;
  readonly payload: readonly number[];
}

export function streamIndices(stream: StreamInterface, table: SignalTable): StreamIndices {
  return {
    valid: table.indexOf(stream.valid),
    ready: stream.ready === undefined ? undefined : table.indexOf(stream.ready),
    payload: stream.payload.map((field) => table.indexOf(field.signal)),
  };
}

/** Follows one stream edge by edge: gives its beats and collects the protocol rules it breaks. */
export class StreamMonitor {
  private previous: StreamSample | undefined;
  beats = 0;
  /** Cycles with valid high and ready low, out of reset. */
  stalls = 0;

  constructor(
    readonly stream: StreamInterface,
    private readonly indices: StreamIndices,
    private readonly violations: (violation: ProtocolViolation) => void,
  ) {}

  /** The beat of this edge, if any. */
  sample(edge: NumberedCycle): Transaction | undefined {
    const { values } = edge;
    const current: StreamSample = {
      cycle: edge.cycle,
      time: edge.time,
      reset: edge.reset,
      valid: values[this.indices.valid]!,
      ready: this.indices.ready === undefined ? 1n : values[this.indices.ready]!,
      payload: this.indices.payload.map((index) => values[index]!),
    };
    const previous = this.previous !== undefined && this.previous.cycle === edge.cycle - 1 ? this.previous : undefined;
    for (const violation of checkProtocol(this.stream, previous, current)) this.violations(violation);
    this.previous = current;
    if (!edge.reset && current.valid === 1n && current.ready === 0n) this.stalls += 1;
    if (edge.reset || !isBeat(current)) return undefined;
    this.beats += 1;
    return { cycle: current.cycle, time: current.time, payload: current.payload };
  }
}

export interface ExtractOptions {
  /** The clock whose rising edges sample the streams. */
  readonly clock: string;
  readonly reset?: string;
  readonly resetLevel?: 0 | 1;
  /** A counter that numbers the cycles (see numberCycles); default: edge index. */
  readonly cycleCounter?: string;
  readonly streams: readonly StreamInterface[];
  readonly fst2vcd?: string;
}

export interface ExtractedStreams {
  /** Per stream (same order), its beats. */
  readonly transactions: Transaction[][];
  readonly violations: ProtocolViolation[];
  /** Edges read. */
  readonly cycles: number;
}

/** Every beat of every stream, and every broken rule, of a waveform (kept in memory: for small waveforms). */
export async function extractTransactions(file: string, options: ExtractOptions): Promise<ExtractedStreams> {
  const table = new SignalTable();
  const reset = options.reset === undefined ? undefined : table.indexOf(options.reset);
  const counter = options.cycleCounter === undefined ? undefined : table.indexOf(options.cycleCounter);
  const violations: ProtocolViolation[] = [];
  const monitors = options.streams.map((stream) => new StreamMonitor(stream, streamIndices(stream, table), (v) => violations.push(v)));
  const { cycles: edges } = await openNumberedCycles(file, table, { clock: options.clock, reset, counter, resetLevel: options.resetLevel ?? 1, fst2vcd: options.fst2vcd });
  const transactions: Transaction[][] = options.streams.map(() => []);
  let cycles = 0;
  for await (const edge of edges) {
    cycles += 1;
    monitors.forEach((monitor, i) => {
      const beat = monitor.sample(edge);
      if (beat !== undefined) transactions[i]!.push(beat);
    });
  }
  return { transactions, violations, cycles };
}
