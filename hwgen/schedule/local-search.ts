/**
 * Local search for the `cost` policy, in two phases:
 *  1. makespan: take the busiest core p; move one of its columns to another core, or (only when no move helps)
 *     swap one with a column of another core, taking the step that leaves the larger of the two new loads
 *     smallest; accept it only if both new loads are below p's old load. The sorted load vector then falls
 *     lexicographically, so the search cannot cycle; it stops when no move or swap out of the busiest core
 *     helps, or when the makespan is within CLOSE_ENOUGH of the lower bound.
 *  2. energy (energy-search.ts): moves and swaps that save energy without raising the makespan.
 */
import type { Assignment } from './assignment.ts';
import { ascendingOrder } from './sort.ts';

/** Relative improvement a step must make, so that float rounding in the loads can never look like progress. */
const RELATIVE_TOLERANCE = 1e-12;
/** Relative gap to the lower bound below which phase 1 stops: far below anything measurable in cycles. */
const CLOSE_ENOUGH = 1e-6;
/** Safety net only: steps each lower the sorted load vector, so the search ends long before this. */
const STEPS_PER_COLUMN = 50;

/** The best step seen so far: least peak (larger of the two new loads), then least energy change. */
class BestStep {
  /** Column leaving the busiest core; −1 until a step is offered. */
  from = -1;
  /** Its destination core. */
  to = -1;
  /** Column coming back for a swap, −1 for a move. */
  back = -1;
  peak = Number.POSITIVE_INFINITY;
  /** Energy change, pJ. */
  energyDelta = Number.POSITIVE_INFINITY;

  offer(from: number, to: number, back: number, peak: number, energyDelta: number): void {
    if (peak < this.peak || (peak === this.peak && energyDelta < this.energyDelta)) {
      this.from = from;
      this.to = to;
      this.back = back;
      this.peak = peak;
      this.energyDelta = energyDelta;
    }
  }
}

/** Offers every move of a column of `busy` to the least loaded core of either class (the best of its class). */
function offerMoves(state: Assignment, busy: number, best: BestStep): void {
  const busyLoad = state.loads[busy] ?? 0;
  const targets = [state.leastLoaded(true, busy), state.leastLoaded(false, busy)].filter((core) => core >= 0);
  for (const n of state.members[busy] ?? []) {
    const busyAfter = busyLoad - state.cycles(busy, n);
    for (const to of targets) {
      const peak = Math.max(busyAfter, (state.loads[to] ?? 0) + state.cycles(to, n));
      best.offer(n, to, -1, peak, state.energy(to, n) - state.energy(busy, n));
    }
  }
}

/**
 * A core's columns sorted by their cycles on the busy core's class, with, for each prefix, the position of
 * the column that costs most on the core itself (first on ties): the best partner for a swap whose
 * returning column must be cheaper on the busy core than the one leaving it.
 */
interface SwapIndex {
  version: number;
  sorted: Int32Array;
  keys: Float64Array;
  prefixBest: Int32Array;
}

function buildSwapIndex(state: Assignment, core: number, busyClassCore: number): SwapIndex {
  const members = state.members[core] ?? [];
  const busyCycles = state.cyclesOnClassOf(busyClassCore);
  const ownCycles = state.cyclesOnClassOf(core);
  const keys = new Float64Array(members.length);
  for (let i = 0; i < members.length; i++) keys[i] = busyCycles[members[i] ?? 0] ?? 0;
  const sorted = ascendingOrder(keys);
  for (let k = 0; k < sorted.length; k++) {
    const n = members[sorted[k] ?? 0] ?? 0;
    sorted[k] = n;
    keys[k] = busyCycles[n] ?? 0;
  }
  const prefixBest = new Int32Array(sorted.length);
  let bestCycles = ownCycles[sorted[0] ?? 0] ?? 0;
  for (let k = 1; k < sorted.length; k++) {
    const cycles = ownCycles[sorted[k] ?? 0] ?? 0;
    prefixBest[k] = cycles > bestCycles ? k : (prefixBest[k - 1] ?? 0);
    bestCycles = Math.max(bestCycles, cycles);
  }
  return { version: state.versions[core] ?? 0, sorted, keys, prefixBest };
}

/** Number of keys strictly below `value` among keys[0 .. end) (ascending). */
function countBelow(keys: Float64Array, value: number, end = keys.length): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Swap indexes per (core, class of the busy core), rebuilt only when the core's columns changed. */
class SwapIndexCache {
  private readonly entries = new Map<number, SwapIndex>();

