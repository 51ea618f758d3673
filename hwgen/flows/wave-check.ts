/**
 * Waveform-level checking of one layer's run of hwgen_accel_top under the program player (README
 * "Waveforms"): the golden model and the exact cost model read the waveform.
 *
 * The testbench copies every core's two streams into probes (`accelTraceProbes`): the input stream
 * (feeder → core: in_valid/in_ready and in_data, or in_addr/in_level/in_last) and the output stream
 * (core → gatherer: out_valid/out_ready, out_level/out_last). One pass over the waveform, at the rising
 * edges of the clock, numbered by the testbench's `cycle` (the program's cycle):
 *
 * - every stream's protocol rules (sim/waveform/protocol.ts);
 * - every beat in order against what it must carry: input beats against the replica words the host
 *   loaded (the tile's columns in the core's list order), output beats against the golden model
 *   (column by column, y[0..M−1], out_last on y[M−1]); the first difference of a stream is classified as
 *   a wrong value, a dropped, duplicated or extra beat by looking at the beats after it;
 * - every beat's cycle against the cores' cost models (annCoreColumnTimes, snnCoreColumnTimes: a column's
 *   input beats back to back from its first, its output levels group by group), with the tile's start
 *   pulse as dispatcher cycle 0; every core's busy window (first input offered) and `done` against
 *   predictDispatch. A column whose first input beat is late is `column-late`; other beats out of their
 *   cycle are `timing` (the first one of a stream, the rest follow from it).
 *
 * A tile is checked whole when the waveform holds it from its start pulse to its predicted `done`. With a
 * dump window (+trace_from/+trace_to), a tile whose start pulse is in the window is checked as far as the
 * window goes, and one started before it only for the protocol rules (its beats' places are unknown).
 * Findings are ordered by cycle; the first one gets a report with the signals around it (text and
 * WaveDrom), read in a second pass.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import { InputError, ToolError } from '../errors.ts';
import { annCoreColumnTimes } from '../cost/ann-core.ts';
import type { ColumnTiming } from '../cost/column-timing.ts';
import { type LayerPrediction, type TilePrediction, designOf, planLayer, predictLayer } from '../cost/layer.ts';
import { tileOutputs, tileSubLayer } from '../cost/layer-tiling.ts';
import { snnCoreColumnTimes } from '../cost/snn-core.ts';
import { DEFAULT_ENERGY_PJ, type EventCounts } from '../cost/events.ts';
import { annCoreGeometry, annCoreParams, columnBeats } from '../generate/ann-core/layout.ts';
import { FEEDER_LATENCY } from '../generate/dispatcher/feeder.ts';
import { addressBits, snnColumnEvents, snnCoreParams } from '../generate/snn-core/layout.ts';
import { annLayer } from '../golden/ann.ts';
import type { PolicyName } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { PROGRAM_TB_MODULE, type TraceProbe, type TraceWindow } from '../../testbench/program-player.ts';
import { openWaveform } from '../../sim/waveform/index.ts';
import { type SignalWindow, type WaveDromDiagram, type WindowNote, formatWindow, readWindow, waveDromWindow } from '../../sim/waveform/diagnostics.ts';
import { PROTOCOL_RULES, type ProtocolRule, type ProtocolViolation, type StreamInterface, leafName } from '../../sim/waveform/protocol.ts';
import { type NumberedCycle, SignalTable, StreamMonitor, type Transaction, numberCycles, streamIndices } from '../../sim/waveform/transactions.ts';
import { formatValue, type SignalValue } from '../../sim/waveform/values.ts';

const TB = PROGRAM_TB_MODULE;
/** Beats looked at after a stream's first difference to tell a wrong value from a dropped or extra beat. */
const LOOK_AHEAD = 16;
/** Cycles shown on each side of the first finding. */
const DEFAULT_WINDOW = 6;
/** Violations of one protocol rule on one stream that are kept (the rest are counted). */
const PROTOCOL_KEPT = 10;
/** Cycles a report's window reaches at most after the first finding. */
const MAX_WINDOW = 40;

// ---------------------------------------------------------------------------------------------------
// The accelerator's probes

/** One core's streams as the waveform names them, and where each probe looks in the design. */
export interface CoreStreams {
  readonly core: number;
  readonly kind: 'ann' | 'snn';
  /** Index among the cores of its kind. */
  readonly index: number;
  /** `core 1 (snn 0)`. */
  readonly label: string;
  /** The core instance, from the testbench: `dut.core[1].snn.snn_core`. */
  readonly instance: string;
  readonly input: StreamInterface;
  readonly output: StreamInterface;
}

export interface AccelProbes {
  readonly probes: TraceProbe[];
  readonly cores: CoreStreams[];
  readonly clock: string;
  readonly reset: string;
  readonly cycle: string;
  readonly start: string;
  readonly done: string;
  /** Waveform name → the design signal it copies (`hwgen_program_tb.dut.core[1].o_level`), for reports. */
  readonly pathOf: ReadonlyMap<string, string>;
}

