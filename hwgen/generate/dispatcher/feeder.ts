/**
 * The dispatcher's column feeder (templates/dispatcher_column_feeder.v.hbs, module hwgen_column_feeder):
 * its parameters for each kind of core, its generator, and a cycle-exact TypeScript model of the words it
 * offers and when (spec.md beside this file, "The feeder").
 */
import type { Accelerator } from '../../config/load-config.ts';
import { addressBits, snnCoreParams } from '../snn-core/layout.ts';
import { type ModuleDescription, type ParameterSpec, type PortSpec, port } from '../module.ts';
import { renderVerilog } from '../render.ts';
import { bitsFor, clog2 } from '../verilog-math.ts';

export const FEEDER_MODULE = 'hwgen_column_feeder';
export const FEEDER_FILE = `${FEEDER_MODULE}.v`;
export const FEEDER_TEMPLATE = 'templates/dispatcher_column_feeder.v.hbs';
/** Cycles from `start` to the first word offered: a schedule read, then a data read. */
export const FEEDER_LATENCY = 2;
const COUNTER_BITS = 48;

export interface FeederParams {
  /** WORD_W: bits per replica word (ANN: 8·ann.cols; SNN: KW + 8). */
  readonly wordBits: number;
  /** DEPTH: replica words. */
  readonly depth: number;
  /** SCHED_DEPTH: schedule entries. */
  readonly schedDepth: number;
}

/** The feeder of an ANN array (dense words) or an SNN core (events {k, x}) on this design. */
export function feederParams(accelerator: Accelerator, kind: 'ann' | 'snn'): FeederParams {
  const { ann, buffers } = accelerator.config;
  if (kind === 'ann') {
    return { wordBits: 8 * ann.cols, depth: Math.max(1, Math.floor(buffers.activationBytes / ann.cols)), schedDepth: buffers.scheduleEntries };
  }
  return { wordBits: addressBits(snnCoreParams(accelerator)) + 8, depth: buffers.activationBytes, schedDepth: buffers.scheduleEntries };
}

export interface FeederWidths {
  readonly addressBits: number;
  readonly countBits: number;
  readonly schedAddressBits: number;
  readonly entryBits: number;
}

export function feederWidths(params: FeederParams): FeederWidths {
  return {
    addressBits: clog2(params.depth),
    countBits: bitsFor(params.depth),
    schedAddressBits: clog2(params.schedDepth),
    entryBits: bitsFor(params.schedDepth),
  };
}

/** A schedule entry: `count` words from word `base`. */
export interface FeederEntry {
  readonly base: number;
  readonly count: number;
}

/** The entry as written to the schedule memory: {count, base}, base in the low address bits. */
export function packEntry(entry: FeederEntry, params: FeederParams): bigint {
  const { addressBits: aw, countBits: cw } = feederWidths(params);
  if (!Number.isInteger(entry.count) || entry.count < 1 || entry.count >= 2 ** cw) throw new RangeError(`feeder entry: count must be 1..${2 ** cw - 1}, got ${entry.count}`);
  if (!Number.isInteger(entry.base) || entry.base < 0 || entry.base + entry.count > params.depth) {
    throw new RangeError(`feeder entry: words ${entry.base}..${entry.base + entry.count - 1} are outside the ${params.depth}-word replica`);
  }
  return (BigInt(entry.count) << BigInt(aw)) | BigInt(entry.base);
}

function checkParams(params: FeederParams): void {
  for (const [name, value] of Object.entries(params)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${FEEDER_MODULE}: ${name} must be a positive integer, got ${value}`);
  }
}

function parameters(params: FeederParams): ParameterSpec[] {
  return [
    { name: 'WORD_W', value: params.wordBits, description: 'bits per replica word (ANN: 8·ann.cols, SNN: KW + 8)' },
    { name: 'DEPTH', value: params.depth, description: 'replica words' },
    { name: 'SCHED_DEPTH', value: params.schedDepth, description: 'schedule entries (buffers.scheduleEntries)' },
  ];
}

function ports(params: FeederParams): PortSpec[] {
  const w = feederWidths(params);
  return [
    port('clk', 'input', 1, 'clock', 'clock, rising edge'),
    port('rst', 'input', 1, 'reset', 'synchronous reset, active high'),
    port('cfg_entries', 'input', w.entryBits, 'config', 'length of this core\'s column list, 0..SCHED_DEPTH'),
    port('start', 'input', 1, 'status', 'one-cycle pulse: walk the list from entry 0'),
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

/** One word the feeder delivers: replica address, column-last flag, and the cycle it moved (start = cycle 0). */
export interface FeederBeat {
  readonly addr: number;
  readonly last: boolean;
  readonly cycle: number;
}

/**
 * Cycle-exact model of the feeder after `start` in cycle 0, with `ready(t)` the consumer's out_ready in
 * cycle t. Mirrors the RTL register by register (spec.md): a data read is issued when the output register
 * is empty or moves this cycle, the next schedule entry is read when the current one is taken.
 */
export function modelFeeder(entries: readonly FeederEntry[], ready: (cycle: number) => boolean, maxCycles = 1_000_000): FeederBeat[] {
  const total = entries.reduce((sum, e) => sum + e.count, 0);
  const beats: FeederBeat[] = [];
  let sp = 0;
  let sqValid = false;
  let sq: FeederEntry = { base: 0, count: 0 };
  let cur: FeederEntry | undefined;
  let out: { addr: number; last: boolean } | undefined;
  for (let t = 0; beats.length < total; t += 1) {
    if (t > maxCycles) throw new Error(`feeder model: ${beats.length} of ${total} words after ${maxCycles} cycles`);
    const start = t === 0;
    const r = ready(t);
    const moved = out !== undefined && r;
    if (moved && out !== undefined) beats.push({ addr: out.addr, last: out.last, cycle: t });
    const have = cur !== undefined || sqValid;
    const issue = have && (out === undefined || r);
    const source = cur ?? sq;
    const take = issue && cur === undefined;
    const sIssue = start ? entries.length > 0 : sp < entries.length && (!sqValid || take);
    // Next state.
    let nextOut = moved ? undefined : out;
    let nextCur = cur;
    if (issue) {
      nextOut = { addr: source.base, last: source.count === 1 };
      nextCur = source.count > 1 ? { base: source.base + 1, count: source.count - 1 } : undefined;
    }
    if (sIssue) {
      sq = entries[start ? 0 : sp] as FeederEntry;
      sqValid = true;
      sp = start ? 1 : sp + 1;
    } else if (take || start) {
      sqValid = false;
    }
    cur = nextCur;
    out = nextOut;
  }
  return beats;
}
