/**
 * Co-simulation of one dispatcher lane, hwgen_column_feeder → core → hwgen_output_gather
 * (hwgen/modules/dispatcher/dispatcher_lane_tb.v.hbs): the host's layout of a layer (dense replica or event replica,
 * schedule entries {count, base}), the run from `start` to `fin`, and the bank read back in stream order.
 * dispatcher/spec.md claims `fin` rises in cycle FEEDER_LATENCY + predict*Core(...).cycles.
 */
import { generateAnnCoreFromParams } from '../ann-core/generator.ts';
import { type AnnCoreParams, annCoreGeometry, biasThetaWords as annBiasTheta, columnBeats, weightWords as annWeights } from '../ann-core/arch.ts';
import { type FeederEntry, type FeederParams, feederWidths, packEntry } from './arch.ts';
import { generateColumnFeeder } from './feeder.ts';
import { generateOutputGather } from './gather.ts';
import { type ModuleDescription, findPort } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { generateSnnCoreFromParams } from '../snn-core/generator.ts';
import { type SnnCoreParams, addressBits, snnColumnEvents, snnCoreGeometry, startThetaWords, weightWords as snnWeights } from '../snn-core/arch.ts';
import { clog2 } from '../../arch/math.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { hexLines } from '../../arch/packing.ts';
import { cosimulate } from '../../../testbench/harness.ts';
import { denseReplica, eventReplica, listEntries } from './arch.ts';

export const LANE_TB_MODULE = 'hwgen_dispatcher_lane_tb';
const HASH = '0'.repeat(64);

export type LaneCore = { readonly kind: 'ann'; readonly params: AnnCoreParams } | { readonly kind: 'snn'; readonly params: SnnCoreParams };

export interface LaneCosimOptions {
  readonly core: LaneCore;
  readonly layer: GemmLayer;
  /** The core's column list (at least one column). */
  readonly columns: readonly number[];
  readonly simulator: SimulatorName;
  readonly workDir: string;
  readonly cacheDir?: string;
}

export interface LaneCosimResult {
  /** Output levels in stream order: column columns[i] at [i·M, (i+1)·M). */
  readonly levels: Uint8Array;
  /** The first cycle fin is high, start = cycle 0. */
  readonly cycles: number;
  /** The core's counters over the run (loads excluded): ann_mac or snn_add/spike, fire, sram_byte, busy. */
  readonly core: Readonly<Record<string, number>>;
  readonly feeder: { readonly words: number; readonly entries: number };
  readonly gatheredLevels: number;
}

/** The host's replica and schedule for a layer: every column of the layer in the replica, the list in the schedule. */
export function laneLayout(core: LaneCore, layer: GemmLayer, columns: readonly number[]): { feeder: FeederParams; data: bigint[]; entries: FeederEntry[] } {
  const replica = core.kind === 'ann' ? denseReplica(layer, core.params) : eventReplica(layer, core.params);
  const wordBits = core.kind === 'ann' ? 8 * core.params.cols : addressBits(core.params) + 8;
  return { feeder: { wordBits, depth: replica.words.length, schedDepth: columns.length, banks: 1 }, data: replica.words, entries: listEntries(replica, columns) };
}

interface CoreStimulus {
  readonly module: ModuleDescription;
  readonly weights: bigint[];
  readonly bias: bigint[];
  readonly theta: bigint[];
  readonly cfg: [number, number, number, number];
}

function coreStimulus(core: LaneCore, layer: GemmLayer): CoreStimulus {
  if (core.kind === 'ann') {
    const g = annCoreGeometry(layer, core.params);
    const bt = annBiasTheta(layer, core.params, g);
    return {
      module: generateAnnCoreFromParams(core.params, HASH),
      weights: annWeights(layer, core.params, g),
      bias: bt.map((w) => w.bias),
      theta: bt.map((w) => w.theta),
      cfg: [g.groups, g.chunks, g.lastRows, g.lastCols],
    };
  }
  const g = snnCoreGeometry(layer, core.params);
  const bt = startThetaWords(layer, core.params, g);
  return {
    module: generateSnnCoreFromParams(core.params, { configHash: HASH }),
    weights: snnWeights(layer, core.params, g),
    bias: bt.map((w) => w.start),
    theta: bt.map((w) => w.theta),
    cfg: [g.groups, g.lastLanes, g.k, 0],
  };
}