/** The probes the program player copies for a waveform check of hwgen_accel_top, and the streams they form. */
export function accelTraceProbes(accelerator: Accelerator): AccelProbes {
  const { ann, snn } = accelerator.config;
  const probes: TraceProbe[] = [];
  const pathOf = new Map<string, string>();
  const probe = (name: string, width: number, path: string): string => {
    probes.push({ name, width, path });
    pathOf.set(`${TB}.${name}`, `${TB}.${path}`);
    return `${TB}.${name}`;
  };
  const start = probe('probe_start', 1, 'dut.start');
  const done = probe('probe_done', 1, 'dut.done');
  const cols = annCoreParams(accelerator).cols;
  const kw = addressBits(snnCoreParams(accelerator));
  const cores: CoreStreams[] = [];
  for (let c = 0; c < ann.arrays + snn.cores; c++) {
    const kind = c < ann.arrays ? 'ann' : 'snn';
    const index = kind === 'ann' ? c : c - ann.arrays;
    const instance = kind === 'ann' ? `dut.core[${c}].ann.array` : `dut.core[${c}].snn.snn_core`;
    const label = `core ${c} (${kind} ${index})`;
    const p = (port: string, width: number): string => probe(`probe_c${c}_${port}`, width, `${instance}.${port}`);
    const field = (port: string, width: number) => ({ label: port, signal: p(port, width) });
    const input: StreamInterface = {
      name: `${label} input`,
      valid: p('in_valid', 1),
      ready: p('in_ready', 1),
      validLabel: 'in_valid',
      readyLabel: 'in_ready',
      payload: kind === 'ann' ? [field('in_data', cols * 8)] : [field('in_addr', kw), field('in_level', 8), field('in_last', 1)],
    };
    const output: StreamInterface = {
      name: `${label} output`,
      valid: p('out_valid', 1),
      ready: p('out_ready', 1),
      validLabel: 'out_valid',
      readyLabel: 'out_ready',
      payload: [field('out_level', 8), field('out_last', 1)],
    };
    cores.push({ core: c, kind, index, label, instance, input, output });
  }
  return { probes, cores, clock: `${TB}.clk`, reset: `${TB}.rst`, cycle: `${TB}.cycle`, start, done, pathOf };
}

// ---------------------------------------------------------------------------------------------------
// Findings

export type WaveFault =
  | 'wrong-value'
  | 'dropped-beat'
  | 'duplicated-beat'
  | 'extra-beat'
  | 'missing-beats'
  | ProtocolRule
  | 'column-late'
  | 'column-early'
  | 'timing';

/** What each fault is, for reports. */
export const WAVE_FAULTS: Readonly<Record<WaveFault, string>> = {
  'wrong-value': 'a beat carries the wrong value',
  'dropped-beat': 'a beat is missing from the stream (dropped)',
  'duplicated-beat': 'a beat came twice (duplicated)',
  'extra-beat': 'a beat that is not due',
  'missing-beats': 'the stream ended early',
  ...PROTOCOL_RULES,
  'column-late': 'a core started a column late',
  'column-early': 'a core started a column early',
  timing: 'a beat or done out of its predicted cycle',
};

/** Among findings in the same cycle, the lower rank comes first: the cause before its effects. */
const RANK: Readonly<Record<WaveFault, number>> = {
  'beat-in-reset': 0,
  'unknown-control': 0,
  'valid-dropped': 1,
  'data-unstable': 1,
  'unknown-data': 1,
  'wrong-value': 2,
  'dropped-beat': 2,
  'duplicated-beat': 2,
  'extra-beat': 2,
  'missing-beats': 2,
  'column-late': 3,
  'column-early': 3,
  timing: 4,
};

export interface WaveFinding {
  readonly fault: WaveFault;
  /** Program cycle (the testbench's `cycle`) where it shows. */
  readonly cycle: number;
  /** The design signal at fault (`hwgen_program_tb.dut.core[1].snn.snn_core.out_level`). */
  readonly signal: string;
  readonly expected: string;
  readonly actual: string;
  readonly core?: number;
  readonly tile?: number;
  /** The column: its position in the core's list and its number in the layer. */
  readonly column?: { readonly position: number; readonly n: number };
  /** One line naming the fault, where and when. */
  readonly message: string;
  /** For the window's `expected` row: the waveform signal and the value due. */
  readonly note?: { readonly signal: string; readonly expected: SignalValue };
  /** Cycles the report's window should also show (a late beat's due and actual cycles). */
  readonly span?: readonly [number, number];
}

// ---------------------------------------------------------------------------------------------------
// Expected streams

/** What a stream of one core must carry in one tile, beat by beat, and how beats map to columns. */
interface ExpectedStream {
  readonly length: number;
  payload(i: number): readonly bigint[];
  /** Position in the core's list of the column beat i belongs to. */
  column(i: number): number;
  firstBeat(position: number): number;
  lastBeat(position: number): number;
  /** `y[3] of column n = 17 (Y[3, 17])` */
  describe(i: number): string;
}

class ColumnStream implements ExpectedStream {
  readonly length: number;
  private readonly starts: number[] = [0];

  constructor(
    private readonly beats: readonly (readonly bigint[])[][],
    private readonly describeBeat: (position: number, offset: number) => string,
  ) {
    for (const column of beats) this.starts.push(this.starts.at(-1)! + column.length);
    this.length = this.starts.at(-1)!;
  }

  payload(i: number): readonly bigint[] {
    const position = this.column(i);
    return this.beats[position]![i - this.starts[position]!]!;
  }

