/** Instances and a brute-force optimum for the scheduler tests (not used by the schedulers). */
import fc from 'fast-check';
import type { ColumnCosts, Machines } from './types.ts';

/** Costs from plain arrays; energies default to the cycles (so energy follows work). */
export function costsOf(annCycles: number[], snnCycles: number[], annEnergy: number[] = annCycles, snnEnergy: number[] = snnCycles): ColumnCosts {
  return {
    annCycles: Float64Array.from(annCycles),
    snnCycles: Float64Array.from(snnCycles),
    annEnergy: Float64Array.from(annEnergy),
    snnEnergy: Float64Array.from(snnEnergy),
  };
}

export interface Instance {
  costs: ColumnCosts;
  machines: Machines;
}

function machinesArbitrary(maxPerKind: number, maxTotal: number): fc.Arbitrary<Machines> {
  return fc
    .record({ annArrays: fc.integer({ min: 0, max: maxPerKind }), snnCores: fc.integer({ min: 0, max: maxPerKind }) })
    .filter((m) => m.annArrays + m.snnCores > 0 && m.annArrays + m.snnCores <= maxTotal);
}

/** Four equal-length cost arrays of `columns` values drawn from `value`. */
function costsArbitrary(columns: fc.Arbitrary<number>, value: fc.Arbitrary<number>): fc.Arbitrary<ColumnCosts> {
  return columns.chain((count) => {
    const array = fc.array(value, { minLength: count, maxLength: count });
    return fc.tuple(array, array, array, array).map(([a, s, ea, es]) => costsOf(a, s, ea, es));
  });
}

/** Small integer costs (many ties and zeros), ≤ 8 columns, ≤ 3 cores: small enough to brute-force. */
export const tinyInstance: fc.Arbitrary<Instance> = fc.record({
  costs: costsArbitrary(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 20 })),
  machines: machinesArbitrary(3, 3),
});

/** Small float costs, ≤ 7 columns, ≤ 3 cores: brute-forceable, without the ties of integers. */
export const tinyFloatInstance: fc.Arbitrary<Instance> = fc.record({
  costs: costsArbitrary(fc.integer({ min: 1, max: 7 }), fc.double({ min: 0, max: 100, noNaN: true })),
  machines: machinesArbitrary(3, 3),
});

/** Up to 120 columns on up to 6 + 6 cores, costs spread over four orders of magnitude. */
export const mediumInstance: fc.Arbitrary<Instance> = fc.record({
  costs: costsArbitrary(
    fc.integer({ min: 0, max: 120 }),
    fc.oneof(fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 10_000, noNaN: true })),
  ),
  machines: machinesArbitrary(6, 12),
});

/** The least makespan over all (A+S)^N assignments. */
export function bruteForceMakespan(costs: ColumnCosts, machines: Machines): number {
  const cores = machines.annArrays + machines.snnCores;
  const count = costs.annCycles.length;
  const owner = new Int32Array(count);
  const loads = new Float64Array(cores);
  let best = Number.POSITIVE_INFINITY;
  const place = (n: number, peak: number): void => {
    if (peak >= best) return; // cannot improve: prune
    if (n === count) {
      best = peak;
      return;
    }
    for (let core = 0; core < cores; core++) {
      const cycles = (core < machines.annArrays ? costs.annCycles[n] : costs.snnCycles[n]) ?? 0;
      owner[n] = core;
      loads[core] = (loads[core] ?? 0) + cycles;
      place(n + 1, Math.max(peak, loads[core] ?? 0));
      loads[core] = (loads[core] ?? 0) - cycles;
    }
  };
  place(0, 0);
  return count === 0 ? 0 : best;
}

/** a ≤ b up to float rounding in either. */
export function atMost(a: number, b: number): boolean {
  return a <= b + 1e-9 * Math.max(1, Math.abs(b));
}
