import { describe, expect, it } from 'vitest';
import { schedule } from './policies.ts';
import { summarize } from './summary.ts';
import { syntheticLayerCosts } from './synthetic-costs.ts';

const LAYER = { name: 'small', C: 32, H: 32, W: 32, M: 64, kernel: 3, stride: 1, padding: 1 };
const CORES = { annRows: 8, annCols: 8, snnLanes: 64 };

describe('synthetic layer costs', () => {
  const { costs, spikes } = syntheticLayerCosts(LAYER, CORES, 3);

  it('follows the documented cycle formulas', () => {
    expect(costs.annCycles.length).toBe(32 * 32);
    // ANN: ceil(64/8)·ceil(288/8) + 4, the same for every column; SNN: ceil(64/64)·S[n] + 4.
    expect(new Set(costs.annCycles)).toEqual(new Set([8 * 36 + 4]));
    spikes.forEach((s, n) => expect(costs.snnCycles[n]).toBe(s + 4));
  });

  it('has strongly varying column spike counts (clustered activations)', () => {
    const mean = spikes.reduce((sum, s) => sum + s, 0) / spikes.length;
    const sd = Math.sqrt(spikes.reduce((sum, s) => sum + (s - mean) ** 2, 0) / spikes.length);
    expect(sd / mean).toBeGreaterThan(0.4);
    expect(Math.min(...spikes)).toBeLessThan(0.2 * mean);
  });
});

// Quality on a realistic instance (measure.ts reports the full table, with 50k-column layers).
describe('cost policy on a synthetic conv layer', () => {
  const { costs } = syntheticLayerCosts(LAYER, CORES, 3);

  for (const machines of [
    { annArrays: 1, snnCores: 3 },
    { annArrays: 2, snnCores: 2 },
  ]) {
    it(`A=${machines.annArrays} S=${machines.snnCores}: within 1 % of the bound, faster than random, lower EDP than ANN-only`, () => {
      const of = (policy: 'cost' | 'random' | 'ann') => summarize(schedule(costs, machines, policy, { seed: 1 }), costs, machines);
      const cost = of('cost');
      expect(cost.gapToBound).toBeLessThan(0.01);
      expect(of('random').makespan / cost.makespan).toBeGreaterThan(1.1);
      expect(cost.edp).toBeLessThan(of('ann').edp);
    });
  }
});
