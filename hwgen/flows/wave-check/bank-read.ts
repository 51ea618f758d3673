/**
 * The host's read of the output banks (hwgen/modules/dispatcher/spec.md, "Output gathering" and the drain):
 * `ob_rd_core`, `ob_rd_addr` → `ob_rd_data` one cycle later. The testbench captures a read word at the end of
 * the cycle that addressed it, with the address still held, so a combinational read (or an unregistered core
 * select) captures the same word as a registered one: the captures cannot tell them apart, the waveform can.
 *
 * Every level a core streams out is written to its bank at a pointer that a start pulse sets to 0, so the
 * waveform's own output beats say what each bank holds (value checks are the output streams' business). In a
 * cycle when no run is in progress, `ob_rd_data` must be the word the previous cycle addressed; only the byte
 * lanes a beat has written are compared. The first difference is the finding (the rest of the drain follows).
 */
import { formatValue, type SignalValue } from '../../../sim/waveform/values.ts';
import type { FindingSink } from './findings.ts';
import type { BankReadProbes } from './probes.ts';

/** The read port as one edge samples it. */
export interface BankReadSample {
  readonly core: SignalValue;
  readonly addr: SignalValue;
  readonly data: SignalValue;
  /** The bank the address is in (the top's `bank` input). */
  readonly bank: SignalValue;
}

/** A word of a bank as the beats wrote it: each byte lane's level, undefined where no beat wrote it. */
type Word = readonly (number | undefined)[];

export class BankReadCheck {
  /** Per bank (buffers.banks), per core: level address → level, as the output beats wrote them. */
  private readonly banks: Map<number, number>[][];
  /** The bank the latest start pulse writes (tile t runs in bank t mod banks). */
  private bank = 0;
  private readonly writePointers: number[];
  /** No start pulse seen yet (a dump window may begin in a run): where beats are written is unknown. */
  private beforeFirstStart = true;
  private previous: { readonly cycle: number; readonly sample: BankReadSample } | undefined;
  private reported = false;

  constructor(
    private readonly probes: BankReadProbes,
    private readonly findings: FindingSink,
    cores: number,
    banks = 1,
  ) {
    this.banks = Array.from({ length: banks }, () => Array.from({ length: cores }, () => new Map()));
    this.writePointers = Array.from({ length: cores }, () => 0);
  }

  /** A start pulse of a run in `bank`: every gatherer's write pointer starts again at 0 (the banks keep their contents). */
  restart(bank = 0): void {
    this.beforeFirstStart = false;
    this.bank = bank;
    this.writePointers.fill(0);
  }

  /** An output beat of core c: its level goes to the bank at the write pointer. */
  write(core: number, level: SignalValue): void {
    const bank = this.banks[this.bank]?.[core];
    if (bank === undefined || this.beforeFirstStart) return;
    const pointer = this.writePointers[core]!;
    this.writePointers[core] = pointer + 1;
    if (typeof level === 'bigint') bank.set(pointer, Number(level));
    else bank.delete(pointer);
  }

  /**
   * The read port sampled in `cycle`. `idle`: no run in progress in this cycle nor the one before (no bank is
   * being written), `label` names the tile whose drain it is. With two banks a read of the bank the run does not
   * write is checked during the run too (the previous tile's drain under the run).
   */
  sample(cycle: number, sample: BankReadSample, idle: boolean, label: string): void {
    const before = this.previous;
    this.previous = { cycle, sample };
    if (this.reported || before === undefined || before.cycle !== cycle - 1) return;
    if (!idle && !this.readsOtherBank(before.sample)) return;
    const expected = this.wordAt(before.sample.bank, before.sample.core, before.sample.addr);
    if (expected === undefined || matches(sample.data, expected)) return;
    this.reported = true;
    const core = Number(before.sample.core), addr = Number(before.sample.addr);
    const seen = formatData(sample.data, this.probes.levels);
    const due = formatWord(expected);
    this.findings.add({
      fault: 'read-timing',
      cycle,
      signal: this.findings.pathOf(this.probes.data),
      expected: due,
      actual: seen,
      message: `${label}: ob_rd_data = ${seen} in cycle ${cycle}, expected ${due}: core ${core}'s bank word ${addr}, addressed in cycle ${cycle - 1} (a bank read is registered: its data comes one cycle after its address)${this.diagnosis(cycle, before.sample, sample)}`,
    });
  }

  /** With two banks: the read addresses the bank the latest run does not write. */
  private readsOtherBank(sample: BankReadSample): boolean {
    return this.banks.length > 1 && !this.beforeFirstStart && typeof sample.bank === 'bigint' && Number(sample.bank) % this.banks.length !== this.bank;
  }

  /** What the data seen is, when it is another word the port could have given: the way the read went wrong. */
  private diagnosis(cycle: number, before: BankReadSample, now: BankReadSample): string {
    const same = this.wordAt(now.bank, now.core, now.addr);
    if (same !== undefined && matches(now.data, same)) return `; seen is the word addressed in cycle ${cycle} itself: the read is combinational`;
    const otherCore = this.wordAt(now.bank, now.core, before.addr);
    if (otherCore !== undefined && matches(now.data, otherCore)) return `; seen is core ${String(now.core)}'s word ${String(before.addr)}: the core select is not registered`;
    return '';
  }

  /** The word a core's bank holds at a word address; undefined when a select is unknown, or no lane of it was written. */
  private wordAt(which: SignalValue, core: SignalValue, addr: SignalValue): Word | undefined {
    if (typeof which !== 'bigint' || typeof core !== 'bigint' || typeof addr !== 'bigint') return undefined;
    const bank = this.banks[Number(which) % this.banks.length]?.[Number(core)];
    if (bank === undefined) return undefined;
    const base = Number(addr) * this.probes.levels;
    const word = Array.from({ length: this.probes.levels }, (_, lane) => bank.get(base + lane));
    return word.every((level) => level === undefined) ? undefined : word;
  }
}

/**
 * Byte lane `lane` of a sampled value, or undefined when any of its bits is x or z. A value with x bits is a binary
 * string, most significant bit first, that VCD may shorten on the left (extended by its first bit when that is x or
 * z, by 0 otherwise): Icarus reads a lane no beat wrote as x, and only the lanes the word knows are compared.
 */
function laneOf(data: SignalValue, lane: number): number | undefined {
  if (typeof data === 'bigint') return Number((data >> BigInt(8 * lane)) & 0xffn);
  if (typeof data === 'number') return undefined;
  const fill = /^[xz]/i.test(data) ? data[0]! : '0';
  const bits = data.padStart(8 * (lane + 1), fill);
  const laneBits = bits.slice(bits.length - 8 * (lane + 1), bits.length - 8 * lane);
  return /^[01]{8}$/.test(laneBits) ? Number.parseInt(laneBits, 2) : undefined;
}

/** The data equals the word in every lane the word knows (an x anywhere in a known lane is a difference). */
function matches(data: SignalValue, word: Word): boolean {
  return word.every((level, lane) => level === undefined || laneOf(data, lane) === level);
}

/** `0x0304` (lane 0 last), `xx` for a lane no beat wrote. */
function formatWord(word: Word): string {
  return `0x${word.map((level) => (level === undefined ? 'xx' : level.toString(16).padStart(2, '0'))).reverse().join('')}`;
}

function formatData(data: SignalValue, levels: number): string {
  if (typeof data !== 'bigint') return formatValue(data);
  return formatWord(Array.from({ length: levels }, (_, lane) => Number((data >> BigInt(8 * lane)) & 0xffn)));
}
