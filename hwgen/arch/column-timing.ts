/**
 * When one column passes through a core, in the core's own cycles (cycle 0 = its first input beat offered), as the
 * cores' timing models (timing.ts in each core module folder) predict it with the input always valid and the output always
 * ready. The waveform check compares every column of every core with these cycles.
 */
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
