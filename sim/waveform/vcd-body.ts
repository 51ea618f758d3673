/**
 * The value-change section of a VCD file: the hot loop. It works on the bytes of each chunk, never
 * on lines or strings: a change of an unselected signal costs a scan to the end of its tokens and a
 * table look-up of its identifier code (id-codes.ts), nothing else. Only selected signals get their
 * value decoded. A statement cut by a chunk boundary is carried into the next chunk.
 *
 * Grammar (IEEE 1364-2005 §18.2.3, whitespace-separated, free layout):
 *   #<time>   0|1|x|X|z|Z<id>   b|B<digits> <id>   r|R<number> <id>
 *   $dumpvars $dumpall $dumpon $dumpoff $end (markers: their changes are ordinary changes)
 *   $comment ... $end
 */
import { InputError } from '../../hwgen/errors.ts';
import type { CodeTable } from './id-codes.ts';
import { clip } from './vcd-header.ts';
import { decodeBinary, decodeScalar, VALUE_DIGIT, type SignalValue } from './values.ts';

/** Receives the changes of selected signals, in file order. */
export interface BodySink {
  /** A `#time` later than every time before it: the previous timestamp is complete. */
  time(time: number): void;
  change(slot: number, value: SignalValue): void;
}

/** What the parser needs to know of each selected identifier code. */
export interface SlotShape {
  readonly width: number;
  readonly real: boolean;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const HASH = 0x23;
const DOLLAR = 0x24;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const LOWER_B = 0x62;
const UPPER_B = 0x42;
const LOWER_R = 0x72;
const UPPER_R = 0x52;
/** Parsed statements end here when the chunk ends mid-statement: carry from the statement start. */
const INCOMPLETE = -1;

/** Markers that only group changes; the changes inside are read like any other. */
const MARKERS = new Set(['$dumpvars', '$dumpall', '$dumpon', '$dumpoff', '$end']);

export class VcdBodyParser {
  private carry: Buffer | undefined;
  private line: number;
  /** The current timestamp; -1 before the first `#`. */
  private now = -1;
  private inComment = false;
  /** Set by `parse` when the chunk ends mid-statement. */
  private final = false;

  constructor(
    private readonly file: string,
    private readonly codes: CodeTable,
    private readonly slots: readonly SlotShape[],
    private readonly sink: BodySink,
    firstLine: number,
  ) {
    this.line = firstLine;
  }

  /** Parses `chunk[start..]`; an unfinished statement at its end waits for the next chunk. */
  feed(chunk: Buffer, start = 0): void {
    let from = start;
    if (this.carry !== undefined) from = this.joinCarry(chunk, start);
    if (from < 0) return;
    const stopped = this.parse(chunk, from);
    // A copy: the reader refills the chunk's memory with the next read.
    this.carry = stopped < chunk.length ? Buffer.from(chunk.subarray(stopped)) : undefined;
  }

  /** The input ended: the last statement needs no whitespace after it. */
  finish(): void {
    this.final = true;
    if (this.carry !== undefined) this.parse(this.carry, 0);
    this.carry = undefined;
    if (this.inComment) throw this.error('the file ends inside a $comment (no $end)');
  }

  /**
   * Finishes the carried statement with the start of `chunk`, copying only up to the chunk's first
   * newline (concatenating whole chunks would copy every byte once more). Returns where parsing of
   * `chunk` goes on, or -1 when the rest of the chunk went into the carry.
   */
  private joinCarry(chunk: Buffer, start: number): number {
    const carry = this.carry!;
    this.carry = undefined;
    const newline = chunk.indexOf(NEWLINE, start);
    const head = newline < 0 ? chunk.length : newline + 1;
    const joined = Buffer.concat([carry, chunk.subarray(start, head)]);
    const stopped = this.parse(joined, 0);
    if (stopped === joined.length) return head;
    // Rare: the statement goes on past the newline (`b0101\n!`) or the chunk has no newline at all.
    const rest = Buffer.concat([joined.subarray(stopped), chunk.subarray(head)]);
    const restStopped = this.parse(rest, 0);
    this.carry = restStopped < rest.length ? rest.subarray(restStopped) : undefined;
    return -1;
  }

