/**
 * Co-simulation of hwgen_snn_core: writes a layer's memories and event stream as $readmemh files
 * (hwgen/modules/snn-core/arch.ts), runs the generated RTL under hwgen/modules/snn-core/snn_core_tb.v.hbs on
 * Verilator or Icarus, and reads back the output levels, the cycle count and the event counters.
 * Memory contents and cfg_* values travel as files and plusargs, so one build serves every layer
 * that fits it: only a new configuration (or testbench capacity) rebuilds.
 */
import type { Accelerator } from '../../config/load-config.ts';
import { SNN_CORE_MODULE, generateSnnCoreFromParams, snnCoreWidths } from './generator.ts';
import { type SnnCoreGeometry, type SnnCoreParams, beatBits, packBeat, snnColumnEvents, snnCoreGeometry, snnCoreParams, startThetaWords, weightWords } from './arch.ts';
import type { ModuleDescription } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { clog2 } from '../../arch/math.ts';
import { Rng } from '../../util/rng.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { hexLines } from '../../arch/packing.ts';
import { type CoreCosimResult, type CoreCounters, type CosimRunOptions, type PreparedRun, simulateCore } from '../../../testbench/core-cosim.ts';

export const SNN_CORE_TB_MODULE = `${SNN_CORE_MODULE}_tb`;
/** Input beats one testbench build holds unless a run needs more (then the next power of two). */
export const DEFAULT_MAX_BEATS = 1 << 16;
/** Entries of the random output-stall pattern; it repeats, indexed by cycle. */
export const STALL_DEPTH = 4096;
/** Highest idle gap before an input beat in +gaps=1 mode. */
const MAX_INPUT_GAP = 3;
/** Highest fire time of a group: T ≤ 255 fire cycles plus the check cycle. */
const MAX_FIRE_CYCLES = 256;

/** The core's sizes, from an accelerator config or given directly. */
export type SnnCoreTarget = { readonly accelerator: Accelerator } | { readonly params: SnnCoreParams; readonly configHash?: string };

export type SnnCoreCosimOptions = SnnCoreTarget & CosimRunOptions & {
  /** Capacity of the testbench's beat memory (a power of two); part of the build. */
  readonly maxBeats?: number;
};

export type SnnCoreCounters = CoreCounters;
export type SnnCoreCosimResult = CoreCosimResult;

export function resolveSnnTarget(target: SnnCoreTarget): { params: SnnCoreParams; configHash: string } {
  if ('accelerator' in target) return { params: snnCoreParams(target.accelerator), configHash: target.accelerator.hash };
  return { params: target.params, configHash: target.configHash ?? '0'.repeat(64) };
}

/** The testbench for a core description: its widths come from the description's parameters. */
export function renderSnnCoreTestbench(core: ModuleDescription, params: SnnCoreParams, maxBeats: number, configHash: string): string {
  if (maxBeats < 2 || 2 ** clog2(maxBeats) !== maxBeats) throw new RangeError(`maxBeats must be a power of two ≥ 2, got ${maxBeats}`);
  const context = {
    tbModule: SNN_CORE_TB_MODULE,
    ...params,
    ...snnCoreWidths(params),
    thetaBits: params.thetaW,
    maxBeats,
    stallDepth: STALL_DEPTH,
  };
  return renderVerilog('hwgen/modules/snn-core/snn_core_tb.v.hbs', context, {
    file: `${SNN_CORE_TB_MODULE}.v`,
    configHash,
    summary: `testbench of ${core.name}: $readmemh stimulus, exact cycle count, counters`,
  });
}

/** Idle cycles before each input beat: none for 60 % of the beats, else 1..MAX_INPUT_GAP. */
export function inputGaps(seed: number, beats: number): bigint[] {
  const rng = new Rng(seed);
  return Array.from({ length: beats }, () => BigInt(rng.nextFloat() < 0.6 ? 0 : rng.nextInt(1, MAX_INPUT_GAP)));
}

/** Output stalls, one bit per cycle (1: out_ready low), 35 % of the cycles. */
export function outputStalls(seed: number): bigint[] {
  const rng = new Rng(seed ^ 0x5a5a5a5a);
  return Array.from({ length: STALL_DEPTH }, () => (rng.nextFloat() < 0.35 ? 1n : 0n));
}

