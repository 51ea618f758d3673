/**
 * Phase 2 of the `cost` policy: once local search has settled the makespan, spend the room left under it on
 * energy. Only moves between the classes can change energy (cores of a class are identical), so:
 *   moves  a column goes to the least loaded core of the class where it costs less energy, best saving per
 *          added cycle first, if that core's load stays within the makespan;
 *   swaps  an ANN column and an SNN column trade places when that saves energy and both loads stay within
 *          the makespan (needed when every core is full, where no single move fits).
 * No load ever exceeds the makespan, so the makespan never rises, and energy strictly falls with each step.
 */
import type { Assignment } from './assignment.ts';
import { descendingOrder } from './sort.ts';

/**
 * Rounds of moves then swaps. Later rounds only pick up room the earlier ones freed, which on measured
 * layers saves well under 0.01 % more, so a few rounds keep the phase cheap.
 */
const MAX_ROUNDS = 2;
/** Partners tried per column in the swap pass: keeps it O(N) on big layers, nearly exhaustive on small ones. */
const SWAP_WINDOW = 64;

/** pJ saved by running column n on the other class than the one it is on (negative: it would cost more). */
function savingIfSwitched(state: Assignment, n: number): number {
  const { annEnergy, snnEnergy } = state.costs;
  const onAnn = state.isAnn(state.owner[n] ?? 0);
  return onAnn ? (annEnergy[n] ?? 0) - (snnEnergy[n] ?? 0) : (snnEnergy[n] ?? 0) - (annEnergy[n] ?? 0);
}

/** Saving per cycle the column would add on the other class; a saving that adds no cycles is the best there is. */
function savingPerCycle(state: Assignment, n: number): number {
  const onAnn = state.isAnn(state.owner[n] ?? 0);
  const cycles = (onAnn ? state.costs.snnCycles[n] : state.costs.annCycles[n]) ?? 0;
  const saving = savingIfSwitched(state, n);
  return cycles > 0 ? saving / cycles : saving > 0 ? Number.POSITIVE_INFINITY : saving;
}

/** Columns now on one class, by descending merit; ties by column index. */
function byDescendingMerit(state: Assignment, onAnn: boolean, merit: (state: Assignment, n: number) => number): Int32Array {
  const columns: number[] = [];
  for (let n = 0; n < state.owner.length; n++) if (state.isAnn(state.owner[n] ?? 0) === onAnn) columns.push(n);
  const merits = Float64Array.from(columns, (n) => merit(state, n));
  const order = descendingOrder(merits);
  for (let i = 0; i < order.length; i++) order[i] = columns[order[i] ?? 0] ?? 0;
  return order;
}

/** Energy-saving moves that fit under the makespan; returns how many were made. */
function energyMoves(state: Assignment, makespan: number): number {
  const candidates: number[] = [];
  const collect = (onAnn: boolean): void => {
    for (const n of byDescendingMerit(state, onAnn, savingPerCycle)) if (savingIfSwitched(state, n) > 0) candidates.push(n);
  };
  // A column may only leave for a class that has cores.
  if (state.machines.snnCores > 0) collect(true);
  if (state.machines.annArrays > 0) collect(false);
  let moved = 0;
  for (const n of candidates) {
    const to = state.leastLoaded(!state.isAnn(state.owner[n] ?? 0), -1);
    if ((state.loads[to] ?? 0) + state.cycles(to, n) > makespan) continue;
    state.move(n, to);
    moved++;
  }
  return moved;
}

/** Whether swapping ANN column i and SNN column j keeps both their cores within the makespan. */
function swapFits(state: Assignment, i: number, j: number, makespan: number): boolean {
  const annCore = state.owner[i] ?? 0;
  const snnCore = state.owner[j] ?? 0;
  const annAfter = (state.loads[annCore] ?? 0) - state.cycles(annCore, i) + state.cycles(annCore, j);
  const snnAfter = (state.loads[snnCore] ?? 0) - state.cycles(snnCore, j) + state.cycles(snnCore, i);
  return annAfter <= makespan && snnAfter <= makespan;
}

/** Greedy energy-saving swaps of an ANN column with an SNN column, best savings paired first. */
function energySwaps(state: Assignment, makespan: number): number {
  if (state.machines.annArrays === 0 || state.machines.snnCores === 0) return 0;
  const annSide = byDescendingMerit(state, true, savingIfSwitched);
  const snnSide = byDescendingMerit(state, false, savingIfSwitched);
  const swappedIn = new Uint8Array(state.owner.length); // SNN columns already moved to ANN
  let head = 0; // first SNN column not swapped yet
  let swapped = 0;
  for (const i of annSide) {
    while (head < snnSide.length && swappedIn[snnSide[head] ?? 0] === 1) head++;
    const gain = savingIfSwitched(state, i);
    // Both lists fall, so once the best partner left cannot make a saving, no later column can either.
    if (head === snnSide.length || gain + savingIfSwitched(state, snnSide[head] ?? 0) <= 0) break;
    let tried = 0;
    for (let k = head; k < snnSide.length && tried < SWAP_WINDOW; k++) {
      const j = snnSide[k] ?? 0;
      if (swappedIn[j] === 1) continue;
      if (gain + savingIfSwitched(state, j) <= 0) break;
      tried++;
      if (!swapFits(state, i, j, makespan)) continue;
      state.swap(i, j);
      swappedIn[j] = 1;
      swapped++;
      break;
    }
  }
  return swapped;
}

/** Phase 2 (module comment); `makespan` is the ceiling no load may pass. */
export function reduceEnergy(state: Assignment): void {
  const makespan = state.makespan();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const steps = energyMoves(state, makespan) + energySwaps(state, makespan);
    if (steps === 0) return;
  }
}
