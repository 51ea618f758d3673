/**
 * Tiling a layer in two dimensions, as the host protocol does (hwgen/modules/dispatcher/spec.md, "Host
 * protocol: tiles, bus cycles and the exact layer model"):
 *
 *   - row tiles [rowStart, rowEnd): the rows of W one core holds (its weight and bias/θ memories), the
 *     largest height every usable kind holds, and never more than one output bank holds for one column;
 *     with two banks, a layer of several row tiles may hold each in one half of those memories (WeightUse);
 *   - each row tile is cut into column tiles [colStart, colEnd) of Nt columns, the largest Nt that every
 *     usable kind's replica (dense: J·Nt words, events: K·Nt worst case, so the tiling does not depend on
 *     the data), the schedule memory (Nt entries) and an output bank (M_tile·Nt levels, 4 bytes a logit) hold.
 *
 * Order: row tiles outer, column tiles inner; the weights stay in the cores across the column tiles of a row
 * tile. A kind whose memories cannot hold even one row group and one column (K too long for its weight
 * memory, its column/event buffer or its replica) is left out for that layer: its cores sit idle and the
 * scheduler only sees the other kind. Tiling along K is not offered: a column's partial sums would have to
 * leave the core before the QCFS output stage, which the contract has no place for.
 */
import { InputError } from '../errors.ts';
import { CORE_KIND_FACTS, CORE_KINDS, byKind, coresOf } from '../arch/core-kinds.ts';
import type { CoreKind, Machines, Schedule } from '../schedule/types.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import type { GemmShape } from '../workload/shapes.ts';
import type { CoreParams } from '../modules/accel/arch.ts';
import { CORE_KIND_COSTS, type TilingDesign } from './core-kinds.ts';
import { type HasOutputKind, beatsPerOutput } from '../arch/output-stream.ts';
import { weightBankMemories } from '../arch/weight-banks.ts';

export type { TilingDesign } from './core-kinds.ts';

/** Rows [rowStart, rowEnd) and columns [colStart, colEnd) of a layer, and the kinds of core that may run them. */
export interface LayerTile {
  /** Position in protocol order (row tiles outer, column tiles inner). */
  readonly index: number;
  /** Index of its row tile. */
  readonly rowTile: number;
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly colStart: number;
  readonly colEnd: number;
  /** The first column tile of its row tile: the weights are loaded before it. */
  readonly firstInRow: boolean;
  /**
   * The layer's row tiles each fit one weight bank (half of every weight and bias/θ memory, buffers.banks = 2):
   * row tile r lives in bank r mod 2 (weightBankOf) and its weights load under the previous tile's run.
   */
  readonly weightsBanked: boolean;
  readonly kinds: readonly CoreKind[];
}

/** The weight bank a tile's run reads: its row tile's parity when the layer's weights are banked, else 0. */
export function weightBankOf(tile: Pick<LayerTile, 'rowTile' | 'weightsBanked'>): number {
  return tile.weightsBanked ? tile.rowTile % 2 : 0;
}

/** Why one core of a kind cannot hold a row group and one column of a layer with this K, or undefined when it can. */
export function kindRefusal(kind: CoreKind, K: number, design: TilingDesign): string | undefined {
  return CORE_KIND_COSTS[kind].refusal(K, design);
}

/** The most rows of W one core of each kind holds for a layer with K inputs (memory capacity only; 0: not one group). */
export function maxTileRows(K: number, params: CoreParams): Record<CoreKind, number> {
  return byKind((kind) => CORE_KIND_COSTS[kind].maxRows(K, params));
}

/** The kinds that have cores and can hold the layer; refuses a layer no core can hold, saying why for each kind. */
export function usableKinds(shape: Pick<GemmLayer, 'name' | 'M' | 'K'>, design: TilingDesign, machines: Machines): CoreKind[] {
  const why = byKind((kind) => (coresOf(machines, kind) === 0 ? `the design has no ${CORE_KIND_FACTS[kind].label}` : kindRefusal(kind, shape.K, design)));
  const kinds = CORE_KINDS.filter((kind) => why[kind] === undefined);
  if (kinds.length === 0) throw new InputError(`layer ${shape.name} (M=${shape.M}, K=${shape.K})`, 'K', `no core can hold it: ${CORE_KINDS.map((kind) => why[kind]).join('; ')}`);
  return kinds;
}

