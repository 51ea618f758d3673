/** What a schedule costs, and a validator of its shape. */
import { coreAt } from '../arch/core-kinds.ts';
import { COSTS_OF_KIND, checkCosts, checkMachines, coreCount } from './inputs.ts';
import { makespanLowerBound } from './lower-bound.ts';
import type { ColumnCosts, Machines, Schedule, ScheduleSummary } from './types.ts';

/**
 * Everything wrong with `schedule` as a schedule of `columnCount` columns on `machines`, one message each
 * (empty when it is valid): one entry per core, ANN arrays first with indices in order, and every column on
 * exactly one core. The order within a core is free.
 */
export function checkSchedule(schedule: Schedule, columnCount: number, machines: Machines): string[] {
  const problems: string[] = [];
  const expectedCores = coreCount(machines);
  if (schedule.cores.length !== expectedCores) {
    problems.push(`schedule has ${schedule.cores.length} cores, machines have ${machines.annArrays} ANN + ${machines.snnCores} SNN = ${expectedCores}`);
  }
  const seen = new Uint8Array(columnCount);
  schedule.cores.forEach((core, position) => {
    const { kind, index } = coreAt(position, machines);
    if (core.kind !== kind || core.index !== index) problems.push(`core ${position} is ${core.kind} ${core.index}, expected ${kind} ${index}`);
    for (const n of core.columns) {
      if (!Number.isInteger(n) || n < 0 || n >= columnCount) problems.push(`core ${position} runs column ${n}, outside 0..${columnCount - 1}`);
      else if (seen[n] === 1) problems.push(`column ${n} is scheduled more than once`);
      else seen[n] = 1;
    }
  });
  const missing = seen.reduce((count, flag) => count + (flag === 0 ? 1 : 0), 0);
  if (missing > 0) problems.push(`${missing} of ${columnCount} columns are not scheduled (first: ${seen.indexOf(0)})`);
  return problems;
}

/** Throws an Error listing the problems when `schedule` is not a valid schedule of these columns. */
export function assertValidSchedule(schedule: Schedule, columnCount: number, machines: Machines): void {
  const problems = checkSchedule(schedule, columnCount, machines);
  if (problems.length > 0) throw new Error(`invalid schedule: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ''}`);
}

/** Makespan, energy, EDP, per-core loads and the distance to the lower bound of a valid schedule. */
export function summarize(schedule: Schedule, costs: ColumnCosts, machines: Machines): ScheduleSummary {
  const columnCount = checkCosts(costs);
  checkMachines(machines);
  assertValidSchedule(schedule, columnCount, machines);
  let energy = 0;
  const loads = schedule.cores.map((core) => {
    const cycles = costs[COSTS_OF_KIND[core.kind].cycles];
    const energies = costs[COSTS_OF_KIND[core.kind].energy];
    let load = 0;
    for (const n of core.columns) {
      load += cycles[n] ?? 0;
      energy += energies[n] ?? 0;
    }
    return load;
  });
  const makespan = loads.reduce((max, load) => Math.max(max, load), 0);
  const lowerBound = makespanLowerBound(costs, machines);
  return { makespan, energy, edp: energy * makespan, loads, lowerBound, gapToBound: gap(makespan, lowerBound) };
}

function gap(makespan: number, lowerBound: number): number {
  if (lowerBound > 0) return makespan / lowerBound - 1;
  // A zero bound means every column is free somewhere; only a schedule that pays for one is off it.
  return makespan === 0 ? 0 : Number.POSITIVE_INFINITY;
}
