/**
 * The accelerator top (templates/accel_top.v.hbs, module hwgen_accel_top): A ANN arrays and S SNN cores,
 * each with its own column feeder and output gatherer (hwgen/generate/dispatcher/spec.md).
 * The port list mirrors the template's declarations (a testbench lint with -Wall catches a mismatch);
 * the host driver packs its bus cycles by it (hwgen/host/).
 */
import type { Accelerator } from '../../config/load-config.ts';
import { generateAnnCoreFromParams } from '../ann-core/generator.ts';
import { annCoreParams } from '../ann-core/layout.ts';
import { feederParams, generateColumnFeeder } from '../dispatcher/feeder.ts';
import { gatherParams, generateOutputGather } from '../dispatcher/gather.ts';
import { type ModuleDescription, type ParameterSpec, type PortSpec, port } from '../module.ts';
import { renderVerilog } from '../render.ts';
import { generateSnnCoreFromParams } from '../snn-core/generator.ts';
import { addressBits, snnCoreParams } from '../snn-core/layout.ts';
import { bitsFor, clog2 } from '../verilog-math.ts';
import { BIAS_BITS, THETA_BITS } from '../ann-core/layout.ts';

export const ACCEL_TOP_MODULE = 'hwgen_accel_top';
export const ACCEL_TOP_FILE = `${ACCEL_TOP_MODULE}.v`;

/**
 * The top for a design. Both core kinds are instantiated by the template's generate loop only for the
 * kinds the config has, but both modules are emitted (the loop's untaken branch must still elaborate).
 */
export function generateAccelTop(accelerator: Accelerator): ModuleDescription {
  const { ann, snn } = accelerator.config;
  const annParams = annCoreParams(accelerator);
  const snnParams = snnCoreParams(accelerator);
  const annFeeder = feederParams(accelerator, 'ann');
  const snnFeeder = feederParams(accelerator, 'snn');
  const gather = gatherParams(accelerator);
  const hash = accelerator.hash;
  const context = {
    annArrays: ann.arrays,
    snnCores: snn.cores,
    rows: annParams.rows,
    cols: annParams.cols,
    annAccW: annParams.accW,
    maxChunks: annParams.maxChunks,
    annWeightDepth: annParams.weightDepth,
    annBtDepth: annParams.btDepth,
    lanes: snnParams.lanes,
    snnAccW: snnParams.accW,
    maxEvents: snnParams.maxEvents,
    snnWeightDepth: snnParams.weightDepth,
    snnBtDepth: snnParams.btDepth,
    actDepth: annFeeder.depth,
    evDepth: snnFeeder.depth,
    schedDepth: annFeeder.schedDepth,
    outDepth: gather.depth,
  };
  const text = renderVerilog('templates/accel_top.v.hbs', context, {
    file: ACCEL_TOP_FILE,
    configHash: hash,
    summary: 'accelerator top: ANN arrays and SNN cores, each with a column feeder and an output bank',
  });
  const parameters: ParameterSpec[] = [
    { name: 'A', value: ann.arrays, description: 'ANN MAC arrays' },
    { name: 'S', value: snn.cores, description: 'SNN cores' },
    { name: 'ACT_DEPTH', value: annFeeder.depth, description: 'dense replica words of ann.cols levels' },
    { name: 'EV_DEPTH', value: snnFeeder.depth, description: 'event replica words {k, x}' },
    { name: 'SCHED_DEPTH', value: annFeeder.schedDepth, description: 'schedule entries per core' },
    { name: 'OUT_DEPTH', value: gather.depth, description: 'output levels per core bank' },
  ];
  return {
    name: ACCEL_TOP_MODULE,
    description: 'A ANN arrays and S SNN cores, each fed from its own activation replica by a column feeder walking its static column list, outputs gathered per core',
    parameters,
    ports: accelTopPorts(accelerator),
    files: [{ name: ACCEL_TOP_FILE, text }],
    submodules: [
      // One file serves both kinds: the instances set WORD_W, DEPTH and SCHED_DEPTH.
      generateColumnFeeder(annFeeder, hash),
      generateOutputGather(gather, hash),
      generateAnnCoreFromParams(annParams, hash),
      generateSnnCoreFromParams(snnParams, { configHash: hash }),
    ],
  };
}

/** Counter indices of `cnt_rd_idx`, per core. */
export const ACCEL_COUNTERS = ['busy', 'mac_or_add', 'spike', 'fire', 'sram_byte', 'feeder_words', 'entries', 'levels'] as const;
export type AccelCounter = (typeof ACCEL_COUNTERS)[number];
export const ACCEL_COUNTER_BITS = 48;

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
    outAddressBits: clog2(g.depth),
    annWeightAddressBits: clog2(a.weightDepth),
    annBtAddressBits: clog2(a.btDepth),
    snnWeightAddressBits: clog2(s.weightDepth),
    snnBtAddressBits: clog2(s.btDepth),
  };
}

function accelTopPorts(accelerator: Accelerator): PortSpec[] {
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
    port('cfg_entries', 'input', nc * w.entryBits, 'config', "core i's list length at bits i·EW"),
    port('start', 'input', 1, 'status', 'one-cycle pulse: every core walks its list'),
    port('done', 'output', 1, 'status', 'one-cycle pulse: every core has finished its list'),
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
    port('snn_bt_wr_en', 'input', 1, 'load', 'write an SNN bias/θ word into every SNN core'),
    port('snn_bt_wr_addr', 'input', w.snnBtAddressBits, 'load', 'bias/θ word g'),
    port('snn_bt_wr_bias', 'input', s.lanes * BIAS_BITS, 'load', 'int32 bias per lane'),
    port('snn_bt_wr_theta', 'input', s.lanes * THETA_BITS, 'load', 'θ per lane'),
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
    port('ob_rd_addr', 'input', w.outAddressBits, 'status', 'level i·M + m: column list[i], row m'),
    port('ob_rd_data', 'output', 8, 'stream-out', 'the level, one cycle after its address'),
    port('cnt_rd_core', 'input', w.coreBits, 'counter', 'core whose counter to read'),
    port('cnt_rd_idx', 'input', 3, 'counter', `counter: ${ACCEL_COUNTERS.map((c, i) => `${i} ${c}`).join(', ')}`),
    port('cnt_rd_data', 'output', ACCEL_COUNTER_BITS, 'counter', 'the counter, same cycle, counting since reset'),
    port('cnt_cycles', 'output', ACCEL_COUNTER_BITS, 'counter', 'cycles of the last run, start to done'),
  ];
}