/** Each bound on a column tile's width Nt for a row tile of `rows` rows (Infinity: the kind is not usable). */
export interface ColumnLimits {
  /** floor(ACT_DEPTH / J): the dense replica (ANN). */
  readonly act: number;
  /** floor(EV_DEPTH / K): the event replica at K events per column, the worst case (SNN). */
  readonly ev: number;
  /** SCHED_DEPTH: one schedule entry per column (any one core may get them all). */
  readonly sched: number;
  /** floor(OUT_DEPTH / (rows · beats)): an output bank (any one core may get every column; 4 bytes per logit). */
  readonly out: number;
}

export function columnLimits(rows: number, K: number, kinds: readonly CoreKind[], design: TilingDesign, beats = 1): ColumnLimits {
  const { buffers } = design;
  const limits = { act: Number.POSITIVE_INFINITY, ev: Number.POSITIVE_INFINITY, sched: buffers.schedDepth, out: Math.floor(buffers.outDepth / (rows * beats)) };
  for (const kind of kinds) limits[CORE_KIND_FACTS[kind].buses.replica] = CORE_KIND_COSTS[kind].maxColumns(K, design);
  return limits;
}

/** Nt: the widest column tile every limit allows (at least 1 once the kinds and the row height are chosen). */
export function maxTileColumns(rows: number, K: number, kinds: readonly CoreKind[], design: TilingDesign, beats = 1): number {
  const limits = columnLimits(rows, K, kinds, design, beats);
  return Math.min(limits.act, limits.ev, limits.sched, limits.out);
}

/**
 * The row-tile height: the largest every usable kind's memories hold, and at most OUT_DEPTH so that one
 * column of the tile fits one output bank. Full row tiles first, the remainder last.
 */
export function tileRowHeight(shape: Pick<GemmShape, 'M' | 'K'> & HasOutputKind, kinds: readonly CoreKind[], design: TilingDesign): number {
  const capacity = maxTileRows(shape.K, design.params);
  return Math.min(shape.M, Math.floor(design.buffers.outDepth / beatsPerOutput(shape)), ...kinds.map((kind) => capacity[kind]));
}

/**
 * How a layer's row tiles use the weight and bias/θ memories: `whole` (a row tile as tall as the memories hold; its
 * weights load before its first run), or `banks` (two banks only: row tiles that fit half of every memory, in banks
 * 0, 1, 0, ..., each one's weights loading under the previous tile's run).
 */
export type WeightUse = 'whole' | 'banks';

/** The row tiles' height for a weight use (0 when `banks` does not hold one group of every usable kind). */
function rowHeight(shape: Pick<GemmShape, 'M' | 'K'> & HasOutputKind, kinds: readonly CoreKind[], design: TilingDesign, use: WeightUse): number {
  if (use === 'whole') return tileRowHeight(shape, kinds, design);
  const params: CoreParams = { ann: weightBankMemories(design.params.ann), snn: weightBankMemories(design.params.snn) };
  return tileRowHeight(shape, kinds, { ...design, params });
}

/**
 * The weight uses a layer may take: `banks` too when the design has two banks, the layer needs several row tiles
 * of the whole memories, and one group of every usable kind fits half of them.
 */
export function weightUses(shape: Pick<GemmShape, 'M' | 'K'> & HasOutputKind, kinds: readonly CoreKind[], design: TilingDesign): WeightUse[] {
  if (design.params.ann.weightBanks < 2 || tileRowHeight(shape, kinds, design) >= shape.M) return ['whole'];
  return rowHeight(shape, kinds, design, 'banks') > 0 ? ['whole', 'banks'] : ['whole'];
}

/**
 * The weight use a layer takes unless a planner chooses (the `cost` policy predicts both): `banks` when a whole
 * row tile would be a single column tile, so that its weights would load before every run; `whole` when the
 * weights stay across several column tiles, where halving the row tiles would load every column twice as often.
 */
export function defaultWeightUse(shape: Pick<GemmShape, 'M' | 'K' | 'N'> & HasOutputKind, kinds: readonly CoreKind[], design: TilingDesign): WeightUse {
  if (!weightUses(shape, kinds, design).includes('banks')) return 'whole';
  const height = tileRowHeight(shape, kinds, design);
  return maxTileColumns(height, shape.K, kinds, design, beatsPerOutput(shape)) >= shape.N ? 'banks' : 'whole';
}

/**
 * The tiles of a layer in protocol order: row tiles outer, column tiles inner; the host loads and runs them
 * in this order. A layer that fits is one tile. `use` defaults to defaultWeightUse.
 */
