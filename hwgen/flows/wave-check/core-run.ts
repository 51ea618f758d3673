/**
 * One core in one tile: its two streams' checks, and every beat's cycle against the core's cost model
 * (annCoreColumnTimes, snnCoreColumnTimes): a column's input beats back to back from its first, its output
 * levels group by group, the core's cycle 0 being its first input beat offered, FEEDER_LATENCY after the
 * dispatcher starts it. A column whose first input beat is late is `column-late`; other beats out of their
 * cycle are `timing`, the first one of a stream only (the rest follow from it).
 */
import { FEEDER_LATENCY } from '../../modules/dispatcher/arch.ts';
import { coreCycleZero } from '../../modules/dispatcher/timing.ts';
import type { CoreContext, Direction, TileContext } from './contexts.ts';
import type { ExpectedStream } from './expected-stream.ts';
import type { WaveFault, WaveFinding } from './findings.ts';
import { ordinal } from './ordinal.ts';
import type { CoreStreams } from './probes.ts';
import { StreamCheck } from './stream-check.ts';
import type { CoreExpectation } from './tile-expectations.ts';

export class CoreRun implements CoreContext {
  readonly input: StreamCheck;
  readonly output: StreamCheck;
  readonly columns: readonly number[];
  firstOffer: number | undefined;
  columnsTimed = 0;
  /** Streams whose first timing difference was reported (the rest follow from it). */
  private readonly mistimed = new Set<Direction>();

  constructor(
    private readonly tile: TileContext,
    readonly streams: CoreStreams,
    private readonly expectation: CoreExpectation,
    /** The core's start within the tile (dispatcher cycles). */
    private readonly start: number,
  ) {
    this.columns = expectation.columns;
    this.input = new StreamCheck(tile, this, 'input', expectation.inputs);
    this.output = new StreamCheck(tile, this, 'output', expectation.outputs);
  }

  /** A core cycle (0 = first input beat offered) as a program cycle. */
  programCycle(coreCycle: number): number {
    return coreCycleZero(this.tile.startCycle, this.start) + coreCycle;
  }

  /** The program cycle beat i of a stream is due in, by the cost model (input beats of a column back to back, output levels group by group). */
  dueCycle(direction: Direction, expected: ExpectedStream, i: number): number | undefined {
    if (i < 0 || i >= expected.length) return undefined;
    const position = expected.column(i);
    const timing = this.expectation.timing[position];
    if (timing === undefined) return undefined;
    const offset = i - expected.firstBeat(position);
    if (direction === 'input') return this.programCycle(timing.firstInput + offset);
    const lanes = this.expectation.groupLanes;
    const group = timing.groupOutputs[Math.floor(offset / lanes)];
    return group === undefined ? undefined : this.programCycle(group + (offset % lanes));
  }

  /** A matched beat: compare its cycle with the cost model (the first difference of a stream is reported). */
  timeBeat(direction: Direction, expected: ExpectedStream, i: number, cycle: number): void {
    const due = this.dueCycle(direction, expected, i);
    if (due === undefined) return;
    const last = i === expected.lastBeat(expected.column(i));
    if (direction === 'output' && last) this.columnsTimed += 1;
    if (due === cycle || this.mistimed.has(direction)) return;
    this.mistimed.add(direction);
    this.tile.findings.add(this.mistimedBeat(direction, expected, i, cycle, due));
  }

  private mistimedBeat(direction: Direction, expected: ExpectedStream, i: number, cycle: number, due: number): WaveFinding {
    const position = expected.column(i);
    const offset = i - expected.firstBeat(position);
    const last = i === expected.lastBeat(position);
    const n = this.tile.colStart + (this.columns[position] ?? 0);
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
    const shift = fault === 'column-late' || fault === 'column-early' ? `started ${cycles}` : cycles;
    return {
      fault,
      // A late beat shows when it was due, an early one when it comes.
      cycle: Math.min(cycle, due),
      signal: this.tile.findings.pathOf(stream.valid),
      expected: `cycle ${due}`,
      actual: `cycle ${cycle}`,
      core: this.streams.core,
      tile: this.tile.index,
      column: { position, n },
      span: [Math.min(cycle, due), Math.max(cycle, due)],
      message: `${this.streams.label}, ${this.tile.label}, column ${n} (${ordinal(position)} of its ${this.columns.length}): ${what} in cycle ${cycle}, predicted ${due}: ${shift} (core cycle ${cycle - this.programCycle(0)}, predicted ${due - this.programCycle(0)})`,
    };
  }

  /** Busy window: first input offered and last output level, against start + LF and start + LF + cycles − 1. */
  finish(complete: boolean): void {
    this.input.finish(complete);
    this.output.finish(complete);
    if (!complete || this.columns.length === 0) return;
    const first = this.programCycle(0);
    if (this.firstOffer === undefined || this.firstOffer === first) return;
    this.tile.findings.add({
      fault: 'timing',
      cycle: Math.min(first, this.firstOffer),
      signal: this.tile.findings.pathOf(this.streams.input.valid),
      expected: `cycle ${first}`,
      actual: `cycle ${this.firstOffer}`,
      core: this.streams.core,
      tile: this.tile.index,
      message: `${this.streams.label}, ${this.tile.label}: busy window starts (first input offered) in cycle ${this.firstOffer}, predicted ${first} (tile start + ${this.start + FEEDER_LATENCY})`,
    });
  }
}
