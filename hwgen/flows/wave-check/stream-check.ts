/**
 * One stream of one core in one tile, beat by beat against what it must carry. The first difference ends
 * the stream's check (every later beat would differ too); it waits for up to LOOK_AHEAD more beats, or
 * the tile's end, to be classified (difference.ts).
 */
import type { Transaction } from '../../../sim/waveform/transactions.ts';
import type { PayloadField, StreamInterface } from '../../../sim/waveform/protocol.ts';
import { formatValue, type SignalValue } from '../../../sim/waveform/values.ts';
import type { CoreContext, Direction, TileContext } from './contexts.ts';
import { type SequenceFault, classifyDifference, samePayload } from './difference.ts';
import type { ExpectedStream } from './expected-stream.ts';
import type { WaveFinding } from './findings.ts';
import { ordinal } from './ordinal.ts';

/** Beats looked at after a stream's first difference to tell a wrong value from a dropped or extra beat. */
const LOOK_AHEAD = 16;

/** Where beat i is, for a finding: the core, tile and column, and the words a message opens with. */
interface BeatPlace {
  core: number;
  tile: number;
  column?: { position: number; n: number };
  prefix: string;
}

/** A stream's first difference, as its finding tells it. */
interface Difference {
  readonly fault: SequenceFault;
  /** The expected beat it is at. */
  readonly j: number;
  /** The first beat that differs. */
  readonly first: Transaction;
  /** What beat j must carry; undefined past the stream's end. */
  readonly due: readonly bigint[] | undefined;
  /** The payload field that differs (the first, when the beat is extra), and its values as text. */
  readonly field: PayloadField;
  readonly actualText: string;
  readonly expectedText: string;
  readonly differing: number;
  /** The cycle beat j was due in, by the cost model. */
  readonly dueAt: number | undefined;
}

export class StreamCheck {
  private index = 0;
  private previous: readonly SignalValue[] | undefined;
  private pending: { j: number; beats: Transaction[]; before: readonly SignalValue[] | undefined } | undefined;
  private stopped = false;
  matched = 0;
  lastBeatCycle: number | undefined;

  constructor(
    private readonly tile: TileContext,
    private readonly core: CoreContext,
    private readonly direction: Direction,
    readonly expected: ExpectedStream,
  ) {}

  private get stream(): StreamInterface {
    return this.direction === 'input' ? this.core.streams.input : this.core.streams.output;
  }

  beat(beat: Transaction): void {
    if (this.stopped) return;
    this.lastBeatCycle = beat.cycle;
    if (this.pending !== undefined) {
      this.pending.beats.push(beat);
      if (this.pending.beats.length > LOOK_AHEAD) this.decide(false);
      return;
    }
    const i = this.index;
    const due = this.expectedAt(i);
    if (due !== undefined && samePayload(beat.payload, due)) {
      this.index += 1;
      this.matched += 1;
      this.previous = beat.payload;
      this.core.timeBeat(this.direction, this.expected, i, beat.cycle);
      return;
    }
    this.pending = { j: i, beats: [beat], before: this.previous };
    // A beat past the end needs no look-ahead: it is extra (or a repeat of the last).
    if (due === undefined) this.decide(false);
  }

  /** The tile is over: decide a pending difference, or report beats that never came. */
  finish(complete: boolean): void {
    if (this.stopped) return;
    if (this.pending !== undefined) {
      this.decide(complete);
      return;
    }
    if (complete && this.index < this.expected.length) this.tile.findings.add(this.endedEarly());
  }

  private expectedAt(i: number): readonly bigint[] | undefined {
    return i >= 0 && i < this.expected.length ? this.expected.payload(i) : undefined;
  }

  /** The stream stopped short of its length: one beat dropped at the end, or more missing. */
  private endedEarly(): WaveFinding {
    const missing = this.expected.length - this.index;
    const predicted = this.core.dueCycle(this.direction, this.expected, this.index);
    const field = this.stream.payload[0]!;
    const which = `${missing === 1 ? 'missing' : 'first missing'}: beat ${this.index} (${this.expected.describe(this.index)})`;
    const due = predicted === undefined ? '' : `, due in cycle ${predicted}`;
    const last = this.lastBeatCycle === undefined ? '' : `; the last beat came in cycle ${this.lastBeatCycle}`;
    return {
      fault: missing === 1 ? 'dropped-beat' : 'missing-beats',
      cycle: predicted ?? this.lastBeatCycle ?? this.tile.startCycle,
      signal: this.tile.findings.pathOf(this.stream.valid),
      expected: `${this.expected.length} beats`,
      actual: `${this.index} beats`,
      ...this.where(this.index),
      message: `${this.where(this.index).prefix}: ${this.direction} stream ended after ${this.index} of ${this.expected.length} beats; ${which}${due}${last}`,
      note: { signal: field.signal, expected: this.expected.payload(this.index)[0]! },
    };
  }