export function tileLayer(shape: Pick<GemmLayer, 'name' | 'M' | 'K' | 'N' | 'output'>, design: TilingDesign, machines: Machines, use?: WeightUse): LayerTile[] {
  const kinds = usableKinds(shape, design, machines);
  const chosen = use ?? defaultWeightUse(shape, kinds, design);
  if (!weightUses(shape, kinds, design).includes(chosen)) throw new RangeError(`layer ${shape.name}: its row tiles cannot use the weight memories as ${chosen}`);
  const height = rowHeight(shape, kinds, design, chosen);
  const weightsBanked = chosen === 'banks';
  const tiles: LayerTile[] = [];
  for (let rowStart = 0, rowTile = 0; rowStart < shape.M; rowStart += height, rowTile += 1) {
    const rowEnd = Math.min(rowStart + height, shape.M);
    const width = maxTileColumns(rowEnd - rowStart, shape.K, kinds, design, beatsPerOutput(shape));
    for (let colStart = 0; colStart < shape.N; colStart += width) {
      tiles.push({ index: tiles.length, rowTile, rowStart, rowEnd, colStart, colEnd: Math.min(colStart + width, shape.N), firstInRow: colStart === 0, weightsBanked, kinds });
    }
  }
  return tiles;
}

/** Tiles grouped by row tile, in protocol order. */
export function rowTilesOf<T extends { readonly tile: LayerTile }>(items: readonly T[]): T[][] {
  const rows: T[][] = [];
  for (const item of items) {
    if (item.tile.firstInRow || rows.length === 0) rows.push([]);
    rows[rows.length - 1]?.push(item);
  }
  return rows;
}

function isWholeLayer(layer: Pick<GemmShape, 'M' | 'N'>, tile: LayerTile): boolean {
  return tile.rowStart === 0 && tile.rowEnd === layer.M && tile.colStart === 0 && tile.colEnd === layer.N;
}

/** Rows [r0, r1), columns [c0, c1) of a row-major matrix `width` wide: itself or a view when all columns are kept, else a copy. */
function block(matrix: Uint8Array, width: number, r0: number, r1: number, c0: number, c1: number): Uint8Array {
  if (c0 === 0 && c1 === width) return r0 === 0 && r1 * width === matrix.length ? matrix : matrix.subarray(r0 * width, r1 * width);
  const columns = c1 - c0;
  const out = new Uint8Array((r1 - r0) * columns);
  for (let r = r0; r < r1; r++) out.set(matrix.subarray(r * width + c0, r * width + c1), (r - r0) * columns);
  return out;
}

/**
 * A tile as a layer of its own: W, b and θ restricted to its rows (views), X to its columns (a K×Nt copy,
 * or the same array when the tile has every column).
 */
export function tileSubLayer(layer: GemmLayer, tile: LayerTile): GemmLayer {
  const { rowStart, rowEnd, colStart, colEnd } = tile;
  return {
    ...layer,
    name: isWholeLayer(layer, tile) ? layer.name : `${layer.name}[${rowStart}:${rowEnd},${colStart}:${colEnd}]`,
    M: rowEnd - rowStart,
    N: colEnd - colStart,
    weights: layer.weights.subarray(rowStart * layer.K, rowEnd * layer.K),
    bias: layer.bias.subarray(rowStart, rowEnd),
    theta: layer.theta.subarray(rowStart, rowEnd),
    input: block(layer.input, layer.N, 0, layer.K, colStart, colEnd),
  };
}

/** A tile's block of the layer's output levels Y (M×N row-major): M_tile×Nt, row-major. */
export function tileOutputs(outputs: Uint8Array, tile: LayerTile, shape: Pick<GemmShape, 'N'>): Uint8Array {
  return block(outputs, shape.N, tile.rowStart, tile.rowEnd, tile.colStart, tile.colEnd);
}

/**
 * A whole-layer schedule restricted to each of `tiles` (column tiles of one row tile, or any tiles): each core
 * keeps its order, columns renumbered to the tile (n − colStart). One pass over the schedule.
 */
export function tileSchedules(schedule: Schedule, tiles: readonly LayerTile[], N: number): Schedule[] {
  const owner = new Int32Array(N).fill(-1);
  tiles.forEach((tile, t) => owner.fill(t, tile.colStart, tile.colEnd));
  const split = tiles.map((): Schedule => ({ policy: schedule.policy, cores: schedule.cores.map((core) => ({ kind: core.kind, index: core.index, columns: [] })) }));
  schedule.cores.forEach((core, c) => {
    for (const n of core.columns) {
      const t = owner[n] ?? -1;
      if (t >= 0) split[t]?.cores[c]?.columns.push(n - (tiles[t]?.colStart ?? 0));
    }
  });
  return split;
}

/** A whole-layer schedule restricted to one tile's columns (see tileSchedules). */
export function tileSchedule(schedule: Schedule, tile: LayerTile): Schedule {
  return tileSchedules(schedule, [tile], tile.colEnd)[0] as Schedule;
}
