/**
 * What both cores' co-simulations share: running the core under its testbench on stimulus files
 * (testbench/harness.ts), and reading back output levels, the cycle count and the event counters,
 * with the testbench's own protocol checks turned into CheckErrors.
 */
import { EVENT_NAMES, type EventCounts } from '../hwgen/arch/events.ts';
import { CheckError } from '../hwgen/errors.ts';
import type { ModuleDescription } from '../hwgen/arch/module.ts';
import type { GemmLayer } from '../hwgen/workload/gemm-layer.ts';
import type { BuiltSimulation, SimulatorName } from '../sim/types.ts';
import { type KeyValues, type Plusargs, cosimulate } from './harness.ts';

/** What every core co-simulation takes besides the core's sizes. */
export interface CosimRunOptions {
  readonly layer: GemmLayer;
  /** Columns n of the layer, streamed in this order (at least one). */
  readonly columns: readonly number[];
  readonly simulator: SimulatorName;
  /** Random input gaps and output stalls from this seed; absent: +gaps=0, the exact-cycle mode. */
  readonly gaps?: { readonly seed: number };
  /** Folder for the RTL, the stimulus and the results of this run. */
  readonly workDir: string;
  /** Build cache of the simulator runner (default: the runner's). */
  readonly cacheDir?: string;
  readonly timeoutMs?: number;
}

export type CoreCounters = EventCounts & { readonly busy: number };

export interface CoreCosimResult {
  /** Output levels as emitted: column columns[i] occupies [i·M, (i+1)·M). */
  readonly levels: Uint8Array;
  /** First input beat offered … last output beat accepted (exact in +gaps=0 mode). */
  readonly cycles: number;
  /** Events of streaming the columns (the memory loads before cycle 0 are in loadSramBytes). */
  readonly counters: CoreCounters;
  /** cnt_sram_byte at cycle 0: the bytes the weight and bias/θ loads wrote. */
  readonly loadSramBytes: number;
  readonly simulatorWallMs: number;
  readonly build: Pick<BuiltSimulation, 'cached' | 'buildMs'>;
}

/** One prepared run: the core, its rendered testbench, the stimulus files and the plusargs that name them. */
export interface PreparedRun {
  readonly core: ModuleDescription;
  readonly testbenchModule: string;
  readonly testbench: string;
  /** Stimulus files by name in workDir. */
  readonly inputs: Readonly<Record<string, string>>;
  readonly plusargs: Plusargs;
}

/** The testbench's monitors: out_last placement, stable stalled beats, no input left unsent. */
function checkMonitors(result: KeyValues, expectedOutputs: number, levels: number): void {
  const { file } = result;
  const lastErrors = result.number('last_errors');
  const protocolErrors = result.number('protocol_errors');
  const beatsLeft = result.numberOr('input_beats_left', 0);
  if (lastErrors !== 0) throw new CheckError(`${file}: out_last was wrong on ${lastErrors} output beats`);
  if (protocolErrors !== 0) throw new CheckError(`${file}: a stalled output beat changed or vanished ${protocolErrors} times`);
  if (beatsLeft !== 0) throw new CheckError(`${file}: all outputs came out with ${beatsLeft} input beats still unsent`);
  if (levels !== expectedOutputs) throw new CheckError(`${file}: ${levels} output levels, expected ${expectedOutputs}`);
}

/** Counters the testbench reports (`cnt_<event>`); events a core does not have count 0. */
function readCounters(result: KeyValues, loadSramBytes: number): CoreCounters {
  const counters = { busy: result.number('cnt_busy') } as CoreCounters & Record<string, number>;
  for (const name of EVENT_NAMES) counters[name] = result.numberOr(`cnt_${name}`, 0);
  counters.sram_byte -= loadSramBytes;
  return counters;
}

export async function simulateCore(options: CosimRunOptions, run: PreparedRun): Promise<CoreCosimResult> {
  const sim = await cosimulate({
    simulator: options.simulator,
    workDir: options.workDir,
    design: [run.core],
    testbench: { module: run.testbenchModule, text: run.testbench },
    inputs: run.inputs,
    plusargs: run.plusargs,
    timeoutMs: options.timeoutMs ?? 600_000,
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
  });
  const result = await sim.keyValues('result.txt');
  const levels = Uint8Array.from(await sim.hexWords('out.hex'), Number);
  checkMonitors(result, options.columns.length * options.layer.M, levels.length);
  const loadSramBytes = result.number('load_sram_byte');
  return {
    levels,
    cycles: result.number('cycles'),
    counters: readCounters(result, loadSramBytes),
    loadSramBytes,
    simulatorWallMs: sim.wallMs,
    build: { cached: sim.built.cached, buildMs: sim.built.buildMs },
  };
}
