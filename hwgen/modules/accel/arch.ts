/**
 * The accelerator top's hardware model: the design as the cost model, the host driver and the generator all see it
 * (both kinds of core with their parameters, how many of each, the clock, the dispatcher's buffer sizes), the widths
 * the template derives, its port list (declared here once; the generator renders the same list) and its counters.
 * The buffer sizes come from the same functions the generator uses, so the model tiles exactly as the host must.
 */
import { WEIGHT_BANK_PORT_DESCRIPTION } from '../../arch/weight-banks.ts';
import type { Accelerator } from '../../config/load-config.ts';
import { type CoreKind, type Machines } from '../../arch/core-kinds.ts';
import { bitsFor, clog2 } from '../../arch/math.ts';
import { type PortSpec, port } from '../../arch/module.ts';
import { BIAS_BITS, COUNTER_BITS, THETA_BITS } from '../../arch/widths.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import {
  type AnnCoreParams,
  annCoreGeometry,
  annCoreParams,
  biasThetaWords as annBiasTheta,
  weightWords as annWeights,
} from '../ann-core/arch.ts';
import { type Replica, denseReplica, eventReplica, feederParams, feederWidths, gatherParams, gatherReadWords } from '../dispatcher/arch.ts';
import {
  type SnnCoreParams,
  addressBits,
  eventBytes,
  snnCoreGeometry,
  snnCoreParams,
  startThetaWords as snnStartTheta,
  weightWords as snnWeights,
} from '../snn-core/arch.ts';

/** The parameters of both kinds of core of one design. */
export interface CoreParams {
  readonly ann: AnnCoreParams;
  readonly snn: SnnCoreParams;
}

/** The dispatcher's memories, per core: what one column tile may hold. */
export interface DesignBuffers {
  /** ACT_DEPTH: words of ann.cols levels in each ANN array's dense replica. */
  readonly actDepth: number;
  /** EV_DEPTH: events {k, x} in each SNN core's event replica. */
  readonly evDepth: number;
  /** SCHED_DEPTH: entries of each core's schedule memory. */
  readonly schedDepth: number;
  /** OUT_DEPTH: output levels of each core's output bank. */
  readonly outDepth: number;
  /** OUT_RD_W: levels the host reads from an output bank per cycle (buffers.drainBytes). */
  readonly drainLevels: number;
  /** SCHED_ENTRY_BYTES = ceil(SE_W / 8): bytes of one schedule write or read (sram_byte events). */
  readonly schedEntryBytes: number;
  /** BANKS: 1, or 2 (the depths above are one bank's; loads and drains of neighbouring tiles run under a run). */
  readonly banks: number;
}

/** The cores of a design: both kinds' parameters, how many of each, the clock and the dispatcher buffers. */
export interface Design {
  readonly params: CoreParams;
  readonly machines: Machines;
  readonly clockMHz: number;
  readonly buffers: DesignBuffers;
}

/** The top's buffer sizes; SE_W is the wider of the two kinds' {count, base} entries (hwgen/modules/accel/accel_top.v.hbs). */
export function designBuffersOf(accelerator: Accelerator): DesignBuffers {
  const ann = feederParams(accelerator, 'ann');
  const snn = feederParams(accelerator, 'snn');
  const entryBits = Math.max(...[ann, snn].map((params) => {
    const widths = feederWidths(params);
    return widths.countBits + widths.addressBits;
  }));
  return {
    actDepth: ann.depth,
    evDepth: snn.depth,
    schedDepth: ann.schedDepth,
    outDepth: gatherParams(accelerator).depth,
    drainLevels: gatherParams(accelerator).readLevels,
    schedEntryBytes: Math.ceil(entryBits / 8),
    banks: gatherParams(accelerator).banks,
  };
}

/** Both kinds' core parameters on this design. */
export function coreParamsOf(accelerator: Accelerator): CoreParams {
  return { ann: annCoreParams(accelerator), snn: snnCoreParams(accelerator) };
}

export function designOf(accelerator: Accelerator): Design {
  const { ann, snn, clockMHz } = accelerator.config;
  return {
    params: coreParamsOf(accelerator),
    machines: { annArrays: ann.arrays, snnCores: snn.cores },
    clockMHz,
    buffers: designBuffersOf(accelerator),
  };
}

/** What the host writes into one core's weight and bias/θ memories for a (tile) layer, in address order. */
export interface WeightLoad {
  readonly weights: bigint[];
  /** Each word's fields, named after the kind's load ports (`bias`/`start`, `theta`). */
  readonly biasTheta: readonly Readonly<Record<string, bigint>>[];
}

/** Prefixes of a kind's load ports on the top: `<weights>_wr_en`, `<weights>_wr_addr`, … (accelTopPorts). */
export interface KindLoadPorts {
  readonly weights: string;
  readonly biasTheta: string;
  readonly replica: string;
}

