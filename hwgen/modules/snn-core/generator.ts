/**
 * The SNN accumulate-and-fire core (hwgen/modules/snn-core/snn_core.v.hbs): bundled address events in, one
 * weight fetch per event serving all its spikes, LANES membranes updated per cycle by additions
 * only, ending in the serial QCFS fire stage (one divider for all lanes). spec.md beside this file documents its interface,
 * timing, cycle formula and counters.
 */
import { levelStreamOutPorts } from '../../arch/level-stream.ts';
import type { Accelerator } from '../../config/load-config.ts';
import { generateSerialFire } from '../serial-fire/generator.ts';
import { type ModuleDescription, type ParameterSpec, type PortSpec, port } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { bitsFor, clog2 } from '../../arch/math.ts';
import { type SnnCoreParams, addressBits, snnCoreParams } from './arch.ts';
import { COUNTER_BITS } from '../../arch/widths.ts';
import { WEIGHT_BANK_PORT_DESCRIPTION } from '../../arch/weight-banks.ts';

export const SNN_CORE_MODULE = 'hwgen_snn_core';
export const SNN_CORE_FILE = `${SNN_CORE_MODULE}.v`;
/** Counters the core has, as `cnt_<name>` ports. */
export const SNN_CORE_COUNTERS = ['snn_add', 'spike', 'fire', 'sram_byte', 'busy'] as const;

function checkParams(params: SnnCoreParams): void {
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'number' && (!Number.isInteger(value) || value < 1)) throw new RangeError(`${SNN_CORE_MODULE}: ${name} must be a positive integer, got ${value}`);
  }
  // A lane adds a sign-extended int8 weight: the membrane is at least as wide as a weight.
  if (params.accW < 8 || params.accW > 64) throw new RangeError(`${SNN_CORE_MODULE}: accW must be 8..64, got ${params.accW}`);
  if (params.lanes > 256) throw new RangeError(`${SNN_CORE_MODULE}: lanes must be 1..256, got ${params.lanes}`);
}

/** Widths the template derives from its parameters, computed the same way here for the ports. */
export interface SnnCoreWidths {
  readonly kw: number;
  readonly countBits: number;
  readonly weightAddressBits: number;
  readonly btAddressBits: number;
  readonly groupBits: number;
  readonly laneBits: number;
}

export function snnCoreWidths(params: SnnCoreParams): SnnCoreWidths {
  return {
    kw: addressBits(params),
    countBits: bitsFor(params.maxEvents),
    weightAddressBits: clog2(params.weightDepth),
    btAddressBits: clog2(params.btDepth),
    groupBits: bitsFor(params.btDepth),
    laneBits: bitsFor(params.lanes),
  };
}

function parameters(params: SnnCoreParams, widths: SnnCoreWidths): ParameterSpec[] {
  return [
    { name: 'LANES', value: params.lanes, description: 'membranes updated per cycle (snn.lanes)' },
    { name: 'ACC_W', value: params.accW, description: 'signed membrane width' },
    { name: 'MAX_EVENTS', value: params.maxEvents, description: 'events per event-buffer bank (limits.maxK)' },
    { name: 'W_DEPTH', value: params.weightDepth, description: 'weight words of LANES bytes: floor(buffers.weightBytes / LANES)' },
    { name: 'BT_DEPTH', value: params.btDepth, description: 'start/θ words of LANES entries: ceil(limits.maxM / LANES)' },
    { name: 'THETA_W', value: params.thetaW, description: 'θ width: bitsFor(limits.maxTheta)' },
    { name: 'W_BANKS', value: params.weightBanks, description: '1, or 2: cfg_wbank may pick the upper halves of the weight and start/θ memories (buffers.banks)' },
    { name: 'SHIFT_ADD', value: params.shiftAdd ? 1 : 0, description: '1: one add of w·2^b per set bit b of a level (snn.shiftAdd); 0: one add of w per spike' },
    { name: 'KW', value: widths.kw, description: 'derived: input address bits, clog2(MAX_EVENTS)' },
    { name: 'K_W', value: widths.countBits, description: 'derived: bits of K and of event counts 0..MAX_EVENTS' },
    { name: 'W_AW', value: widths.weightAddressBits, description: 'derived: weight address bits' },
    { name: 'BT_AW', value: widths.btAddressBits, description: 'derived: bias/θ address bits' },
    { name: 'G_W', value: widths.groupBits, description: 'derived: bits of the group count 0..BT_DEPTH' },
    { name: 'LANE_W', value: widths.laneBits, description: 'derived: bits of a lane count 0..LANES' },
  ];
}

