/**
 * The run-control protocol (hwgen/modules/dispatcher/spec.md, "Start, done" and "Host protocol"): `done` is a
 * one-cycle pulse in the cycle predictDispatch gives (start + cycles), low everywhere else: before the first
 * start, at a start pulse, during a tile's drain and during the next tile's loads; `start` comes only while
 * the accelerator is idle. The host's wait ends at the first `done`, so a `done` that goes on too long (or
 * comes back) would be missed by everything that reads the captures: only the waveform shows it.
 *
 * The rise of `done` itself (too early, too late, never) is the tile's own check (tile-run.ts); this one
 * holds `done` low outside the predicted pulse. One finding per phase of a tile: the first cycle shows it.
 */
import type { TilePrediction } from '../../cost/layer.ts';
import { formatValue, type SignalValue } from '../../../sim/waveform/values.ts';
import type { FindingSink } from './findings.ts';
import type { AccelProbes } from './probes.ts';
import type { TileRun } from './tile-run.ts';
import { tileLabel } from './tile-run.ts';

/** Where a cycle is in the host protocol, for messages: which tile, and doing what. */
interface Phase {
  /** The tile whose loads, start pulse or drain it is (−1: before the first tile's loads could be placed). */
  readonly tile: number;
  /** `tile 1 (rows 0..6, columns 9..11): done = 1 in cycle 230 during its loads` goes on from here. */
  readonly what: string;
  /** Why `done` must be low there. */
  readonly expected: string;
}

export class RunControlCheck {
  /** Phases (`<tile>/<kind>`) already reported: the first high cycle of a phase is the finding. */
  private readonly reported = new Set<string>();

  constructor(
    private readonly probes: AccelProbes,
    private readonly findings: FindingSink,
    private readonly tiles: readonly TilePrediction[],
    /** Predicted program cycle of every tile's start pulse. */
    private readonly tileStarts: readonly number[],
  ) {}

  /**
   * A start pulse in `cycle` while `tile` still runs (no `done` yet, its predicted one still ahead): reported,
   * and true, so that the pulse is not taken for the next tile's.
   */
  startWhileRunning(cycle: number, tile: TileRun | undefined): boolean {
    if (tile === undefined || !isRunning(tile, cycle)) return false;
    const predicted = tile.predictedDone;
    this.findings.add({
      fault: 'run-control',
      cycle,
      signal: this.findings.pathOf(this.probes.start),
      expected: '0 while running',
      actual: '1',
      tile: tile.index,
      message: `${tile.label}: start = 1 in cycle ${cycle} while the tile runs (started in cycle ${tile.startCycle}, done predicted in cycle ${predicted}), expected 0: start only while idle`,
    });
    return true;
  }

  /**
   * `done` as sampled in `cycle` (out of reset), the current tile being `tile` (undefined before the first start
   * pulse). `fromTheStart`: the waveform holds the run from before the first tile's start (not a dump window
   * beginning inside a run, whose `done` is not this check's to judge before a start pulse is seen).
   */
  sampleDone(cycle: number, done: SignalValue, tile: TileRun | undefined, fromTheStart: boolean): void {
    if (done === 0n || (tile === undefined && !fromTheStart)) return;
    const phase = this.phaseOf(cycle, tile);
    if (phase === undefined) return;
    const key = `${phase.tile}/${phase.what}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const label = phase.tile < 0 ? 'before the first tile' : this.labelOf(phase.tile, tile);
    this.findings.add({
      fault: 'run-control',
      cycle,
      signal: this.findings.pathOf(this.probes.done),
      expected: '0',
      actual: formatDone(done),
      ...(phase.tile < 0 ? {} : { tile: phase.tile }),
      message: `${label}: done = ${formatDone(done)} in cycle ${cycle} ${phase.what}, expected 0 ${phase.expected}`,
    });
  }

  /** Where `cycle` is, when `done` must be low there; undefined at the predicted pulse and while the tile runs (tile-run.ts checks the rise). */
  private phaseOf(cycle: number, tile: TileRun | undefined): Phase | undefined {
    if (tile === undefined) {
      const first = this.tileStarts[0];
      return { tile: this.tiles.length > 0 ? 0 : -1, what: 'before the first start pulse', expected: `(no run yet${first === undefined ? '' : `; the first start is predicted in cycle ${first}`})` };
    }
    const predicted = tile.predictedDone;
    if (cycle === tile.startCycle) return { tile: tile.index, what: 'at its start pulse', expected: `(done stays low until the run ends, predicted in cycle ${predicted})` };
    // Up to the predicted pulse, and the first rise wherever it is, are the tile's own check (tile-run.ts).
    if (cycle <= predicted || cycle === tile.doneCycle) return undefined;
    const pulse = `(done is a one-cycle pulse, predicted in cycle ${predicted})`;
    const next = tile.index + 1;
    if (next < this.tiles.length && cycle >= this.nextLoadsBegin(tile)) {
      return { tile: next, what: 'during its loads', expected: `(tile ${tile.index}'s done pulse was predicted in cycle ${predicted}; no run until this tile's start pulse)` };
    }
    return { tile: tile.index, what: 'after its done pulse (drain)', expected: pulse };
  }

  /** The program cycle the next tile's loads begin in: the tile's own start, shifted as the tile's actual start was. */
  private nextLoadsBegin(tile: TileRun): number {
    const next = this.tiles[tile.index + 1]!;
    const shift = tile.startCycle - this.tileStarts[tile.index]!;
    return this.tileStarts[tile.index + 1]! - next.timeline.exposedLoad + shift;
  }

  private labelOf(index: number, tile: TileRun | undefined): string {
    if (tile?.index === index) return tile.label;
    return tileLabel(index, this.tiles[index]!);
  }
}

/** A run is in progress from its start pulse until `done` is seen or its predicted `done` has passed. */
export function isRunning(tile: TileRun, cycle: number): boolean {
  return tile.doneCycle === undefined && cycle > tile.startCycle && cycle <= tile.predictedDone;
}

function formatDone(done: SignalValue): string {
  return typeof done === 'bigint' ? done.toString() : formatValue(done);
}