  constructor(private readonly state: Assignment) {}

  get(core: number, busy: number): SwapIndex {
    const key = 2 * core + (this.state.isAnn(busy) ? 1 : 0);
    const cached = this.entries.get(key);
    if (cached !== undefined && cached.version === this.state.versions[core]) return cached;
    const index = buildSwapIndex(this.state, core, busy);
    this.entries.set(key, index);
    return index;
  }
}

function offerSwap(state: Assignment, busy: number, other: number, leaving: number, back: number, best: BestStep): void {
  const busyAfter = (state.loads[busy] ?? 0) - state.cycles(busy, leaving) + state.cycles(busy, back);
  const otherAfter = (state.loads[other] ?? 0) - state.cycles(other, back) + state.cycles(other, leaving);
  const energyDelta = state.energy(other, leaving) + state.energy(busy, back) - state.energy(busy, leaving) - state.energy(other, back);
  best.offer(leaving, other, back, Math.max(busyAfter, otherAfter), energyDelta);
}

/**
 * Offers swaps of columns of `busy` with columns of `other`. For each leaving column, the partner that costs
 * most on `other` among those cheaper on `busy` gives a helpful swap whenever any partner does; between cores
 * of the same class the partners around the one that halves the load difference are offered too, as they
 * usually help most.
 */
function offerSwapsWith(state: Assignment, busy: number, other: number, index: SwapIndex, tolerance: number, best: BestStep): void {
  const sameClass = state.isAnn(busy) === state.isAnn(other);
  const halfGap = ((state.loads[busy] ?? 0) - (state.loads[other] ?? 0)) / 2;
  for (const leaving of state.members[busy] ?? []) {
    const leavingCycles = state.cycles(busy, leaving);
    const cheaper = countBelow(index.keys, leavingCycles - tolerance);
    if (cheaper === 0) continue;
    offerSwap(state, busy, other, leaving, index.sorted[index.prefixBest[cheaper - 1] ?? 0] ?? 0, best);
    if (!sameClass) continue;
    const balanced = countBelow(index.keys, leavingCycles - halfGap, cheaper);
    if (balanced < cheaper) offerSwap(state, busy, other, leaving, index.sorted[balanced] ?? 0, best);
    if (balanced > 0) offerSwap(state, busy, other, leaving, index.sorted[balanced - 1] ?? 0, best);
  }
}

/**
 * Swaps with the other cores, least loaded first (most room), stopping after the first core that offers a
 * helpful swap: the best swap over all cores is rarely much better, and scanning every core for every step
 * dominated the run time with many cores. A core is skipped only once a helpful swap is in hand, so the search
 * still stops only when no swap with any core helps.
 */
function offerSwaps(state: Assignment, busy: number, cache: SwapIndexCache, tolerance: number, limit: number, best: BestStep): void {
  const others = Array.from({ length: state.loads.length }, (_, core) => core).filter((core) => core !== busy && (state.members[core] ?? []).length > 0);
  others.sort((p, q) => (state.loads[p] ?? 0) - (state.loads[q] ?? 0) || p - q);
  for (const other of others) {
    offerSwapsWith(state, busy, other, cache.get(other, busy), tolerance, best);
    if (best.peak < limit) return;
  }
}

/**
 * Phase 1 (module comment): moves and swaps out of the busiest core until none lowers its load, or until the
 * makespan is within CLOSE_ENOUGH of `lowerBound`: with many cores and float costs the last steps each shave
 * off a millionth while costing a full swap search, and took a 50k-column layer from 0.2 s to over 1 s.
 */
export function improveMakespan(state: Assignment, lowerBound: number): void {
  const goal = lowerBound * (1 + CLOSE_ENOUGH);
  const cache = new SwapIndexCache(state);
  const maxSteps = STEPS_PER_COLUMN * state.owner.length + 1000;
  for (let steps = 0; steps < maxSteps; steps++) {
    const busy = state.busiestCore();
    const busyLoad = state.loads[busy] ?? 0;
    if (busyLoad <= goal) return;
    const tolerance = RELATIVE_TOLERANCE * busyLoad;
    const limit = busyLoad - tolerance;
    const best = new BestStep();
    offerMoves(state, busy, best);
    // Swaps are looked for only when no move helps: moves are much cheaper to find.
    if (!(best.peak < limit)) offerSwaps(state, busy, cache, tolerance, limit, best);
    if (!(best.peak < limit)) return;
    if (best.back < 0) state.move(best.from, best.to);
    else state.swap(best.from, best.back);
  }
}