function ports(params: SnnCoreParams, widths: SnnCoreWidths): PortSpec[] {
  const { lanes } = params;
  return [
    port('clk', 'input', 1, 'clock', 'clock, rising edge'),
    port('rst', 'input', 1, 'reset', 'synchronous reset, active high'),
    port('cfg_groups', 'input', widths.groupBits, 'config', 'G = ceil(M / LANES): lane groups per column, ≥ 1'),
    port('cfg_last_lanes', 'input', widths.laneBits, 'config', 'outputs in the last group, 1..LANES'),
    port('cfg_k', 'input', widths.countBits, 'config', 'K: the weight-address stride of a group'),
    port('cfg_t', 'input', 8, 'config', 'T: largest output level, 1..255'),
    port('cfg_wbank', 'input', 1, 'config', WEIGHT_BANK_PORT_DESCRIPTION),
    port('w_wr_en', 'input', 1, 'load', 'write a weight word'),
    port('w_wr_addr', 'input', widths.weightAddressBits, 'load', 'weight word g·K + k'),
    port('w_wr_data', 'input', lanes * 8, 'load', 'W[g·LANES + l, k] at lane l, zero past M'),
    port('bt_wr_en', 'input', 1, 'load', 'write a start/θ word'),
    port('bt_wr_addr', 'input', widths.btAddressBits, 'load', 'start/θ word g'),
    port('bt_wr_start', 'input', lanes * params.accW, 'load', 'membrane start b + floor(θ/2) of output g·LANES + l at lane l'),
    port('bt_wr_theta', 'input', lanes * params.thetaW, 'load', 'θ (1..limits.maxTheta) of output g·LANES + l at lane l'),
    port('in_valid', 'input', 1, 'stream-in', 'an input event is offered'),
    port('in_ready', 'output', 1, 'stream-in', 'the core takes it this cycle (the fill bank is not complete)'),
    port('in_addr', 'input', widths.kw, 'stream-in', 'input k of the event'),
    port('in_level', 'input', 8, 'stream-in', 'x[k] ≠ 0: spikes of input k; 0 only on the terminator of an empty column'),
    port('in_last', 'input', 1, 'stream-in', "the column's last beat"),
    ...levelStreamOutPorts(),
    port('cnt_snn_add', 'output', COUNTER_BITS, 'counter', 'membrane additions of valid lanes: M·S[n] per column'),
    port('cnt_spike', 'output', COUNTER_BITS, 'counter', 'spikes generated: G·S[n] per column (regenerated for every lane group)'),
    port('cnt_fire', 'output', COUNTER_BITS, 'counter', 'output spikes: Σ y per column'),
    port('cnt_sram_byte', 'output', COUNTER_BITS, 'counter', 'bytes written to or read from the core memories (spec.md, "Counters")'),
    port('cnt_busy', 'output', COUNTER_BITS, 'counter', 'cycles with work in flight'),
  ];
}

export interface SnnCoreOptions {
  /** Names the design in the file header. */
  readonly configHash: string;
}

export function generateSnnCoreFromParams(params: SnnCoreParams, options: SnnCoreOptions): ModuleDescription {
  checkParams(params);
  const widths = snnCoreWidths(params);
  const text = renderVerilog('hwgen/modules/snn-core/snn_core.v.hbs', { ...params, shiftAdd: params.shiftAdd ? 1 : 0 }, {
    file: SNN_CORE_FILE,
    configHash: options.configHash,
    summary: 'SNN accumulate-and-fire core: bundled address events, one weight fetch per event, additions only, serial fire',
  });
  const fire = generateSerialFire({ lanes: params.lanes, accW: params.accW, thetaW: params.thetaW, configHash: options.configHash });
  return {
    name: SNN_CORE_MODULE,
    description: 'Accumulates bundled address events into LANES membranes per cycle (one weight fetch per event), then fires them one lane per cycle through the serial QCFS stage',
    parameters: parameters(params, widths),
    ports: ports(params, widths),
    files: [{ name: SNN_CORE_FILE, text }],
    submodules: [fire],
  };
}

export function generateSnnCore(accelerator: Accelerator): ModuleDescription {
  return generateSnnCoreFromParams(snnCoreParams(accelerator), { configHash: accelerator.hash });
}
