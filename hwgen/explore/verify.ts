/**
 * Verifies a front point in RTL: the workload through the generated accelerator on a simulator under the
 * `cost` schedule, exactly as `hwgen sim` runs it (hwgen/flows/write-sim.ts), into the point's `sim/` folder.
 * The point holds when every check of the run passes (outputs equal the golden model; cycles, counters and
 * events as predicted) and the RTL's cycles equal the cycles the explorer's cost model gave the point.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimulatorName } from '../../sim/types.ts';
import type { Accelerator } from '../config/load-config.ts';
import type { EventCounts } from '../arch/events.ts';
import { simulateIntoDir } from '../flows/write-sim.ts';
import { removeOnInterrupt } from '../util/interrupts.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';
import type { PointVerification } from '../report/pareto-file.ts';
import { EXPLORE_SEED } from './point-cost.ts';

export interface VerifyOptions {
  readonly simulator: SimulatorName;
  readonly energyTable?: Readonly<EventCounts> | undefined;
}

export interface VerifiedPoint {
  readonly verification: PointVerification;
  /** Why it does not hold; empty when it does. */
  readonly problems: readonly string[];
}

/** The cost model's cycles for the layers being verified (all of them, or those `--verify-layers` kept). */
export function predictedCyclesOf(workload: ResolvedWorkload, layerCycles: Readonly<Record<string, number>>): number {
  return workload.layers.reduce((sum, layer) => {
    const cycles = layerCycles[layer.spec.name];
    if (cycles === undefined) throw new Error(`no predicted cycles for layer ${layer.spec.name}`);
    return sum + cycles;
  }, 0);
}

/** Simulates into `dir` (created); the simulator's scratch folder is kept, and named, when the point fails. */
export async function verifyPoint(accelerator: Accelerator, workload: ResolvedWorkload, predictedCycles: number, dir: string, options: VerifyOptions): Promise<VerifiedPoint> {
  await mkdir(dir, { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), 'hwgen-explore-sim-'));
  const forgetWorkDir = removeOnInterrupt(workDir);
  const result = await simulateIntoDir(accelerator, workload, dir, { policy: 'cost', seed: EXPLORE_SEED, simulator: options.simulator, trace: 'none', workDir, energyTable: options.energyTable }).finally(forgetWorkDir);
  const { total } = result;
  const problems = result.layers.flatMap((layer) => layer.problems);
  if (total.cycles !== predictedCycles) problems.push(`RTL ${total.cycles} cycles, the explorer's cost model ${predictedCycles}`);
  if (problems.length === 0) await rm(workDir, { recursive: true, force: true });
  else problems.push(`simulation files kept in ${workDir}`);
  const match = total.checked && total.cycles === predictedCycles;
  return { verification: { simulator: options.simulator, cycles: total.cycles, predictedCycles, match }, problems };
}
