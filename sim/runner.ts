/**
 * Simulator back-ends (sim/README.md): `runnerFor('verilator' | 'icarus')` gives a runner that
 * builds a testbench into the content-keyed cache and runs it with plusargs.
 */
import { IcarusRunner } from './icarus.ts';
import { SimulatorRunner, type RunnerOptions } from './simulator-runner.ts';
import type { SimulatorName } from './types.ts';
import { VerilatorRunner } from './verilator.ts';

export { SimulatorRunner, type RunnerOptions };
export type { BuildSpec, BuiltSimulation, RunResult, RunSpec, SimulatorName, TraceFormat } from './types.ts';

export function runnerFor(name: SimulatorName, options: RunnerOptions = {}): SimulatorRunner {
  switch (name) {
    case 'verilator':
      return new VerilatorRunner(options);
    case 'icarus':
      return new IcarusRunner(options);
  }
}
