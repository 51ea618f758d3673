/**
 * Icarus Verilog back-end: `iverilog` compiles to a `.vvp` file that `vvp` interprets.
 *
 * The run uses `vvp -N`, not `-n`: both end the simulation at `$stop` instead of opening the
 * interactive prompt, but `-N` also exits 1 there, as a Verilator model does (it aborts).
 */
import { join } from 'node:path';
import { SimulatorRunner } from './simulator-runner.ts';
import type { BuildSpec, BuiltSimulation, RunSpec, ToolName, TraceFormat } from './types.ts';
import { plusargArgs } from './plusargs.ts';

/** vvp picks the waveform format at run time; `-none` makes an untraced build ignore `$dumpvars`, as Verilator does. */
const DUMPER_FLAGS: Readonly<Record<TraceFormat, string>> = { none: '-none', vcd: '-vcd', fst: '-fst' };

export class IcarusRunner extends SimulatorRunner {
  readonly simulator = 'icarus';
  protected readonly buildTool: ToolName = 'iverilog';
  protected readonly runTool: ToolName = 'vvp';
  // `FATAL: tb.sv:40: message` / `ERROR: tb.sv:40: message`, then a `Time: ... Scope: ...` line.
  protected readonly errorReport = /^(FATAL|ERROR): \S+:\d+: /m;

  buildSteps(spec: BuildSpec, outDir: string): string[][] {
    return [
      [
        this.binary('iverilog'),
        '-g2012',
        '-s', spec.top,
        '-o', this.executable(outDir),
        ...Object.entries(this.definesOf(spec)).map(([name, value]) => `-D${name}=${value}`),
        ...(spec.includeDirs ?? []).map((dir) => `-I${dir}`),
        ...spec.sources,
      ],
    ];
  }

  runStep(built: BuiltSimulation, run: RunSpec): string[] {
    // Extended arguments (the dumper flag) and plusargs go after the .vvp file.
    return [this.binary('vvp'), '-N', this.executable(built.dir), DUMPER_FLAGS[built.trace], ...plusargArgs(run.plusargs)];
  }

  protected versionStep(): string[] {
    return [this.binary('iverilog'), '-V'];
  }

  protected executable(dir: string): string {
    return join(dir, 'sim.vvp');
  }
}
