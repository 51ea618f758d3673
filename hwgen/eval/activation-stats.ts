/**
 * Per-layer activation statistics over every image of an evaluation: how dense and how large each layer's input
 * levels X (K×N) are, how many of its columns carry no spike at all (free on an SNN core), and the density and mean
 * of its output levels. Each batch is tallied in integers (plain data, so a worker thread can send it back) and the
 * tallies are summed, so the figures do not depend on the batch size or on which thread ran a batch.
 */
import type { GoldenLayerResult } from '../flows/golden.ts';

export interface LevelStats {
  /** Fraction of levels that are not 0. */
  readonly density: number;
  /** Mean level over every element, zeros included. */
  readonly meanLevel: number;
}

export interface InputStats extends LevelStats {
  /** Columns of X (one per output pixel and image) whose K levels are all 0. */
  readonly zeroColumns: number;
  readonly zeroColumnFraction: number;
}

export interface LayerActivationStats {
  readonly name: string;
  readonly kind: 'conv2d' | 'gemm';
  readonly M: number;
  readonly K: number;
  /** Columns over all images. */
  readonly N: number;
  readonly input: InputStats;
  /** The levels the layer outputs (before pooling); null for a layer that outputs logits. */
  readonly outputLevels: LevelStats | null;
}

/** Integer sums of one layer over some images. */
export interface LayerTally {
  readonly name: string;
  readonly kind: 'conv2d' | 'gemm';
  readonly logits: boolean;
  readonly M: number;
  readonly K: number;
  N: number;
  inputNonZero: number;
  inputSum: number;
  zeroColumns: number;
  outputNonZero: number;
  outputSum: number;
}

export function tallyLayer(result: GoldenLayerResult): LayerTally {
  const { layer, gemm, columns, levels } = result;
  const tally: LayerTally = { name: layer.spec.name, kind: layer.spec.kind, logits: layer.output === 'accumulator', M: gemm.M, K: gemm.K, N: gemm.N, inputNonZero: 0, inputSum: 0, zeroColumns: 0, outputNonZero: 0, outputSum: 0 };
  for (let n = 0; n < gemm.N; n++) {
    const spikes = columns.spikes[n] ?? 0;
    tally.inputSum += spikes;
    tally.inputNonZero += columns.nonZeroLevels[n] ?? 0;
    if (spikes === 0) tally.zeroColumns += 1;
  }
  // logits fire nothing: their fire-stage levels are all 0 and say nothing about activations
  if (tally.logits) return tally;
  for (const level of levels) {
    tally.outputSum += level;
    if (level !== 0) tally.outputNonZero += 1;
  }
  return tally;
}

/** Adds a batch's tallies (one per layer) into `total`, which starts empty. */
export function addTallies(total: LayerTally[], batch: readonly LayerTally[]): void {
  batch.forEach((tally, i) => {
    const sum = total[i];
    if (sum === undefined) {
      total[i] = { ...tally };
      return;
    }
    sum.N += tally.N;
    sum.inputNonZero += tally.inputNonZero;
    sum.inputSum += tally.inputSum;
    sum.zeroColumns += tally.zeroColumns;
    sum.outputNonZero += tally.outputNonZero;
    sum.outputSum += tally.outputSum;
  });
}

export function activationStats(tallies: readonly LayerTally[]): LayerActivationStats[] {
  return tallies.map((t) => {
    const inputs = t.K * t.N, outputs = t.M * t.N;
    return {
      name: t.name, kind: t.kind, M: t.M, K: t.K, N: t.N,
      input: { density: share(t.inputNonZero, inputs), meanLevel: share(t.inputSum, inputs), zeroColumns: t.zeroColumns, zeroColumnFraction: share(t.zeroColumns, t.N) },
      outputLevels: t.logits ? null : { density: share(t.outputNonZero, outputs), meanLevel: share(t.outputSum, outputs) },
    };
  });
}

function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
