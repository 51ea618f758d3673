/**
 * The dispatcher's column feeder (hwgen/modules/dispatcher/dispatcher_column_feeder.v.hbs, module hwgen_column_feeder):
 * its generator (parameters and widths are in arch.ts, the cycle-exact model in timing.ts; spec.md, "The feeder").
 */
import type { Accelerator } from '../../config/load-config.ts';
import { type FeederParams, feederWidths } from './arch.ts';
import { type ModuleDescription, type ParameterSpec, type PortSpec, port } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { bitsFor, clog2 } from '../../arch/math.ts';
import { COUNTER_BITS } from '../../arch/widths.ts';

export const FEEDER_MODULE = 'hwgen_column_feeder';
export const FEEDER_FILE = `${FEEDER_MODULE}.v`;
export const FEEDER_TEMPLATE = 'hwgen/modules/dispatcher/dispatcher_column_feeder.v.hbs';

function checkParams(params: FeederParams): void {
  for (const [name, value] of Object.entries(params)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${FEEDER_MODULE}: ${name} must be a positive integer, got ${value}`);
  }
}

function parameters(params: FeederParams): ParameterSpec[] {
  return [
    { name: 'WORD_W', value: params.wordBits, description: 'bits per replica word (ANN: 8·ann.cols, SNN: KW + 8)' },
    { name: 'DEPTH', value: params.depth, description: 'replica words' },
    { name: 'SCHED_DEPTH', value: params.schedDepth, description: 'schedule entries of one bank (buffers.scheduleEntries / banks)' },
    { name: 'BANKS', value: params.banks, description: '1, or 2: the host loads one bank while the other is walked (buffers.banks)' },
  ];
}

function ports(params: FeederParams): PortSpec[] {
  const w = feederWidths(params);
  return [
    port('clk', 'input', 1, 'clock', 'clock, rising edge'),
    port('rst', 'input', 1, 'reset', 'synchronous reset, active high'),
    port('cfg_entries', 'input', w.entryBits, 'config', 'length of this core\'s column list, 0..SCHED_DEPTH'),
    port('start', 'input', 1, 'status', 'one-cycle pulse: walk the list from entry 0'),
    port('bank', 'input', 1, 'config', 'the bank loads write; at start, the bank the walk reads'),
    port('sched_wr_en', 'input', 1, 'load', 'write a schedule entry'),
    port('sched_wr_addr', 'input', w.schedAddressBits, 'load', 'entry index in the list'),
    port('sched_wr_data', 'input', w.countBits + w.addressBits, 'load', '{count, base}: count words from word base'),
    port('data_wr_en', 'input', 1, 'load', 'write a replica word'),
    port('data_wr_addr', 'input', w.addressBits, 'load', 'replica word address'),
    port('data_wr_data', 'input', params.wordBits, 'load', 'replica word'),
    port('out_valid', 'output', 1, 'stream-out', 'a word is offered'),
    port('out_ready', 'input', 1, 'stream-out', 'the core takes it this cycle'),
    port('out_data', 'output', params.wordBits, 'stream-out', 'the word'),
    port('out_last', 'output', 1, 'stream-out', 'the last word of a column'),
    port('cnt_words', 'output', COUNTER_BITS, 'counter', 'replica words read (= delivered)'),
    port('cnt_entries', 'output', COUNTER_BITS, 'counter', 'schedule entries read'),
  ];
}

export function generateColumnFeeder(params: FeederParams, configHash: string): ModuleDescription {
  checkParams(params);
  const text = renderVerilog(FEEDER_TEMPLATE, { ...params }, {
    file: FEEDER_FILE,
    configHash,
    summary: 'dispatcher column feeder: one core\'s column list from its schedule memory and activation replica',
  });
  return {
    name: FEEDER_MODULE,
    description: 'streams the words of a static column list, one per cycle to a ready core, with a column-last flag',
    parameters: parameters(params),
    ports: ports(params),
    files: [{ name: FEEDER_FILE, text }],
    submodules: [],
  };
}