  column(i: number): number {
    let lo = 0;
    let hi = this.beats.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  firstBeat(position: number): number {
    return this.starts[position]!;
  }

  lastBeat(position: number): number {
    return this.starts[position + 1]! - 1;
  }

  describe(i: number): string {
    const position = this.column(i);
    return this.describeBeat(position, i - this.starts[position]!);
  }
}

// ---------------------------------------------------------------------------------------------------
// Classifying a stream's first difference

export type SequenceFault = 'wrong-value' | 'dropped-beat' | 'duplicated-beat' | 'extra-beat';

const samePayload = (a: readonly SignalValue[] | undefined, b: readonly SignalValue[] | undefined): boolean =>
  a !== undefined && b !== undefined && a.length === b.length && a.every((value, i) => value === b[i]);

/**
 * What the first difference at beat j is, from the beats seen from j on (`actual`, at most LOOK_AHEAD + 1
 * of them) against the expected stream: a wrong value when the beats after it agree, a dropped beat when
 * the stream goes on with beat j + 1, an extra one when the beat after it is beat j (duplicated when it
 * repeats the beat before). `ended`: `actual` is all the stream has, so the counts must agree too.
 */
export function classifyDifference(
  expected: (i: number) => readonly SignalValue[] | undefined,
  expectedLength: number,
  j: number,
  actual: readonly (readonly SignalValue[])[],
  ended: boolean,
  before: readonly SignalValue[] | undefined,
): SequenceFault {
  const k = actual.length;
  const agrees = (shift: number, from: number): boolean => {
    for (let i = from; i < k; i++) if (!samePayload(actual[i], expected(j + i + shift))) return false;
    return true;
  };
  if (j < expectedLength && agrees(0, 1) && (!ended || j + k === expectedLength)) return 'wrong-value';
  if (j < expectedLength && agrees(1, 0) && (!ended || j + k === expectedLength - 1)) return 'dropped-beat';
  if (agrees(-1, 1) && (!ended || j + k === expectedLength + 1)) return samePayload(actual[0], before) ? 'duplicated-beat' : 'extra-beat';
  return 'wrong-value';
}

// ---------------------------------------------------------------------------------------------------
// The check

export interface WaveCheckInput {
  /** The waveform (.vcd, or .fst through fst2vcd) of the program player running the layer. */
  readonly file: string;
  readonly accelerator: Accelerator;
  readonly layer: GemmLayer;
  /** The tiles, schedules and cycles the run was driven with (predictLayer). */
  readonly prediction: LayerPrediction;
  /** The layer's Y from the golden model (M×N row-major). */
  readonly golden: Uint8Array;
  readonly fst2vcd?: string;
  /** Keep every beat of every stream (for comparing runs; memory grows with the layer). */
  readonly keepTransactions?: boolean;
  /** Cycles shown on each side of the first finding (default 6). */
  readonly windowCycles?: number;
}

export interface StreamTransactions {
  /** `core 1 (snn 0) output`. */
  readonly stream: string;
  readonly beats: readonly (Transaction & { readonly tile: number | undefined })[];
}

export interface WaveCheckStats {
  /** Rising edges read, and the program cycles they span. */
  readonly edges: number;
  readonly firstCycle: number | undefined;
  readonly lastCycle: number | undefined;
  readonly tiles: number;
  /** Tiles held from their start to their predicted done. */
  readonly tilesChecked: number;
  /** Tiles the waveform holds only in part. */
  readonly tilesPartial: number;
  readonly inputBeats: number;
  readonly outputBeats: number;
  /** Input beats that waited (valid high, ready low), over all cores. */
  readonly stallCycles: number;
  /** Columns whose four cycles were compared with the cost model. */
  readonly columnsTimed: number;
}

export interface WaveCheckResult {
  readonly file: string;
  readonly layer: string;
  readonly stats: WaveCheckStats;
  /** Ordered by cycle, the cause before its effects within a cycle. */
  readonly findings: readonly WaveFinding[];
  /** Findings in all: those kept, and the repeats of a protocol rule past the first few of each stream. */
  readonly total: number;
  /** One line per finding (the first few), for `problems` lists. */
  readonly problems: readonly string[];
  /** The first finding with the signals around it; undefined when the waveform checks. */
  readonly report?: string;
  readonly wavedrom?: WaveDromDiagram;
  /** With `keepTransactions`: every stream's beats, inputs then outputs per core. */
  readonly transactions?: readonly StreamTransactions[];
  /** One line: what was checked. */
  readonly summary: string;
}

/** A stream of one core in one tile being compared with what it must carry. */
class StreamCheck {
  private index = 0;
  private previous: readonly SignalValue[] | undefined;
  private pending: { j: number; beats: Transaction[]; before: readonly SignalValue[] | undefined } | undefined;
  private stopped = false;
  matched = 0;
  lastBeatCycle: number | undefined;

  constructor(
    private readonly run: TileRun,
    private readonly core: CoreRun,
    private readonly direction: 'input' | 'output',
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
    const due = i < this.expected.length ? this.expected.payload(i) : undefined;
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
    if (complete && this.index < this.expected.length) {
      const missing = this.expected.length - this.index;
      const predicted = this.core.dueCycle(this.direction, this.expected, this.index);
      const field = this.stream.payload[0]!;
      this.run.checker.add({
        fault: missing === 1 ? 'dropped-beat' : 'missing-beats',
        cycle: predicted ?? this.lastBeatCycle ?? this.run.startCycle,
        signal: this.run.checker.pathOf(this.stream.valid),
        expected: `${this.expected.length} beats`,
        actual: `${this.index} beats`,
        ...this.where(this.index),
        message: `${this.where(this.index).prefix}: ${this.direction} stream ended after ${this.index} of ${this.expected.length} beats; ${missing === 1 ? 'missing' : 'first missing'}: beat ${this.index} (${this.expected.describe(this.index)})${predicted === undefined ? '' : `, due in cycle ${predicted}`}${this.lastBeatCycle === undefined ? '' : `; the last beat came in cycle ${this.lastBeatCycle}`}`,
        note: { signal: field.signal, expected: this.expected.payload(this.index)[0]! },
      });
    }
  }

  private where(i: number): { core: number; tile: number; column?: { position: number; n: number }; prefix: string } {
    const base = { core: this.core.streams.core, tile: this.run.index };
    if (i >= this.expected.length) return { ...base, prefix: `${this.core.streams.label}, ${this.run.label}` };
    const position = this.expected.column(i);
    const n = this.run.colStart + (this.core.columns[position] ?? 0);
    return { ...base, column: { position, n }, prefix: `${this.core.streams.label}, ${this.run.label}, column ${n} (${ordinal(position)} of its ${this.core.columns.length})` };
  }

