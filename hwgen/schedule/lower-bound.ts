/**
 * A lower bound on the makespan of any schedule of one layer's columns: the LP relaxation of makespan
 * scheduling on unrelated machines (Lenstra, Shmoys, Tardos 1990) for two classes of identical machines,
 * solved exactly (up to floating-point rounding) in O(N log N).
 *
 * The relaxation, for a candidate makespan C:
 *   x[n] ∈ [0, 1] is the share of column n done by the ANN class, 1 − x[n] by the SNN class;
 *   x[n] = 0 if annCycles[n] > C (or A = 0), x[n] = 1 if snnCycles[n] > C (or S = 0), infeasible if both;
 *   Σ x[n]·annCycles[n] ≤ A·C  and  Σ (1 − x[n])·snnCycles[n] ≤ S·C.
 * C* is the least C for which this is feasible, and makespanLowerBound returns C*.
 *
 * Proof that C* ≤ OPT. Take an optimal schedule, makespan OPT, and let x[n] = 1 if it runs column n on an
 * ANN array, else 0. A column runs whole on one core, so its cycles there are at most that core's load,
 * at most OPT: the forced shares hold at C = OPT. The ANN arrays' loads sum to Σ x·annCycles and each is
 * at most OPT, so that sum is ≤ A·OPT; likewise for the SNN cores. So x is feasible at C = OPT and C* ≤ OPT.
 * C* is at least max over columns of min(annCycles, snnCycles) (below that some column may go nowhere)
 * and at least the plain LP value without the forced shares (it only adds constraints), so it combines
 * both bounds the brief asks for and is tighter than their maximum (see lower-bound.test.ts).
 *
 * Solving it. Let g(C) be min over the x allowed at C of max(ANN load / A, SNN load / S). For fixed forced
 * shares this is a fractional knapsack: for any ANN budget, the SNN load left is least when the free columns
 * go to the ANN class in ascending order of annCycles/snnCycles (an exchange argument: moving share from a
 * column of higher ratio to one of lower ratio never raises the SNN load for the same ANN load). So the
 * optimum is a prefix of that order plus a fraction of one column, where the rising ANN load per array meets
 * the falling SNN load per core; evaluateLimit finds it in one pass. The allowed sets change only at the
 * distinct cost values B_0 < B_1 < …, so on [B_i, B_{i+1}) g is constant and C is feasible there iff
 * C ≥ g(B_i). Hence C* = max(B_i, g(B_i)) for the first i with g(B_i) ≤ B_{i+1}; g is non-increasing, so that
 * predicate is monotone in i and optimalLimit finds i directly or by binary search: O(N log N) in all.
 */
import { checkCosts, checkMachines } from './inputs.ts';
import { ascendingOrder } from './sort.ts';
import type { ColumnCosts, Machines } from './types.ts';

/** The relaxation at one limit: its value, and the rounded class of each column (1 = ANN) if asked for. */
interface LimitSolution {
  value: number;
  onAnn: Uint8Array | undefined;
}

export interface FractionalAssignment {
  /** makespanLowerBound of the instance. */
  bound: number;
  /** 1 where the LP optimum runs the column on the ANN class; its one fractional column rounded to the better side. */
  onAnn: Uint8Array;
}

/** Columns ordered by annCycles / (annCycles + snnCycles), ascending: where the ANN class does relatively best first. */
export function ratioOrder(costs: ColumnCosts): Int32Array {
  const count = costs.annCycles.length;
  const key = new Float64Array(count);
  for (let n = 0; n < count; n++) {
    const ann = costs.annCycles[n] ?? 0;
    const total = ann + (costs.snnCycles[n] ?? 0);
    // a/(a+s) is monotone in a/s and stays finite when s = 0; a column free on both sides goes anywhere.
    key[n] = total > 0 ? ann / total : 0;
  }
  // Ties by index keep the order, and everything built on it, deterministic.
  return ascendingOrder(key);
}

