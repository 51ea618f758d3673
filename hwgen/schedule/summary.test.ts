import { describe, expect, it } from 'vitest';
import { applySchedule, machinesOf, meanCosts } from './calibration.ts';
import { schedule } from './policies.ts';
import { assertValidSchedule, checkSchedule, summarize } from './summary.ts';
import { costsOf } from './test-helpers.ts';
import type { Schedule } from './types.ts';

const ONE_EACH = { annArrays: 1, snnCores: 1 };

function twoCores(ann: number[], snn: number[]): Schedule {
  return {
    policy: 'cost',
    cores: [
      { kind: 'ann', index: 0, columns: ann },
      { kind: 'snn', index: 0, columns: snn },
    ],
  };
}

describe('summarize, worked by hand', () => {
  it('adds up loads, energy and EDP, and compares with the bound', () => {
    // Column 0 on ANN (2 cycles, 10 pJ), column 1 on SNN (1 cycle, 3 pJ). Bound: below 2 column 0 fits nowhere
    // (ANN 2, SNN 5), at 2 it must use ANN: C* = 2, so this schedule is optimal.
    const costs = costsOf([2, 3], [5, 1], [10, 20], [7, 3]);
    const summary = summarize(twoCores([0], [1]), costs, ONE_EACH);
    expect(summary).toEqual({ makespan: 2, energy: 13, edp: 26, loads: [2, 1], lowerBound: 2, gapToBound: 0 });
  });

  it('reports the gap to the bound', () => {
    const costs = costsOf([2, 3], [5, 1], [10, 20], [7, 3]);
    const summary = summarize(twoCores([0, 1], []), costs, ONE_EACH);
    expect([summary.makespan, summary.energy, summary.edp, summary.gapToBound]).toEqual([5, 30, 150, 1.5]);
  });

  it('gives gap 0 for a free layer, ∞ for paying where nothing was needed', () => {
    const costs = costsOf([0, 4], [3, 0]);
    expect(summarize(twoCores([0], [1]), costs, ONE_EACH).gapToBound).toBe(0);
    expect(summarize(twoCores([1], [0]), costs, ONE_EACH).gapToBound).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses an invalid schedule', () => {
    expect(() => summarize(twoCores([0], []), costsOf([1, 1], [1, 1]), ONE_EACH)).toThrow(/invalid schedule: 1 of 2 columns are not scheduled/);
  });
});

describe('checkSchedule', () => {
  const machines = { annArrays: 1, snnCores: 1 };

  it('accepts any order within a core', () => {
    expect(checkSchedule(twoCores([2, 0], [1]), 3, machines)).toEqual([]);
  });

  it('finds missing, repeated and unknown columns', () => {
    expect(checkSchedule(twoCores([0, 0], [5]), 3, machines)).toEqual([
      'column 0 is scheduled more than once',
      'core 1 runs column 5, outside 0..2',
      '2 of 3 columns are not scheduled (first: 1)',
    ]);
  });

  it('finds a wrong number, kind or order of cores', () => {
    expect(checkSchedule(twoCores([0], [1]), 2, { annArrays: 1, snnCores: 2 })[0]).toBe('schedule has 2 cores, machines have 1 ANN + 2 SNN = 3');
    const swapped: Schedule = { policy: 'cost', cores: [{ kind: 'snn', index: 0, columns: [0] }, { kind: 'ann', index: 0, columns: [1] }] };
    expect(checkSchedule(swapped, 2, machines)).toEqual(['core 0 is snn 0, expected ann 0', 'core 1 is ann 0, expected snn 0']);
    expect(() => assertValidSchedule(swapped, 2, machines)).toThrow(/core 0 is snn 0/);
  });
});

describe('applySchedule (calibration)', () => {
  it('re-evaluates the same assignment on another input of the layer', () => {
    const calibration = costsOf([4, 4, 4, 4], [1, 1, 9, 9]);
    const fixed = schedule(calibration, ONE_EACH, 'cost', { seed: 0 }); // ANN {2,3}, SNN {0,1}: makespan 8
    expect(applySchedule(fixed, calibration).makespan).toBe(8);
    // Another input where columns 0 and 1 became dense: the fixed assignment now takes 18 cycles on SNN.
    const other = costsOf([4, 4, 4, 4], [9, 9, 1, 1]);
    const summary = applySchedule(fixed, other);
    expect([summary.makespan, summary.loads, summary.lowerBound]).toEqual([18, [8, 18], 8]);
  });

  it('reads the machines from the schedule', () => {
    expect(machinesOf(schedule(costsOf([1], [1]), { annArrays: 2, snnCores: 3 }, 'random', { seed: 1 }))).toEqual({ annArrays: 2, snnCores: 3 });
  });

  it('refuses costs of another column count', () => {
    const fixed = schedule(costsOf([1, 1], [1, 1]), ONE_EACH, 'cost', { seed: 0 });
    expect(() => applySchedule(fixed, costsOf([1, 1, 1], [1, 1, 1]))).toThrow(/covers 2 columns but the costs have 3/);
  });
});

describe('meanCosts', () => {
  it('averages every array column by column', () => {
    const mean = meanCosts([costsOf([1, 2], [3, 4], [5, 6], [7, 8]), costsOf([3, 2], [5, 0], [1, 0], [1, 2])]);
    expect(mean).toEqual(costsOf([2, 2], [4, 2], [3, 3], [4, 5]));
  });

  it('refuses no samples and samples of different layers', () => {
    expect(() => meanCosts([])).toThrow(/at least one/);
    expect(() => meanCosts([costsOf([1], [1]), costsOf([1, 2], [1, 2])])).toThrow(/sample 1 has 2 columns, sample 0 has 1/);
  });
});
