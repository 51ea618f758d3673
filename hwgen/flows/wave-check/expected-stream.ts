/**
 * What a stream of one core must carry in one tile, beat by beat, and which column each beat belongs to:
 * the columns of the core's list, one after another.
 */

export interface ExpectedStream {
  readonly length: number;
  payload(i: number): readonly bigint[];
  /** Position in the core's list of the column beat i belongs to. */
  column(i: number): number;
  firstBeat(position: number): number;
  lastBeat(position: number): number;
  /** `y[3] of column n = 17 (Y[3, 17])` */
  describe(i: number): string;
}

/** The beats of each column in list order; a beat's column is found by binary search over the columns' starts. */
export class ColumnStream implements ExpectedStream {
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
