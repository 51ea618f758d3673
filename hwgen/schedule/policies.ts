/**
 * The column schedulers. Each turns one layer's per-column costs into a static Schedule:
 *   ann / snn  every column on that kind of core, balanced by LPT (longest first onto the least loaded core);
 *   random     NeuroFlex's baseline: each column, in order, onto a uniformly random core among all A + S;
 *   cost       minimum makespan, then minimum energy at that makespan (README.md, "Policies").
 * Every policy is deterministic: `random` draws from util/rng.ts with the given seed, the others use no
 * randomness and break every tie by index.
 */
import { coreAt } from '../arch/core-kinds.ts';
import { Rng } from '../util/rng.ts';
import { Assignment } from './assignment.ts';
import { checkCosts, checkMachines, coreCount, cyclesOn, energyOn } from './inputs.ts';
import { reduceEnergy } from './energy-search.ts';
import { improveMakespan } from './local-search.ts';
import { fractionalAssignment } from './lower-bound.ts';
import { descendingOrder } from './sort.ts';
import type { ColumnCosts, Machines, PolicyName, Schedule } from './types.ts';

export interface ScheduleOptions {
  /** Seed of the `random` policy (and of the random start `cost` compares against); uint32. */
  seed: number;
}

/** Global core numbers of one class: ANN arrays 0..A−1, SNN cores A..A+S−1. */
function coresOfClass(ann: boolean, machines: Machines): number[] {
  const first = ann ? 0 : machines.annArrays;
  const count = ann ? machines.annArrays : machines.snnCores;
  return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * LPT list scheduling of `columns` onto `cores` (all of one class): longest first (equal lengths in the
 * order given), each onto the least loaded core, lowest index on ties. Writes `owner`; `loads` carries the
 * cores' loads in and out.
 */
function longestFirst(columns: readonly number[], cores: number[], cycles: Float64Array, owner: Int32Array, loads: Float64Array): void {
  const byLength = descendingOrder(columns.map((n) => cycles[n] ?? 0));
  for (const position of byLength) {
    const n = columns[position] ?? 0;
    let target = cores[0] ?? 0;
    for (const core of cores) if ((loads[core] ?? 0) < (loads[target] ?? 0)) target = core;
    owner[n] = target;
    loads[target] = (loads[target] ?? 0) + (cycles[n] ?? 0);
  }
}

/** Every column on one class, balanced by LPT. */
function singleClassOwner(costs: ColumnCosts, machines: Machines, ann: boolean): Int32Array {
  const cores = coresOfClass(ann, machines);
  if (cores.length === 0) {
    throw new Error(`policy '${ann ? 'ann' : 'snn'}' needs at least one ${ann ? 'ANN array' : 'SNN core'}, but machines has none`);
  }
  const owner = new Int32Array(costs.annCycles.length);
  const columns = Array.from({ length: owner.length }, (_, n) => n);
  longestFirst(columns, cores, ann ? costs.annCycles : costs.snnCycles, owner, new Float64Array(coreCount(machines)));
  return owner;
}

function randomOwner(columnCount: number, machines: Machines, seed: number): Int32Array {
  const rng = new Rng(seed);
  const last = coreCount(machines) - 1;
  return Int32Array.from({ length: columnCount }, () => rng.nextInt(0, last));
}

/** The LP relaxation's split between the classes (lower-bound.ts), then LPT within each class. */
function lpSplitOwner(costs: ColumnCosts, machines: Machines, onAnn: Uint8Array): Int32Array {
  const annColumns: number[] = [];
  const snnColumns: number[] = [];
  onAnn.forEach((ann, n) => (ann === 1 ? annColumns : snnColumns).push(n));
  const owner = new Int32Array(onAnn.length);
  const loads = new Float64Array(coreCount(machines));
  longestFirst(annColumns, coresOfClass(true, machines), costs.annCycles, owner, loads);
  longestFirst(snnColumns, coresOfClass(false, machines), costs.snnCycles, owner, loads);
  return owner;
}

/** Makespan and energy of an assignment, summed afresh (no drift from incremental updates). */
function makespanAndEnergy(owner: Int32Array, costs: ColumnCosts, machines: Machines): { makespan: number; energy: number } {
  const loads = new Float64Array(coreCount(machines));
  let energy = 0;
  for (let n = 0; n < owner.length; n++) {
    const core = owner[n] ?? 0;
    loads[core] = (loads[core] ?? 0) + cyclesOn(core, n, costs, machines);
    energy += energyOn(core, n, costs, machines);
  }
  return { makespan: loads.reduce((max, load) => Math.max(max, load), 0), energy };
}

interface Scored {
  owner: Int32Array;
  makespan: number;
  energy: number;
}

function scored(owner: Int32Array, costs: ColumnCosts, machines: Machines): Scored {
  return { owner, ...makespanAndEnergy(owner, costs, machines) };
}

/** Least makespan first, then least energy; `a` on exact ties. */
function better(a: Scored, b: Scored): Scored {
  return b.makespan < a.makespan || (b.makespan === a.makespan && b.energy < a.energy) ? b : a;
}

/** Local search (local-search.ts, energy-search.ts) from `start`; never worse than the start. */
function searchFrom(start: Scored, costs: ColumnCosts, machines: Machines, lowerBound: number): Scored {
  const state = new Assignment(start.owner, costs, machines);
  improveMakespan(state, lowerBound);
  reduceEnergy(state);
  // Re-measured exactly, so float drift in the search's running loads can never make it lose to its start.
  return better(scored(state.owner, costs, machines), start);
}

/** A makespan a single-class LPT schedule cannot beat: the class's work spread evenly, or its longest column. */
function singleClassFloor(cycles: Float64Array, cores: number): number {
  let total = 0;
  let longest = 0;
  for (const value of cycles) {
    total += value;
    longest = Math.max(longest, value);
  }
  return Math.max(total / cores, longest);
}

/**
 * The `cost` policy: local search from the LP relaxation's split. Then each baseline (`random` with the same
 * seed, `ann`, `snn`) that could match the result is built, and the search restarts from it if it does
 * better; so `cost` is never worse in makespan than any of them. `random` costs O(N); a single-class
 * baseline is built only when its floor (singleClassFloor) does not already rule it out, which on real
 * layers it always does.
 */
function costOwner(costs: ColumnCosts, machines: Machines, seed: number): Int32Array {
  const { bound, onAnn } = fractionalAssignment(costs, machines);
  let best = searchFrom(scored(lpSplitOwner(costs, machines, onAnn), costs, machines), costs, machines, bound);
  const baselines: (() => Int32Array)[] = [() => randomOwner(costs.annCycles.length, machines, seed)];
  const { annArrays, snnCores } = machines;
  if (annArrays > 0 && singleClassFloor(costs.annCycles, annArrays) <= best.makespan) baselines.push(() => singleClassOwner(costs, machines, true));
  if (snnCores > 0 && singleClassFloor(costs.snnCycles, snnCores) <= best.makespan) baselines.push(() => singleClassOwner(costs, machines, false));
  for (const build of baselines) {
    const baseline = scored(build(), costs, machines);
    if (better(best, baseline) === baseline) best = searchFrom(baseline, costs, machines, bound);
  }
  return best.owner;
}

/** Columns of each core in ascending index, so every core streams its activations in memory order. */
function toSchedule(owner: Int32Array, machines: Machines, policy: PolicyName): Schedule {
  const cores = Array.from({ length: coreCount(machines) }, (_, core) => ({ ...coreAt(core, machines), columns: [] as number[] }));
  owner.forEach((core, n) => cores[core]?.columns.push(n));
  return { policy, cores };
}

function ownerFor(costs: ColumnCosts, machines: Machines, policy: PolicyName, seed: number): Int32Array {
  switch (policy) {
    case 'ann':
      return singleClassOwner(costs, machines, true);
    case 'snn':
      return singleClassOwner(costs, machines, false);
    case 'random':
      return randomOwner(costs.annCycles.length, machines, seed);
    case 'cost':
      return costOwner(costs, machines, seed);
  }
}

/** A static schedule of one layer's columns on `machines` by `policy` (module comment). */
export function schedule(costs: ColumnCosts, machines: Machines, policy: PolicyName, options: ScheduleOptions): Schedule {
  checkCosts(costs);
  checkMachines(machines);
  return toSchedule(ownerFor(costs, machines, policy, options.seed), machines, policy);
}
