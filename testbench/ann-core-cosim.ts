/**
 * Co-simulation of hwgen_ann_core: writes a layer's memories and stream as $readmemh files
 * (hwgen/generate/ann-core/layout.ts), runs the generated RTL under testbench/ann_core_tb.v.hbs on
 * Verilator or Icarus, and reads back the output levels, the cycle count and the event counters.
 * Memory contents and cfg_* values travel as files and plusargs, so one build serves every layer
 * that fits it: only a new configuration (or testbench capacity) rebuilds.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Accelerator } from '../hwgen/config/load-config.ts';
import type { EventCounts } from '../hwgen/cost/events.ts';
import { CheckError } from '../hwgen/errors.ts';
import { ANN_CORE_MODULE, generateAnnCoreFromParams } from '../hwgen/generate/ann-core/generator.ts';
import {
  type AnnCoreGeometry,
  type AnnCoreParams,
  annCoreGeometry,
  annCoreParams,
  biasThetaWords,
  BIAS_BITS,
  inputBeats,
  THETA_BITS,
  weightWords,
} from '../hwgen/generate/ann-core/layout.ts';
import { type ModuleDescription, allFiles } from '../hwgen/generate/module.ts';
import { renderVerilog } from '../hwgen/generate/render.ts';
import { clog2 } from '../hwgen/generate/verilog-math.ts';
import { Rng } from '../hwgen/util/rng.ts';
import type { GemmLayer } from '../hwgen/workload/gemm-layer.ts';
import { runnerFor } from '../sim/runner.ts';
import type { BuiltSimulation, SimulatorName } from '../sim/types.ts';
import { hexLines, parseHexLines, parseKeyValues } from './hex.ts';

export const ANN_CORE_TB_MODULE = `${ANN_CORE_MODULE}_tb`;
/** Input beats one testbench build holds by default (columns × J per run). */
export const DEFAULT_IN_DEPTH = 1 << 16;
/** Entries of the random gap pattern; it repeats, indexed by beat and by cycle. */
export const GAP_DEPTH = 4096;
/** Highest idle gap between input beats in +gaps=1 mode. */
const MAX_INPUT_GAP = 3;

/** The core's sizes, from an accelerator config or given directly. */
export type AnnCoreTarget = { readonly accelerator: Accelerator } | { readonly params: AnnCoreParams; readonly configHash?: string };

export type AnnCoreCosimOptions = AnnCoreTarget & {
  readonly layer: GemmLayer;
  /** Columns n of the layer, streamed in this order (at least one). */
  readonly columns: readonly number[];
  readonly simulator: SimulatorName;
  /** Random input gaps and output stalls from this seed; absent: +gaps=0, the exact-cycle mode. */
  readonly gaps?: { readonly seed: number };
  /** Folder for the RTL, the stimulus and the results of this run. */
  readonly workDir: string;
  /** Capacity of the testbench's input memory in beats (a power of two); part of the build. */
  readonly inDepth?: number;
  /** Build cache of the simulator runner (default: the runner's). */
  readonly cacheDir?: string;
  readonly timeoutMs?: number;
};

export type AnnCoreCounters = EventCounts & { readonly busy: number };

