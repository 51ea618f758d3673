/** What a layer's waveform check is given, and what it gives back. */
import type { OutputValues } from '../../arch/output-stream.ts';
import type { Accelerator } from '../../config/load-config.ts';
import type { LayerPrediction } from '../../cost/layer.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { WaveDromDiagram } from '../../../sim/waveform/diagnostics.ts';
import type { Transaction } from '../../../sim/waveform/transactions.ts';
import type { WaveFinding } from './findings.ts';

export interface WaveCheckInput {
  /** The waveform (.vcd, or .fst through fst2vcd) of the program player running the layer. */
  readonly file: string;
  readonly accelerator: Accelerator;
  readonly layer: GemmLayer;
  /** The tiles, schedules and cycles the run was driven with (predictLayer). */
  readonly prediction: LayerPrediction;
  /** The layer's Y from the golden model (M×N row-major): levels, or logits. */
  readonly golden: OutputValues;
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
