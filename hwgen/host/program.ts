/**
 * A program for the program-player testbench (hwgen/flows/program_tb.v.hbs): what a host on the other side of the
 * pins drives into the DUT, cycle by cycle, as a compact binary stream the testbench reads with `$fread`. Records
 * start with an op byte; multi-byte numbers and input vectors are big-endian, the inputs packed in port order with
 * the first port in the most significant bits (the vector padded to whole bytes). Clock and reset belong to the
 * testbench.
 *
 *   PLAY    inputs                 drive for one cycle
 *   CAPTURE inputs                 drive for one cycle, then record the outputs
 *   WAIT    inputs                 drive until the wait port is high (at least one cycle)
 *   MARK    id[4]                  record the cycle count under `id` (no cycle)
 *   END                            stop
 *   LOAD    cycles[4], per cycle: mask[G], then each masked group's word
 *                                  the held inputs with the groups' ports overwritten, one cycle each
 *   HOLD    inputs                 the inputs LOAD starts from (no cycle)
 *   SWEEP   inputs, count[4]       `count` CAPTURE cycles, the sweep port counting 0, 1, ... over the inputs
 *
 * A group is the ports of one load bus, `<prefix>_wr_*` (enable, address, data): a load cycle carries only the
 * words of the buses that write in it, so the stream is the data loaded, not one full input vector per cycle.
 * The builder hands its bytes out chunk by chunk (`take`), so a layer's program never has to be in memory whole.
 */
import type { PortSpec } from '../arch/module.ts';

export const PROGRAM_OPS = { play: 0, capture: 1, wait: 2, mark: 3, end: 4, load: 5, hold: 6, sweep: 7 } as const;
/** Bits of a mark's id. */
export const MARK_BITS = 32;

export type PortValues = Readonly<Record<string, bigint | number | boolean>>;

export interface Field {
  readonly port: PortSpec;
  readonly lsb: number;
  readonly mask: bigint;
}

/** Packed fields, the first in the most significant bits, `bytes` = the width rounded up to whole bytes. */
export interface Packing {
  readonly fields: Field[];
  readonly width: number;
  readonly bytes: number;
}

function packing(ports: readonly PortSpec[]): Packing {
  const width = ports.reduce((sum, p) => sum + p.width, 0);
  let lsb = width;
  const fields = ports.map((port) => {
    lsb -= port.width;
    return { port, lsb, mask: (1n << BigInt(port.width)) - 1n };
  });
  return { fields, width, bytes: Math.max(1, Math.ceil(width / 8)) };
}

/** The DUT inputs a program drives, with their bit positions in an input vector. */
export function programInputs(ports: readonly PortSpec[]): Packing {
  return packing(ports.filter((p) => p.direction === 'input' && p.role !== 'clock' && p.role !== 'reset'));
}

/** The DUT outputs a capture records, with their bit positions (first output in the most significant bits). */
export function programOutputs(ports: readonly PortSpec[]): Packing {
  return packing(ports.filter((p) => p.direction === 'output'));
}

/** A load bus: the inputs `<name>_wr_*`, packed into one word per cycle it writes. */
export interface InputGroup extends Packing {
  readonly name: string;
}

const GROUP_PORT = /^(.+)_wr_[a-z0-9_]+$/;

/** The DUT's load buses, in port order of their first port. */
export function programGroups(ports: readonly PortSpec[]): InputGroup[] {
  const members = new Map<string, PortSpec[]>();
  for (const field of programInputs(ports).fields) {
    const name = GROUP_PORT.exec(field.port.name)?.[1];
    if (name === undefined) continue;
    members.set(name, [...(members.get(name) ?? []), field.port]);
  }
  return [...members].map(([name, groupPorts]) => ({ name, ...packing(groupPorts) }));
}

/** The words one load bus writes in a LOAD record, each packed as the bus's fields (ProgramBuilder.groupFieldsOf). */
export interface GroupQueue {
  /** The bus: its ports are `<group>_wr_*`. */
  readonly group: string;
  readonly count: number;
  word(i: number): bigint;
}

/** Bytes of the group mask of a LOAD cycle. */
export function maskBytes(groups: readonly InputGroup[]): number {
  return Math.max(1, Math.ceil(groups.length / 8));
}

/** One capture line: the outputs' bits, and which of them were x or z in the simulator. */
export interface Capture {
  readonly value: bigint;
  readonly unknown: bigint;
}

