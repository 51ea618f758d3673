/**
 * Co-simulation of hwgen_ann_core: writes a layer's memories and stream as $readmemh files
 * (hwgen/modules/ann-core/arch.ts), runs the generated RTL under hwgen/modules/ann-core/ann_core_tb.v.hbs on
 * Verilator or Icarus, and reads back the output levels, the cycle count and the event counters.
 * Memory contents and cfg_* values travel as files and plusargs, so one build serves every layer
 * that fits it: only a new configuration (or testbench capacity) rebuilds.
 */
import type { Accelerator } from '../../config/load-config.ts';
import { ANN_CORE_MODULE, generateAnnCoreFromParams } from './generator.ts';
import { type AnnCoreGeometry, type AnnCoreParams, annCoreGeometry, annCoreParams, biasThetaWords, inputBeats, weightWords } from './arch.ts';
import { BIAS_BITS, THETA_BITS } from '../../arch/widths.ts';
import type { ModuleDescription } from '../../arch/module.ts';
import { renderVerilog } from '../../generate/render.ts';
import { clog2 } from '../../arch/math.ts';
import { Rng } from '../../util/rng.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { hexLines } from '../../arch/packing.ts';
import { type CoreCosimResult, type CoreCounters, type CosimRunOptions, type PreparedRun, simulateCore } from '../../../testbench/core-cosim.ts';

export const ANN_CORE_TB_MODULE = `${ANN_CORE_MODULE}_tb`;
/** Input beats one testbench build holds by default (columns × J per run). */
export const DEFAULT_IN_DEPTH = 1 << 16;
/** Entries of the random gap pattern; it repeats, indexed by beat and by cycle. */
export const GAP_DEPTH = 4096;
/** Highest idle gap between input beats in +gaps=1 mode. */
const MAX_INPUT_GAP = 3;

/** The core's sizes, from an accelerator config or given directly. */
export type AnnCoreTarget = { readonly accelerator: Accelerator } | { readonly params: AnnCoreParams; readonly configHash?: string };

export type AnnCoreCosimOptions = AnnCoreTarget & CosimRunOptions & {
  /** Capacity of the testbench's input memory in beats (a power of two); part of the build. */
  readonly inDepth?: number;
};

export type AnnCoreCounters = CoreCounters;
export type AnnCoreCosimResult = CoreCosimResult;

function resolveTarget(target: AnnCoreTarget): { params: AnnCoreParams; configHash: string } {
  if ('accelerator' in target) return { params: annCoreParams(target.accelerator), configHash: target.accelerator.hash };
  return { params: target.params, configHash: target.configHash ?? '0'.repeat(64) };
}

/** The testbench for a core description: declarations and the instance come from its ports. */
export function renderAnnCoreTestbench(core: ModuleDescription, inDepth: number, configHash: string): string {
  if (inDepth < 2 || 2 ** clog2(inDepth) !== inDepth) throw new RangeError(`inDepth must be a power of two ≥ 2, got ${inDepth}`);
  const widths = Object.fromEntries(core.ports.map((p) => [p.name, p.width]));
  const context = {
    tbName: ANN_CORE_TB_MODULE,
    dut: core.name,
    parameters: core.parameters,
    ports: core.ports,
    widths,
    inDepth,
    gapDepth: GAP_DEPTH,
    inAw: clog2(inDepth),
    gapAw: clog2(GAP_DEPTH),
  };
  return renderVerilog('hwgen/modules/ann-core/ann_core_tb.v.hbs', context, {
    file: `${ANN_CORE_TB_MODULE}.v`,
    configHash,
    summary: 'testbench of hwgen_ann_core: $readmemh stimulus, exact cycle count, counters',
  });
}

/** Per beat: idle cycles before the next beat (bits 3:0); per cycle: an output stall (bit 4). */
export function gapPattern(seed: number): bigint[] {
  const rng = new Rng(seed);
  return Array.from({ length: GAP_DEPTH }, () => {
    const gap = rng.nextFloat() < 0.6 ? 0 : rng.nextInt(1, MAX_INPUT_GAP);
    const stall = rng.nextFloat() < 0.35 ? 1 : 0;
    return BigInt((stall << 4) | gap);
  });
}

/** A generous cycle limit for the watchdog, independent of the cost model under test. */
function watchdogCycles(geometry: AnnCoreGeometry, params: AnnCoreParams, columns: number, gaps: boolean): number {
  const perGroup = geometry.chunks + 2 * params.rows + 260;
  const perColumn = geometry.chunks + geometry.groups * perGroup;
  return (columns * perColumn + 100) * (gaps ? 3 * (MAX_INPUT_GAP + 1) : 2);
}

/** The stimulus files (by name in workDir) and the plusargs that name them and set cfg_*. */
function stimulus(options: AnnCoreCosimOptions, params: AnnCoreParams, geometry: AnnCoreGeometry): Pick<PreparedRun, 'inputs' | 'plusargs'> {
  const { layer, columns } = options;
  const weights = weightWords(layer, params, geometry);
  const biasTheta = biasThetaWords(layer, params, geometry).map(({ bias, theta }) => (theta << BigInt(params.rows * BIAS_BITS)) | bias);
  const beats = inputBeats(layer, columns, params, geometry);
  const inputs: Record<string, string> = {
    'weights.hex': hexLines(weights, params.rows * params.cols * 8),
    'bias_theta.hex': hexLines(biasTheta, params.rows * (BIAS_BITS + THETA_BITS)),
    'input.hex': hexLines(beats, params.cols * 8),
  };
  const plusargs: Record<string, string | number> = {
    weights: 'weights.hex',
    bias_theta: 'bias_theta.hex',
    input: 'input.hex',
    out: 'out.hex',
    result: 'result.txt',
    w_words: weights.length,
    bt_words: biasTheta.length,
    beats: beats.length,
    outputs: columns.length * layer.M,
    levels: layer.M,
    groups: geometry.groups,
    chunks: geometry.chunks,
    last_rows: geometry.lastRows,
    last_cols: geometry.lastCols,
    t: layer.T,
    gaps: options.gaps === undefined ? 0 : 1,
    max_cycles: watchdogCycles(geometry, params, columns.length, options.gaps !== undefined),
  };
  if (options.gaps !== undefined) {
    inputs['gaps.hex'] = hexLines(gapPattern(options.gaps.seed), 5);
    plusargs.gap_file = 'gaps.hex';
  }
  return { inputs, plusargs };
}

export async function runAnnCoreCosim(options: AnnCoreCosimOptions): Promise<AnnCoreCosimResult> {
  const { params, configHash } = resolveTarget(options);
  const { layer, columns } = options;
  if (columns.length === 0) throw new RangeError('runAnnCoreCosim needs at least one column');
  const geometry = annCoreGeometry(layer, params);
  const inDepth = options.inDepth ?? DEFAULT_IN_DEPTH;
  if (columns.length * geometry.chunks > inDepth) {
    throw new RangeError(`${columns.length} columns of ${geometry.chunks} beats exceed the testbench's ${inDepth} input beats (inDepth)`);
  }
  const core = generateAnnCoreFromParams(params, configHash);
  const testbench = renderAnnCoreTestbench(core, inDepth, configHash);
  return simulateCore(options, { core, testbenchModule: ANN_CORE_TB_MODULE, testbench, ...stimulus(options, params, geometry) });
}