  private decide(ended: boolean): void {
    const pending = this.pending!;
    this.pending = undefined;
    this.stopped = true;
    const { j, beats, before } = pending;
    const expectedAt = (i: number): readonly bigint[] | undefined => (i >= 0 && i < this.expected.length ? this.expected.payload(i) : undefined);
    const fault = classifyDifference(expectedAt, this.expected.length, j, beats.map((b) => b.payload), ended, before);
    const first = beats[0]!;
    const due = expectedAt(j);
    const where = this.where(Math.min(j, Math.max(0, this.expected.length - 1)));
    // The field that differs (the first, when the beat is extra).
    const fields = this.stream.payload;
    const differing = due === undefined ? 0 : Math.max(0, fields.findIndex((_, f) => first.payload[f] !== due[f]));
    const field = fields[differing]!;
    const signal = this.run.checker.pathOf(field.signal);
    const actualText = formatValue(first.payload[differing]!);
    const expectedText = due === undefined ? 'no beat' : formatValue(due[differing]!);
    const beatText = (i: number): string => (i < this.expected.length ? `beat ${i} (${this.expected.describe(i)})` : `beat ${i} (past the last, ${this.expected.length - 1})`);
    const dueAt = this.core.dueCycle(this.direction, this.expected, j);
    let cycle = first.cycle;
    let message: string;
    switch (fault) {
      case 'wrong-value':
        message = `${where.prefix}: ${this.direction} ${beatText(j)} in cycle ${first.cycle}: ${field.label} = ${actualText}, expected ${expectedText}${flippedBits(first.payload[differing]!, due?.[differing])}`;
        break;
      case 'dropped-beat':
        if (dueAt !== undefined) cycle = Math.min(cycle, dueAt);
        message = `${where.prefix}: ${this.direction} ${beatText(j)}${dueAt === undefined ? '' : `, due in cycle ${dueAt},`} was dropped: the stream goes on with beat ${j + 1} in cycle ${first.cycle}${equalRun(this.expected, j)}`;
        break;
      case 'duplicated-beat':
        message = `${where.prefix}: ${this.direction} beat ${j - 1} came twice: again in cycle ${first.cycle} (${field.label} = ${actualText}) where ${due === undefined ? 'no beat was due' : beatText(j)} was due`;
        break;
      case 'extra-beat':
        message = `${where.prefix}: ${this.direction}: a beat that is not due in cycle ${first.cycle} (${field.label} = ${actualText}) before ${due === undefined ? 'the end of the stream' : beatText(j)}`;
        break;
    }
    this.run.checker.add({
      fault,
      cycle,
      signal,
      expected: expectedText,
      actual: fault === 'dropped-beat' ? `no beat; the next, ${actualText}, in cycle ${first.cycle}` : actualText,
      span: [cycle, first.cycle],
      ...where,
      message,
      ...(due === undefined ? {} : { note: { signal: field.signal, expected: due[differing]! } }),
    });
  }
}

function ordinal(position: number): string {
  const n = position + 1;
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

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

/** One core in one tile: its expected streams and predicted column cycles. */
class CoreRun {
  readonly input: StreamCheck;
  readonly output: StreamCheck;
  firstOffer: number | undefined;
  columnsTimed = 0;
  /** Streams whose first timing difference was reported (the rest follow from it). */
  private readonly mistimed = new Set<'input' | 'output'>();

  constructor(
    private readonly run: TileRun,
    readonly streams: CoreStreams,
    readonly columns: readonly number[],
    readonly timing: readonly ColumnTiming[],
    /** The core's start within the tile (dispatcher cycles). */
    private readonly start: number,
    /** The core's cycles (0 for an empty list). */
    readonly cycles: number,
    /** Output levels per row group (ANN rows, SNN lanes). */
    private readonly groupLanes: number,
    inputs: ExpectedStream,
    outputs: ExpectedStream,
  ) {
    this.input = new StreamCheck(run, this, 'input', inputs);
    this.output = new StreamCheck(run, this, 'output', outputs);
  }

  /** A core cycle (0 = first input beat offered) as a program cycle. */
  programCycle(coreCycle: number): number {
    return this.run.startCycle + this.start + FEEDER_LATENCY + coreCycle;
  }

  /** The program cycle beat i of a stream is due in, by the cost model (input beats of a column back to back, output levels group by group). */
  dueCycle(direction: 'input' | 'output', expected: ExpectedStream, i: number): number | undefined {
    if (i < 0 || i >= expected.length) return undefined;
    const position = expected.column(i);
    const timing = this.timing[position];
    if (timing === undefined) return undefined;
    const offset = i - expected.firstBeat(position);
    if (direction === 'input') return this.programCycle(timing.firstInput + offset);
    const group = timing.groupOutputs[Math.floor(offset / this.groupLanes)];
    return group === undefined ? undefined : this.programCycle(group + (offset % this.groupLanes));
  }

  /** A matched beat: compare its cycle with the cost model (the first difference of a stream is reported). */
  timeBeat(direction: 'input' | 'output', expected: ExpectedStream, i: number, cycle: number): void {
    const due = this.dueCycle(direction, expected, i);
    if (due === undefined) return;
    const position = expected.column(i);
    const offset = i - expected.firstBeat(position);
    const last = i === expected.lastBeat(position);
    if (direction === 'output' && last) this.columnsTimed += 1;
    if (due === cycle || this.mistimed.has(direction)) return;
    this.mistimed.add(direction);
    const n = this.run.colStart + (this.columns[position] ?? 0);
    const late = cycle > due;
    const delta = Math.abs(cycle - due);
    const cycles = `${delta} cycle${delta === 1 ? '' : 's'} ${late ? 'late' : 'early'}`;
    const opens = offset === 0;
    const fault: WaveFault = direction === 'input' && opens ? (late ? 'column-late' : 'column-early') : 'timing';
    const what =
      direction === 'input'
        ? opens ? 'first input beat taken' : `input beat ${offset} of the column taken`
        : `${opens ? 'first ' : last ? 'last ' : ''}output level y[${offset}]`;
    const stream = direction === 'input' ? this.streams.input : this.streams.output;
    this.run.checker.add({
      fault,
      // A late beat shows when it was due, an early one when it comes.
      cycle: Math.min(cycle, due),
      signal: this.run.checker.pathOf(stream.valid),
      expected: `cycle ${due}`,
      actual: `cycle ${cycle}`,
      core: this.streams.core,
      tile: this.run.index,
      column: { position, n },
      span: [Math.min(cycle, due), Math.max(cycle, due)],
      message: `${this.streams.label}, ${this.run.label}, column ${n} (${ordinal(position)} of its ${this.columns.length}): ${what} in cycle ${cycle}, predicted ${due}: ${fault === 'column-late' || fault === 'column-early' ? `started ${cycles}` : cycles} (core cycle ${cycle - this.programCycle(0)}, predicted ${due - this.programCycle(0)})`,
    });
  }

  /** Busy window: first input offered and last output level, against start + LF and start + LF + cycles − 1. */
  finish(complete: boolean): void {
    this.input.finish(complete);
    this.output.finish(complete);
    if (!complete || this.columns.length === 0) return;
    const first = this.programCycle(0);
    if (this.firstOffer !== undefined && this.firstOffer !== first) {
      this.run.checker.add({
        fault: 'timing',
        cycle: Math.min(first, this.firstOffer),
        signal: this.run.checker.pathOf(this.streams.input.valid),
        expected: `cycle ${first}`,
        actual: `cycle ${this.firstOffer}`,
        core: this.streams.core,
        tile: this.run.index,
        message: `${this.streams.label}, ${this.run.label}: busy window starts (first input offered) in cycle ${this.firstOffer}, predicted ${first} (tile start + ${this.start + FEEDER_LATENCY})`,
      });
    }
  }
}

/** One tile, from its start pulse on. */
class TileRun {
  readonly cores: CoreRun[];
  readonly label: string;
  readonly colStart: number;
  doneCycle: number | undefined;

  constructor(
    readonly checker: LayerWaveChecker,
    readonly index: number,
    readonly prediction: TilePrediction,
    /** Program cycle of the start pulse: dispatcher cycle 0. */
    readonly startCycle: number,
  ) {
    const { tile, schedule, dispatch } = prediction;
    this.colStart = tile.colStart;
    this.label = `tile ${index} (rows ${tile.rowStart}..${tile.rowEnd - 1}, columns ${tile.colStart}..${tile.colEnd - 1})`;
    const { layer, golden, accelerator } = checker.input;
    const sub = tileSubLayer(layer, tile);
    const outputs = tileOutputs(golden, tile, layer);
    const ap = annCoreParams(accelerator);
    const sp = snnCoreParams(accelerator);
    const M = sub.M;
    const Y = (m: number, n: number): string => `Y[${tile.rowStart + m}, ${tile.colStart + n}]`;
    this.cores = checker.probes.cores.map((streams, c) => {
      const list = schedule.cores[c]?.columns ?? [];
      const run = dispatch.cores[c];
      let inputs: ExpectedStream;
      let timing: ColumnTiming[];
      if (streams.kind === 'ann') {
        const geometry = list.length === 0 ? undefined : annCoreGeometry(sub, ap);
        inputs = new ColumnStream(
          list.map((n) => columnBeats(sub, n, ap, geometry!).map((word) => [word])),
          (p, j) => `word ${j} of column ${tile.colStart + list[p]!}`,
        );
        timing = list.length === 0 ? [] : annCoreColumnTimes(sub, list, ap, outputs);
      } else {
        inputs = new ColumnStream(
          list.map((n) => snnColumnEvents(sub, n).map((beat) => [BigInt(beat.addr), BigInt(beat.level), beat.last ? 1n : 0n])),
          (p, j) => `event ${j} of column ${tile.colStart + list[p]!}`,
        );
        timing = list.length === 0 ? [] : snnCoreColumnTimes(sub, list, sp, outputs);
      }
      const outs = new ColumnStream(
        list.map((n) => Array.from({ length: M }, (_, m) => [BigInt(outputs[m * sub.N + n] ?? 0), m === M - 1 ? 1n : 0n])),
        (p, m) => `y[${m}] of column ${tile.colStart + list[p]!} = ${Y(m, list[p]!)}`,
      );
      return new CoreRun(this, streams, list, timing, run?.start ?? 0, run?.cycles ?? 0, streams.kind === 'ann' ? ap.rows : sp.lanes, inputs, outs);
    });
  }

  /** Predicted program cycle of `done`. */
  get predictedDone(): number {
    return this.startCycle + this.prediction.dispatch.cycles;
  }

  finish(complete: boolean): void {
    for (const core of this.cores) core.finish(complete);
    if (!complete) return;
    const predicted = this.predictedDone;
    if (this.doneCycle !== predicted) {
      this.checker.add({
        fault: 'timing',
        cycle: Math.min(predicted, this.doneCycle ?? predicted),
        signal: this.checker.pathOf(this.checker.probes.done),
        expected: `cycle ${predicted}`,
        actual: this.doneCycle === undefined ? 'never' : `cycle ${this.doneCycle}`,
        tile: this.index,
        message: `${this.label}: done ${this.doneCycle === undefined ? 'never rose' : `rose in cycle ${this.doneCycle}`}, predicted ${predicted} (start + ${this.prediction.dispatch.cycles})`,
      });
    }
  }
}

class LayerWaveChecker {
  readonly probes: AccelProbes;
  readonly findings: WaveFinding[] = [];
  private readonly tileStarts: number[];
  private nextTile = 0;
  private readonly started = new Set<number>();
  private readonly protocolCounts = new Map<string, number>();
  /** Protocol violations beyond PROTOCOL_KEPT of their rule and stream: counted, not kept. */
  suppressed = 0;
  private current: TileRun | undefined;
  private readonly monitors: { input: StreamMonitor; output: StreamMonitor }[];
  private readonly table = new SignalTable();
  private readonly index: { reset: number; cycle: number; start: number; done: number; inValid: number[] };
  private readonly kept: (Transaction & { tile: number | undefined })[][] | undefined;
  edges = 0;
  firstCycle: number | undefined;
  lastCycle: number | undefined;
  tilesChecked = 0;
  tilesPartial = 0;
  inputBeats = 0;
  outputBeats = 0;
  columnsTimed = 0;

  constructor(readonly input: WaveCheckInput) {
    this.probes = accelTraceProbes(input.accelerator);
    // Predicted program cycle of every tile's start pulse: tiles run back to back.
    let begin = 0;
    this.tileStarts = input.prediction.tiles.map((tile) => {
      const start = begin + tile.loadCycles;
      begin += tile.cycles;
      return start;
    });
    const t = this.table;
    this.index = {
      reset: t.indexOf(this.probes.reset),
      cycle: t.indexOf(this.probes.cycle),
      start: t.indexOf(this.probes.start),
      done: t.indexOf(this.probes.done),
      inValid: this.probes.cores.map((core) => t.indexOf(core.input.valid)),
    };
    const violation = (core: CoreStreams) => (v: ProtocolViolation) => this.protocolFinding(core, v);
    this.monitors = this.probes.cores.map((core) => ({
      input: new StreamMonitor(core.input, streamIndices(core.input, t), violation(core)),
      output: new StreamMonitor(core.output, streamIndices(core.output, t), violation(core)),
    }));
    this.kept = input.keepTransactions === true ? this.probes.cores.flatMap(() => [[], []]) : undefined;
  }

  pathOf(signal: string): string {
    return this.probes.pathOf.get(signal) ?? signal;
  }

  add(finding: WaveFinding): void {
    this.findings.push(finding);
  }

  private protocolFinding(core: CoreStreams, v: ProtocolViolation): void {
    // A rule broken every cycle (x on a valid) would fill memory: the first few of each rule and stream are kept.
    const key = `${v.interface}/${v.rule}`;
    const seen = (this.protocolCounts.get(key) ?? 0) + 1;
    this.protocolCounts.set(key, seen);
    if (seen > PROTOCOL_KEPT) {
      this.suppressed += 1;
      return;
    }
    const tile = this.current;
    this.add({
      fault: v.rule,
      cycle: v.cycle,
      signal: this.pathOf(v.signal),
      expected: v.expected,
      actual: v.actual,
      core: core.core,
      ...(tile === undefined ? {} : { tile: tile.index }),
      message: `${v.interface}${tile === undefined ? '' : `, ${tile.label}`}: ${PROTOCOL_RULES[v.rule]}: cycle ${v.cycle}: ${v.detail}`,
    });
  }

  async run(): Promise<void> {
    const { input } = this;
    const reader = await openWaveform(input.file, { signals: this.table.names, ...(input.fst2vcd === undefined ? {} : { fst2vcd: input.fst2vcd }) });
    for await (const edge of numberCycles(reader.cycles(this.probes.clock), { reset: this.index.reset, counter: this.index.cycle })) this.edge(edge);
    this.endTile();
    // A tile whose predicted start the waveform holds, but whose start pulse never came.
    this.tileStarts.forEach((predicted, t) => {
      if (this.started.has(t) || this.firstCycle === undefined || predicted < this.firstCycle || predicted > this.lastCycle!) return;
      this.add({
        fault: 'timing',
        cycle: predicted,
        signal: this.pathOf(this.probes.start),
        expected: `cycle ${predicted}`,
        actual: 'never',
        tile: t,
        message: `tile ${t}: no start pulse; predicted in cycle ${predicted}`,
      });
    });
  }

  private edge(edge: NumberedCycle): void {
    this.edges += 1;
    this.firstCycle ??= edge.cycle;
    this.lastCycle = edge.cycle;
    const { values } = edge;
    if (!edge.reset && values[this.index.start] === 1n) this.beginTile(edge.cycle);
    const tile = this.current;
    if (tile !== undefined && tile.doneCycle === undefined && !edge.reset && values[this.index.done] === 1n && edge.cycle > tile.startCycle) tile.doneCycle = edge.cycle;
    this.monitors.forEach((monitor, c) => {
      const inBeat = monitor.input.sample(edge);
      const outBeat = monitor.output.sample(edge);
      const core = tile?.cores[c];
      if (core !== undefined && core.firstOffer === undefined && !edge.reset && edge.cycle > tile!.startCycle && values[this.index.inValid[c]!] === 1n) core.firstOffer = edge.cycle;
      if (inBeat !== undefined) this.route(c, 'input', inBeat);
      if (outBeat !== undefined) this.route(c, 'output', outBeat);
    });
  }

  private route(c: number, direction: 'input' | 'output', beat: Transaction): void {
    if (direction === 'input') this.inputBeats += 1;
    else this.outputBeats += 1;
    this.kept?.[2 * c + (direction === 'input' ? 0 : 1)]!.push({ ...beat, tile: this.current?.index });
    const tile = this.current;
    if (tile !== undefined) {
      const core = tile.cores[c]!;
      (direction === 'input' ? core.input : core.output).beat(beat);
      return;
    }
    // Before any start pulse: wrong only when the waveform holds the run from before the first tile.
    if (this.firstCycle !== undefined && this.firstCycle <= (this.tileStarts[0] ?? 0)) {
      const streams = this.probes.cores[c]!;
      const stream = direction === 'input' ? streams.input : streams.output;
      this.add({
        fault: 'extra-beat',
        cycle: beat.cycle,
        signal: this.pathOf(stream.valid),
        expected: 'no beat',
        actual: `beat ${beat.payload.map(formatValue).join(', ')}`,
        core: c,
        message: `${stream.name}: a beat before the first start pulse, in cycle ${beat.cycle}`,
      });
    }
  }

  private beginTile(cycle: number): void {
    this.endTile();
    // The tile whose predicted start is nearest, among those not yet seen.
    let best = -1;
    for (let t = this.nextTile; t < this.tileStarts.length; t++) {
      if (best < 0 || Math.abs(this.tileStarts[t]! - cycle) < Math.abs(this.tileStarts[best]! - cycle)) best = t;
    }
    if (best < 0) {
      this.add({
        fault: 'timing',
        cycle,
        signal: this.pathOf(this.probes.start),
        expected: `${this.tileStarts.length} start pulses`,
        actual: 'one more',
        message: `a start pulse in cycle ${cycle} after the layer's ${this.tileStarts.length} tiles`,
      });
      return;
    }
    this.nextTile = best + 1;
    this.started.add(best);
    const predicted = this.tileStarts[best]!;
    const run = new TileRun(this, best, this.input.prediction.tiles[best]!, cycle);
    if (predicted !== cycle) {
      this.add({
        fault: 'timing',
        cycle: Math.min(cycle, predicted),
        signal: this.pathOf(this.probes.start),
        expected: `cycle ${predicted}`,
        actual: `cycle ${cycle}`,
        tile: best,
        message: `${run.label}: start pulse in cycle ${cycle}, predicted ${predicted}`,
      });
    }
    this.current = run;
  }

  private endTile(): void {
    const tile = this.current;
    if (tile === undefined) return;
    this.current = undefined;
    const complete = this.lastCycle !== undefined && this.lastCycle >= tile.predictedDone;
    if (complete) this.tilesChecked += 1;
    else this.tilesPartial += 1;
    tile.finish(complete);
    for (const core of tile.cores) this.columnsTimed += core.columnsTimed;
  }

  stats(): WaveCheckStats {
    return {
      edges: this.edges,
      firstCycle: this.firstCycle,
      lastCycle: this.lastCycle,
      tiles: this.tileStarts.length,
      tilesChecked: this.tilesChecked,
      tilesPartial: this.tilesPartial,
      inputBeats: this.inputBeats,
      outputBeats: this.outputBeats,
      stallCycles: this.monitors.reduce((sum, m) => sum + m.input.stalls, 0),
      columnsTimed: this.columnsTimed,
    };
  }

  transactions(): StreamTransactions[] | undefined {
    return this.kept?.map((beats, i) => {
      const core = this.probes.cores[i >> 1]!;
      return { stream: (i & 1) === 0 ? core.input.name : core.output.name, beats };
    });
  }
}

/** Problems listed in full; the rest are counted. */
const LISTED = 10;

/** Checks one layer's waveform (see the top of this file). */
export async function checkLayerWaveform(input: WaveCheckInput): Promise<WaveCheckResult> {
  const checker = new LayerWaveChecker(input);
  await checker.run();
  const findings = checker.findings.slice().sort((a, b) => a.cycle - b.cycle || RANK[a.fault] - RANK[b.fault]);
  const stats = checker.stats();
  const name = input.layer.name;
  const total = findings.length + checker.suppressed;
  const problems = findings.slice(0, LISTED).map((finding) => `${name}: waveform: ${finding.fault}: ${finding.message}`);
  if (total > LISTED) problems.push(`${name}: waveform: and ${total - LISTED} more findings`);
  const summary = summaryOf(name, input.file, stats, total);
  const transactions = checker.transactions();
  const base = { file: input.file, layer: name, stats, findings, total, problems, summary, ...(transactions === undefined ? {} : { transactions }) };
  const first = findings[0];
  if (first === undefined) return base;
  const { report, wavedrom } = await reportFirst(input, checker.probes, first, total);
  return { ...base, report, wavedrom };
}

function summaryOf(name: string, file: string, stats: WaveCheckStats, findings: number): string {
  const span = stats.firstCycle === undefined ? 'no cycles' : `cycles ${stats.firstCycle}..${stats.lastCycle}`;
  const partial = stats.tilesPartial > 0 ? ` (${stats.tilesPartial} in part)` : '';
  return (
    `${name}: ${file}: ${stats.edges} edges (${span}), ${stats.tilesChecked} of ${stats.tiles} tiles checked whole${partial}, ` +
    `${stats.inputBeats} input and ${stats.outputBeats} output beats, ${stats.stallCycles} stall cycles, ${stats.columnsTimed} columns timed: ` +
    (findings === 0 ? 'as the golden and cost models say' : `${findings} finding${findings === 1 ? '' : 's'}`)
  );
}

/** The first finding in full, with the core's signals around it (a second pass over the waveform). */
async function reportFirst(input: WaveCheckInput, probes: AccelProbes, first: WaveFinding, count: number): Promise<{ report: string; wavedrom: WaveDromDiagram }> {
  const half = input.windowCycles ?? DEFAULT_WINDOW;
  const rows = [
    { label: 'rst', signal: probes.reset },
    { label: 'start', signal: probes.start },
    { label: 'done', signal: probes.done },
  ];
  const core = first.core === undefined ? undefined : probes.cores[first.core];
  if (core !== undefined) {
    for (const stream of [core.input, core.output]) {
      rows.push({ label: stream.validLabel ?? leafName(stream.valid), signal: stream.valid });
      if (stream.ready !== undefined) rows.push({ label: stream.readyLabel ?? leafName(stream.ready), signal: stream.ready });
      for (const field of stream.payload) rows.push({ label: field.label, signal: field.signal });
    }
  }
  const window: SignalWindow = await readWindow(input.file, {
    clock: probes.clock,
    signals: rows,
    reset: probes.reset,
    cycleCounter: probes.cycle,
    // The focus ± half, widened to the end of the finding's span (at most MAX_WINDOW cycles on).
    from: first.cycle - half,
    to: Math.min(Math.max(first.cycle + half, (first.span?.[1] ?? first.cycle) + 2), first.cycle + MAX_WINDOW),
    focus: first.cycle,
    ...(input.fst2vcd === undefined ? {} : { fst2vcd: input.fst2vcd }),
  });
  const noteRow = first.note === undefined ? undefined : rows.find((row) => row.signal === first.note!.signal);
  const note: WindowNote | undefined = noteRow === undefined ? undefined : { row: noteRow.label, expected: first.note!.expected };
  const focusIndex = window.cycles.indexOf(first.cycle);
  const time = focusIndex >= 0 ? window.times[focusIndex] : undefined;
  const scale = window.timescale;
  const timescale = scale === undefined ? '' : ` × ${scale.magnitude} ${scale.unit}`;
  const lines = [
    `${input.layer.name}: waveform ${input.file}: ${count} finding${count === 1 ? '' : 's'}; the first:`,
    `  fault     ${first.fault}: ${WAVE_FAULTS[first.fault]}`,
    `  what      ${first.message}`,
    `  when      cycle ${first.cycle}${time === undefined ? '' : `, time ${time}${timescale}`}${first.tile === undefined ? '' : ` (tile ${first.tile})`}`,
    `  signal    ${first.signal}`,
    ...(core === undefined ? [] : [`  core      ${core.label}: ${TB}.${core.instance}`]),
    ...(first.column === undefined ? [] : [`  column    ${first.column.n} (${ordinal(first.column.position)} in the core's list)`]),
    `  expected  ${first.expected}`,
    `  actual    ${first.actual}`,
    '',
    `cycles ${window.cycles[0] ?? '?'}..${window.cycles.at(-1) ?? '?'} (values sampled at each rising edge, vectors in hex; * marks cycle ${first.cycle}):`,
    formatWindow(window, note),
  ];
  const wavedrom = waveDromWindow(window, `${input.layer.name}: ${first.fault} in cycle ${first.cycle}${core === undefined ? '' : `, ${core.label}`}`, note);
  return { report: lines.join('\n'), wavedrom };
}

export { type LayerRunPlan, layerRunPlan } from './layer-plan.ts';

// ---------------------------------------------------------------------------------------------------
// Writing the results

/** Files of a mismatch report beside a waveform `<dir>/<layer>.vcd`: the text (WaveDrom JSON at its end) and the JSON alone. */
export function mismatchFiles(layer: string): { text: string; wavedrom: string } {
  return { text: `${layer}.mismatch.txt`, wavedrom: `${layer}.mismatch.wavedrom.json` };
}

/** Writes the report of a failed check into `dir` (nothing when the waveform checks); returns the text file's path. */
export async function writeMismatchReport(dir: string, result: WaveCheckResult): Promise<string | undefined> {
  if (result.report === undefined || result.wavedrom === undefined) return undefined;
  const files = mismatchFiles(result.layer);
  const json = JSON.stringify(result.wavedrom);
  const others = result.problems.slice(1).map((line) => `  ${line}`);
  const text = [
    result.report,
    '',
    `WaveDrom of the same cycles (${files.wavedrom}; paste into https://wavedrom.com/editor.html):`,
    json,
    ...(others.length === 0 ? [] : ['', 'other findings:', ...others]),
    '',
  ].join('\n');
  await writeFile(join(dir, files.text), text);
  await writeFile(join(dir, files.wavedrom), `${json}\n`);
  return join(dir, files.text);
}

/** What result.json says of a layer's waveform check. */
export function waveCheckJson(result: WaveCheckResult) {
  return {
    checked: result.total === 0,
    findings: result.total,
    first: result.problems[0] ?? null,
    report: result.report === undefined ? null : `waves/${mismatchFiles(result.layer).text}`,
    ...result.stats,
  };
}

/** `--trace-window FROM:TO`: program cycles, inclusive; either side may be left out (`1000:`, `:2000`). */
export function parseTraceWindow(text: string): TraceWindow {
  const match = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(text);
  const bad = (why: string): InputError => new InputError('--trace-window', '', `${why} (got "${text}")`);
  if (match === null || (match[1] === '' && match[2] === '')) throw bad('expected FROM:TO, program cycles, either side optional (1000:2000, 1000:, :2000)');
  const from = match[1] === '' ? undefined : Number(match[1]);
  const to = match[2] === '' ? undefined : Number(match[2]);
  for (const value of [from, to]) if (value !== undefined && !Number.isSafeInteger(value)) throw bad('a cycle number is too large');
  if (from !== undefined && to !== undefined && from > to) throw bad('FROM is after TO');
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/**
 * A simulation that failed (a hang: `done` never came) leaves its waveform up to the failure (the testbench
 * flushes it): check that, and add its first finding, and where its report is, to the error.
 */
export async function explainFailure(error: unknown, input: Omit<WaveCheckInput, 'file'> & { readonly file: string | undefined }): Promise<unknown> {
  const { file } = input;
  if (!(error instanceof ToolError) || file === undefined || !existsSync(file)) return error;
  try {
    const result = await checkLayerWaveform({ ...input, file });
    if (result.findings.length === 0) return error;
    const report = await writeMismatchReport(dirname(file), result);
    return new ToolError(error.tool, `${error.reason}; the waveform shows ${result.problems[0] ?? '?'}${report === undefined ? '' : ` (report: ${report})`}`);
  } catch {
    return error;
  }
}
