/**
 * Co-simulation of the dispatcher's column feeder (hwgen_column_feeder) against its TypeScript model
 * (`modelFeeder`): the same words, the same column-last flags, in the same cycles, under any out_ready pattern.
 */
import { CheckError } from '../../errors.ts';
import { type FeederBeat } from './timing.ts';
import { type FeederEntry, type FeederParams, feederWidths, packEntry } from './arch.ts';
import { generateColumnFeeder } from './feeder.ts';
import type { ModuleDescription } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { hexLines } from '../../arch/packing.ts';
import { cosimulate } from '../../../testbench/harness.ts';

export const FEEDER_TB_MODULE = 'hwgen_column_feeder_tb';
/** Longest out_ready pattern the testbench holds (it repeats). */
export const MAX_READY = 256;

export function renderFeederTestbench(feeder: ModuleDescription, params: FeederParams, configHash: string): string {
  return renderVerilog('hwgen/modules/dispatcher/dispatcher_column_feeder_tb.v.hbs', { tbModule: FEEDER_TB_MODULE, ...params, ...feederWidths(params), maxReady: MAX_READY }, {
    file: `${FEEDER_TB_MODULE}.v`,
    configHash,
    summary: `testbench of ${feeder.name}: schedule and replica loads, out_ready pattern, words with their cycles`,
  });
}

export interface FeederCosimOptions {
  readonly params: FeederParams;
  /** The replica's words (at most params.depth). */
  readonly data: readonly bigint[];
  /** The column list (cfg_entries = its length). */
  readonly entries: readonly FeederEntry[];
  /** out_ready in run cycle t is ready[t mod length] (1..MAX_READY bits). */
  readonly ready: readonly boolean[];
  readonly simulator: SimulatorName;
  readonly workDir: string;
  readonly cacheDir?: string;
}

export interface FeederWord extends FeederBeat {
  readonly data: bigint;
}

export interface FeederCosimResult {
  readonly words: FeederWord[];
  readonly cntWords: number;
  readonly cntEntries: number;
}

/** One out.txt line, `<word hex> <last> <cycle>`; addr is the word's place in the replica. */
function parseWord(line: string, data: readonly bigint[]): FeederWord {
  const [hex, last, cycle] = line.split(/\s+/);
  const value = BigInt(`0x${hex}`);
  return { data: value, addr: data.indexOf(value), last: last === '1', cycle: Number(cycle) };
}

export async function runFeederCosim(options: FeederCosimOptions): Promise<FeederCosimResult> {
  const { params } = options;
  if (options.ready.length < 1 || options.ready.length > MAX_READY) throw new RangeError(`ready pattern: 1..${MAX_READY} bits, got ${options.ready.length}`);
  const feeder = generateColumnFeeder(params, '0'.repeat(64));
  const widths = feederWidths(params);
  // $readmemh needs at least one word in each file.
  const sched = options.entries.length > 0 ? options.entries.map((e) => packEntry(e, params)) : [0n];
  const data = options.data.length > 0 ? [...options.data] : [0n];
  const beats = options.entries.reduce((sum, e) => sum + e.count, 0);
  const sim = await cosimulate({
    simulator: options.simulator,
    workDir: options.workDir,
    design: [feeder],
    testbench: { module: FEEDER_TB_MODULE, text: renderFeederTestbench(feeder, params, '0'.repeat(64)) },
    inputs: {
      'sched.hex': hexLines(sched, widths.countBits + widths.addressBits),
      'data.hex': hexLines(data, params.wordBits),
      'ready.hex': hexLines(options.ready.map((r) => (r ? 1n : 0n)), 1),
    },
    plusargs: {
      sched: 'sched.hex', data: 'data.hex', ready: 'ready.hex', out: 'out.txt', result: 'result.txt',
      n_sched: sched.length, entries: options.entries.length, n_data: data.length, n_beats: beats, n_ready: options.ready.length,
      max_cycles: 100 + sched.length + data.length + 4 * beats * options.ready.length,
    },
    timeoutMs: 300_000,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
  });
  const { file, values } = await sim.keyValues('result.txt');
  if (values['protocol_errors'] !== 0n) throw new CheckError(`${file}: a stalled word changed or vanished ${values['protocol_errors']} times`);
  if (values['extra_valid'] !== 0n) throw new CheckError(`${file}: a word was offered after the list's ${beats} words`);
  const words = (await sim.lines('out.txt')).map((line) => parseWord(line, data));
  return { words, cntWords: Number(values['cnt_words'] ?? -1n), cntEntries: Number(values['cnt_entries'] ?? -1n) };
}
