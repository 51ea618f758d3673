/**
 * What both cores' co-simulations share: writing the design and its testbench, building it with a
 * cached simulator runner, running it on stimulus files, and reading back output levels, the cycle
 * count and the event counters, with the testbench's own protocol checks turned into CheckErrors.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EVENT_NAMES, type EventCounts } from '../hwgen/arch/events.ts';
import { CheckError } from '../hwgen/errors.ts';
import { type ModuleDescription, allFiles } from '../hwgen/arch/module.ts';
import type { GemmLayer } from '../hwgen/workload/gemm-layer.ts';
import { runnerFor } from '../sim/runner.ts';
import type { BuiltSimulation, SimulatorName } from '../sim/types.ts';
import { parseHexLines, parseKeyValues } from '../hwgen/arch/packing.ts';

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

/** One prepared run: the core, its rendered testbench and the stimulus plusargs (files already in workDir). */
export interface PreparedRun {
  readonly core: ModuleDescription;
  readonly testbenchModule: string;
  readonly testbench: string;
  readonly plusargs: Readonly<Record<string, string | number>>;
}

/** Writes the core, its submodules and the testbench; returns their absolute paths. */
async function writeSources(run: PreparedRun, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files = [...allFiles(run.core), { name: `${run.testbenchModule}.v`, text: run.testbench }];
  await Promise.all(files.map((file) => writeFile(join(dir, file.name), file.text)));
  return files.map((file) => join(dir, file.name));
}

function readCount(values: Record<string, bigint>, name: string, file: string): number {
  const value = values[name];
  if (value === undefined) throw new CheckError(`${file}: no "${name}" line`);
  return Number(value);
}

/** The testbench's monitors: out_last placement, stable stalled beats, no input left unsent. */
function checkMonitors(values: Record<string, bigint>, file: string, expectedOutputs: number, levels: number): void {
  const lastErrors = readCount(values, 'last_errors', file);
  const protocolErrors = readCount(values, 'protocol_errors', file);
  const beatsLeft = values['input_beats_left'] === undefined ? 0 : readCount(values, 'input_beats_left', file);
  if (lastErrors !== 0) throw new CheckError(`${file}: out_last was wrong on ${lastErrors} output beats`);
  if (protocolErrors !== 0) throw new CheckError(`${file}: a stalled output beat changed or vanished ${protocolErrors} times`);
  if (beatsLeft !== 0) throw new CheckError(`${file}: all outputs came out with ${beatsLeft} input beats still unsent`);
  if (levels !== expectedOutputs) throw new CheckError(`${file}: ${levels} output levels, expected ${expectedOutputs}`);
}

/** Counters the testbench reports (`cnt_<event>`); events a core does not have count 0. */
function readCounters(values: Record<string, bigint>, file: string, loadSramBytes: number): CoreCounters {
  const counters = { busy: readCount(values, 'cnt_busy', file) } as CoreCounters & Record<string, number>;
  for (const name of EVENT_NAMES) counters[name] = values[`cnt_${name}`] === undefined ? 0 : readCount(values, `cnt_${name}`, file);
  counters.sram_byte -= loadSramBytes;
  return counters;
}

export async function simulateCore(options: CosimRunOptions, run: PreparedRun): Promise<CoreCosimResult> {
  const { workDir } = options;
  const sources = await writeSources(run, join(workDir, 'rtl'));
  const runner = runnerFor(options.simulator, options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir });
  const built = await runner.build({ top: run.testbenchModule, sources });
  const result = await runner.run(built, { plusargs: run.plusargs, cwd: workDir, timeoutMs: options.timeoutMs ?? 600_000 });
  const resultFile = join(workDir, 'result.txt');
  const outFile = join(workDir, 'out.hex');
  const values = parseKeyValues(await readFile(resultFile, 'utf8'), resultFile);
  const levels = Uint8Array.from(parseHexLines(await readFile(outFile, 'utf8'), outFile), Number);
  checkMonitors(values, resultFile, options.columns.length * options.layer.M, levels.length);
  const loadSramBytes = readCount(values, 'load_sram_byte', resultFile);
  return {
    levels,
    cycles: readCount(values, 'cycles', resultFile),
    counters: readCounters(values, resultFile, loadSramBytes),
    loadSramBytes,
    simulatorWallMs: result.wallMs,
    build: { cached: built.cached, buildMs: built.buildMs },
  };
}