  /** Parses statements from `start`; returns the offset of the first one the chunk does not complete. */
  private parse(bytes: Buffer, start: number): number {
    const end = bytes.length;
    let i = start;
    for (;;) {
      while (i < end) {
        const byte = bytes[i]!;
        if (byte > SPACE) break;
        if (byte === NEWLINE) this.line++;
        i++;
      }
      if (i >= end) return end;
      // A statement left for the next chunk is read again from its start: so are its newlines.
      const line = this.line;
      const next = this.inComment ? this.skipComment(bytes, i) : this.statement(bytes, i);
      if (next === INCOMPLETE) {
        this.line = line;
        return i;
      }
      i = next;
    }
  }

  /** The statement at `i` (not whitespace); returns the offset after it, or INCOMPLETE. Most common first. */
  private statement(bytes: Buffer, i: number): number {
    const first = bytes[i]!;
    if (VALUE_DIGIT[first] === 1) return this.scalarChange(bytes, i, first);
    if (first === LOWER_B || first === UPPER_B) return this.vectorChange(bytes, i);
    if (first === HASH) return this.timestamp(bytes, i);
    if (first === LOWER_R || first === UPPER_R) return this.realChange(bytes, i);
    if (first === DOLLAR) return this.keyword(bytes, i);
    throw this.error(`unexpected "${clip(this.tokenText(bytes, i))}" in the value changes`);
  }

  /** `0!`: the code runs to the next whitespace. */
  private scalarChange(bytes: Buffer, i: number, digit: number): number {
    const end = this.tokenEnd(bytes, i + 1);
    if (end === INCOMPLETE) return INCOMPLETE;
    if (end === i + 1) throw this.error(`scalar value "${String.fromCharCode(digit)}" without an identifier code`);
    const slot = this.codes.slotOf(bytes, i + 1, end);
    if (slot >= 0) this.sink.change(slot, decodeScalar(digit, this.slots[slot]!.width));
    return end;
  }

  /** `b0101 !`: the digits are checked for every signal, decoded only for selected ones. */
  private vectorChange(bytes: Buffer, i: number): number {
    const end = bytes.length;
    let digitsEnd = i + 1;
    while (digitsEnd < end && VALUE_DIGIT[bytes[digitsEnd]!] === 1) digitsEnd++;
    let idStart = digitsEnd;
    // Nearly always one space between value and code; a newline there is legal and counted.
    if (idStart < end && bytes[idStart] === SPACE) idStart++;
    else {
      if (idStart < end && bytes[idStart]! > SPACE) throw this.error(`bad digit "${String.fromCharCode(bytes[idStart]!)}" in a vector value (expected 0, 1, x or z)`);
      idStart = this.skipSpace(bytes, idStart);
      if (idStart === INCOMPLETE) return INCOMPLETE;
    }
    let idEnd = idStart;
    while (idEnd < end && bytes[idEnd]! > SPACE) idEnd++;
    if (idEnd === end && !this.final) return INCOMPLETE;
    if (idEnd === idStart) throw this.error('the file ends between a value and its identifier code');
    const slot = this.codes.slotOf(bytes, idStart, idEnd);
    if (slot < 0) return idEnd;
    const shape = this.slots[slot]!;
    if (digitsEnd === i + 1) throw this.error(`vector value without digits for ${this.idText(bytes, idStart, idEnd)}`);
    const value = decodeBinary(bytes, i + 1, digitsEnd, shape.real ? digitsEnd - i - 1 : shape.width);
    if (value === undefined) throw this.error(`${digitsEnd - i - 1} digits for the ${shape.width}-bit signal ${this.idText(bytes, idStart, idEnd)}`);
    this.sink.change(slot, value);
    return idEnd;
  }

