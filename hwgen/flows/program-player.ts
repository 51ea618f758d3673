/**
 * Plays a host program (hwgen/host/program.ts) into a module on a simulator: writes its binary stream chunk by
 * chunk to program.bin, renders the program-player testbench (program_tb.v.hbs) from the module's port list, runs
 * it through the co-simulation harness (testbench/harness.ts: built once per content), and returns the captured
 * outputs and the marks.
 */
import { closeSync, constants as fsConstants, createWriteStream, openSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { execa } from 'execa';
import { once } from 'node:events';
import { join } from 'node:path';
import { type ModuleDescription, findPort } from '../arch/module.ts';
import { renderVerilog } from '../generate/render.ts';
import { CaptureFile, type Captures, maskBytes, programGroups, programInputs, programOutputs } from '../host/program.ts';
import type { SimulatorName, TraceFormat } from '../../sim/types.ts';
import { type CosimRun, type CosimSpec, cosimulate } from '../../testbench/harness.ts';
import { runOnInterrupt } from '../util/interrupts.ts';
import { CheckError, ToolError } from '../errors.ts';

export const PROGRAM_TB_MODULE = 'hwgen_program_tb';

/** The testbench clock when the caller names none. */
const DEFAULT_CLOCK_MHZ = 100;

/**
 * A signal of the DUT copied into a testbench wire (`wire [width-1:0] name = path;`), so that a waveform
 * limited to the interfaces still holds it. `path` is relative to the testbench (`dut.core[0].o_valid`).
 */
export interface TraceProbe {
  readonly name: string;
  readonly width: number;
  readonly path: string;
}

/** What a waveform holds: every signal (`all`), or only clk, rst, the cycle count and the probes (`interfaces`). */
export type TraceScope = 'all' | 'interfaces';

/** Program cycles (the testbench's `cycle` at a rising edge) to dump, inclusive; either end may be open. */
export interface TraceWindow {
  readonly from?: number;
  readonly to?: number;
}

export interface PlayOptions {
  readonly simulator: SimulatorName;
  readonly workDir: string;
  /** The output port a WAIT record waits for (default `done`). */
  readonly waitPort?: string;
  /** The input a SWEEP record counts (the program's builder was given the same; default none). */
  readonly sweepPort?: string;
  /** A wait longer than this many cycles is a failure (default 10^8). */
  readonly maxWait?: number;
  /** Wall-clock limit of the simulation (default one hour): a mutant may loop without advancing the clock. */
  readonly timeoutMs?: number;
  readonly trace?: TraceFormat;
  /** The waveform file's name in workDir (default waves.vcd / waves.fst). */
  readonly traceFile?: string;
  /** Signals the testbench copies for the waveform (in every scope). */
  readonly traceProbes?: readonly TraceProbe[];
  /** Default `all`. */
  readonly traceScope?: TraceScope;
  /** Default: the whole run. */
  readonly traceWindow?: TraceWindow;
  readonly configHash: string;
  /** The clock the testbench drives (default 100 MHz): a waveform's times are then the design's. */
  readonly clockMHz?: number;
}

export interface PlayResult {
  /** Each capture's outputs, first output port in the most significant bits (programOutputs gives the fields). */
  readonly captures: Captures;
  /** Cycle count at each mark, by id. */
  readonly marks: ReadonlyMap<number, number>;
  /** Cycles of the whole program. */
  readonly cycles: number;
  /** The waveform file, when traced. */
  readonly waveform?: string;
}

/** Where the SWEEP record's counter goes in the input vector. */
function sweepField(module: ModuleDescription, sweepPort: string | undefined): { sweepPort?: string; sweepLsb?: number; sweepWidth?: number } {
  if (sweepPort === undefined) return {};
  const field = programInputs(module.ports).fields.find((f) => f.port.name === sweepPort);
  if (field === undefined) throw new RangeError(`${module.name} has no input ${sweepPort} to sweep`);
  return { sweepPort, sweepLsb: field.lsb, sweepWidth: field.port.width };
}

/** Half the clock period in ns, as the testbench writes it (1 ps is the time base's precision). */
export function halfPeriodNs(clockMHz: number): string {
  return String(Math.round(500_000 / clockMHz) / 1000);
}

/** The testbench text for a module: pure function of its port list (and the probes, which only a traced build uses). */
export function renderProgramTb(module: ModuleDescription, waitPort: string, configHash: string, probes: readonly TraceProbe[] = [], sweepPort?: string, clockMHz = DEFAULT_CLOCK_MHZ): string {
  findPort(module, waitPort);
  const inputs = programInputs(module.ports);
  const outputs = programOutputs(module.ports);
  const groups = programGroups(module.ports);
  return renderVerilog('hwgen/flows/program_tb.v.hbs', {
    tbModule: PROGRAM_TB_MODULE,
    dut: module.name,
    clockMHz,
    halfPeriodNs: halfPeriodNs(clockMHz),
    waitPort,
    ...sweepField(module, sweepPort),
    inputBits: inputs.width,
    inputBytes: inputs.bytes,
    inputPadding: inputs.bytes * 8 > inputs.width,
    maskBytes: maskBytes(groups),
    maskPadding: maskBytes(groups) * 8 > groups.length,
    groupCount: groups.length,
    groups: groups.map((group) => ({ name: group.name, bytes: group.bytes, width: group.width, padding: group.bytes * 8 > group.width, fields: group.fields.map((f) => ({ lsb: inputs.fields.find((i) => i.port.name === f.port.name)?.lsb ?? 0, width: f.port.width, offset: f.lsb })) })),
    outputBits: outputs.width,
    inputs: inputs.fields.map((f) => ({ name: f.port.name, width: f.port.width, lsb: f.lsb })),
    outputs: outputs.fields.map((f) => ({ name: f.port.name, width: f.port.width })),
    outputConcat: outputs.fields.map((f) => f.port.name).join(', '),
    ports: [...inputs.fields, ...outputs.fields].map((f) => ({ name: f.port.name })),
    probes: probes.map((probe) => ({ name: probe.name, width: probe.width, path: probe.path })),
  }, { file: `${PROGRAM_TB_MODULE}.v`, configHash, summary: `program player for ${module.name}` });
}

/** The testbench's plusargs besides the waveform's file (the harness adds +trace). */
function playerPlusargs(options: PlayOptions): Record<string, string | number> {
  const plusargs: Record<string, string | number> = { max_wait: options.maxWait ?? 100_000_000 };
  if ((options.trace ?? 'none') === 'none') return plusargs;
  const { from, to } = options.traceWindow ?? {};
  if (from !== undefined) plusargs.trace_from = from;
  if (to !== undefined) plusargs.trace_to = to;
  return plusargs;
}

/** The waveform's format and file, and the define that limits it to the interfaces. */
function traceOptions(options: PlayOptions): Pick<CosimSpec, 'trace' | 'defines'> {
  const format = options.trace ?? 'none';
  if (format === 'none') return {};
  const trace = { format, file: options.traceFile ?? `waves.${format}` };
  return options.traceScope === 'interfaces' ? { trace, defines: { HWGEN_TRACE_INTERFACES: '1' } } : { trace };
}

/**
 * Writes the program's chunks to `file` as they come. The next chunk is generated while the one before is still
 * being written (the write runs off the main thread, as fast as the simulator reads), and waited for only then: the
 * host's work overlaps the simulation, and no more than two chunks are in memory.
 */
async function writeProgram(file: string, program: Iterable<Uint8Array>): Promise<void> {
  const out = createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  let flushed: Promise<unknown> = Promise.resolve();
  for (const chunk of program) {
    await flushed;
    if (out.destroyed) break;
    flushed = out.write(chunk) ? Promise.resolve() : Promise.race([once(out, 'drain'), closed]);
  }
  await flushed;
  out.end();
  await closed;
}

/**
 * Opens the pipe for reading and closes it again: a writer still waiting for the simulator to open it goes on,
 * and its first write then fails (the simulator is gone), instead of waiting forever.
 */
async function releasePipe(file: string): Promise<void> {
  const handle = await open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK).catch(() => undefined);
  await handle?.close();
}

