/**
 * When one column passes through a core, in the core's own cycles (cycle 0 = its first input beat offered),
 * as the cores' exact cost models (ann-core.ts, snn-core.ts) predict it with the input always valid and the
 * output always ready. The waveform check (hwgen/flows/wave-check.ts) compares every column of every core
 * with these cycles.
 */
import { FEEDER_LATENCY } from '../generate/dispatcher/feeder.ts';

/**
 * The program cycle of a core's cycle 0 in a dispatched run: its feeder offers the first beat FEEDER_LATENCY
 * cycles after the core's start, counted from the tile's start pulse. The waveform check and the report's Gantt
 * chart both place columns with it.
 */
export function coreCycleZero(startPulse: number, coreStart: number): number {
  return startPulse + coreStart + FEEDER_LATENCY;
}

export interface ColumnTiming {
  /** Cycle its first input beat is taken (the beats are taken back to back: B of them). */
  readonly firstInput: number;
  /** Cycle its last input beat is taken. */
  readonly lastInput: number;
  /** Cycle its first output level (y[0]) is accepted. */
  readonly firstOutput: number;
  /**
   * Per row group (lane group) of the column, the cycle its first level is accepted; the group's levels
   * follow one per cycle, so y[m] leaves in groupOutputs[floor(m / R)] + m mod R (R rows or lanes a group).
   */
  readonly groupOutputs: readonly number[];
  /** Cycle its last output level (y[M−1], with out_last) is accepted. */
  readonly lastOutput: number;
}
