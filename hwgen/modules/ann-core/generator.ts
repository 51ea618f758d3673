/**
 * The ANN INT8 MAC-array core (hwgen/modules/ann-core/ann_core.v.hbs): one output column at a time,
 * `rows` outputs in parallel, `cols` inputs per row per cycle, ending in the shared QCFS fire stage.
 * spec.md beside this file documents its interface, timing and cycle formula.
 */
import { levelStreamOutPorts } from '../../arch/level-stream.ts';
import type { Accelerator } from '../../config/load-config.ts';
import { generateFire } from '../fire/generator.ts';
import { type ModuleDescription, type ParameterSpec, type PortSpec, port } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { bitsFor, clog2 } from '../../arch/math.ts';
import { type AnnCoreParams, annCoreParams } from './arch.ts';
import { BIAS_BITS } from '../../arch/widths.ts';
import { WEIGHT_BANK_PORT_DESCRIPTION } from '../../arch/weight-banks.ts';
import { COUNTER_BITS, THETA_BITS } from '../../arch/widths.ts';

export const ANN_CORE_MODULE = 'hwgen_ann_core';
export const ANN_CORE_FILE = `${ANN_CORE_MODULE}.v`;

function checkParams(params: AnnCoreParams): void {
  for (const [name, value] of Object.entries(params)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${ANN_CORE_MODULE}: ${name} must be a positive integer, got ${value}`);
  }
  // The product tree is 17 + clog2(cols) bits wide and the membrane is at least the fire stage's 2 bits.
  if (params.accW < 2 || params.accW > 64) throw new RangeError(`${ANN_CORE_MODULE}: accW must be 2..64, got ${params.accW}`);
}

function parameters(params: AnnCoreParams): ParameterSpec[] {
  return [
    { name: 'ROWS', value: params.rows, description: 'outputs computed at once (ann.rows)' },
    { name: 'COLS', value: params.cols, description: 'inputs multiplied per row per cycle (ann.cols)' },
    { name: 'ACC_W', value: params.accW, description: 'signed accumulator and membrane width' },
    { name: 'MAX_CHUNKS', value: params.maxChunks, description: 'column-buffer words per bank: ceil(limits.maxK / COLS)' },
    { name: 'W_DEPTH', value: params.weightDepth, description: 'weight words of ROWS·COLS bytes: floor(buffers.weightBytes / (ROWS·COLS))' },
    { name: 'BT_DEPTH', value: params.btDepth, description: 'bias/θ words of ROWS entries: ceil(limits.maxM / ROWS)' },
    { name: 'W_BANKS', value: params.weightBanks, description: '1, or 2: cfg_wbank may pick the upper halves of the weight and bias/θ memories (buffers.banks)' },
  ];
}

function ports(params: AnnCoreParams): PortSpec[] {
  const { rows, cols } = params;
  return [
    port('clk', 'input', 1, 'clock', 'clock, rising edge'),
    port('rst', 'input', 1, 'reset', 'synchronous reset, active high'),
    port('cfg_groups', 'input', bitsFor(params.btDepth), 'config', 'G = ceil(M / ROWS): row groups per column'),
    port('cfg_chunks', 'input', bitsFor(params.maxChunks), 'config', 'J = ceil(K / COLS): input beats per column'),
    port('cfg_last_rows', 'input', bitsFor(rows), 'config', 'outputs in the last group, 1..ROWS'),
    port('cfg_last_cols', 'input', bitsFor(cols), 'config', 'inputs in the last chunk, 1..COLS (MAC counting only)'),
    port('cfg_t', 'input', 8, 'config', 'T: largest output level, 1..255'),
    port('cfg_wbank', 'input', 1, 'config', WEIGHT_BANK_PORT_DESCRIPTION),
    port('w_wr_en', 'input', 1, 'load', 'write a weight word'),
    port('w_wr_addr', 'input', clog2(params.weightDepth), 'load', 'weight word g·J + j'),
    port('w_wr_data', 'input', rows * cols * 8, 'load', 'W[g·ROWS + r, j·COLS + c] at lane r·COLS + c'),
    port('bt_wr_en', 'input', 1, 'load', 'write a bias/θ word'),
    port('bt_wr_addr', 'input', clog2(params.btDepth), 'load', 'bias/θ word g'),
    port('bt_wr_bias', 'input', rows * BIAS_BITS, 'load', 'int32 bias of output g·ROWS + r at lane r'),
    port('bt_wr_theta', 'input', rows * THETA_BITS, 'load', 'θ (1..2^24) of output g·ROWS + r at lane r'),
    port('in_valid', 'input', 1, 'stream-in', 'an input beat is offered'),
    port('in_ready', 'output', 1, 'stream-in', 'the core takes it this cycle'),
    port('in_data', 'input', cols * 8, 'stream-in', 'x[j·COLS + c] at lane c; J beats per column'),
    ...levelStreamOutPorts(),
    port('cnt_ann_mac', 'output', COUNTER_BITS, 'counter', 'useful multiply-accumulates (M·K per column)'),
    port('cnt_fire', 'output', COUNTER_BITS, 'counter', 'output spikes (Σ y)'),
    port('cnt_sram_byte', 'output', COUNTER_BITS, 'counter', 'bytes read from or written to the core memories'),
    port('cnt_busy', 'output', COUNTER_BITS, 'counter', 'cycles with an issue, an execute, a full hold bank or a busy fire stage'),
  ];
}

/** The core for explicit sizes (tests build small variants this way). */
export function generateAnnCoreFromParams(params: AnnCoreParams, configHash: string): ModuleDescription {
  checkParams(params);
  const text = renderVerilog('hwgen/modules/ann-core/ann_core.v.hbs', { ...params }, {
    file: ANN_CORE_FILE,
    configHash,
    summary: 'ANN INT8 MAC array: one output column at a time, QCFS output stage',
  });
  return {
    name: ANN_CORE_MODULE,
    description: 'INT8 multiply-accumulate array computing y[:,n] = QCFS(W·x[:,n] + b) column by column',
    parameters: parameters(params),
    ports: ports(params),
    files: [{ name: ANN_CORE_FILE, text }],
    submodules: [generateFire({ lanes: params.rows, accW: params.accW, configHash })],
  };
}

export function generateAnnCore(accelerator: Accelerator): ModuleDescription {
  return generateAnnCoreFromParams(annCoreParams(accelerator), accelerator.hash);
}
