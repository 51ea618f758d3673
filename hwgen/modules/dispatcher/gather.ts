/**
 * The dispatcher's output gatherer (hwgen/modules/dispatcher/dispatcher_output_gather.v.hbs, module hwgen_output_gather):
 * one bank per core, written in stream order; `fin` when the core's list is complete (spec.md beside this file).
 */
import type { Accelerator } from '../../config/load-config.ts';
import { type GatherParams, gatherReadWords } from './arch.ts';
import { type ModuleDescription, type ParameterSpec, type PortSpec, port } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { bitsFor, clog2 } from '../../arch/math.ts';
import { COUNTER_BITS } from '../../arch/widths.ts';

export const GATHER_MODULE = 'hwgen_output_gather';
export const GATHER_FILE = `${GATHER_MODULE}.v`;

function parameters(params: GatherParams): ParameterSpec[] {
  return [
    { name: 'DEPTH', value: params.depth, description: 'output levels one bank holds (buffers.outputBytes)' },
    { name: 'SCHED_DEPTH', value: params.schedDepth, description: 'longest column list (buffers.scheduleEntries)' },
    { name: 'RD_W', value: params.readLevels, description: 'levels per host read (buffers.drainBytes), a power of two' },
    { name: 'BANKS', value: params.banks, description: '1, or 2: the host drains one bank while a run writes the other (buffers.banks)' },
  ];
}

function ports(params: GatherParams): PortSpec[] {
  return [
    port('clk', 'input', 1, 'clock', 'clock, rising edge'),
    port('rst', 'input', 1, 'reset', 'synchronous reset, active high'),
    port('cfg_entries', 'input', bitsFor(params.schedDepth), 'config', 'columns of this core\'s list'),
    port('start', 'input', 1, 'status', 'one-cycle pulse: the bank fills from level 0'),
    port('bank', 'input', 1, 'config', 'at start: the bank the run writes; otherwise the bank rd_addr reads'),
    port('in_valid', 'input', 1, 'stream-in', 'the core\'s out_valid (out_ready tied high)'),
    port('in_level', 'input', 8, 'stream-in', 'the core\'s out_level'),
    port('in_last', 'input', 1, 'stream-in', 'the core\'s out_last'),
    port('rd_addr', 'input', clog2(gatherReadWords(params)), 'load', 'host read address: word of RD_W levels'),
    port('rd_data', 'output', 8 * params.readLevels, 'load', 'the RD_W levels of word rd_addr, one cycle later, the first in the low byte'),
    port('fin', 'output', 1, 'status', 'every column of the list is written'),
    port('cnt_levels', 'output', COUNTER_BITS, 'counter', 'levels written'),
  ];
}

export function generateOutputGather(params: GatherParams, configHash: string): ModuleDescription {
  for (const [name, value] of Object.entries(params)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${GATHER_MODULE}: ${name} must be a positive integer, got ${value}`);
  }
  const text = renderVerilog('hwgen/modules/dispatcher/dispatcher_output_gather.v.hbs', { ...params }, {
    file: GATHER_FILE,
    configHash,
    summary: 'dispatcher output gatherer: one core\'s output levels into its bank, in stream order',
  });
  return { name: GATHER_MODULE, description: 'writes a core\'s output levels to its bank and signals the end of its column list', parameters: parameters(params), ports: ports(params), files: [{ name: GATHER_FILE, text }], submodules: [] };
}
