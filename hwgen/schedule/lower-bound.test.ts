import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fractionalAssignment, makespanLowerBound } from './lower-bound.ts';
import { schedule } from './policies.ts';
import { summarize } from './summary.ts';
import { atMost, bruteForceMakespan, costsOf, mediumInstance, tinyFloatInstance, tinyInstance } from './test-helpers.ts';
import type { ColumnCosts, Machines, PolicyName } from './types.ts';

const ONE_EACH: Machines = { annArrays: 1, snnCores: 1 };

/** max over columns of the cheapest cycles on a class that has cores. */
function longestUnavoidable(costs: ColumnCosts, machines: Machines): number {
  let longest = 0;
  costs.annCycles.forEach((ann, n) => {
    const snn = costs.snnCycles[n] ?? 0;
    const cheapest = Math.min(machines.annArrays > 0 ? ann : Infinity, machines.snnCores > 0 ? snn : Infinity);
    longest = Math.max(longest, cheapest);
  });
  return longest;
}

function allowedPolicies(machines: Machines): PolicyName[] {
  const policies: PolicyName[] = ['cost', 'random'];
  if (machines.annArrays > 0) policies.push('ann');
  if (machines.snnCores > 0) policies.push('snn');
  return policies;
}

describe('makespanLowerBound, worked by hand', () => {
  it('is 0 without columns', () => {
    expect(makespanLowerBound(costsOf([], []), ONE_EACH)).toBe(0);
  });

  it('is the total work per core when only one class has cores', () => {
    expect(makespanLowerBound(costsOf([3, 4, 5], [1, 1, 1]), { annArrays: 1, snnCores: 0 })).toBe(12);
    // SNN only: 12 cycles on 2 cores gives 6 (the optimum is 7: {3,4} and {5}).
    expect(makespanLowerBound(costsOf([1, 1, 1], [3, 4, 5]), { annArrays: 0, snnCores: 2 })).toBe(6);
  });

  it('splits the ratio-ordered columns where the two classes meet', () => {
    // Columns 2 and 3 are cheaper on ANN relative to SNN. All on SNN: ANN 0, SNN 18. Handing column 2
    // to ANN gives 2 | 10; column 3 crosses: 2 + 2θ = 10 − 8θ at θ = 0.8, value 3.6 (the plain LP).
    // But at C = 3.6 columns 2 and 3 (SNN 8 > C) must run on ANN, so ANN carries 4: C* = 4 = the optimum.
    const costs = costsOf([2, 2, 2, 2], [1, 1, 8, 8]);
    expect(makespanLowerBound(costs, ONE_EACH)).toBe(4);
    expect(bruteForceMakespan(costs, ONE_EACH)).toBe(4);
    expect(Array.from(fractionalAssignment(costs, ONE_EACH).onAnn)).toEqual([0, 0, 1, 1]);
  });

  it('keeps an unsplittable column whole: one column costs at least its cheaper side', () => {
    // The plain LP would split it: 10θ = 4(1 − θ) at θ = 2/7, value 20/7 ≈ 2.86.
    expect(makespanLowerBound(costsOf([10], [4]), ONE_EACH)).toBe(4);
  });

  it('beats the max of the plain LP and the longest-column bound', () => {
    // Two columns (4 ANN, 3 SNN) on 2 ANN arrays + 1 SNN core. Plain LP: 4x/2 = 3(2 − x), x = 1.2, value 2.4;
    // longest column 3. But at any C < 4 both columns must run on the one SNN core (6 > C): C* = 4 = optimum.
    const costs = costsOf([4, 4], [3, 3]);
    const machines = { annArrays: 2, snnCores: 1 };
    expect(makespanLowerBound(costs, machines)).toBe(4);
    expect(bruteForceMakespan(costs, machines)).toBe(4);
  });

  it('spreads the fractional split over the cores of each class', () => {
    // Ten columns (2 ANN, 1 SNN) on 1 ANN + 2 SNN: x of them on ANN, 2x = (10 − x)/2 at x = 2, C = 4 = optimum.
    const costs = costsOf(Array(10).fill(2), Array(10).fill(1));
    const machines = { annArrays: 1, snnCores: 2 };
    expect(makespanLowerBound(costs, machines)).toBe(4);
    expect(bruteForceMakespan(costs, machines)).toBe(4);
  });

  it('forbids a class to columns longer than C', () => {
    // Four columns (6 ANN, 3 SNN) on 1 ANN + 2 SNN. Plain LP: 6x = 3(4 − x)/2 at x = 0.8, value 4.8. But below 6
    // no column may use the ANN array, and all four on the SNN cores take 6: C* = 6, which is the optimum.
    const costs = costsOf([6, 6, 6, 6], [3, 3, 3, 3]);
    const machines = { annArrays: 1, snnCores: 2 };
    expect(makespanLowerBound(costs, machines)).toBe(6);
    expect(bruteForceMakespan(costs, machines)).toBe(6);
  });

  it('is 0 when every column is free somewhere', () => {
    expect(makespanLowerBound(costsOf([0, 5, 0], [7, 0, 0]), ONE_EACH)).toBe(0);
  });

  it('refuses inconsistent costs and machines', () => {
    const costs = costsOf([1, 2], [1, 2]);
    expect(() => makespanLowerBound({ ...costs, snnCycles: Float64Array.of(1) }, ONE_EACH)).toThrow(/snnCycles has 1 columns/);
    expect(() => makespanLowerBound(costsOf([1, -2], [1, 1]), ONE_EACH)).toThrow(/annCycles\[1\] must be finite and >= 0/);
    expect(() => makespanLowerBound(costsOf([1, Number.NaN], [1, 1]), ONE_EACH)).toThrow(RangeError);
    expect(() => makespanLowerBound(costs, { annArrays: 0, snnCores: 0 })).toThrow(/at least one/);
    expect(() => makespanLowerBound(costs, { annArrays: 1.5, snnCores: 0 })).toThrow(/annArrays must be an integer/);
  });
});