/** Max of the per-core loads of the two classes; a class without cores carries nothing. */
function perCoreMax(annLoad: number, snnLoad: number, machines: Machines): number {
  const ann = machines.annArrays > 0 ? annLoad / machines.annArrays : 0;
  const snn = machines.snnCores > 0 ? snnLoad / machines.snnCores : 0;
  return Math.max(ann, snn);
}

/** Columns split at one limit: the free ones in ratio order, and the loads of the forced ones. */
interface Partition {
  /** Free columns (allowed on both classes), ratio order, in `free[0 .. freeCount)`. */
  free: Int32Array;
  freeCount: number;
  annLoad: number;
  snnLoad: number;
}

/** Splits the columns at `limit` into forced and free; undefined if some column fits on no class. */
function partitionAtLimit(costs: ColumnCosts, machines: Machines, order: Int32Array, limit: number, free: Int32Array): Partition | undefined {
  const annLimit = machines.annArrays > 0 ? limit : -1;
  const snnLimit = machines.snnCores > 0 ? limit : -1;
  let freeCount = 0;
  let annLoad = 0;
  let snnLoad = 0;
  for (let i = 0; i < order.length; i++) {
    const n = order[i] ?? 0;
    const ann = costs.annCycles[n] ?? 0;
    const snn = costs.snnCycles[n] ?? 0;
    if (ann <= annLimit) {
      if (snn <= snnLimit) free[freeCount++] = n;
      else annLoad += ann;
    } else if (snn <= snnLimit) snnLoad += snn;
    else return undefined;
  }
  return { free, freeCount, annLoad, snnLoad };
}

/** Rounded classes of the optimum: forced-ANN columns, and the first `annFree` free columns. */
function classesOf(costs: ColumnCosts, machines: Machines, limit: number, parts: Partition, annFree: number): Uint8Array {
  const onAnn = new Uint8Array(costs.annCycles.length);
  const snnLimit = machines.snnCores > 0 ? limit : -1;
  for (let n = 0; n < onAnn.length; n++) if ((costs.snnCycles[n] ?? 0) > snnLimit) onAnn[n] = 1;
  for (let j = 0; j < annFree; j++) onAnn[parts.free[j] ?? 0] = 1;
  return onAnn;
}

/** g(limit): the fractional optimum with the shares forced at `limit` (module comment); the rounded classes if asked. */
function evaluateLimit(costs: ColumnCosts, machines: Machines, order: Int32Array, limit: number, scratch: Int32Array, wantClasses: boolean): LimitSolution {
  const parts = partitionAtLimit(costs, machines, order, limit, scratch);
  if (parts === undefined) return { value: Number.POSITIVE_INFINITY, onAnn: undefined };
  const A = machines.annArrays;
  const S = machines.snnCores;
  // Start with every free column on the SNN side, then hand them to the ANN side in ratio order.
  let annLoad = parts.annLoad;
  let snnLoad = parts.snnLoad;
  for (let j = 0; j < parts.freeCount; j++) snnLoad += costs.snnCycles[parts.free[j] ?? 0] ?? 0;
  let value = perCoreMax(annLoad, snnLoad, machines);
  let annFree = parts.freeCount; // free columns on ANN after rounding
  for (let j = 0; j < parts.freeCount; j++) {
    const n = parts.free[j] ?? 0;
    const ann = costs.annCycles[n] ?? 0;
    const snn = costs.snnCycles[n] ?? 0;
    if ((annLoad + ann) / A >= (snnLoad - snn) / S) {
      // Free columns exist only if A, S > 0. The crossing lies inside this column, or at its start when the
      // ANN side is already the heavier (always so for a column that costs nothing on either side).
      const rate = ann / A + snn / S;
      const share = rate > 0 ? Math.min(1, Math.max(0, (snnLoad / S - annLoad / A) / rate)) : 0;
      value = perCoreMax(annLoad + share * ann, snnLoad - share * snn, machines);
      const wholeOnAnn = perCoreMax(annLoad + ann, snnLoad - snn, machines) < perCoreMax(annLoad, snnLoad, machines);
      annFree = j + (wholeOnAnn ? 1 : 0);
      break;
    }
    annLoad += ann;
    snnLoad -= snn;
    value = perCoreMax(annLoad, snnLoad, machines);
  }
  return { value, onAnn: wantClasses ? classesOf(costs, machines, limit, parts, annFree) : undefined };
}

