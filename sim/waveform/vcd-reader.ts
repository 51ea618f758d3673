/**
 * A streaming VCD reader (sim/waveform/README.md). `openVcd` reads the header and resolves the
 * signals asked for; then `steps()` gives their changes timestamp by timestamp, or `cycles(clock)`
 * their values as a flip-flop samples them at each rising clock edge. The file is read chunk by
 * chunk and never held in memory; changes of other signals are skipped in the byte-level loop
 * (vcd-body.ts).
 */
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError } from '../../hwgen/errors.ts';
import { CodeTable } from './id-codes.ts';
import { SignalNames } from './signal-names.ts';
import { VcdBodyParser, type BodySink, type SlotShape } from './vcd-body.ts';
import { VcdHeaderParser, type VcdHeader, type VcdVariable } from './vcd-header.ts';
import { unknownValue, type SignalValue } from './values.ts';

export type { Timescale, TimeUnit, VcdHeader, VcdScope, VcdVariable } from './vcd-header.ts';
export { formatValue, isKnown, xzMask, type SignalValue } from './values.ts';

/** A file path, or a stream of the file's bytes (a pipe from fst2vcd, a socket...). */
export type VcdSource = string | Readable;

export interface OpenVcdOptions {
  /** Hierarchical names (`tb.dut.core_0.out_valid`, `tb.q[7:0]`) of the signals to read; others are skipped. */
  readonly signals: readonly string[];
  /** What errors call a stream source (a path names itself); default `<stream>`. */
  readonly name?: string;
}

export interface SelectedSignal {
  /** The name as asked for. */
  readonly name: string;
  /** Its position in `OpenVcdOptions.signals` and in `VcdCycle.values`. */
  readonly index: number;
  /** The header variable it resolved to. */
  readonly variable: VcdVariable;
}

export interface VcdChange {
  readonly signal: SelectedSignal;
  readonly value: SignalValue;
}

/** The changes of selected signals at one time; times without any are left out. */
export interface VcdStep {
  /** In the file's time units (`header.timescale`). */
  readonly time: number;
  /** In file order; a signal may appear twice (a glitch within one time): the last one stands. */
  readonly changes: readonly VcdChange[];
}

export interface VcdCycle {
  /** 0 for the first rising edge. */
  readonly index: number;
  /** The time of the edge, in the file's time units. */
  readonly time: number;
  /** Each selected signal as it was just before the edge, in `signals` order. */
  readonly values: readonly SignalValue[];
}

export interface VcdReader {
  readonly file: string;
  readonly header: VcdHeader;
  readonly signals: readonly SelectedSignal[];
  /** The changes of the selected signals, per timestamp in time order. Readable once. */
  steps(): AsyncGenerator<VcdStep, void, undefined>;
  /**
   * The selected signals sampled at each rising edge of `clock` (0→1, x→1 or z→1, as `posedge`;
   * the first value a file gives the clock is not an edge), with the values they had at the end of
   * the previous timestamp: what a flip-flop clocked by it sees. Readable once.
   */
  cycles(clock: string): AsyncGenerator<VcdCycle, void, undefined>;
  /** Stops reading early (breaking out of a `for await` does this too). */
  close(): Promise<void>;
}

/** How a source that is produced by another program (fst.ts) finishes or is stopped. */
export interface SourceHooks {
  /** Called after the last byte was read, possibly twice: may throw (the producer failed). */
  readonly ended?: () => Promise<void>;
  /** Called when reading stops before the end or fails. */
  readonly aborted?: () => void;
}

/** 1 MiB reads: few system calls, little memory. */
const READ_CHUNK_BYTES = 1 << 20;
/** Parsed 64 KiB at a time (feedInSlices). */
const FEED_SLICE_BYTES = 1 << 16;

export async function openVcd(source: VcdSource, options: OpenVcdOptions): Promise<VcdReader> {
  if (typeof source === 'string') return openChunks(fileChunks(source), source, options.signals, {});
  return openVcdStream(source, options.name ?? '<stream>', options.signals);
}

/** openVcd for a stream, with hooks for the program that writes it. */
export function openVcdStream(stream: Readable, file: string, signals: readonly string[], hooks: SourceHooks = {}): Promise<VcdReader> {
  return openChunks(streamChunks(stream, file), file, signals, hooks);
}

