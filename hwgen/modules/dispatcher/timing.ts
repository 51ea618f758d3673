/**
 * The dispatcher's timing: where a core's cycle 0 falls in a dispatched run, and a cycle-exact model of the column
 * feeder (spec.md beside this file, "The feeder").
 */
import { FEEDER_LATENCY, type FeederEntry } from './arch.ts';

/**
 * The program cycle of a core's cycle 0 in a dispatched run: its feeder offers the first beat FEEDER_LATENCY
 * cycles after the core's start, counted from the tile's start pulse. The waveform check and the report's Gantt
 * chart both place columns with it.
 */
export function coreCycleZero(startPulse: number, coreStart: number): number {
  return startPulse + coreStart + FEEDER_LATENCY;
}


/** One word the feeder delivers: replica address, column-last flag, and the cycle it moved (start = cycle 0). */
export interface FeederBeat {
  readonly addr: number;
  readonly last: boolean;
  readonly cycle: number;
}

/**
 * Cycle-exact model of the feeder after `start` in cycle 0, with `ready(t)` the consumer's out_ready in
 * cycle t. Mirrors the RTL register by register (spec.md): a data read is issued when the output register
 * is empty or moves this cycle, the next schedule entry is read when the current one is taken.
 */
export function modelFeeder(entries: readonly FeederEntry[], ready: (cycle: number) => boolean, maxCycles = 1_000_000): FeederBeat[] {
  const total = entries.reduce((sum, e) => sum + e.count, 0);
  const beats: FeederBeat[] = [];
  let sp = 0;
  let sqValid = false;
  let sq: FeederEntry = { base: 0, count: 0 };
  let cur: FeederEntry | undefined;
  let out: { addr: number; last: boolean } | undefined;
  for (let t = 0; beats.length < total; t += 1) {
    if (t > maxCycles) throw new Error(`feeder model: ${beats.length} of ${total} words after ${maxCycles} cycles`);
    const start = t === 0;
    const r = ready(t);
    const moved = out !== undefined && r;
    if (moved && out !== undefined) beats.push({ addr: out.addr, last: out.last, cycle: t });
    const have = cur !== undefined || sqValid;
    const issue = have && (out === undefined || r);
    const source = cur ?? sq;
    const take = issue && cur === undefined;
    const sIssue = start ? entries.length > 0 : sp < entries.length && (!sqValid || take);
    // Next state.
    let nextOut = moved ? undefined : out;
    let nextCur = cur;
    if (issue) {
      nextOut = { addr: source.base, last: source.count === 1 };
      nextCur = source.count > 1 ? { base: source.base + 1, count: source.count - 1 } : undefined;
    }
    if (sIssue) {
      sq = entries[start ? 0 : sp] as FeederEntry;
      sqValid = true;
      sp = start ? 1 : sp + 1;
    } else if (take || start) {
      sqValid = false;
    }
    cur = nextCur;
    out = nextOut;
  }
  return beats;
}
