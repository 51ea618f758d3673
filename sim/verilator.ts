/**
 * Verilator 5 back-end: `--binary --timing` compiles the testbench itself (no C++ harness), so the
 * same SystemVerilog testbench runs here and on Icarus.
 *
 * Speed (measured in docs/results.md, "Simulation speed"): the model's per-cycle C++ is compiled at
 * -O2 instead of Verilator's -Os (`-MAKEFLAGS OPT_FAST=-O2`): the program player runs a 17 M-cycle
 * layer about 14 % faster with the same outputs, and builds take no longer. `-CFLAGS -O2` would not
 * do it: Verilator's makefile puts its own -Os after the user's flags, so only the -O0 set-up code
 * changes. Not passed, on purpose: `-O3` (the design is already fully inlined: the same executable),
 * `--x-assign fast` (the default already), `--x-initial fast` (only the reset of unset variables
 * changes, no speed, and it could change what an unreset register holds), `OPT_FAST=-O3` (a few
 * percent more, within the noise, for a slower build) and `--threads` (with `--timing` in 5.006 the
 * program player ran hundreds of times slower).
 */
import { join } from 'node:path';
import { SimulatorRunner } from './simulator-runner.ts';
import type { BuildSpec, BuiltSimulation, RunSpec, ToolName, TraceFormat } from './types.ts';
import { plusargArgs } from './plusargs.ts';

const TRACE_FLAGS: Readonly<Record<TraceFormat, readonly string[]>> = { none: [], vcd: ['--trace'], fst: ['--trace-fst'] };

/** The C++ level of the model's per-cycle code (Verilator's makefile variable OPT_FAST, default -Os). Part of the key. */
export const VERILATOR_OPT_FAST = '-O2';

export class VerilatorRunner extends SimulatorRunner {
  readonly simulator = 'verilator';
  protected readonly buildTool: ToolName = 'verilator';
  // The model is our own executable, but its errors are Verilator's.
  protected readonly runTool: ToolName = 'verilator';
  // `[215] %Error: tb.sv:40: Assertion failed in TOP.tb: ...` for $error/$fatal, `%Error: ... Verilog $stop`.
  protected readonly errorReport = /^(\[\d+\] )?%(Error|Fatal)/m;

  buildSteps(spec: BuildSpec, outDir: string): string[][] {
    return [
      [
        this.binary('verilator'),
        '--binary',
        '--timing',
        // -j is --build-jobs in 5.006: the parallelism of the make that runs g++.
        '-j', String(this.jobs),
        '--top-module', spec.top,
        // Testbenches are not lint-clean by design; generated RTL is linted separately (sim/checks.ts).
        '-Wno-lint',
        '-Wno-style',
        // Passed to the make that runs g++: a command-line variable overrides the makefile's -Os.
        '-MAKEFLAGS', `OPT_FAST=${VERILATOR_OPT_FAST}`,
        ...TRACE_FLAGS[spec.trace ?? 'none'],
        '--Mdir', join(outDir, 'obj_dir'),
        '-o', 'sim',
        // -D rather than +define+: a `+` inside a value would start another define.
        ...Object.entries(this.definesOf(spec)).map(([name, value]) => `-D${name}=${value}`),
        ...(spec.includeDirs ?? []).map((dir) => `-I${dir}`),
        ...spec.sources,
      ],
    ];
  }

  runStep(built: BuiltSimulation, run: RunSpec): string[] {
    return [this.executable(built.dir), ...plusargArgs(run.plusargs)];
  }

  /** The number of compile jobs does not change the model: builds with other `jobs` share entries. */
  protected override keySteps(spec: BuildSpec): string[][] {
    return super.keySteps(spec).map((argv) => argv.filter((arg, index) => arg !== '-j' && argv[index - 1] !== '-j'));
  }

  protected versionStep(): string[] {
    return [this.binary('verilator'), '--version'];
  }

  protected executable(dir: string): string {
    return join(dir, 'obj_dir', 'sim');
  }
}
