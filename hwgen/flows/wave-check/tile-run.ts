/**
 * One tile, from its start pulse (dispatcher cycle 0) on: its cores' checks, and its `done` against
 * predictDispatch.
 */
import type { TilePrediction } from '../../cost/layer.ts';
import type { TileContext } from './contexts.ts';
import { CoreRun } from './core-run.ts';
import type { FindingSink } from './findings.ts';
import type { AccelProbes } from './probes.ts';
import { type TileSource, tileExpectations } from './tile-expectations.ts';

/** What a tile's check knows of the layer's: what the layer is, its probes, and where findings go. */
export interface LayerContext {
  readonly input: TileSource;
  readonly probes: AccelProbes;
  readonly findings: FindingSink;
}

/** `tile 1 (rows 0..6, columns 9..11)`: how findings name a tile. */
export function tileLabel(index: number, prediction: TilePrediction): string {
  const { tile } = prediction;
  return `tile ${index} (rows ${tile.rowStart}..${tile.rowEnd - 1}, columns ${tile.colStart}..${tile.colEnd - 1})`;
}

export class TileRun implements TileContext {
  readonly cores: CoreRun[];
  readonly label: string;
  readonly colStart: number;
  readonly findings: FindingSink;
  doneCycle: number | undefined;

  constructor(
    private readonly layer: LayerContext,
    readonly index: number,
    readonly prediction: TilePrediction,
    /** Program cycle of the start pulse: dispatcher cycle 0. */
    readonly startCycle: number,
  ) {
    const { tile, dispatch } = prediction;
    this.colStart = tile.colStart;
    this.label = tileLabel(index, prediction);
    this.findings = layer.findings;
    const expectations = tileExpectations(layer.input, prediction, layer.probes.cores);
    this.cores = layer.probes.cores.map((streams, c) => new CoreRun(this, streams, expectations[c]!, dispatch.cores[c]?.start ?? 0));
  }

  /** Predicted program cycle of `done`. */
  get predictedDone(): number {
    return this.startCycle + this.prediction.dispatch.cycles;
  }

  finish(complete: boolean): void {
    for (const core of this.cores) core.finish(complete);
    if (!complete) return;
    const predicted = this.predictedDone;
    if (this.doneCycle === predicted) return;
    this.findings.add({
      fault: 'timing',
      cycle: Math.min(predicted, this.doneCycle ?? predicted),
      signal: this.findings.pathOf(this.layer.probes.done),
      expected: `cycle ${predicted}`,
      actual: this.doneCycle === undefined ? 'never' : `cycle ${this.doneCycle}`,
      tile: this.index,
      message: `${this.label}: done ${this.doneCycle === undefined ? 'never rose' : `rose in cycle ${this.doneCycle}`}, predicted ${predicted} (start + ${this.prediction.dispatch.cycles})`,
    });
  }
}