/**
 * releasePipe for an interrupt, synchronously: the writer's open() blocks a libuv thread, and the process cannot
 * exit (it joins those threads) until a reader has come and gone.
 */
function releasePipeNow(file: string): void {
  try {
    closeSync(openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK));
  } catch {
    // Already gone: nothing waits on it.
  }
}

/**
 * The program goes to the simulator through a named pipe, generated tile by tile while the simulator plays the
 * tiles before: the host's work overlaps the simulation, and a layer's stimulus is never whole in memory or on disk.
 */
async function streamProgram(workDir: string, program: Iterable<Uint8Array>, run: () => Promise<CosimRun>): Promise<CosimRun> {
  const pipe = join(workDir, 'program.bin');
  await rm(pipe, { force: true });
  await execa('mkfifo', [pipe]);
  const forgetPipe = runOnInterrupt(() => releasePipeNow(pipe));
  const writing = writeProgram(pipe, program).then(
    () => undefined,
    (error: unknown) => error,
  );
  let sim: CosimRun;
  try {
    sim = await run();
  } catch (error) {
    await releasePipe(pipe);
    await writing;
    throw error;
  } finally {
    forgetPipe();
  }
  const failed = await writing;
  if (failed !== undefined) throw failed;
  return sim;
}

/** The testbench's own stop when a WAIT never ends (program_tb.v.hbs): `record R: done not seen in N cycles`. */
const WAIT_NEVER_ENDED = /record \d+: \w+ not seen in \d+ cycles/;

/**
 * A design that never raises what the program waits for has failed a check of the run-control protocol (exit 1),
 * not the simulator (exit 2, a tool's failure): the testbench stopped it, at the cycle its message names.
 */
export function hangAsFailedCheck(error: unknown): unknown {
  return error instanceof ToolError && WAIT_NEVER_ENDED.test(error.reason) ? new CheckError(error.message) : error;
}

export async function playProgram(module: ModuleDescription, program: Iterable<Uint8Array>, options: PlayOptions): Promise<PlayResult> {
  const waitPort = options.waitPort ?? 'done';
  await mkdir(options.workDir, { recursive: true });
  const sim = await streamProgram(options.workDir, program, () => cosimulate({
    simulator: options.simulator,
    workDir: options.workDir,
    design: [module],
    testbench: { module: PROGRAM_TB_MODULE, text: renderProgramTb(module, waitPort, options.configHash, options.traceProbes, options.sweepPort, options.clockMHz) },
    plusargs: playerPlusargs(options),
    timeoutMs: options.timeoutMs ?? 3_600_000,
    ...traceOptions(options),
  })).catch((error: unknown) => {
    throw hangAsFailedCheck(error);
  });
  const captures = new CaptureFile(sim.path('captures.hex'), await readFile(sim.path('captures.hex')));
  const marks = await sim.marks('marks.txt');
  return { captures, marks, cycles: Math.max(0, ...marks.values()), ...(sim.waveform === undefined ? {} : { waveform: sim.waveform }) };
}
