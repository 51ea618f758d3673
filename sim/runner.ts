/**
 * Simulator back-ends (sim/README.md): `runnerFor(name)` (from the registry, registry.ts) gives a runner that
 * builds a testbench into the content-keyed cache and runs it with plusargs.
 */
import { SimulatorRunner, type RunnerOptions } from './simulator-runner.ts';

export { SimulatorRunner, type RunnerOptions };
export { DEFAULT_SIMULATOR, SIMULATORS, type SimulatorName, runnerFor } from './registry.ts';
export type { BuildSpec, BuiltSimulation, RunResult, RunSpec, TraceFormat } from './types.ts';
