/**
 * Per-column costs of synthetic conv layers, shaped like the real cores' cost models, for measure.ts and
 * the tests: the exact models (hwgen/cost) are still moving, and the schedulers only need realistic shape.
 *
 * Inputs are the model zoo's hidden-layer activations (workload/synthetic.ts: clustered, skewed levels
 * 0..15, 56 % non-zero on average, so column densities vary strongly), lowered by im2col. Per column n,
 * with E[n] non-zero levels and S[n] spikes (Σ_k X[k,n]):
 *   ANN  cycles ceil(M/R)·ceil(K/C) + ANN_OVERHEAD            (dense: the same for every column)
 *        energy M·K·ann_mac + bytes·sram_byte, bytes as the ANN core reads weights per column
 *   SNN  cycles ceil(M/L)·S[n] + SNN_OVERHEAD                  (one spike per cycle per lane group)
 *        energy M·S[n]·snn_add + S[n]·spike + bytes·sram_byte, bytes: E events written, each read and its
 *        weight row fetched once per lane group
 * Per-event energies are numerics.md's default table. Output firing costs the same on both paths and is
 * left out, so it shifts every schedule's energy by one constant.
 */
import { im2col } from '../workload/im2col.ts';
import { convOutputShape } from '../workload/shapes.ts';
import { syntheticLevels } from '../workload/synthetic.ts';
import type { ColumnCosts } from './types.ts';

export interface SyntheticCoreParams {
  /** ANN array: output rows and inputs per row per cycle. */
  annRows: number;
  annCols: number;
  /** SNN core: membrane accumulators updated per cycle. */
  snnLanes: number;
}

export interface SyntheticConvLayer {
  name: string;
  C: number;
  H: number;
  W: number;
  M: number;
  kernel: number;
  stride: number;
  padding: number;
}

export interface SyntheticLayerCosts {
  costs: ColumnCosts;
  /** S[n]: spikes of each column. */
  spikes: Float64Array;
}

const PJ = { annMac: 0.3, snnAdd: 0.1, spike: 0.03, sramByte: 1.25 } as const;
/** Pipeline fill and drain per column (a few cycles in both cores' cycle formulas). */
const ANN_OVERHEAD = 4;
const SNN_OVERHEAD = 4;
/** Bias and θ bytes read per output row or lane, per column. */
const BIAS_THETA_BYTES = 8;
/** An event: a 16-bit input address and an 8-bit level. */
const EVENT_BYTES = 3;
/** The zoo's hidden layers: T = 15 levels, 56 % non-zero (Cnvlutin), clustered, skewed to small levels. */
const LEVELS = 15;
const DENSITY = 0.56;

/** E[n] and S[n] of every column of the layer's im2col matrix. */
function columnCounts(layer: SyntheticConvLayer, seed: number): { events: Float64Array; spikes: Float64Array } {
  const input = syntheticLevels({ shape: [layer.C, layer.H, layer.W], density: DENSITY, pattern: 'clustered', values: 'skewed', seed }, LEVELS);
  const geometry = { C: layer.C, H: layer.H, W: layer.W, kh: layer.kernel, kw: layer.kernel, stride: layer.stride, padding: layer.padding };
  const matrix = im2col(input.data, geometry);
  const [, Ho, Wo] = convOutputShape({ ...geometry, M: layer.M });
  const columns = Ho * Wo;
  const events = new Float64Array(columns);
  const spikes = new Float64Array(columns);
  for (let row = 0, i = 0; row < matrix.length / columns; row++) {
    for (let n = 0; n < columns; n++, i++) {
      const level = matrix[i] ?? 0;
      spikes[n] = (spikes[n] ?? 0) + level;
      if (level > 0) events[n] = (events[n] ?? 0) + 1;
    }
  }
  return { events, spikes };
}

export function syntheticLayerCosts(layer: SyntheticConvLayer, params: SyntheticCoreParams, seed: number): SyntheticLayerCosts {
  const { events, spikes } = columnCounts(layer, seed);
  const K = layer.C * layer.kernel * layer.kernel;
  const M = layer.M;
  const annGroups = Math.ceil(M / params.annRows);
  const chunks = Math.ceil(K / params.annCols);
  const snnGroups = Math.ceil(M / params.snnLanes);
  const annBytes = chunks * params.annCols + annGroups * chunks * (params.annRows * params.annCols + params.annCols) + annGroups * params.annRows * BIAS_THETA_BYTES;
  const annEnergy = M * K * PJ.annMac + annBytes * PJ.sramByte;
  const count = spikes.length;
  const costs: ColumnCosts = {
    annCycles: new Float64Array(count).fill(annGroups * chunks + ANN_OVERHEAD),
    snnCycles: spikes.map((s) => snnGroups * s + SNN_OVERHEAD),
    annEnergy: new Float64Array(count).fill(annEnergy),
    snnEnergy: new Float64Array(count),
  };
  for (let n = 0; n < count; n++) {
    const s = spikes[n] ?? 0;
    const e = events[n] ?? 0;
    const bytes = e * EVENT_BYTES + snnGroups * e * (EVENT_BYTES + params.snnLanes) + snnGroups * params.snnLanes * BIAS_THETA_BYTES;
    costs.snnEnergy[n] = M * s * PJ.snnAdd + s * PJ.spike + bytes * PJ.sramByte;
  }
  return { costs, spikes };
}
