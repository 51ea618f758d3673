/**
 * The part of a simulator runner that does not depend on the simulator, after cocotb's runners:
 * a subclass only says which argv to run (`buildSteps`, `runStep`); this class runs them,
 * caches builds by content (sim/cache.ts) and turns failures into one-line ToolErrors.
 * It lives apart from runner.ts so the subclasses and the factory do not import each other.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ToolError } from '../hwgen/errors.ts';
import { interruptSignal } from '../hwgen/util/interrupts.ts';
import { buildKey, publishAtomically, resolveCacheRoot } from './cache.ts';
import { describeExit, failed, runArgv, startError, toolVersion, type StepOutcome } from './exec.ts';
import type { BuildSpec, BuiltSimulation, RunResult, RunSpec, SimulatorName, ToolName } from './types.ts';

export interface RunnerOptions {
  /** Cache root; default `HWGEN_SIM_CACHE`, else `<repo>/.cache/sim`. */
  readonly cacheDir?: string;
  /** Parallel C++ compile jobs for Verilator builds (default 2: builds are g++-bound). */
  readonly jobs?: number;
  /** Program to start for each tool, e.g. a full path or a missing name in tests. */
  readonly binaries?: Readonly<Partial<Record<ToolName, string>>>;
}

/** Stands for the output folder in the argv the key hashes: the real one is a fresh temporary name. */
const OUTPUT_PLACEHOLDER = '<output>';

/** A parent `make -jN` exports a jobserver that our child make cannot reach: keep Verilator's own `-j`. */
const INHERITED_MAKE_VARIABLES = ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES'];

export abstract class SimulatorRunner {
  abstract readonly simulator: SimulatorName;
  /** The compiler: asked for its version, named in build errors. */
  protected abstract readonly buildTool: ToolName;
  /** Named in simulation errors. */
  protected abstract readonly runTool: ToolName;
  /** A line of the simulation output where the simulator reports `$error`/`$fatal`. */
  protected abstract readonly errorReport: RegExp;

  protected readonly cacheRoot: string;
  protected readonly jobs: number;
  private readonly binaries: Readonly<Partial<Record<ToolName, string>>>;

  constructor(options: RunnerOptions = {}) {
    this.cacheRoot = resolveCacheRoot(options.cacheDir);
    this.jobs = options.jobs ?? 2;
    this.binaries = options.binaries ?? {};
  }

  /** One argv per step; `outDir` is where the model goes. */
  abstract buildSteps(spec: BuildSpec, outDir: string): string[][];
  abstract runStep(built: BuiltSimulation, run: RunSpec): string[];
  /** The argv whose first output line identifies the compiler's version. */
  protected abstract versionStep(): string[];
  /** The file only a complete build leaves in its folder. */
  protected abstract executable(dir: string): string;

  protected binary(tool: ToolName): string {
    return this.binaries[tool] ?? tool;
  }

  /** The user's defines, plus `HWGEN_TRACE` when a waveform is asked for. */
  protected definesOf(spec: BuildSpec): Record<string, string> {
    const traced = (spec.trace ?? 'none') !== 'none';
    return { ...spec.defines, ...(traced ? { HWGEN_TRACE: '1' } : {}) };
  }

  /** The argv the key covers; subclasses drop flags that cannot change the model (jobs). */
  protected keySteps(spec: BuildSpec): string[][] {
    return this.buildSteps(spec, OUTPUT_PLACEHOLDER);
  }

  async cacheKey(spec: BuildSpec): Promise<string> {
    const absolute = withAbsolutePaths(spec);
    return buildKey({
      simulator: this.simulator,
      toolVersion: await toolVersion(this.buildTool, this.versionStep()),
      steps: this.keySteps(absolute),
      sources: absolute.sources,
      includeDirs: absolute.includeDirs ?? [],
      defines: this.definesOf(absolute),
    });
  }

  async build(spec: BuildSpec): Promise<BuiltSimulation> {
    const started = performance.now();
    const absolute = withAbsolutePaths(spec);
    const key = await this.cacheKey(absolute);
    const dir = join(this.cacheRoot, this.simulator, key);
    const cached = await this.holdsCompleteBuild(dir);
    if (!cached) await publishAtomically(dir, (temporary) => this.compile(absolute, temporary, key));
    return { simulator: this.simulator, key, dir, cached, buildMs: performance.now() - started, trace: spec.trace ?? 'none' };
  }