/** A generous cycle limit for the watchdog, independent of the cost model under test. */
function watchdogCycles(layer: GemmLayer, columns: readonly number[], params: SnnCoreParams, geometry: SnnCoreGeometry, beats: number, gaps: boolean): number {
  let cycles = 100 + geometry.groups * layer.K + geometry.groups + beats * (MAX_INPUT_GAP + 1);
  for (const n of columns) {
    let spikes = 1;
    for (let k = 0; k < layer.K; k++) spikes += layer.input[k * layer.N + n] ?? 0;
    cycles += geometry.groups * (spikes + MAX_FIRE_CYCLES + 2 * params.lanes + 8) * (gaps ? 3 : 1);
  }
  return cycles;
}

function beatCapacity(requested: number | undefined, beats: number): number {
  if (requested !== undefined) {
    if (beats > requested) throw new RangeError(`${beats} input beats exceed the testbench's ${requested} (maxBeats)`);
    return requested;
  }
  return Math.max(DEFAULT_MAX_BEATS, 2 ** clog2(beats));
}

/** The stimulus files (by name in workDir) and the plusargs that name them and set cfg_*. */
function stimulus(options: SnnCoreCosimOptions, params: SnnCoreParams, geometry: SnnCoreGeometry, beats: readonly bigint[]): Pick<PreparedRun, 'inputs' | 'plusargs'> {
  const { layer, columns } = options;
  const weights = weightWords(layer, params, geometry);
  const startTheta = startThetaWords(layer, params, geometry);
  const inputs: Record<string, string> = {
    'weights.hex': hexLines(weights, params.lanes * 8),
    'start.hex': hexLines(startTheta.map((word) => word.start), params.lanes * params.accW),
    'theta.hex': hexLines(startTheta.map((word) => word.theta), params.lanes * params.thetaW),
    'beats.hex': hexLines(beats, beatBits(params)),
  };
  const plusargs: Record<string, string | number> = {
    w: 'weights.hex',
    start: 'start.hex',
    theta: 'theta.hex',
    beats: 'beats.hex',
    out: 'out.hex',
    result: 'result.txt',
    n_w: weights.length,
    n_bt: startTheta.length,
    n_beats: beats.length,
    n_out: columns.length * layer.M,
    m: layer.M,
    groups: geometry.groups,
    last_lanes: geometry.lastLanes,
    k: geometry.k,
    t: layer.T,
    gaps: options.gaps === undefined ? 0 : 1,
    max_cycles: watchdogCycles(layer, columns, params, geometry, beats.length, options.gaps !== undefined),
  };
  if (options.gaps !== undefined) {
    inputs['gaps.hex'] = hexLines(inputGaps(options.gaps.seed, beats.length), 8);
    inputs['stalls.hex'] = hexLines(outputStalls(options.gaps.seed), 1);
    plusargs.gapfile = 'gaps.hex';
    plusargs.stallfile = 'stalls.hex';
  }
  return { inputs, plusargs };
}

/** Every beat of the run, column after column, packed as the testbench reads them. */
export function streamBeats(layer: GemmLayer, columns: readonly number[], params: SnnCoreParams): bigint[] {
  return columns.flatMap((n) => snnColumnEvents(layer, n).map((beat) => packBeat(beat, params)));
}

export async function runSnnCoreCosim(options: SnnCoreCosimOptions): Promise<SnnCoreCosimResult> {
  const { params, configHash } = resolveSnnTarget(options);
  const { layer, columns } = options;
  if (columns.length === 0) throw new RangeError('runSnnCoreCosim needs at least one column');
  const geometry = snnCoreGeometry(layer, params);
  const beats = streamBeats(layer, columns, params);
  const maxBeats = beatCapacity(options.maxBeats, beats.length);
  const core = generateSnnCoreFromParams(params, { configHash });
  const testbench = renderSnnCoreTestbench(core, params, maxBeats, configHash);
  return simulateCore(options, { core, testbenchModule: SNN_CORE_TB_MODULE, testbench, ...stimulus(options, params, geometry, beats) });
}
