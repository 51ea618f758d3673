/**
 * The one way a testbench runs: the design and its testbench are written to `<workDir>/rtl/`, the stimulus
 * files to workDir, the model is built through the simulator's content-keyed cache (sim/cache.ts) and run
 * in workDir, where the testbench's relative `$readmemh`/`$fopen` names resolve; then the files it wrote are
 * read back. Every co-simulation (cores, dispatcher feeder and lane, AXI wrapper, program player) goes
 * through `cosimulate`, so they differ only in their stimulus and in what they check.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckError } from '../hwgen/errors.ts';
import { type ModuleDescription, allFiles } from '../hwgen/arch/module.ts';
import { parseHexLines, parseKeyValues } from '../hwgen/arch/packing.ts';
import { runnerFor } from '../sim/runner.ts';
import type { BuiltSimulation, SimulatorName, TraceFormat } from '../sim/types.ts';

export type Plusargs = Readonly<Record<string, string | number>>;

export interface CosimTestbench {
  /** The top module's name; its file is `<module>.v`. */
  readonly module: string;
  readonly text: string;
}

/** A waveform: the build defines HWGEN_TRACE, and the testbench dumps to the file `+trace=` names. */
export interface CosimTrace {
  readonly format: Exclude<TraceFormat, 'none'>;
  /** File name in workDir. */
  readonly file: string;
}

export interface CosimSpec {
  readonly simulator: SimulatorName;
  /** Holds `rtl/` (the sources), the inputs, and every file the testbench writes. */
  readonly workDir: string;
  /** The modules under test; each one's files (submodules first) are compiled before the testbench. */
  readonly design: readonly ModuleDescription[];
  readonly testbench: CosimTestbench;
  /** Files the testbench reads, by name in workDir. */
  readonly inputs?: Readonly<Record<string, string>>;
  readonly plusargs?: Plusargs;
  readonly timeoutMs: number;
  /** Build cache root (default: the runner's). */
  readonly cacheDir?: string;
  /** Preprocessor defines; part of the build, so of its cache key. */
  readonly defines?: Readonly<Record<string, string>>;
  readonly trace?: CosimTrace;
}

/** `name number` lines (`$fdisplay(f, "cycles %0d", n)`) of one output file. */
export class KeyValues {
  constructor(
    /** The file's path, for messages. */
    readonly file: string,
    readonly values: Readonly<Record<string, bigint>>,
  ) {}

  /** A line the testbench always writes. */
  number(name: string): number {
    const value = this.values[name];
    if (value === undefined) throw new CheckError(`${this.file}: no "${name}" line`);
    return Number(value);
  }

  /** A line the testbench writes only for some designs, `fallback` otherwise. */
  numberOr(name: string, fallback: number): number {
    return this.values[name] === undefined ? fallback : this.number(name);
  }
}

/** A finished run: what the simulator printed, how the build went, and readers for the files the testbench wrote. */
export class CosimRun {
  constructor(
    readonly workDir: string,
    readonly stdout: string,
    /** Wall time of the simulation alone. */
    readonly wallMs: number,
    readonly built: BuiltSimulation,
    /** The waveform's path, when traced. */
    readonly waveform: string | undefined,
  ) {}

  path(name: string): string {
    return join(this.workDir, name);
  }

  read(name: string): Promise<string> {
    return readFile(this.path(name), 'utf8');
  }

  async keyValues(name: string): Promise<KeyValues> {
    return new KeyValues(this.path(name), parseKeyValues(await this.read(name), this.path(name)));
  }

  /** One hex word a line (`$fwrite(f, "%h\n", w)`); x or z bits are an error. */
  async hexWords(name: string): Promise<bigint[]> {
    return parseHexLines(await this.read(name), this.path(name));
  }

  /** The non-empty lines, trimmed. */
  async lines(name: string): Promise<string[]> {
    return (await this.read(name)).split('\n').map((line) => line.trim()).filter((line) => line !== '');
  }

  /** Each non-empty line through `parse`; a line it refuses (undefined) is an error that says it is not `what`. */
  async parseLines<T>(name: string, what: string, parse: (line: string) => T | undefined): Promise<T[]> {
    return (await this.lines(name)).map((line, index) => {
      const value = parse(line);
      if (value === undefined) throw new CheckError(`${this.path(name)}: line ${index + 1}: "${line}" is not ${what}`);
      return value;
    });
  }

  /** `mark ID CYCLE` lines (the program player's and the AXI testbench's marks): the cycle of each mark, by id. */
  async marks(name: string): Promise<Map<number, number>> {
    const marks = new Map<number, number>();
    for (const line of await this.lines(name)) {
      const match = /^mark (\d+) (\d+)$/.exec(line);
      if (match === null) throw new CheckError(`${this.path(name)}: cannot read "${line}"`);
      marks.set(Number(match[1]), Number(match[2]));
    }
    return marks;
  }
}

/** Writes the sources to `<workDir>/rtl/` (compile order: design, then testbench) and returns their paths. */
async function writeSources(spec: CosimSpec): Promise<string[]> {
  const rtl = join(spec.workDir, 'rtl');
  await mkdir(rtl, { recursive: true });
  const files = [...spec.design.flatMap(allFiles), { name: `${spec.testbench.module}.v`, text: spec.testbench.text }];
  await Promise.all(files.map((file) => writeFile(join(rtl, file.name), file.text)));
  return files.map((file) => join(rtl, file.name));
}

async function writeInputs(spec: CosimSpec): Promise<void> {
  const inputs = Object.entries(spec.inputs ?? {});
  await Promise.all(inputs.map(([name, text]) => writeFile(join(spec.workDir, name), text)));
}

/** Writes, builds (a cache hit when nothing the build depends on changed) and runs one testbench. */
export async function cosimulate(spec: CosimSpec): Promise<CosimRun> {
  const sources = await writeSources(spec);
  await writeInputs(spec);
  const runner = runnerFor(spec.simulator, spec.cacheDir === undefined ? {} : { cacheDir: spec.cacheDir });
  const built = await runner.build({
    top: spec.testbench.module,
    sources,
    ...(spec.defines === undefined ? {} : { defines: spec.defines }),
    ...(spec.trace === undefined ? {} : { trace: spec.trace.format }),
  });
  const plusargs = spec.trace === undefined ? spec.plusargs : { ...spec.plusargs, trace: spec.trace.file };
  const result = await runner.run(built, { cwd: spec.workDir, timeoutMs: spec.timeoutMs, ...(plusargs === undefined ? {} : { plusargs }) });
  const waveform = spec.trace === undefined ? undefined : join(spec.workDir, spec.trace.file);
  return new CosimRun(spec.workDir, result.stdout, result.wallMs, built, waveform);
}
