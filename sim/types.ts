/** The shapes shared by the simulator runners (sim/README.md). */

import type { SimulatorName } from './registry.ts';

export type { SimulatorName } from './registry.ts';

/** The programs the runners start; each can be overridden (RunnerOptions.binaries). */
export type ToolName = 'verilator' | 'iverilog' | 'vvp';

/** `vcd` and `fst` also define `HWGEN_TRACE` so a testbench can guard its `$dumpfile`/`$dumpvars`. */
export type TraceFormat = 'none' | 'vcd' | 'fst';

export interface BuildSpec {
  /** Top module: the testbench. */
  readonly top: string;
  /** Absolute paths of the .v/.sv files, testbench included. */
  readonly sources: readonly string[];
  readonly includeDirs?: readonly string[];
  /** Preprocessor defines, `K=V`. */
  readonly defines?: Readonly<Record<string, string>>;
  readonly trace?: TraceFormat;
}

export interface RunSpec {
  /** Passed as `+name=value`; read with `$value$plusargs` / `$test$plusargs`. */
  readonly plusargs?: Readonly<Record<string, string | number>>;
  /** Where relative file names in the testbench (`$readmemh`, `$fopen`, `$dumpfile`) resolve. */
  readonly cwd: string;
  readonly timeoutMs: number;
}

export interface BuiltSimulation {
  readonly simulator: SimulatorName;
  /** sha256 of everything the build depends on: names the cache entry. */
  readonly key: string;
  /** The cache entry holding the executable model. */
  readonly dir: string;
  /** True when the entry already existed and no tool ran. */
  readonly cached: boolean;
  readonly buildMs: number;
  /** Icarus picks the waveform format when it runs, so the run step needs it. */
  readonly trace: TraceFormat;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
}