/** What the top and its host do differently for each kind of core: data in the kind's own packing, its ports. */
export interface CoreKindArch {
  /** Output levels of one row group: an ANN array's rows, an SNN core's lanes. */
  groupSize(params: CoreParams): number;
  /** Bytes of one activation-replica word: a dense word of ann.cols levels, a bundled event. */
  replicaWordBytes(params: CoreParams): number;
  /** The kind's activation replica of `columns` of a (tile) layer: J dense words per column, or each column's events. */
  replica(layer: GemmLayer, params: CoreParams, columns: readonly number[]): Replica;
  /** Weight and bias/θ words of a (tile) layer that must fit one core (refused otherwise, saying why). */
  weightLoad(layer: GemmLayer, params: CoreParams): WeightLoad;
  /** The kind's cfg_* ports for a (tile) layer that fits one core. */
  config(layer: GemmLayer, params: CoreParams): Record<string, number>;
  readonly ports: KindLoadPorts;
}

/** A core module's weight load: its geometry checks the layer once, then both memories' words follow from it. */
function weightLoadOf<P, G>(
  geometryOf: (layer: GemmLayer, params: P) => G,
  weights: (layer: GemmLayer, params: P, geometry: G) => bigint[],
  biasTheta: (layer: GemmLayer, params: P, geometry: G) => readonly Readonly<Record<string, bigint>>[],
): (layer: GemmLayer, params: P) => WeightLoad {
  return (layer, params) => {
    const geometry = geometryOf(layer, params);
    return { weights: weights(layer, params, geometry), biasTheta: biasTheta(layer, params, geometry) };
  };
}

const annWeightLoad = weightLoadOf(annCoreGeometry, annWeights, annBiasTheta);
const snnWeightLoad = weightLoadOf(snnCoreGeometry, snnWeights, snnStartTheta);

export const CORE_KIND_ARCH: Readonly<Record<CoreKind, CoreKindArch>> = {
  ann: {
    groupSize: (params) => params.ann.rows,
    replicaWordBytes: (params) => params.ann.cols,
    replica: (layer, params, columns) => denseReplica(layer, params.ann, columns),
    weightLoad: (layer, params) => annWeightLoad(layer, params.ann),
    config: (layer, params) => {
      const g = annCoreGeometry(layer, params.ann);
      return { cfg_ann_groups: g.groups, cfg_ann_chunks: g.chunks, cfg_ann_last_rows: g.lastRows, cfg_ann_last_cols: g.lastCols };
    },
    ports: { weights: 'ann_w', biasTheta: 'ann_bt', replica: 'act' },
  },
  snn: {
    groupSize: (params) => params.snn.lanes,
    replicaWordBytes: (params) => eventBytes(params.snn),
    replica: (layer, params, columns) => eventReplica(layer, params.snn, columns),
    weightLoad: (layer, params) => snnWeightLoad(layer, params.snn),
    config: (layer, params) => {
      const g = snnCoreGeometry(layer, params.snn);
      return { cfg_snn_groups: g.groups, cfg_snn_last_lanes: g.lastLanes, cfg_snn_k: g.k };
    },
    ports: { weights: 'snn_w', biasTheta: 'snn_bt', replica: 'ev' },
  },
};

/** Counter indices of `cnt_rd_idx`, per core. */
export const ACCEL_COUNTERS = ['busy', 'mac_or_add', 'spike', 'fire', 'sram_byte', 'feeder_words', 'entries', 'levels'] as const;
export type AccelCounter = (typeof ACCEL_COUNTERS)[number];

/** The widths the template derives from its parameters. */
export function accelTopWidths(accelerator: Accelerator) {
  const { ann, snn } = accelerator.config;
  const a = annCoreParams(accelerator), s = snnCoreParams(accelerator);
  const af = feederParams(accelerator, 'ann'), sf = feederParams(accelerator, 'snn'), g = gatherParams(accelerator);
  return {
    coreBits: clog2(Math.max(ann.arrays + snn.cores, 2)),
    entryBits: bitsFor(af.schedDepth),
    schedAddressBits: clog2(af.schedDepth),
    schedEntryBits: Math.max(bitsFor(af.depth) + clog2(af.depth), bitsFor(sf.depth) + clog2(sf.depth)),
    actAddressBits: clog2(af.depth),
    evAddressBits: clog2(sf.depth),
    eventBits: addressBits(s) + 8,
    outAddressBits: clog2(gatherReadWords(g)),
    annWeightAddressBits: clog2(a.weightDepth),
    annBtAddressBits: clog2(a.btDepth),
    snnWeightAddressBits: clog2(s.weightDepth),
    snnBtAddressBits: clog2(s.btDepth),
  };
}

