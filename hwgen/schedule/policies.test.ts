import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.ts';
import { schedule } from './policies.ts';
import { checkSchedule, summarize } from './summary.ts';
import { atMost, costsOf, mediumInstance, tinyInstance, type Instance } from './test-helpers.ts';
import type { Machines, PolicyName, Schedule } from './types.ts';

/** Each core's columns, as [kind+index, columns] pairs, for compact expectations. */
function layout(s: Schedule): Record<string, number[]> {
  return Object.fromEntries(s.cores.map((core) => [`${core.kind}${core.index}`, core.columns]));
}

function allowedPolicies(machines: Machines): PolicyName[] {
  const policies: PolicyName[] = ['cost', 'random'];
  if (machines.annArrays > 0) policies.push('ann');
  if (machines.snnCores > 0) policies.push('snn');
  return policies;
}

const seed = fc.integer({ min: 0, max: 2 ** 32 - 1 });

describe('ann and snn policies (LPT), worked by hand', () => {
  it('ann: longest first onto the least loaded array, lowest index on ties', () => {
    // 3 → ann0, 3 → ann1, 2 → ann0 (5), 2 → ann1 (5), 2 → ann0 (7): LPT's 7, where 6 was possible.
    const costs = costsOf([3, 3, 2, 2, 2], [9, 9, 9, 9, 9]);
    const result = schedule(costs, { annArrays: 2, snnCores: 1 }, 'ann', { seed: 0 });
    expect(layout(result)).toEqual({ ann0: [0, 2, 4], ann1: [1, 3], snn0: [] });
    expect(summarize(result, costs, { annArrays: 2, snnCores: 1 }).makespan).toBe(7);
  });

  it('snn: the same on the SNN cores, columns listed in ascending order', () => {
    const costs = costsOf([1, 1, 1, 1], [1, 5, 2, 4]);
    const result = schedule(costs, { annArrays: 1, snnCores: 2 }, 'snn', { seed: 0 });
    // 5 → snn0, 4 → snn1, 2 → snn1 (6), 1 → snn0 (6).
    expect(layout(result)).toEqual({ ann0: [], snn0: [0, 1], snn1: [2, 3] });
  });

  it('refuses a kind that has no cores', () => {
    const costs = costsOf([1], [1]);
    expect(() => schedule(costs, { annArrays: 0, snnCores: 2 }, 'ann', { seed: 0 })).toThrow(/'ann' needs at least one ANN array/);
    expect(() => schedule(costs, { annArrays: 2, snnCores: 0 }, 'snn', { seed: 0 })).toThrow(/'snn' needs at least one SNN core/);
  });
});

describe('random policy', () => {
  it('sends column n to the n-th draw of Rng(seed).nextInt(0, A+S−1)', () => {
    const count = 40;
    const costs = costsOf(Array(count).fill(1), Array(count).fill(1));
    const machines = { annArrays: 2, snnCores: 3 };
    const rng = new Rng(7);
    const owners = Array.from({ length: count }, () => rng.nextInt(0, 4));
    const result = schedule(costs, machines, 'random', { seed: 7 });
    result.cores.forEach((core, g) => expect(core.columns).toEqual(owners.flatMap((owner, n) => (owner === g ? [n] : []))));
  });

  it('spreads columns evenly over all cores in expectation, and the seed matters', () => {
    const count = 8000;
    const costs = costsOf(Array(count).fill(1), Array(count).fill(1));
    const machines = { annArrays: 1, snnCores: 3 };
    const result = schedule(costs, machines, 'random', { seed: 1 });
    for (const core of result.cores) expect(Math.abs(core.columns.length - count / 4)).toBeLessThan(150); // ~5σ
    expect(schedule(costs, machines, 'random', { seed: 2 })).not.toEqual(result);
  });
});

