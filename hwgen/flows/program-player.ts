/**
 * Plays a host program (hwgen/host/program.ts) into a module on a simulator: renders the program-player
 * testbench (program_tb.v.hbs) from the module's port list, builds it (cached by content), runs it, and
 * returns the captured outputs and the marks.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckError } from '../errors.ts';
import { type ModuleDescription, allFiles, findPort } from '../arch/module.ts';
import { renderVerilog } from '../generate/render.ts';
import { type Capture, MARK_BITS, parseCapture, programInputs, programOutputs } from '../host/program.ts';
import { runnerFor } from '../../sim/runner.ts';
import type { SimulatorName, TraceFormat } from '../../sim/types.ts';

export const PROGRAM_TB_MODULE = 'hwgen_program_tb';

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
  /** The output port a wait line waits for (default `done`). */
  readonly waitPort?: string;
  /** A wait longer than this many cycles is a failure (default 10^8). */
  readonly maxWait?: number;
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
}

export interface PlayResult {
  /** Each capture line's outputs, first output port in the most significant bits (decodeCapture). */
  readonly captures: Capture[];
  /** Cycle count at each mark, by id. */
  readonly marks: ReadonlyMap<number, number>;
  /** Cycles of the whole program. */
  readonly cycles: number;
  /** The waveform file, when traced. */
  readonly waveform?: string;
}

/** The testbench text for a module: pure function of its port list (and the probes, which only a traced build uses). */
export function renderProgramTb(module: ModuleDescription, waitPort: string, configHash: string, probes: readonly TraceProbe[] = []): string {
  findPort(module, waitPort);
  const inputs = programInputs(module.ports);
  const outputs = programOutputs(module.ports);
  return renderVerilog('hwgen/flows/program_tb.v.hbs', {
    tbModule: PROGRAM_TB_MODULE,
    dut: module.name,
    waitPort,
    markBits: Math.min(MARK_BITS, inputs.width),
    inputBits: inputs.width,
    outputBits: outputs.width,
    inputs: inputs.fields.map((f) => ({ name: f.port.name, width: f.port.width, lsb: f.lsb })),
    outputs: outputs.fields.map((f) => ({ name: f.port.name, width: f.port.width })),
    outputConcat: outputs.fields.map((f) => f.port.name).join(', '),
    ports: [...inputs.fields, ...outputs.fields].map((f) => ({ name: f.port.name })),
    probes: probes.map((probe) => ({ name: probe.name, width: probe.width, path: probe.path })),
  }, { file: `${PROGRAM_TB_MODULE}.v`, configHash, summary: `program player for ${module.name}` });
}

function parseCaptures(text: string, file: string): Capture[] {
  return text.split('\n').filter((line) => line.trim() !== '').map((line, index) => {
    const capture = parseCapture(line);
    if (capture === undefined) throw new CheckError(`${file}: line ${index + 1}: "${line}" is not a hex word`);
    return capture;
  });
}

function parseMarks(text: string, file: string): Map<number, number> {
  const marks = new Map<number, number>();
  for (const line of text.split('\n').filter((l) => l.trim() !== '')) {
    const match = /^mark (\d+) (\d+)$/.exec(line.trim());
    if (match === null) throw new CheckError(`${file}: cannot read "${line}"`);
    marks.set(Number(match[1]), Number(match[2]));
  }
  return marks;
}

export async function playProgram(module: ModuleDescription, program: string, options: PlayOptions): Promise<PlayResult> {
  const { workDir, simulator } = options;
  const waitPort = options.waitPort ?? 'done';
  const rtl = join(workDir, 'rtl');
  await mkdir(rtl, { recursive: true });
  const files = [...allFiles(module), { name: `${PROGRAM_TB_MODULE}.v`, text: renderProgramTb(module, waitPort, options.configHash, options.traceProbes) }];
  await Promise.all(files.map((file) => writeFile(join(rtl, file.name), file.text)));
  await writeFile(join(workDir, 'program.hex'), program);
  const trace = options.trace ?? 'none';
  const runner = runnerFor(simulator);
  const interfacesOnly = trace !== 'none' && options.traceScope === 'interfaces';
  const defines = interfacesOnly ? { defines: { HWGEN_TRACE_INTERFACES: '1' } } : {};
  const built = await runner.build({ top: PROGRAM_TB_MODULE, sources: files.map((file) => join(rtl, file.name)), trace, ...defines });
  const plusargs: Record<string, string | number> = { max_wait: options.maxWait ?? 100_000_000 };
  if (trace !== 'none') {
    plusargs.trace = options.traceFile ?? `waves.${trace}`;
    const { from, to } = options.traceWindow ?? {};
    if (from !== undefined) plusargs.trace_from = from;
    if (to !== undefined) plusargs.trace_to = to;
  }
  await runner.run(built, { cwd: workDir, timeoutMs: 3_600_000, plusargs });
  const captureFile = join(workDir, 'captures.hex');
  const markFile = join(workDir, 'marks.txt');
  const captures = parseCaptures(await readFile(captureFile, 'utf8'), captureFile);
  const marks = parseMarks(await readFile(markFile, 'utf8'), markFile);
  const waveform = trace === 'none' ? undefined : join(workDir, options.traceFile ?? `waves.${trace}`);
  return { captures, marks, cycles: Math.max(0, ...marks.values()), ...(waveform === undefined ? {} : { waveform }) };
}