/** The distinct cycle counts the allowed sets change at, ascending (only of classes that have cores). */
function breakpoints(costs: ColumnCosts, machines: Machines): Float64Array {
  const parts: Float64Array[] = [];
  if (machines.annArrays > 0) parts.push(costs.annCycles);
  if (machines.snnCores > 0) parts.push(costs.snnCycles);
  const all = new Float64Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  all.sort();
  let distinct = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[distinct - 1]) all[distinct++] = all[i] ?? 0;
  return all.subarray(0, distinct);
}

/** The last step at or below `value` (the first step if none is) and the step after it (∞ if none). */
function stepsAround(costs: ColumnCosts, machines: Machines, value: number): { step: number; next: number } {
  const arrays: Float64Array[] = [];
  if (machines.annArrays > 0) arrays.push(costs.annCycles);
  if (machines.snnCores > 0) arrays.push(costs.snnCycles);
  let atOrBelow = Number.NEGATIVE_INFINITY;
  let least = Number.POSITIVE_INFINITY;
  for (const array of arrays) {
    for (const b of array) {
      if (b <= value) atOrBelow = Math.max(atOrBelow, b);
      least = Math.min(least, b);
    }
  }
  const step = atOrBelow > Number.NEGATIVE_INFINITY ? atOrBelow : least;
  let next = Number.POSITIVE_INFINITY;
  for (const array of arrays) for (const b of array) if (b > step && b < next) next = b;
  return { step, next };
}

/** Index of the last step at or below `value` (0 if none). */
function stepIndexAtOrBelow(steps: Float64Array, value: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((steps[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}

/**
 * C* (module comment): the first step i with g(B_i) <= B_{i+1}, and C* = max(B_i, g(B_i)). No step below the
 * one holding the plain LP value g(∞) can give a smaller result, as g never falls below g(∞); and that step
 * usually qualifies itself, which needs no sorted list of steps. Otherwise a binary search over the steps
 * above it finds the first that does (the last always does: every column is allowed there).
 */
function optimalLimit(costs: ColumnCosts, machines: Machines, valueAt: (limit: number) => number): number {
  const plain = valueAt(Number.POSITIVE_INFINITY);
  const around = stepsAround(costs, machines, plain);
  const value = valueAt(around.step);
  if (value <= around.next) return around.step;
  const steps = breakpoints(costs, machines);
  const limitAt = (i: number): number => (i < steps.length ? (steps[i] ?? 0) : Number.POSITIVE_INFINITY);
  let lo = stepIndexAtOrBelow(steps, around.step) + 1;
  let hi = steps.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (valueAt(limitAt(mid)) <= limitAt(mid + 1)) hi = mid;
    else lo = mid + 1;
  }
  return limitAt(lo);
}

/** The LP optimum C* and its rounded class per column, which the `cost` scheduler starts from. */
export function fractionalAssignment(costs: ColumnCosts, machines: Machines): FractionalAssignment {
  const count = checkCosts(costs);
  checkMachines(machines);
  if (count === 0) return { bound: 0, onAnn: new Uint8Array(0) };
  const order = ratioOrder(costs);
  const scratch = new Int32Array(count);
  const limit = optimalLimit(costs, machines, (at) => evaluateLimit(costs, machines, order, at, scratch, false).value);
  const solution = evaluateLimit(costs, machines, order, limit, scratch, true);
  return { bound: Math.max(limit, solution.value), onAnn: solution.onAnn ?? new Uint8Array(count) };
}

/**
 * A makespan no schedule of these columns on these machines can beat (module comment for the proof).
 * Rounding can put it an ulp or so above the exact C*; compare with a relative tolerance of ~1e-12.
 */
export function makespanLowerBound(costs: ColumnCosts, machines: Machines): number {
  return fractionalAssignment(costs, machines).bound;
}