describe('cost policy, worked by hand', () => {
  it('puts the columns each kind is good at on it', () => {
    // ANN 10 each; SNN 1, 1, 30, 30. Columns 2 and 3 on ANN (20), 0 and 1 on SNN (2): makespan 20, optimal.
    const costs = costsOf([10, 10, 10, 10], [1, 1, 30, 30]);
    const result = schedule(costs, { annArrays: 1, snnCores: 1 }, 'cost', { seed: 0 });
    expect(layout(result)).toEqual({ ann0: [2, 3], snn0: [0, 1] });
  });

  it('swaps to fix LPT’s imbalance', () => {
    const costs = costsOf([3, 3, 2, 2, 2], [9, 9, 9, 9, 9]);
    const machines = { annArrays: 2, snnCores: 1 };
    expect(summarize(schedule(costs, machines, 'cost', { seed: 0 }), costs, machines).makespan).toBe(6);
  });

  it('at equal makespan, moves columns to where they cost less energy', () => {
    // Three columns of 4 cycles anywhere: makespan 8 at best. Energy 1 pJ on ANN, 0 on SNN: two on SNN.
    const costs = costsOf([4, 4, 4], [4, 4, 4], [1, 1, 1], [0, 0, 0]);
    const machines = { annArrays: 1, snnCores: 1 };
    const summary = summarize(schedule(costs, machines, 'cost', { seed: 0 }), costs, machines);
    expect([summary.makespan, summary.energy]).toEqual([8, 1]);
  });

  it('at equal makespan, swaps columns between the kinds to save energy', () => {
    // One column per core either way (makespan 5); column 0 is cheaper on SNN, column 1 on ANN.
    const costs = costsOf([5, 5], [5, 5], [1, 1], [0.5, 2]);
    const machines = { annArrays: 1, snnCores: 1 };
    const result = schedule(costs, machines, 'cost', { seed: 0 });
    expect(layout(result)).toEqual({ ann0: [1], snn0: [0] });
    expect(summarize(result, costs, machines).energy).toBe(1.5);
  });

  it('handles a layer without columns, and all-zero costs', () => {
    const machines = { annArrays: 1, snnCores: 2 };
    expect(layout(schedule(costsOf([], []), machines, 'cost', { seed: 0 }))).toEqual({ ann0: [], snn0: [], snn1: [] });
    const zero = costsOf([0, 0, 0], [0, 0, 0]);
    expect(summarize(schedule(zero, machines, 'cost', { seed: 0 }), zero, machines).makespan).toBe(0);
  });
});

describe('every policy, properties', () => {
  const instance = fc.oneof(tinyInstance, mediumInstance);

  it('yields a valid schedule with each core’s columns ascending', () => {
    fc.assert(
      fc.property(instance, seed, ({ costs, machines }: Instance, s) => {
        for (const policy of allowedPolicies(machines)) {
          const result = schedule(costs, machines, policy, { seed: s });
          expect(result.policy).toBe(policy);
          expect(checkSchedule(result, costs.annCycles.length, machines)).toEqual([]);
          for (const core of result.cores) expect(core.columns).toEqual([...core.columns].sort((x, y) => x - y));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('cost: makespan at most random’s (same seed), ann-only’s and snn-only’s, and at least the lower bound', () => {
    fc.assert(
      fc.property(instance, seed, ({ costs, machines }: Instance, s) => {
        const cost = summarize(schedule(costs, machines, 'cost', { seed: s }), costs, machines);
        expect(atMost(cost.lowerBound, cost.makespan)).toBe(true);
        for (const policy of allowedPolicies(machines)) {
          expect(atMost(cost.makespan, summarize(schedule(costs, machines, policy, { seed: s }), costs, machines).makespan)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic for a fixed seed', () => {
    fc.assert(
      fc.property(instance, seed, ({ costs, machines }: Instance, s) => {
        for (const policy of allowedPolicies(machines)) {
          expect(schedule(costs, machines, policy, { seed: s })).toEqual(schedule(costs, machines, policy, { seed: s }));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses bad machines, costs and seeds', () => {
    const costs = costsOf([1, 2], [1, 2]);
    expect(() => schedule(costs, { annArrays: 0, snnCores: 0 }, 'cost', { seed: 0 })).toThrow(/at least one/);
    expect(() => schedule(costs, { annArrays: -1, snnCores: 2 }, 'random', { seed: 0 })).toThrow(/annArrays must be an integer/);
    expect(() => schedule(costsOf([1], [1, 2]), { annArrays: 1, snnCores: 1 }, 'cost', { seed: 0 })).toThrow(/snnCycles has 2 columns/);
    expect(() => schedule(costs, { annArrays: 1, snnCores: 1 }, 'random', { seed: -1 })).toThrow(/seed/);
  });
});
