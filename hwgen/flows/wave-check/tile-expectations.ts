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
import { type OutputValues, beatsPerOutput, isLogits, streamBytes } from '../../arch/output-stream.ts';
import { ColumnStream, type ExpectedStream } from './expected-stream.ts';
import type { CoreStreams } from './probes.ts';

/** One core in one tile: its list of columns (tile-local numbers), its streams and the cost model's cycles. */
export interface CoreExpectation {
  readonly columns: readonly number[];
  readonly inputs: ExpectedStream;
  readonly outputs: ExpectedStream;
  readonly timing: readonly ColumnTiming[];
  /** Output beats per row group (ANN rows, SNN lanes; four beats per logit). */
  readonly groupLanes: number;
}

/** What the expectations come from (a WaveCheckInput is one). */
export interface TileSource {
  readonly accelerator: Accelerator;
  readonly layer: GemmLayer;
  /** The layer's Y from the golden model (M×N row-major): levels, or logits. */
  readonly golden: OutputValues;
}

/** The tile's part of the layer, as every core of the tile sees it. */
interface TileLayer {
  readonly tile: LayerTile;
  readonly sub: GemmLayer;
  /** The tile's Y as the bytes the cores stream ((sub.M · beats) × sub.N row-major; the levels themselves for levels). */
  readonly outputs: Uint8Array;
  readonly beats: number;
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
  const { layer } = source;
  const beats = beatsPerOutput(layer);
  const bytes = streamBytes(source.golden, layer.M, layer.N);
  const byteRows = { ...tile, rowStart: tile.rowStart * beats, rowEnd: tile.rowEnd * beats };
  const part: TileLayer = { tile, sub: tileSubLayer(layer, tile), outputs: tileOutputs(bytes, byteRows, layer), beats };
  const params = coreParamsOf(source.accelerator);
  return cores.map((streams, c) => {
    const columns = schedule.cores[c]?.columns ?? [];
    const fed = fedColumns(part, columns, streams.kind, params);
    return { columns, ...fed, outputs: outputBeats(part, columns), groupLanes: CORE_KIND_ARCH[streams.kind].groupSize(params) * beats };
  });
}

type FedColumns = Pick<CoreExpectation, 'inputs' | 'timing'>;

/** A core's input beats, column by column, and each column's cycles by its kind's cost model. */
function fedColumns({ tile, sub, outputs }: TileLayer, columns: readonly number[], kind: CoreKind, params: CoreParams): FedColumns {
  const { beat, beats } = FED_KINDS[kind];
  const inputs = new ColumnStream(beats(sub, columns, params), (p, j) => `${beat} ${j} of column ${tile.colStart + columns[p]!}`);
  // The fire stage's timing depends on the levels; logits fire nothing, so their bytes are not levels.
  const levels = isLogits(sub) ? undefined : outputs;
  return { inputs, timing: columns.length === 0 ? [] : CORE_KIND_COSTS[kind].columnTimes(sub, columns, params, levels) };
}

/** Every core gives each column's M·beats bytes (y[0..M−1], a logit as four bytes, low first), out_last on the last. */
function outputBeats({ tile, sub, outputs, beats }: TileLayer, columns: readonly number[]): ExpectedStream {
  const count = sub.M * beats;
  const Y = (m: number, n: number): string => `Y[${tile.rowStart + m}, ${tile.colStart + n}]`;
  const name = (b: number): string => (beats === 1 ? `y[${b}]` : `byte ${b % beats} of logit y[${Math.floor(b / beats)}]`);
  return new ColumnStream(
    columns.map((n) => Array.from({ length: count }, (_, b) => [BigInt(outputs[b * sub.N + n] ?? 0), b === count - 1 ? 1n : 0n])),
    (p, b) => `${name(b)} of column ${tile.colStart + columns[p]!} = ${Y(Math.floor(b / beats), columns[p]!)}`,
  );
}
