/**
 * A program for the program-player testbench (hwgen/flows/program_tb.v.hbs): one line per clock cycle of the
 * DUT's inputs, as a host on the other side of the pins would drive them. The host driver builds it; the
 * player plays it on a simulator. Lines are `{op[3:0], inputs}` in hex, the inputs packed in port order with
 * the first port in the most significant bits; clock and reset belong to the testbench.
 */
import type { PortSpec } from '../arch/module.ts';

export const PROGRAM_OPS = { play: 0, capture: 1, wait: 2, mark: 3, end: 4 } as const;
/** Bits of a mark's id (the low bits of its line). */
export const MARK_BITS = 32;

export type PortValues = Readonly<Record<string, bigint | number | boolean>>;

interface Field {
  readonly port: PortSpec;
  readonly lsb: number;
  readonly mask: bigint;
}

/** The DUT inputs a program drives, with their bit positions in a line. */
export function programInputs(ports: readonly PortSpec[]): { fields: Field[]; width: number } {
  const driven = ports.filter((p) => p.direction === 'input' && p.role !== 'clock' && p.role !== 'reset');
  const width = driven.reduce((sum, p) => sum + p.width, 0);
  let lsb = width;
  const fields = driven.map((port) => {
    lsb -= port.width;
    return { port, lsb, mask: (1n << BigInt(port.width)) - 1n };
  });
  return { fields, width };
}

/** The DUT outputs a capture records, with their bit positions (first output in the most significant bits). */
export function programOutputs(ports: readonly PortSpec[]): { fields: Field[]; width: number } {
  const outputs = ports.filter((p) => p.direction === 'output');
  const width = outputs.reduce((sum, p) => sum + p.width, 0);
  let lsb = width;
  const fields = outputs.map((port) => {
    lsb -= port.width;
    return { port, lsb, mask: (1n << BigInt(port.width)) - 1n };
  });
  return { fields, width };
}

/** One capture line: the outputs' bits, and which of them were x or z in the simulator. */
export interface Capture {
  readonly value: bigint;
  readonly unknown: bigint;
}

/** A `$fwrite("%h")` line; x/z digits read as 0 with their bits marked unknown (an unwritten memory word). */
export function parseCapture(line: string): Capture | undefined {
  const text = line.trim();
  if (!/^[0-9a-fA-FxXzZ]+$/.test(text)) return undefined;
  const value = BigInt(`0x${text.replace(/[xXzZ]/g, '0')}`);
  const unknown = BigInt(`0x${text.replace(/[0-9a-fA-F]/g, '0').replace(/[xXzZ]/g, 'f')}`);
  return { value, unknown };
}

/** Decodes one capture into the outputs' values; `unknown` names the outputs with an x or z bit. */
export function decodeCapture(ports: readonly PortSpec[], capture: Capture): { values: Record<string, bigint>; unknown: Set<string> } {
  const values: Record<string, bigint> = {};
  const unknown = new Set<string>();
  for (const field of programOutputs(ports).fields) {
    values[field.port.name] = (capture.value >> BigInt(field.lsb)) & field.mask;
    if (((capture.unknown >> BigInt(field.lsb)) & field.mask) !== 0n) unknown.add(field.port.name);
  }
  return { values, unknown };
}

export class ProgramBuilder {
  private readonly fields: Map<string, Field>;
  private readonly width: number;
  private readonly lines: string[] = [];
  private cyclesSoFar = 0;
  private capturesSoFar = 0;
  /** Values held in every line until changed (layer configuration). */
  private held: PortValues = {};

  constructor(ports: readonly PortSpec[]) {
    const { fields, width } = programInputs(ports);
    this.fields = new Map(fields.map((f) => [f.port.name, f]));
    this.width = width;
  }

  /** Sets values driven in every following line until set again. */
  hold(values: PortValues): void {
    this.held = { ...this.held, ...values };
  }

  /** One cycle with these inputs (others 0, held ones held). */
  play(values: PortValues = {}): void {
    this.push(PROGRAM_OPS.play, values);
    this.cyclesSoFar += 1;
  }

  /** One cycle, then the outputs are recorded; returns the capture's index. */
  capture(values: PortValues = {}): number {
    this.push(PROGRAM_OPS.capture, values);
    this.cyclesSoFar += 1;
    return this.capturesSoFar++;
  }

  /** Holds these inputs until the testbench's wait port is high (cycles known only after the run). */
  wait(values: PortValues = {}): void {
    this.push(PROGRAM_OPS.wait, values);
  }

  mark(id: number): void {
    this.lines.push(this.format(PROGRAM_OPS.mark, BigInt(id)));
  }

  /** Cycles of the play and capture lines so far (wait lines excluded). */
  get fixedCycles(): number {
    return this.cyclesSoFar;
  }

  get lineCount(): number {
    return this.lines.length;
  }

  finish(): string {
    this.lines.push(this.format(PROGRAM_OPS.end, 0n));
    return `${this.lines.join('\n')}\n`;
  }

  private push(op: number, values: PortValues): void {
    this.lines.push(this.format(op, this.pack({ ...this.held, ...values })));
  }

  private pack(values: PortValues): bigint {
    let word = 0n;
    for (const [name, raw] of Object.entries(values)) {
      const field = this.fields.get(name);
      if (field === undefined) throw new RangeError(`program: the DUT has no input ${name}`);
      const value = typeof raw === 'boolean' ? (raw ? 1n : 0n) : BigInt(raw);
      if (value < 0n || value > field.mask) throw new RangeError(`program: ${name} = ${value} does not fit ${field.port.width} bits`);
      word |= value << BigInt(field.lsb);
    }
    return word;
  }

  private format(op: number, inputs: bigint): string {
    return ((BigInt(op) << BigInt(this.width)) | inputs).toString(16);
  }
}