/** The captures of a run, by index: an array, or a file read a capture at a time (CaptureFile). */
export interface Captures {
  readonly length: number;
  at(index: number): Capture | undefined;
}

/**
 * The testbench's captures.hex as it is on disk, each capture decoded when asked for: `$fwrite("%h\n")` writes
 * every line with the same number of digits, so capture i starts at byte i·(digits + 1). A layer's captures are
 * millions; one bigint pair each would cost hundreds of megabytes.
 */
const LATIN1 = new TextDecoder('latin1');

export class CaptureFile implements Captures {
  readonly length: number;
  private readonly lineBytes: number;

  constructor(
    private readonly file: string,
    private readonly bytes: Uint8Array,
  ) {
    const newline = bytes.indexOf(0x0a);
    this.lineBytes = newline + 1;
    this.length = newline < 0 ? 0 : Math.floor(bytes.length / this.lineBytes);
    if (newline >= 0 && bytes.length % this.lineBytes !== 0) throw new RangeError(`${file}: lines of unequal length (${bytes.length} bytes, lines of ${this.lineBytes})`);
  }

  at(index: number): Capture | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) return undefined;
    const start = index * this.lineBytes;
    const line = LATIN1.decode(this.bytes.subarray(start, start + this.lineBytes - 1));
    const capture = parseCapture(line);
    if (capture === undefined) throw new RangeError(`${this.file}: capture ${index}: "${line}" is not a hex word`);
    return capture;
  }
}

/** A `$fwrite("%h")` line; x/z digits read as 0 with their bits marked unknown (an unwritten memory word). */
export function parseCapture(line: string): Capture | undefined {
  const text = line.trim();
  if (!/^[0-9a-fA-FxXzZ]+$/.test(text)) return undefined;
  const value = BigInt(`0x${text.replace(/[xXzZ]/g, '0')}`);
  const unknown = BigInt(`0x${text.replace(/[0-9a-fA-F]/g, '0').replace(/[xXzZ]/g, 'f')}`);
  return { value, unknown };
}

