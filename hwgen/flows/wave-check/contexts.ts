/**
 * What the checks nested in a tile know of what holds them: a stream's check of its core, a core's and a
 * stream's of their tile. They are interfaces so that the files depend one way (tile → core → stream).
 */
import type { ExpectedStream } from './expected-stream.ts';
import type { FindingSink } from './findings.ts';
import type { CoreStreams } from './probes.ts';

export type Direction = 'input' | 'output';

/** One tile, from its start pulse on. */
export interface TileContext {
  readonly index: number;
  /** `tile 0 (rows 0..6, columns 0..11)`. */
  readonly label: string;
  /** The tile's first column in the layer: tile-local column numbers are offset by it. */
  readonly colStart: number;
  /** Program cycle of the start pulse: dispatcher cycle 0. */
  readonly startCycle: number;
  readonly findings: FindingSink;
}

/** One core in one tile: its streams, its list of columns and when the cost model has each beat. */
export interface CoreContext {
  readonly streams: CoreStreams;
  readonly columns: readonly number[];
  /** The program cycle beat i of a stream is due in; undefined past the stream's end. */
  dueCycle(direction: Direction, expected: ExpectedStream, i: number): number | undefined;
  /** A beat that carried what it must: compare its cycle with the cost model. */
  timeBeat(direction: Direction, expected: ExpectedStream, i: number, cycle: number): void;
}
