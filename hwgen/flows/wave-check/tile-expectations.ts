/**
 * What every core must do in one tile, from the layer, its golden output and the tile's schedule: the
 * input beats the host loaded (the tile's columns in the core's list order: an ANN core's replica words,
 * an SNN core's events), the output levels of the golden model (y[0..M−1] per column, out_last on y[M−1]),
 * and each column's cycles by the core's cost model.
 */
import type { Accelerator } from '../../config/load-config.ts';
import type { ColumnTiming } from '../../arch/column-timing.ts';
import type { CoreKind } from '../../arch/core-kinds.ts';
import { CORE_KIND_COSTS } from '../../cost/core-kinds.ts';
import type { TilePrediction } from '../../cost/layer.ts';
import { type LayerTile, tileOutputs, tileSubLayer } from '../../cost/layer-tiling.ts';
import { CORE_KIND_ARCH, type CoreParams, coreParamsOf } from '../../modules/accel/arch.ts';
import { annCoreGeometry, columnBeats } from '../../modules/ann-core/arch.ts';
import { snnColumnEvents } from '../../modules/snn-core/arch.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { ColumnStream, type ExpectedStream } from './expected-stream.ts';
import type { CoreStreams } from './probes.ts';

/** One core in one tile: its list of columns (tile-local numbers), its streams and the cost model's cycles. */
export interface CoreExpectation {
  readonly columns: readonly number[];
  readonly inputs: ExpectedStream;
  readonly outputs: ExpectedStream;
  readonly timing: readonly ColumnTiming[];
  /** Output levels per row group (ANN rows, SNN lanes). */
  readonly groupLanes: number;
}

/** What the expectations come from (a WaveCheckInput is one). */
export interface TileSource {
  readonly accelerator: Accelerator;
  readonly layer: GemmLayer;
  /** The layer's Y from the golden model (M×N row-major). */
  readonly golden: Uint8Array;
}

/** The tile's part of the layer, as every core of the tile sees it. */
interface TileLayer {
  readonly tile: LayerTile;
  readonly sub: GemmLayer;
  /** The tile's Y (sub.M × sub.N row-major). */
  readonly outputs: Uint8Array;
}

/** Each kind's input beats, as the probes' payload fields (probes.ts) carry them, and what one beat is called. */
const FED_KINDS: Readonly<Record<CoreKind, { beat: string; beats(sub: GemmLayer, columns: readonly number[], params: CoreParams): bigint[][][] }>> = {
  // An ANN core takes each column as the replica words the host loaded.
  ann: {
    beat: 'word',
    beats: (sub, columns, params) => {
      if (columns.length === 0) return [];
      const geometry = annCoreGeometry(sub, params.ann);
      return columns.map((n) => columnBeats(sub, n, params.ann, geometry).map((word) => [word]));
    },
  },
  // An SNN core takes each column as its events (address, level, last).
  snn: {
    beat: 'event',
    beats: (sub, columns) => columns.map((n) => snnColumnEvents(sub, n).map((beat) => [BigInt(beat.addr), BigInt(beat.level), beat.last ? 1n : 0n])),
  },
};

/** Every core's expectation in the tile, in the order of `cores`. */
export function tileExpectations(source: TileSource, prediction: TilePrediction, cores: readonly CoreStreams[]): CoreExpectation[] {
  const { tile, schedule } = prediction;
  const part: TileLayer = { tile, sub: tileSubLayer(source.layer, tile), outputs: tileOutputs(source.golden, tile, source.layer) };
  const params = coreParamsOf(source.accelerator);
  return cores.map((streams, c) => {
    const columns = schedule.cores[c]?.columns ?? [];
    const fed = fedColumns(part, columns, streams.kind, params);
    return { columns, ...fed, outputs: outputLevels(part, columns), groupLanes: CORE_KIND_ARCH[streams.kind].groupSize(params) };
  });
}

type FedColumns = Pick<CoreExpectation, 'inputs' | 'timing'>;

/** A core's input beats, column by column, and each column's cycles by its kind's cost model. */
function fedColumns({ tile, sub, outputs }: TileLayer, columns: readonly number[], kind: CoreKind, params: CoreParams): FedColumns {
  const { beat, beats } = FED_KINDS[kind];
  const inputs = new ColumnStream(beats(sub, columns, params), (p, j) => `${beat} ${j} of column ${tile.colStart + columns[p]!}`);
  return { inputs, timing: columns.length === 0 ? [] : CORE_KIND_COSTS[kind].columnTimes(sub, columns, params, outputs) };
}

/** Every core gives each column's M levels y[0..M−1], out_last on the last. */
function outputLevels({ tile, sub, outputs }: TileLayer, columns: readonly number[]): ExpectedStream {
  const M = sub.M;
  const Y = (m: number, n: number): string => `Y[${tile.rowStart + m}, ${tile.colStart + n}]`;
  return new ColumnStream(
    columns.map((n) => Array.from({ length: M }, (_, m) => [BigInt(outputs[m * sub.N + n] ?? 0), m === M - 1 ? 1n : 0n])),
    (p, m) => `y[${m}] of column ${tile.colStart + columns[p]!} = ${Y(m, columns[p]!)}`,
  );
}