describe('makespanLowerBound, properties', () => {
  it('never exceeds the brute-force optimum (integer costs, many ties)', () => {
    fc.assert(
      fc.property(tinyInstance, ({ costs, machines }) => atMost(makespanLowerBound(costs, machines), bruteForceMakespan(costs, machines))),
      { numRuns: 400 },
    );
  });

  it('never exceeds the brute-force optimum (float costs)', () => {
    fc.assert(
      fc.property(tinyFloatInstance, ({ costs, machines }) => atMost(makespanLowerBound(costs, machines), bruteForceMakespan(costs, machines))),
      { numRuns: 300 },
    );
  });

  it('is at least the longest unavoidable column and the cheapest total work per core', () => {
    fc.assert(
      fc.property(mediumInstance, ({ costs, machines }) => {
        const bound = makespanLowerBound(costs, machines);
        let cheapestTotal = 0;
        costs.annCycles.forEach((ann, n) => {
          const snn = costs.snnCycles[n] ?? 0;
          cheapestTotal += Math.min(machines.annArrays > 0 ? ann : Infinity, machines.snnCores > 0 ? snn : Infinity);
        });
        expect(atMost(longestUnavoidable(costs, machines), bound)).toBe(true);
        expect(atMost(cheapestTotal / (machines.annArrays + machines.snnCores), bound)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is at most every policy’s makespan', () => {
    fc.assert(
      fc.property(mediumInstance, fc.integer({ min: 0, max: 1000 }), ({ costs, machines }, seed) => {
        const bound = makespanLowerBound(costs, machines);
        for (const policy of allowedPolicies(machines)) {
          expect(atMost(bound, summarize(schedule(costs, machines, policy, { seed }), costs, machines).makespan)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the order of the columns (integer costs: no rounding)', () => {
    fc.assert(
      fc.property(tinyInstance, fc.integer({ min: 0, max: 2 ** 32 - 1 }), ({ costs, machines }, shift) => {
        const count = costs.annCycles.length;
        const rotate = (values: Float64Array): Float64Array => Float64Array.from(values, (_, n) => values[(n + shift) % count] ?? 0);
        const rotated = { annCycles: rotate(costs.annCycles), snnCycles: rotate(costs.snnCycles), annEnergy: costs.annEnergy, snnEnergy: costs.snnEnergy };
        expect(makespanLowerBound(rotated, machines)).toBe(makespanLowerBound(costs, machines));
      }),
      { numRuns: 200 },
    );
  });
});