export interface AnnCoreCosimResult {
  /** Output levels as emitted: column columns[i] occupies [i·M, (i+1)·M). */
  readonly levels: Uint8Array;
  /** First input beat offered … last output beat accepted (exact in +gaps=0 mode). */
  readonly cycles: number;
  /** Events of streaming the columns (the memory loads before cycle 0 are in loadSramBytes). */
  readonly counters: AnnCoreCounters;
  /** cnt_sram_byte at cycle 0: the bytes the weight and bias/θ loads wrote. */
  readonly loadSramBytes: number;
  readonly simulatorWallMs: number;
  readonly build: Pick<BuiltSimulation, 'cached' | 'buildMs'>;
}

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
  return renderVerilog('testbench/ann_core_tb.v.hbs', context, {
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

interface StimulusFiles {
  readonly plusargs: Record<string, string | number>;
}

async function writeStimulus(options: AnnCoreCosimOptions, params: AnnCoreParams, geometry: AnnCoreGeometry, dir: string): Promise<StimulusFiles> {
  const { layer, columns } = options;
  const weights = weightWords(layer, params, geometry);
  const biasTheta = biasThetaWords(layer, params, geometry).map(({ bias, theta }) => (theta << BigInt(params.rows * BIAS_BITS)) | bias);
  const beats = inputBeats(layer, columns, params, geometry);
  await writeFile(join(dir, 'weights.hex'), hexLines(weights, params.rows * params.cols * 8));
  await writeFile(join(dir, 'bias_theta.hex'), hexLines(biasTheta, params.rows * (BIAS_BITS + THETA_BITS)));
  await writeFile(join(dir, 'input.hex'), hexLines(beats, params.cols * 8));
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
    await writeFile(join(dir, 'gaps.hex'), hexLines(gapPattern(options.gaps.seed), 5));
    plusargs.gap_file = 'gaps.hex';
  }
  return { plusargs };
}

/** Writes the core, its fire stage and the testbench; returns their absolute paths. */
async function writeDesign(core: ModuleDescription, testbench: string, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = [...allFiles(core), { name: `${ANN_CORE_TB_MODULE}.v`, text: testbench }];
  await Promise.all(files.map((file) => writeFile(join(dir, file.name), file.text)));
  return files.map((file) => join(dir, file.name));
}

function readCount(values: Record<string, bigint>, name: string, file: string): number {
  const value = values[name];
  if (value === undefined) throw new CheckError(`${file}: no "${name}" line`);
  return Number(value);
}

function checkRun(values: Record<string, bigint>, file: string, expectedOutputs: number, levels: number): void {
  const lastErrors = readCount(values, 'last_errors', file);
  const protocolErrors = readCount(values, 'protocol_errors', file);
  if (lastErrors !== 0) throw new CheckError(`${file}: out_last was wrong on ${lastErrors} output beats`);
  if (protocolErrors !== 0) throw new CheckError(`${file}: a stalled output beat changed or vanished ${protocolErrors} times`);
  if (levels !== expectedOutputs) throw new CheckError(`${file}: ${levels} output levels, expected ${expectedOutputs}`);
}

export async function runAnnCoreCosim(options: AnnCoreCosimOptions): Promise<AnnCoreCosimResult> {
  const { params, configHash } = resolveTarget(options);
  const { layer, columns, workDir } = options;
  if (columns.length === 0) throw new RangeError('runAnnCoreCosim needs at least one column');
  const geometry = annCoreGeometry(layer, params);
  const inDepth = options.inDepth ?? DEFAULT_IN_DEPTH;
  if (columns.length * geometry.chunks > inDepth) {
    throw new RangeError(`${columns.length} columns of ${geometry.chunks} beats exceed the testbench's ${inDepth} input beats (inDepth)`);
  }
  const core = generateAnnCoreFromParams(params, configHash);
  const sources = await writeDesign(core, renderAnnCoreTestbench(core, inDepth, configHash), join(workDir, 'rtl'));
  const { plusargs } = await writeStimulus(options, params, geometry, workDir);
  const runner = runnerFor(options.simulator, options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  const built = await runner.build({ top: ANN_CORE_TB_MODULE, sources });
  const run = await runner.run(built, { plusargs, cwd: workDir, timeoutMs: options.timeoutMs ?? 600_000 });
  const resultFile = join(workDir, 'result.txt');
  const values = parseKeyValues(await readFile(resultFile, 'utf8'), resultFile);
  const levels = Uint8Array.from(parseHexLines(await readFile(join(workDir, 'out.hex'), 'utf8'), join(workDir, 'out.hex')), Number);
  checkRun(values, resultFile, columns.length * layer.M, levels.length);
  const loadSramBytes = readCount(values, 'load_sram_byte', resultFile);
  return {
    levels,
    cycles: readCount(values, 'cycles', resultFile),
    counters: {
      ann_mac: readCount(values, 'cnt_ann_mac', resultFile),
      snn_add: 0,
      spike: 0,
      fire: readCount(values, 'cnt_fire', resultFile),
      sram_byte: readCount(values, 'cnt_sram_byte', resultFile) - loadSramBytes,
      busy: readCount(values, 'cnt_busy', resultFile),
    },
    loadSramBytes,
    simulatorWallMs: run.wallMs,
    build: { cached: built.cached, buildMs: built.buildMs },
  };
}
