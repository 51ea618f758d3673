/**
 * How a GEMM layer is packed into hwgen_ann_core's memories and streams (spec.md, "Layout").
 * The host computes these words; the core never sees M or K, only groups and chunks.
 */
import type { Accelerator } from '../../config/load-config.ts';
import { InputError } from '../../errors.ts';
import { packLanes } from '../../arch/packing.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { GemmShape } from '../../workload/shapes.ts';
import { ceilDiv } from '../../arch/math.ts';
import { BIAS_BITS, THETA_BITS } from '../../arch/widths.ts';

/** The sizes a hwgen_ann_core is built with: its Verilog parameters. */
export interface AnnCoreParams {
  /** ROWS: outputs computed at once. */
  readonly rows: number;
  /** COLS: inputs multiplied per row per cycle. */
  readonly cols: number;
  /** ACC_W: signed accumulator and membrane width. */
  readonly accW: number;
  /** MAX_CHUNKS: column-buffer words per bank. */
  readonly maxChunks: number;
  /** W_DEPTH: weight-memory words of rows·cols bytes. */
  readonly weightDepth: number;
  /** BT_DEPTH: bias/θ words of `rows` entries. */
  readonly btDepth: number;
  /** W_BANKS: 1, or 2 (buffers.banks): a row tile that fits half of both memories may be read from either half. */
  readonly weightBanks: number;
}


export function annCoreParams(accelerator: Accelerator): AnnCoreParams {
  const { ann, limits, buffers } = accelerator.config;
  const weightDepth = Math.floor(buffers.weightBytes / (ann.rows * ann.cols));
  if (weightDepth < 1) {
    throw new InputError(accelerator.source, 'buffers.weightBytes', `${buffers.weightBytes} bytes hold no weight word of ann.rows·ann.cols = ${ann.rows * ann.cols} bytes`);
  }
  return {
    rows: ann.rows,
    cols: ann.cols,
    accW: accelerator.accumulatorBits,
    maxChunks: ceilDiv(limits.maxK, ann.cols),
    weightDepth,
    btDepth: ceilDiv(limits.maxM, ann.rows),
    weightBanks: buffers.banks,
  };
}

/** A layer as the core sees it: the cfg_* ports. */
export interface AnnCoreGeometry {
  /** G = ceil(M / rows): row groups per column. */
  readonly groups: number;
  /** J = ceil(K / cols): chunks (input beats) per column. */
  readonly chunks: number;
  /** Outputs in the last group, 1..rows. */
  readonly lastRows: number;
  /** Inputs in the last chunk, 1..cols. */
  readonly lastCols: number;
}

/** G and J of a shape, without checking that it fits the memories (the cost model's view). */
export function annCoreGeometryOf(shape: Pick<GemmShape, 'M' | 'K'>, params: AnnCoreParams): AnnCoreGeometry {
  const groups = ceilDiv(shape.M, params.rows);
  const chunks = ceilDiv(shape.K, params.cols);
  return { groups, chunks, lastRows: shape.M - (groups - 1) * params.rows, lastCols: shape.K - (chunks - 1) * params.cols };
}

/** G and J of a layer that must fit one core's memories; refuses a layer the host has to tile first. */
export function annCoreGeometry(layer: Pick<GemmLayer, 'name' | 'M' | 'K'>, params: AnnCoreParams): AnnCoreGeometry {
  const where = `layer ${layer.name} (M=${layer.M}, K=${layer.K})`;
  if (layer.M < 1 || layer.K < 1) throw new InputError(where, '', 'needs M ≥ 1 and K ≥ 1');
  const geometry = annCoreGeometryOf(layer, params);
  const { groups, chunks } = geometry;
  if (chunks > params.maxChunks) {
    throw new InputError(where, 'K', `needs ${chunks} column-buffer words of ${params.cols} levels, the core has ${params.maxChunks} (limits.maxK)`);
  }
  if (groups > params.btDepth) {
    throw new InputError(where, 'M', `needs ${groups} bias/θ words of ${params.rows} outputs, the core has ${params.btDepth} (limits.maxM): tile the layer along M`);
  }
  if (groups * chunks > params.weightDepth) {
    throw new InputError(
      where,
      'M',
      `needs G·J = ${groups}·${chunks} = ${groups * chunks} weight words, the core has ${params.weightDepth} (buffers.weightBytes / (rows·cols)): tile the layer along M`,
    );
  }
  return geometry;
}

/** Weight word g·J + j: W[g·R + r, j·C + c] at lane r·C + c, zero outside the layer. */
export function weightWords(layer: GemmLayer, params: AnnCoreParams, geometry: AnnCoreGeometry): bigint[] {
  const { rows, cols } = params;
  const words: bigint[] = [];
  const lanes = new Array<number>(rows * cols);
  for (let g = 0; g < geometry.groups; g++) {
    for (let j = 0; j < geometry.chunks; j++) {
      for (let r = 0; r < rows; r++) {
        const m = g * rows + r;
        for (let c = 0; c < cols; c++) {
          const k = j * cols + c;
          lanes[r * cols + c] = m < layer.M && k < layer.K ? (layer.weights[m * layer.K + k] ?? 0) : 0;
        }
      }
      words.push(packLanes(lanes, 8));
    }
  }
  return words;
}

/** Bias/θ word g: lane r holds output g·R + r; lanes past M hold bias 0 and θ 1. */
export type BiasThetaWord = {
  readonly bias: bigint;
  readonly theta: bigint;
};

export function biasThetaWords(layer: GemmLayer, params: AnnCoreParams, geometry: AnnCoreGeometry): BiasThetaWord[] {
  const words: BiasThetaWord[] = [];
  for (let g = 0; g < geometry.groups; g++) {
    const bias: number[] = [];
    const theta: number[] = [];
    for (let r = 0; r < params.rows; r++) {
      const m = g * params.rows + r;
      bias.push(m < layer.M ? (layer.bias[m] ?? 0) : 0);
      theta.push(m < layer.M ? (layer.theta[m] ?? 1) : 1);
    }
    words.push({ bias: packLanes(bias, BIAS_BITS), theta: packLanes(theta, THETA_BITS) });
  }
  return words;
}

/** The J input beats of column n: x[j·C + c] at lane c, the last beat zero-padded. */
export function columnBeats(layer: GemmLayer, n: number, params: AnnCoreParams, geometry: AnnCoreGeometry): bigint[] {
  const beats: bigint[] = [];
  const lanes = new Array<number>(params.cols);
  for (let j = 0; j < geometry.chunks; j++) {
    for (let c = 0; c < params.cols; c++) {
      const k = j * params.cols + c;
      lanes[c] = k < layer.K ? (layer.input[k * layer.N + n] ?? 0) : 0;
    }
    beats.push(packLanes(lanes, 8));
  }
  return beats;
}

/** The input stream for several columns, in the order given. */
export function inputBeats(layer: GemmLayer, columns: readonly number[], params: AnnCoreParams, geometry: AnnCoreGeometry): bigint[] {
  return columns.flatMap((n) => columnBeats(layer, n, params, geometry));
}