/** `value` (0 ≤ value < 2^(8·bytes)) as `bytes` big-endian bytes into `out` at `offset`. */
function writeBig(out: Uint8Array, offset: number, value: bigint, bytes: number): void {
  // Through hex: V8 turns a bigint into a string far faster than it shifts it byte by byte.
  const hex = value.toString(16);
  const digits = bytes * 2;
  out.set(Buffer.from(hex.length >= digits ? hex : hex.padStart(digits, '0'), 'hex'), offset);
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** Values of the named fields packed into a word of `packing`; an unknown name or a value too wide is an error. */
function packFields(fields: ReadonlyMap<string, Field>, values: PortValues, what: string): bigint {
  let word = 0n;
  for (const [name, raw] of Object.entries(values)) {
    const field = fields.get(name);
    if (field === undefined) throw new RangeError(`program: ${what} has no input ${name}`);
    const value = typeof raw === 'boolean' ? (raw ? 1n : 0n) : BigInt(raw);
    if (value < 0n || value > field.mask) throw new RangeError(`program: ${name} = ${value} does not fit ${field.port.width} bits`);
    word |= value << BigInt(field.lsb);
  }
  return word;
}

export class ProgramBuilder {
  private readonly inputs: Packing;
  private readonly fields: Map<string, Field>;
  private readonly groups: InputGroup[];
  /** Per group, its fields by port name (bit positions within the group's word). */
  private readonly groupFields: Map<string, Field>[];
  private readonly mask: number;
  private chunks: Uint8Array[] = [];
  private cyclesSoFar = 0;
  private capturesSoFar = 0;
  /** Values held in every cycle until changed (layer configuration). */
  private held: PortValues = {};

  /**
   * `sweepPort`: the input SWEEP counts (the testbench is rendered with the same name); without it the program has
   * no SWEEP records.
   */
  constructor(
    ports: readonly PortSpec[],
    private readonly sweepPort?: string,
  ) {
    this.inputs = programInputs(ports);
    this.fields = new Map(this.inputs.fields.map((f) => [f.port.name, f]));
    this.groups = programGroups(ports);
    this.groupFields = this.groups.map((group) => new Map(group.fields.map((f) => [f.port.name, f])));
    this.mask = maskBytes(this.groups);
  }

  /** Sets values driven in every following cycle until set again. */
  hold(values: PortValues): void {
    this.held = { ...this.held, ...values };
    this.vector(PROGRAM_OPS.hold, {});
  }

  /** One cycle with these inputs (others 0, held ones held). */
  play(values: PortValues = {}): void {
    this.vector(PROGRAM_OPS.play, values);
    this.cyclesSoFar += 1;
  }

  /** One cycle, then the outputs are recorded; returns the capture's index. */
  capture(values: PortValues = {}): number {
    this.vector(PROGRAM_OPS.capture, values);
    this.cyclesSoFar += 1;
    return this.capturesSoFar++;
  }

  /** `count` captures, `port` counting 0..count−1 over these inputs; returns the first capture's index. */
  sweep(values: PortValues, port: string, count: number): number {
    if (count === 0) return this.capturesSoFar;
    if (port !== this.sweepPort) throw new RangeError(`program: ${port} is not the sweep port ${this.sweepPort ?? '(none)'}`);
    this.vector(PROGRAM_OPS.sweep, values);
    this.chunks.push(u32(count));
    this.cyclesSoFar += count;
    const first = this.capturesSoFar;
    this.capturesSoFar += count;
    return first;
  }

  /** Holds these inputs until the testbench's wait port is high (cycles known only after the run). */
  wait(values: PortValues = {}): void {
    this.vector(PROGRAM_OPS.wait, values);
  }

  mark(id: number): void {
    this.chunks.push(Uint8Array.of(PROGRAM_OPS.mark), u32(id));
  }

  /** Where the fields of a load bus sit in its word, to pack words for `loadQueues`. */
  groupFieldsOf(name: string): ReadonlyMap<string, Field> {
    const index = this.groups.findIndex((group) => group.name === name);
    if (index < 0) throw new RangeError(`program: the DUT has no load bus ${name}_wr_*`);
    return this.groupFields[index] as Map<string, Field>;
  }

  /**
   * Load cycles from queues of packed words, all buses in parallel: cycle i writes word i of every queue that has
   * one. The same record as `load`, without an object per word (a layer's loads are millions of words).
   */
  loadQueues(queues: readonly GroupQueue[]): void {
    const length = Math.max(0, ...queues.map((queue) => queue.count));
    if (length === 0) return;
    const active = queues
      .filter((queue) => queue.count > 0)
      .map((queue) => ({ queue, index: this.groups.findIndex((group) => group.name === queue.group) }))
      .sort((a, b) => a.index - b.index);
    for (const { queue, index } of active) if (index < 0) throw new RangeError(`program: the DUT has no load bus ${queue.group}_wr_*`);
    let size = 5 + length * this.mask;
    for (const { queue, index } of active) size += queue.count * (this.groups[index]?.bytes ?? 0);
    const out = new Uint8Array(size);
    out[0] = PROGRAM_OPS.load;
    new DataView(out.buffer).setUint32(1, length);
    let offset = 5;
    for (let i = 0; i < length; i++) {
      const maskAt = offset;
      offset += this.mask;
      for (const { queue, index } of active) {
        if (i >= queue.count) continue;
        const bytes = this.groups[index]?.bytes ?? 0;
        out[maskAt + this.mask - 1 - (index >> 3)] = (out[maskAt + this.mask - 1 - (index >> 3)] ?? 0) | (1 << (index & 7));
        writeBig(out, offset, queue.word(i), bytes);
        offset += bytes;
      }
    }
    this.chunks.push(out);
    this.cyclesSoFar += length;
  }

  /** Cycles of the play, capture, sweep and load records so far (wait records excluded). */
  get fixedCycles(): number {
    return this.cyclesSoFar;
  }

  /** The bytes built since the last take. */
  take(): Uint8Array {
    const out = concatBytes(this.chunks);
    this.chunks = [];
    return out;
  }

  /** Ends the program; the rest of its bytes. */
  finish(): Uint8Array {
    this.chunks.push(Uint8Array.of(PROGRAM_OPS.end));
    return this.take();
  }

  private vector(op: number, values: PortValues): void {
    const out = new Uint8Array(1 + this.inputs.bytes);
    out[0] = op;
    writeBig(out, 1, packFields(this.fields, { ...this.held, ...values }, 'the DUT'), this.inputs.bytes);
    this.chunks.push(out);
  }
}

/** The chunks one after another, in one array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
