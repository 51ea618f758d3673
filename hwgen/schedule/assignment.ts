/**
 * A mutable column-to-core assignment for the schedulers: who runs each column, each core's columns and
 * load, all updated in O(1) per move so local search over 50k columns stays fast.
 */
import { coreCount } from './inputs.ts';
import type { ColumnCosts, Machines } from './types.ts';

export class Assignment {
  /** Global core of each column (ANN arrays 0..A−1, then SNN cores). */
  readonly owner: Int32Array;
  /** Cycles of each core. */
  readonly loads: Float64Array;
  /** Columns of each core, in no particular order (removal swaps in the last one). */
  readonly members: number[][];
  /** Position of each column in its core's `members`. */
  private readonly slot: Int32Array;
  /** Bumped whenever a core's column set changes, so callers can cache things derived from it. */
  readonly versions: Int32Array;
  /** Cores below this are ANN arrays (kept here: it is read in every inner loop). */
  private readonly annArrays: number;

  constructor(
    owner: Int32Array,
    readonly costs: ColumnCosts,
    readonly machines: Machines,
  ) {
    this.owner = Int32Array.from(owner);
    this.annArrays = machines.annArrays;
    const cores = coreCount(machines);
    this.loads = new Float64Array(cores);
    this.members = Array.from({ length: cores }, () => []);
    this.slot = new Int32Array(owner.length);
    this.versions = new Int32Array(cores);
    this.owner.forEach((core, n) => this.add(n, core));
  }

  /** Cycles of every column on `core`'s class. */
  cyclesOnClassOf(core: number): Float64Array {
    return core < this.annArrays ? this.costs.annCycles : this.costs.snnCycles;
  }

  cycles(core: number, n: number): number {
    return this.cyclesOnClassOf(core)[n] ?? 0;
  }

  energy(core: number, n: number): number {
    return (core < this.annArrays ? this.costs.annEnergy[n] : this.costs.snnEnergy[n]) ?? 0;
  }

  isAnn(core: number): boolean {
    return core < this.annArrays;
  }

  move(n: number, to: number): void {
    this.remove(n);
    this.add(n, to);
  }

  swap(i: number, j: number): void {
    const coreOfI = this.owner[i] ?? 0;
    const coreOfJ = this.owner[j] ?? 0;
    this.move(i, coreOfJ);
    this.move(j, coreOfI);
  }

  /** The most loaded core; the lowest index on ties. */
  busiestCore(): number {
    let best = 0;
    for (let core = 1; core < this.loads.length; core++) if ((this.loads[core] ?? 0) > (this.loads[best] ?? 0)) best = core;
    return best;
  }

  makespan(): number {
    return this.loads[this.busiestCore()] ?? 0;
  }

  /** The least loaded core of one class other than `except`, lowest index on ties; −1 if there is none. */
  leastLoaded(ann: boolean, except: number): number {
    const first = ann ? 0 : this.machines.annArrays;
    const end = ann ? this.machines.annArrays : this.loads.length;
    let best = -1;
    for (let core = first; core < end; core++) {
      if (core !== except && (best < 0 || (this.loads[core] ?? 0) < (this.loads[best] ?? 0))) best = core;
    }
    return best;
  }

  private add(n: number, core: number): void {
    const list = this.members[core] ?? [];
    this.owner[n] = core;
    this.slot[n] = list.length;
    list.push(n);
    this.loads[core] = (this.loads[core] ?? 0) + this.cycles(core, n);
    this.versions[core] = (this.versions[core] ?? 0) + 1;
  }

  private remove(n: number): void {
    const core = this.owner[n] ?? 0;
    const list = this.members[core] ?? [];
    const last = list.pop() ?? n;
    if (last !== n) {
      const at = this.slot[n] ?? 0;
      list[at] = last;
      this.slot[last] = at;
    }
    this.loads[core] = (this.loads[core] ?? 0) - this.cycles(core, n);
    this.versions[core] = (this.versions[core] ?? 0) + 1;
  }
}