async function openChunks(chunks: AsyncGenerator<Buffer, void, undefined>, file: string, signals: readonly string[], hooks: SourceHooks): Promise<VcdReader> {
  try {
    const parser = new VcdHeaderParser(file);
    for (;;) {
      const next = await chunks.next();
      if (next.done === true) {
        // A producer that failed explains a cut-off header better than the parser can.
        await hooks.ended?.();
        return new Reader(file, parser.finish(), signals, chunks, undefined, parser.bodyLine, hooks);
      }
      const bodyStart = parser.feed(next.value);
      if (bodyStart !== undefined) return new Reader(file, parser.header(), signals, chunks, { chunk: next.value, offset: bodyStart }, parser.bodyLine, hooks);
    }
  } catch (error) {
    await chunks.return(undefined);
    hooks.aborted?.();
    throw error;
  }
}

/**
 * A file's chunks, read into two buffers in turn: the next read runs while the caller parses the
 * chunk just read, and no memory is allocated per chunk (fresh buffers per read, as a read stream
 * gives, pile up until the collector finds them). The parsers copy what they keep of a chunk
 * before asking for the next one, which is what makes reusing the buffers safe.
 */
async function* fileChunks(path: string): AsyncGenerator<Buffer, void, undefined> {
  const handle = await open(path, 'r').catch((error: unknown) => {
    throw readError(path, error);
  });
  const buffers = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
  const readInto = (buffer: Buffer): Promise<number> =>
    handle.read(buffer, 0, buffer.length, null).then(
      (result) => result.bytesRead,
      (error: unknown) => {
        throw readError(path, error);
      },
    );
  let [current, next] = buffers as [Buffer, Buffer];
  let pending = readInto(current);
  try {
    for (;;) {
      const bytesRead = await pending;
      if (bytesRead === 0) return;
      pending = readInto(next);
      yield current.subarray(0, bytesRead);
      [current, next] = [next, current];
    }
  } finally {
    // A read still running must end before its file closes.
    await pending.catch(() => 0);
    await handle.close();
  }
}

/** The chunks of a stream as Buffers. */
async function* streamChunks(stream: Readable, file: string): AsyncGenerator<Buffer, void, undefined> {
  try {
    for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
  } catch (error) {
    throw readError(file, error);
  } finally {
    stream.destroy();
  }
}

/** A file that cannot be read is bad input; other errors are passed on as they are. */
function readError(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined) return error;
  return new InputError(file, '', code === 'ENOENT' ? 'file not found' : `cannot read (${code})`);
}

/** The selected identifier codes: one slot per code, with the signals (aliases) it feeds. */
interface Slots {
  readonly codes: CodeTable;
  readonly shapes: SlotShape[];
  readonly signals: SelectedSignal[][];
}

class Reader implements VcdReader {
  readonly signals: readonly SelectedSignal[];
  private readonly names: SignalNames;
  private started = false;

  constructor(
    readonly file: string,
    readonly header: VcdHeader,
    signalNames: readonly string[],
    private readonly chunks: AsyncGenerator<Buffer, void, undefined>,
    private readonly rest: { readonly chunk: Buffer; readonly offset: number } | undefined,
    private readonly bodyLine: number,
    private readonly hooks: SourceHooks,
  ) {
    this.names = new SignalNames(file, header.variables);
    this.signals = signalNames.map((name, index) => ({ name, index, variable: this.names.resolve(name) }));
  }

  async *steps(): AsyncGenerator<VcdStep, void, undefined> {
    const slots = this.slotsFor([]);
    const ready: VcdStep[] = [];
    let time = 0;
    let changes: VcdChange[] = [];
    const endTimestamp = (): void => {
      if (changes.length > 0) ready.push({ time, changes });
      changes = [];
    };
    const sink: BodySink = {
      time(next) {
        endTimestamp();
        time = next;
      },
      change(slot, value) {
        for (const signal of slots.signals[slot]!) changes.push({ signal, value });
      },
    };
    yield* this.read(slots, sink, ready, endTimestamp);
  }

  async *cycles(clock: string): AsyncGenerator<VcdCycle, void, undefined> {
    const clockVariable = this.clockVariable(clock);
    const slots = this.slotsFor([clockVariable]);
    const clockSlot = slots.codes.get(clockVariable.id);
    const sampler = new EdgeSampler(this.signals, slots, clockSlot);
    const sink: BodySink = {
      time(next) {
        sampler.endTimestamp();
        sampler.time = next;
      },
      change(slot, value) {
        sampler.stage(slot, value);
      },
    };
    yield* this.read(slots, sink, sampler.ready, () => sampler.endTimestamp());
  }

