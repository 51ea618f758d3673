/**
 * Reads a program (hwgen/host/program.ts) back into the cycles it drives: what the testbench does with it, for
 * tests and for the AXI co-simulation, which replays the same bus traffic through its own wrapper. Only for
 * programs small enough to hold in memory.
 */
import type { PortSpec } from '../arch/module.ts';
import { type Field, PROGRAM_OPS, maskBytes, programGroups, programInputs } from './program.ts';

/** One cycle (PLAY or CAPTURE, with LOAD and SWEEP expanded), a WAIT, or a MARK. */
export interface ProgramCycle {
  readonly op: typeof PROGRAM_OPS.play | typeof PROGRAM_OPS.capture | typeof PROGRAM_OPS.wait | typeof PROGRAM_OPS.mark;
  /** Every input's value (a MARK: none). */
  readonly values: Readonly<Record<string, bigint>>;
  /** A MARK's id. */
  readonly mark?: number;
}

class Reader {
  private offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  big(count: number): bigint {
    if (this.offset + count > this.bytes.length) throw new RangeError(`program: ends in the middle of a record (byte ${this.offset})`);
    let value = 0n;
    for (let i = 0; i < count; i++) value = (value << 8n) | BigInt(this.bytes[this.offset + i] ?? 0);
    this.offset += count;
    return value;
  }

  number(count: number): number {
    return Number(this.big(count));
  }
}

function unpack(fields: readonly Field[], word: bigint): Record<string, bigint> {
  return Object.fromEntries(fields.map((f) => [f.port.name, (word >> BigInt(f.lsb)) & f.mask]));
}

/** The cycles of `bytes`, a program for a DUT with `ports` whose SWEEP counts `sweepPort`. */
export function decodeProgram(bytes: Uint8Array, ports: readonly PortSpec[], sweepPort?: string): ProgramCycle[] {
  const inputs = programInputs(ports);
  const groups = programGroups(ports);
  const reader = new Reader(bytes);
  const vector = (): Record<string, bigint> => unpack(inputs.fields, reader.big(inputs.bytes));
  const cycles: ProgramCycle[] = [];
  let held: Record<string, bigint> = unpack(inputs.fields, 0n);
  while (!reader.done) {
    const op = reader.number(1);
    if (op === PROGRAM_OPS.end) break;
    if (op === PROGRAM_OPS.play || op === PROGRAM_OPS.capture || op === PROGRAM_OPS.wait) cycles.push({ op, values: vector() });
    else if (op === PROGRAM_OPS.mark) cycles.push({ op, values: {}, mark: reader.number(4) });
    else if (op === PROGRAM_OPS.hold) held = vector();
    else if (op === PROGRAM_OPS.load) {
      const count = reader.number(4);
      for (let i = 0; i < count; i++) {
        const mask = reader.big(maskBytes(groups));
        const values = { ...held };
        groups.forEach((group, g) => {
          if (((mask >> BigInt(g)) & 1n) === 1n) Object.assign(values, unpack(group.fields, reader.big(group.bytes)));
        });
        cycles.push({ op: PROGRAM_OPS.play, values });
      }
    } else if (op === PROGRAM_OPS.sweep) {
      if (sweepPort === undefined) throw new RangeError('program: a SWEEP record, and no sweep port');
      const base = vector();
      const count = reader.number(4);
      for (let i = 0; i < count; i++) cycles.push({ op: PROGRAM_OPS.capture, values: { ...base, [sweepPort]: BigInt(i) } });
    } else throw new RangeError(`program: unknown op ${op}`);
  }
  return cycles;
}
