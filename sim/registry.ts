/**
 * Every simulator hwgen can run, as data: a new simulator is one runner class (like verilator.ts) and one entry
 * here. The CLI's `--simulator` choices and the co-simulation test matrices read SIMULATORS.
 */
import { IcarusRunner } from './icarus.ts';
import type { RunnerOptions, SimulatorRunner } from './simulator-runner.ts';
import { VerilatorRunner } from './verilator.ts';

const RUNNERS = {
  verilator: (options: RunnerOptions): SimulatorRunner => new VerilatorRunner(options),
  icarus: (options: RunnerOptions): SimulatorRunner => new IcarusRunner(options),
} as const;

export type SimulatorName = keyof typeof RUNNERS;

/** The simulators in order of preference: the first is every command's default. */
export const SIMULATORS = Object.keys(RUNNERS) as readonly SimulatorName[];
export const DEFAULT_SIMULATOR = SIMULATORS[0] as SimulatorName;

export function runnerFor(name: SimulatorName, options: RunnerOptions = {}): SimulatorRunner {
  return RUNNERS[name](options);
}