  async close(): Promise<void> {
    await this.chunks.return(undefined);
    this.hooks.aborted?.();
  }

  /** Feeds the body chunk by chunk, handing out what the sink made ready after each chunk. */
  private async *read<T>(slots: Slots, sink: BodySink, ready: T[], atEnd: () => void): AsyncGenerator<T, void, undefined> {
    if (this.started) throw new Error(`${this.file}: a VcdReader can be read once (open the file again)`);
    this.started = true;
    const parser = new VcdBodyParser(this.file, slots.codes, slots.shapes, sink, this.bodyLine);
    let finished = false;
    try {
      if (this.rest !== undefined) yield* feedInSlices(parser, this.rest.chunk.subarray(this.rest.offset), ready);
      for await (const chunk of { [Symbol.asyncIterator]: () => this.chunks }) yield* feedInSlices(parser, chunk, ready);
      // A producer that failed explains a cut-off file better than the parser can.
      await this.hooks.ended?.();
      parser.finish();
      atEnd();
      finished = true;
      yield* ready.splice(0);
    } finally {
      if (!finished) await this.close();
    }
  }

  private clockVariable(clock: string): VcdVariable {
    const variable = this.names.resolve(clock);
    if (variable.real || variable.width !== 1) {
      throw new InputError(this.file, `clock ${clock}`, `is ${variable.real ? 'a real' : `${variable.width} bits wide`}; a clock is a 1-bit signal`);
    }
    return variable;
  }

  /** Slots for the selected signals, plus `extra` variables the caller watches (the clock). */
  private slotsFor(extra: readonly VcdVariable[]): Slots {
    const slots: Slots = { codes: new CodeTable(), shapes: [], signals: [] };
    const slotOf = (variable: VcdVariable): number => {
      const known = slots.codes.get(variable.id);
      if (known >= 0) return known;
      slots.codes.set(variable.id, slots.shapes.length);
      slots.shapes.push({ width: variable.width, real: variable.real });
      slots.signals.push([]);
      return slots.shapes.length - 1;
    };
    for (const signal of this.signals) slots.signals[slotOf(signal.variable)]!.push(signal);
    for (const variable of extra) slotOf(variable);
    return slots;
  }
}

/**
 * Feeds a chunk a slice at a time and hands out what each slice made ready. The results of a whole
 * 1 MiB chunk would live long enough to be promoted to the old generation and pile up there;
 * those of a slice die young.
 */
function* feedInSlices<T>(parser: VcdBodyParser, chunk: Buffer, ready: T[]): Generator<T, void, undefined> {
  for (let start = 0; start < chunk.length; start += FEED_SLICE_BYTES) {
    parser.feed(chunk.subarray(start, Math.min(start + FEED_SLICE_BYTES, chunk.length)));
    yield* ready.splice(0);
  }
}

/**
 * Samples at rising clock edges. Changes of one timestamp are staged and applied when the next
 * timestamp begins, because a writer may list the clock before or after the data that its own
 * edge updates: the sample must be the state before the edge's timestamp either way.
 */
class EdgeSampler {
  time = 0;
  readonly ready: VcdCycle[] = [];
  private readonly values: SignalValue[];
  private clock: SignalValue | undefined;
  private cycle = 0;
  private stagedSlots: number[] = [];
  private stagedValues: SignalValue[] = [];

  constructor(
    signals: readonly SelectedSignal[],
    private readonly slots: Slots,
    private readonly clockSlot: number,
  ) {
    this.values = signals.map((signal) => unknownValue(signal.variable.width, signal.variable.real));
  }

  stage(slot: number, value: SignalValue): void {
    this.stagedSlots.push(slot);
    this.stagedValues.push(value);
  }

  endTimestamp(): void {
    let clock = this.clock;
    for (let i = 0; i < this.stagedSlots.length; i++) if (this.stagedSlots[i] === this.clockSlot) clock = this.stagedValues[i];
    if (this.clock !== undefined && this.clock !== 1n && clock === 1n) {
      this.ready.push({ index: this.cycle++, time: this.time, values: this.values.slice() });
    }
    this.clock = clock;
    for (let i = 0; i < this.stagedSlots.length; i++) {
      for (const signal of this.slots.signals[this.stagedSlots[i]!]!) this.values[signal.index] = this.stagedValues[i]!;
    }
    this.stagedSlots = [];
    this.stagedValues = [];
  }
}
