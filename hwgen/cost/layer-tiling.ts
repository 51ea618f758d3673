/**
 * Tiling a layer along M so that every tile fits one core's memories (generate/ann-core/layout.ts and
 * generate/snn-core/layout.ts, "A layer fits one core when ..."). Tiles run one after another, each with its
 * weights and bias/θ reloaded; every tile sees all N input columns and produces its rows of Y.
 *
 * A tile must fit every kind of core that may run its columns, so the tile height is the smallest of the
 * kinds' capacities. A kind whose memories cannot hold even one row group of the layer (K too long for its
 * weight memory or its column/event buffer) is left out for that layer: its cores sit idle, and the
 * scheduler only sees the other kind. Tiling along K is not offered: a column's partial sums would have to
 * leave the core before the QCFS output stage, which the contract has no place for.
 */
import { InputError } from '../errors.ts';
import { annCoreGeometryOf } from '../generate/ann-core/layout.ts';
import type { CoreKind, Machines } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { GemmShape } from '../workload/shapes.ts';
import type { CoreParams } from './column-costs.ts';

/** Rows [rowStart, rowEnd) of a layer, and the kinds of core that may run its columns. */
export interface LayerTile {
  readonly index: number;
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly kinds: readonly CoreKind[];
}

/** Why one core of a kind cannot hold a row group of a layer with this K, or undefined when it can. */
function annRefusal(K: number, params: CoreParams): string | undefined {
  const { chunks } = annCoreGeometryOf({ M: 1, K }, params.ann);
  if (chunks > params.ann.maxChunks) return `an ANN array's column buffer holds ${params.ann.maxChunks * params.ann.cols} levels (limits.maxK)`;
  if (chunks > params.ann.weightDepth) return `an ANN array holds ${params.ann.weightDepth} weight words, one row group needs J = ${chunks}`;
  return undefined;
}

function snnRefusal(K: number, params: CoreParams): string | undefined {
  if (K > params.snn.maxEvents) return `an SNN core's event buffer holds ${params.snn.maxEvents} events (limits.maxK)`;
  if (K > params.snn.weightDepth) return `an SNN core holds ${params.snn.weightDepth} weight words, one lane group needs K = ${K}`;
  return undefined;
}

/** The most rows of W one core of each kind holds for a layer with K inputs (0: not one group). */
export function maxTileRows(K: number, params: CoreParams): Record<CoreKind, number> {
  const { chunks } = annCoreGeometryOf({ M: 1, K }, params.ann);
  const annGroups = annRefusal(K, params) === undefined ? Math.min(params.ann.btDepth, Math.floor(params.ann.weightDepth / chunks)) : 0;
  const snnGroups = snnRefusal(K, params) === undefined ? Math.min(params.snn.btDepth, Math.floor(params.snn.weightDepth / K)) : 0;
  return { ann: annGroups * params.ann.rows, snn: snnGroups * params.snn.lanes };
}

/** The kinds that have cores and can hold at least one group; refuses a layer no core can hold. */
function usableKinds(shape: Pick<GemmLayer, 'name' | 'M' | 'K'>, params: CoreParams, machines: Machines): CoreKind[] {
  const kinds: CoreKind[] = [];
  const reasons: string[] = [];
  const annWhy = machines.annArrays === 0 ? 'the design has no ANN array' : annRefusal(shape.K, params);
  const snnWhy = machines.snnCores === 0 ? 'the design has no SNN core' : snnRefusal(shape.K, params);
  if (annWhy === undefined) kinds.push('ann');
  else reasons.push(annWhy);
  if (snnWhy === undefined) kinds.push('snn');
  else reasons.push(snnWhy);
  if (kinds.length === 0) throw new InputError(`layer ${shape.name} (M=${shape.M}, K=${shape.K})`, 'K', `no core can hold it: ${reasons.join('; ')}`);
  return kinds;
}

/**
 * The tiles of a layer: full tiles of the largest height every usable kind holds, the last one taking the
 * remaining rows. A layer that fits is one tile of all M rows.
 */
export function tileLayer(shape: Pick<GemmLayer, 'name' | 'M' | 'K'>, params: CoreParams, machines: Machines): LayerTile[] {
  const kinds = usableKinds(shape, params, machines);
  const capacity = maxTileRows(shape.K, params);
  const height = Math.min(shape.M, ...kinds.map((kind) => capacity[kind]));
  const tiles: LayerTile[] = [];
  for (let rowStart = 0; rowStart < shape.M; rowStart += height) {
    tiles.push({ index: tiles.length, rowStart, rowEnd: Math.min(rowStart + height, shape.M), kinds });
  }
  return tiles;
}

/** The rows of a tile as a layer of their own: W, b and θ restricted, the same input X. No copies. */
export function tileSubLayer(layer: GemmLayer, tile: LayerTile): GemmLayer {
  const { rowStart, rowEnd } = tile;
  const whole = rowStart === 0 && rowEnd === layer.M;
  return {
    ...layer,
    name: whole ? layer.name : `${layer.name}[${rowStart}:${rowEnd}]`,
    M: rowEnd - rowStart,
    weights: layer.weights.subarray(rowStart * layer.K, rowEnd * layer.K),
    bias: layer.bias.subarray(rowStart, rowEnd),
    theta: layer.theta.subarray(rowStart, rowEnd),
  };
}

/** A tile's rows of the layer's output levels Y (M×N row-major): contiguous, so a view. */
export function tileOutputs(outputs: Uint8Array, tile: LayerTile, shape: Pick<GemmShape, 'N'>): Uint8Array {
  return outputs.subarray(tile.rowStart * shape.N, tile.rowEnd * shape.N);
}
