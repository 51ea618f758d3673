/**
 * Static schedules are computed offline on calibration inputs and then run unchanged on every other input of
 * the same layer; only the spike counts, hence the SNN costs, differ. applySchedule tells what the fixed
 * assignment costs on another input, to compare with rescheduling for it. meanCosts turns several
 * calibration inputs into one instance to schedule: where the dense regions of a feature map move from
 * input to input, a schedule fitted to one input's columns is no better than random on the next, while the
 * mean keeps what the inputs share (README.md, "Static schedules on other inputs").
 */
import { machinesWith } from '../arch/core-kinds.ts';
import { checkCosts } from './inputs.ts';
import { summarize } from './summary.ts';
import type { ColumnCosts, Machines, Schedule, ScheduleSummary } from './types.ts';


/** The machines a schedule was made for, read from its list of cores. */
export function machinesOf(schedule: Schedule): Machines {
  return machinesWith((kind) => schedule.cores.filter((core) => core.kind === kind).length);
}

/** The same column-to-core assignment, evaluated on `costs` (the same layer on another input). */
export function applySchedule(schedule: Schedule, costs: ColumnCosts): ScheduleSummary {
  const columnCount = checkCosts(costs);
  const scheduled = schedule.cores.reduce((count, core) => count + core.columns.length, 0);
  if (scheduled !== columnCount) {
    throw new Error(`applySchedule: the schedule covers ${scheduled} columns but the costs have ${columnCount}; a schedule applies only to the layer it was made for`);
  }
  return summarize(schedule, costs, machinesOf(schedule));
}

/** Column-wise mean of the costs of several inputs of one layer (same column count). */
export function meanCosts(samples: readonly ColumnCosts[]): ColumnCosts {
  const first = samples[0];
  if (first === undefined) throw new Error('meanCosts needs at least one calibration sample');
  const columnCount = checkCosts(first);
  const mean = (pick: (costs: ColumnCosts) => Float64Array): Float64Array => {
    const sum = new Float64Array(columnCount);
    for (const sample of samples) pick(sample).forEach((value, n) => (sum[n] = (sum[n] ?? 0) + value));
    return sum.map((total) => total / samples.length);
  };
  samples.forEach((sample, i) => {
    const count = checkCosts(sample);
    if (count !== columnCount) throw new Error(`meanCosts: sample ${i} has ${count} columns, sample 0 has ${columnCount}`);
  });
  return { annCycles: mean((c) => c.annCycles), snnCycles: mean((c) => c.snnCycles), annEnergy: mean((c) => c.annEnergy), snnEnergy: mean((c) => c.snnEnergy) };
}