export async function runLaneCosim(options: LaneCosimOptions): Promise<LaneCosimResult> {
  const { core, layer, columns, workDir } = options;
  if (columns.length === 0) throw new RangeError('runLaneCosim needs at least one column');
  const layout = laneLayout(core, layer, columns);
  const stim = coreStimulus(core, layer);
  const feeder = generateColumnFeeder(layout.feeder, HASH);
  const gather = generateOutputGather({ depth: columns.length * layer.M, schedDepth: columns.length, readLevels: 1, banks: 1 }, HASH);
  const fw = feederWidths(layout.feeder);
  const width = (name: string) => findPort(stim.module, name).width;
  const cfgNames = core.kind === 'ann' ? ['cfg_groups', 'cfg_chunks', 'cfg_last_rows', 'cfg_last_cols'] : ['cfg_groups', 'cfg_last_lanes', 'cfg_k', 'cfg_t'];
  const maxWords = 2 ** clog2(Math.max(stim.weights.length, stim.bias.length, layout.entries.length, layout.data.length, 2));
  const tb = renderVerilog('hwgen/modules/dispatcher/dispatcher_lane_tb.v.hbs', {
    tbModule: LANE_TB_MODULE,
    coreModule: stim.module.name,
    snn: core.kind === 'snn',
    kw: core.kind === 'snn' ? addressBits(core.params) : 0,
    ...layout.feeder,
    ...fw,
    outAddressBits: clog2(columns.length * layer.M),
    wAddrBits: width('w_wr_addr'),
    wDataBits: width('w_wr_data'),
    btAddrBits: width('bt_wr_addr'),
    biasBits: width(core.kind === 'ann' ? 'bt_wr_bias' : 'bt_wr_start'),
    thetaBits: width('bt_wr_theta'),
    cfg1Bits: width(cfgNames[0] as string),
    cfg2Bits: width(cfgNames[1] as string),
    cfg3Bits: width(cfgNames[2] as string),
    cfg4Bits: width(cfgNames[3] as string),
    maxWords,
  }, { file: `${LANE_TB_MODULE}.v`, configHash: HASH, summary: 'testbench of one dispatcher lane: feeder, core, output gatherer' });

  const biasBits = width(core.kind === 'ann' ? 'bt_wr_bias' : 'bt_wr_start');
  const thetaBits = width('bt_wr_theta');
  const beats = layout.entries.reduce((sum, e) => sum + e.count, 0);
  const sim = await cosimulate({
    simulator: options.simulator,
    workDir,
    design: [feeder, stim.module, gather],
    testbench: { module: LANE_TB_MODULE, text: tb },
    inputs: {
      'w.hex': hexLines(stim.weights, width('w_wr_data')),
      'bias.hex': hexLines(stim.bias, biasBits),
      'theta.hex': hexLines(stim.theta, thetaBits),
      'sched.hex': hexLines(layout.entries.map((e) => packEntry(e, layout.feeder)), fw.countBits + fw.addressBits),
      'data.hex': hexLines(layout.data, layout.feeder.wordBits),
    },
    plusargs: {
      w: 'w.hex', bias: 'bias.hex', theta: 'theta.hex', sched: 'sched.hex', data: 'data.hex', out: 'out.hex', result: 'result.txt',
      n_w: stim.weights.length, n_bt: stim.bias.length, n_sched: layout.entries.length, entries: columns.length, n_data: layout.data.length,
      n_out: columns.length * layer.M, cfg1: stim.cfg[0], cfg2: stim.cfg[1], cfg3: stim.cfg[2], cfg4: stim.cfg[3], t: layer.T,
      max_cycles: 1000 + stim.weights.length + stim.bias.length + layout.data.length + 2 * columns.length * layer.M + 4 * (beats + columns.length * (layer.M + 1) * (layer.T + 4) + beats * 256),
    },
    timeoutMs: 600_000,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
  });
  const result = await sim.keyValues('result.txt');
  const num = (name: string): number => result.number(name);
  const levels = Uint8Array.from(await sim.hexWords('out.hex'), Number);
  const coreCounters: Record<string, number> = core.kind === 'ann'
    ? { ann_mac: num('cnt_a'), fire: num('cnt_fire'), sram_byte: num('cnt_sram_byte') - num('load_sram_byte'), busy: num('cnt_busy') }
    : { snn_add: num('cnt_a'), spike: num('cnt_b'), fire: num('cnt_fire'), sram_byte: num('cnt_sram_byte') - num('load_sram_byte'), busy: num('cnt_busy') };
  return { levels, cycles: num('cycles'), core: coreCounters, feeder: { words: num('cnt_words'), entries: num('cnt_entries') }, gatheredLevels: num('cnt_levels') };
}