  async run(built: BuiltSimulation, runSpec: RunSpec): Promise<RunResult> {
    const argv = this.runStep(built, runSpec);
    const outcome = await runArgv(argv, { cwd: runSpec.cwd, timeoutMs: runSpec.timeoutMs });
    if (outcome.startFailure !== undefined) throw startError(this.runTool, argv[0] ?? this.runTool, outcome);
    if (outcome.timedOut) {
      throw new ToolError(this.runTool, `simulation timed out after ${runSpec.timeoutMs / 1000} s (a hung design or testbench?)`);
    }
    const failure = this.failureOf(outcome);
    if (failure !== undefined) throw new ToolError(this.runTool, `simulation failed (${failure}): ${this.reportedLine(outcome.all)}`);
    return { stdout: outcome.stdout, stderr: outcome.stderr, wallMs: outcome.wallMs };
  }

  /** Entries appear by rename, so only a hand-damaged one lacks its executable: drop it and rebuild. */
  private async holdsCompleteBuild(dir: string): Promise<boolean> {
    if (existsSync(this.executable(dir))) return true;
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    return false;
  }

  private async compile(spec: BuildSpec, outDir: string, key: string): Promise<void> {
    const log: string[] = [];
    for (const argv of this.buildSteps(spec, outDir)) {
      const outcome = await runArgv(argv, { cwd: outDir, env: buildEnvironment() });
      log.push(`$ ${argv.join(' ')}`, outcome.all);
      if (outcome.startFailure !== undefined) throw startError(this.buildTool, argv[0] ?? this.buildTool, outcome);
      // A build the interrupt killed did not fail: it leaves no failure log.
      if (failed(outcome) && interruptSignal() !== undefined) throw new ToolError(this.buildTool, 'build interrupted');
      if (failed(outcome)) throw await this.buildFailure(outcome, log.join('\n'), key);
    }
    await writeFile(join(outDir, 'build.log'), `${log.join('\n')}\n`);
  }

  /** The log goes beside the entries: the temporary folder it was built in is deleted. */
  private async buildFailure(outcome: StepOutcome, log: string, key: string): Promise<ToolError> {
    const logPath = join(this.cacheRoot, 'logs', `${key}.build.log`);
    await mkdir(dirname(logPath), { recursive: true });
    await writeFile(logPath, `${log}\n`);
    return new ToolError(this.buildTool, `build failed (${describeExit(outcome)}): ${firstErrorLine(outcome.all)}; full log: ${logPath}`);
  }

  /** Icarus can exit 0 after `$error` (and, in some versions, `$fatal`): its report decides then. */
  private failureOf(outcome: StepOutcome): string | undefined {
    if (failed(outcome)) return describeExit(outcome);
    if (this.errorReport.test(outcome.all)) return 'exit 0, but an error was reported';
    return undefined;
  }

  /** The simulator's own error report says more than its last words (Verilator's are `Aborting...`). */
  private reportedLine(output: string): string {
    const lines = output.split('\n').map((line) => line.trim());
    return lines.find((line) => this.errorReport.test(line)) ?? lastNonEmpty(lines);
  }
}

function withAbsolutePaths(spec: BuildSpec): BuildSpec {
  return {
    ...spec,
    sources: spec.sources.map((path) => resolve(path)),
    ...(spec.includeDirs === undefined ? {} : { includeDirs: spec.includeDirs.map((path) => resolve(path)) }),
  };
}

function buildEnvironment(): NodeJS.ProcessEnv {
  const environment = { ...process.env };
  for (const name of INHERITED_MAKE_VARIABLES) delete environment[name];
  return environment;
}

/** Verilator's first `%Error` (not its closing count), else its first warning, else any compiler `error`. */
const BUILD_ERROR_PATTERNS = [/^%Error(?!: Exiting due to)/, /^%Warning/, /\berror\b/i];

function firstErrorLine(output: string): string {
  const lines = output.split('\n').map((line) => line.trim());
  for (const pattern of BUILD_ERROR_PATTERNS) {
    const match = lines.find((line) => pattern.test(line));
    if (match !== undefined) return match;
  }
  return lastNonEmpty(lines);
}

function lastNonEmpty(lines: readonly string[]): string {
  return lines.filter((line) => line !== '').at(-1) ?? '(no output)';
}