  private where(i: number): BeatPlace {
    const base = { core: this.core.streams.core, tile: this.tile.index };
    if (i >= this.expected.length) return { ...base, prefix: `${this.core.streams.label}, ${this.tile.label}` };
    const position = this.expected.column(i);
    const n = this.tile.colStart + (this.core.columns[position] ?? 0);
    return { ...base, column: { position, n }, prefix: `${this.core.streams.label}, ${this.tile.label}, column ${n} (${ordinal(position)} of its ${this.core.columns.length})` };
  }

  private decide(ended: boolean): void {
    const { j, beats, before } = this.pending!;
    this.pending = undefined;
    this.stopped = true;
    const fault = classifyDifference((i) => this.expectedAt(i), this.expected.length, j, beats.map((b) => b.payload), ended, before);
    this.tile.findings.add(this.differenceFinding(this.difference(fault, j, beats[0]!)));
  }

  private difference(fault: SequenceFault, j: number, first: Transaction): Difference {
    const due = this.expectedAt(j);
    const fields = this.stream.payload;
    const differing = due === undefined ? 0 : Math.max(0, fields.findIndex((_, f) => first.payload[f] !== due[f]));
    return {
      fault,
      j,
      first,
      due,
      field: fields[differing]!,
      actualText: formatValue(first.payload[differing]!),
      expectedText: due === undefined ? 'no beat' : formatValue(due[differing]!),
      differing,
      dueAt: this.core.dueCycle(this.direction, this.expected, j),
    };
  }

  private differenceFinding(d: Difference): WaveFinding {
    const where = this.where(Math.min(d.j, Math.max(0, this.expected.length - 1)));
    // A dropped beat shows when it was due, if that came before the beat that took its place.
    const cycle = d.fault === 'dropped-beat' && d.dueAt !== undefined ? Math.min(d.first.cycle, d.dueAt) : d.first.cycle;
    return {
      fault: d.fault,
      cycle,
      signal: this.tile.findings.pathOf(d.field.signal),
      expected: d.expectedText,
      actual: d.fault === 'dropped-beat' ? `no beat; the next, ${d.actualText}, in cycle ${d.first.cycle}` : d.actualText,
      span: [cycle, d.first.cycle],
      ...where,
      message: `${where.prefix}: ${this.differenceText(d)}`,
      ...(d.due === undefined ? {} : { note: { signal: d.field.signal, expected: d.due[d.differing]! } }),
    };
  }

  /** The message of a difference, after where it is. */
  private differenceText(d: Difference): string {
    const { j, first, due, field, actualText, expectedText, dueAt } = d;
    switch (d.fault) {
      case 'wrong-value':
        return `${this.direction} ${this.beatText(j)} in cycle ${first.cycle}: ${field.label} = ${actualText}, expected ${expectedText}${flippedBits(first.payload[d.differing]!, due?.[d.differing])}`;
      case 'dropped-beat':
        return `${this.direction} ${this.beatText(j)}${dueAt === undefined ? '' : `, due in cycle ${dueAt},`} was dropped: the stream goes on with beat ${j + 1} in cycle ${first.cycle}${equalRun(this.expected, j)}`;
      case 'duplicated-beat':
        return `${this.direction} beat ${j - 1} came twice: again in cycle ${first.cycle} (${field.label} = ${actualText}) where ${due === undefined ? 'no beat was due' : this.beatText(j)} was due`;
      case 'extra-beat':
        return `${this.direction}: a beat that is not due in cycle ${first.cycle} (${field.label} = ${actualText}) before ${due === undefined ? 'the end of the stream' : this.beatText(j)}`;
    }
  }

  private beatText(i: number): string {
    return i < this.expected.length ? `beat ${i} (${this.expected.describe(i)})` : `beat ${i} (past the last, ${this.expected.length - 1})`;
  }
}

/** Which bits of a wrong value differ: a single flipped bit points at a wire or a bit slice. */
function flippedBits(actual: SignalValue, expected: SignalValue | undefined): string {
  if (typeof actual !== 'bigint' || typeof expected !== 'bigint') return '';
  const bits: number[] = [];
  for (let diff = actual ^ expected, bit = 0; diff !== 0n; diff >>= 1n, bit++) if ((diff & 1n) === 1n) bits.push(bit);
  return bits.length === 1 ? ` (bit ${bits[0]} flipped)` : ` (bits ${bits.join(', ')} differ)`;
}

/** A drop inside a run of equal beats could be any of them: say so. */
function equalRun(expected: ExpectedStream, j: number): string {
  let a = j;
  while (a > 0 && samePayload(expected.payload(a - 1), expected.payload(j))) a -= 1;
  return a < j ? ` (or one of beats ${a}..${j - 1}, which carry the same)` : '';
}