  private realChange(bytes: Buffer, i: number): number {
    const numberEnd = this.tokenEnd(bytes, i + 1);
    if (numberEnd === INCOMPLETE) return INCOMPLETE;
    const idStart = this.skipSpace(bytes, numberEnd);
    if (idStart === INCOMPLETE) return INCOMPLETE;
    const idEnd = this.tokenEnd(bytes, idStart);
    if (idEnd === INCOMPLETE) return INCOMPLETE;
    const slot = this.codes.slotOf(bytes, idStart, idEnd);
    if (slot < 0) return idEnd;
    const text = bytes.toString('latin1', i + 1, numberEnd);
    const value = Number(text);
    // Number('') is 0 and Number('0x10') is 16: neither is a VCD real.
    if (text === '' || Number.isNaN(value) || /^[+-]?0[xob]/i.test(text)) throw this.error(`bad real value "${clip(text)}"`);
    this.sink.change(slot, value);
    return idEnd;
  }

  private timestamp(bytes: Buffer, i: number): number {
    const end = this.tokenEnd(bytes, i + 1);
    if (end === INCOMPLETE) return INCOMPLETE;
    let time = 0;
    for (let j = i + 1; j < end; j++) {
      const digit = bytes[j]!;
      if (digit < DIGIT_0 || digit > DIGIT_9) throw this.error(`bad time "${clip(this.tokenText(bytes, i))}" (expected #<non-negative integer>)`);
      time = time * 10 + (digit - DIGIT_0);
    }
    if (end === i + 1) throw this.error('"#" without a time');
    if (!Number.isSafeInteger(time)) throw this.error(`time ${this.tokenText(bytes, i + 1)} is beyond 2^53 time units`);
    if (time < this.now) throw this.error(`time goes backwards: #${time} after #${this.now}`);
    if (time > this.now) {
      this.now = time;
      this.sink.time(time);
    }
    return end;
  }

  private keyword(bytes: Buffer, i: number): number {
    const end = this.tokenEnd(bytes, i);
    if (end === INCOMPLETE) return INCOMPLETE;
    const word = bytes.toString('latin1', i, end);
    if (word === '$comment') this.inComment = true;
    else if (!MARKERS.has(word)) throw this.error(`unexpected ${clip(word)} in the value changes`);
    return end;
  }

  /** Inside `$comment`: each token is skipped until `$end`. */
  private skipComment(bytes: Buffer, i: number): number {
    const end = this.tokenEnd(bytes, i);
    if (end === INCOMPLETE) return INCOMPLETE;
    if (end - i === 4 && bytes.toString('latin1', i, end) === '$end') this.inComment = false;
    return end;
  }

  /** The end of the token at `i`; INCOMPLETE when it touches the chunk's end and more input may follow. */
  private tokenEnd(bytes: Buffer, i: number): number {
    const end = bytes.length;
    while (i < end && bytes[i]! > SPACE) i++;
    return i === end && !this.final ? INCOMPLETE : i;
  }

  /** The start of the next token; INCOMPLETE when the chunk ends first (the identifier is in the next chunk). */
  private skipSpace(bytes: Buffer, i: number): number {
    const end = bytes.length;
    while (i < end && bytes[i]! <= SPACE) {
      if (bytes[i] === NEWLINE) this.line++;
      i++;
    }
    if (i < end) return i;
    if (this.final) throw this.error('the file ends between a value and its identifier code');
    return INCOMPLETE;
  }

  private tokenText(bytes: Buffer, i: number): string {
    let end = i;
    while (end < bytes.length && bytes[end]! > SPACE) end++;
    return bytes.toString('latin1', i, end);
  }

  private idText(bytes: Buffer, start: number, end: number): string {
    return `"${bytes.toString('latin1', start, end)}"`;
  }

  private error(reason: string): InputError {
    return new InputError(this.file, `line ${this.line}`, reason);
  }
}