export function accelTopPorts(accelerator: Accelerator): PortSpec[] {
  const { ann, snn } = accelerator.config;
  const nc = ann.arrays + snn.cores;
  const a = annCoreParams(accelerator), s = snnCoreParams(accelerator);
  const w = accelTopWidths(accelerator);
  return [
    port('clk', 'input', 1, 'clock', 'clock, rising edge'),
    port('rst', 'input', 1, 'reset', 'synchronous reset, active high'),
    port('cfg_ann_groups', 'input', bitsFor(a.btDepth), 'config', 'ANN row groups G = ceil(M / ROWS)'),
    port('cfg_ann_chunks', 'input', bitsFor(a.maxChunks), 'config', 'ANN chunks J = ceil(K / COLS)'),
    port('cfg_ann_last_rows', 'input', bitsFor(a.rows), 'config', 'rows in the last ANN group, 1..ROWS'),
    port('cfg_ann_last_cols', 'input', bitsFor(a.cols), 'config', 'inputs in the last chunk, 1..COLS'),
    port('cfg_snn_groups', 'input', bitsFor(s.btDepth), 'config', 'SNN lane groups G = ceil(M / LANES)'),
    port('cfg_snn_last_lanes', 'input', bitsFor(s.lanes), 'config', 'outputs in the last lane group, 1..LANES'),
    port('cfg_snn_k', 'input', bitsFor(s.maxEvents), 'config', 'K: the SNN weight-address stride'),
    port('cfg_t', 'input', 8, 'config', 'T: largest output level, 1..255'),
    port('cfg_wbank', 'input', 1, 'config', WEIGHT_BANK_PORT_DESCRIPTION),
    port('cfg_entries', 'input', nc * w.entryBits, 'config', "core i's list length at bits i·EW"),
    port('start', 'input', 1, 'status', 'one-cycle pulse: every core walks its list'),
    port('done', 'output', 1, 'status', 'one-cycle pulse: every core has finished its list'),
    port('bank', 'input', 1, 'config', 'the bank loads write and output reads read; start latches it as the run\'s bank (0 with buffers.banks = 1)'),
    port('ann_w_wr_en', 'input', 1, 'load', 'write an ANN weight word into every array'),
    port('ann_w_wr_addr', 'input', w.annWeightAddressBits, 'load', 'weight word g·J + j'),
    port('ann_w_wr_data', 'input', a.rows * a.cols * 8, 'load', 'ROWS×COLS int8 weights'),
    port('ann_bt_wr_en', 'input', 1, 'load', 'write an ANN bias/θ word into every array'),
    port('ann_bt_wr_addr', 'input', w.annBtAddressBits, 'load', 'bias/θ word g'),
    port('ann_bt_wr_bias', 'input', a.rows * BIAS_BITS, 'load', 'int32 bias per row'),
    port('ann_bt_wr_theta', 'input', a.rows * THETA_BITS, 'load', 'θ per row'),
    port('snn_w_wr_en', 'input', 1, 'load', 'write an SNN weight word into every SNN core'),
    port('snn_w_wr_addr', 'input', w.snnWeightAddressBits, 'load', 'weight word g·K + k'),
    port('snn_w_wr_data', 'input', s.lanes * 8, 'load', 'LANES int8 weights'),
    port('snn_bt_wr_en', 'input', 1, 'load', 'write an SNN start/θ word into every SNN core'),
    port('snn_bt_wr_addr', 'input', w.snnBtAddressBits, 'load', 'start/θ word g'),
    port('snn_bt_wr_start', 'input', s.lanes * s.accW, 'load', 'membrane start b + floor(θ/2) per lane'),
    port('snn_bt_wr_theta', 'input', s.lanes * s.thetaW, 'load', 'θ per lane'),
    port('act_wr_en', 'input', 1, 'load', 'write a dense word into every array replica'),
    port('act_wr_addr', 'input', w.actAddressBits, 'load', 'dense word n·J + j'),
    port('act_wr_data', 'input', a.cols * 8, 'load', 'COLS levels'),
    port('ev_wr_en', 'input', 1, 'load', 'write an event word into every SNN replica'),
    port('ev_wr_addr', 'input', w.evAddressBits, 'load', 'event word'),
    port('ev_wr_data', 'input', w.eventBits, 'load', '{x, k}'),
    port('sched_wr_en', 'input', 1, 'load', 'write a schedule entry'),
    port('sched_wr_core', 'input', w.coreBits, 'load', 'the core whose list it goes to'),
    port('sched_wr_addr', 'input', w.schedAddressBits, 'load', 'position in that list'),
    port('sched_wr_data', 'input', w.schedEntryBits, 'load', "{count, base} of the core's kind"),
    port('ob_rd_core', 'input', w.coreBits, 'status', 'output bank to read'),
    port('ob_rd_addr', 'input', w.outAddressBits, 'status', 'word a of the bank: levels a·R .. a·R + R − 1 (R = buffers.drainBytes); level i·M + m is column list[i], row m'),
    port('ob_rd_data', 'output', 8 * gatherParams(accelerator).readLevels, 'stream-out', 'the word\'s R levels, one cycle after its address, the first in the low byte'),
    port('cnt_rd_core', 'input', w.coreBits, 'counter', 'core whose counter to read'),
    port('cnt_rd_idx', 'input', 3, 'counter', `counter: ${ACCEL_COUNTERS.map((c, i) => `${i} ${c}`).join(', ')}`),
    port('cnt_rd_data', 'output', COUNTER_BITS, 'counter', 'the counter, same cycle, counting since reset'),
    port('cnt_cycles', 'output', COUNTER_BITS, 'counter', 'cycles of the last run, start to done'),
  ];
}
