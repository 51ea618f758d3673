import { describe, expect, it } from 'vitest';
import type { PointKind } from '../report/pareto-file.ts';
import { type Evaluated, byObjectives, dominates, isoAreaComparisons, paretoFront } from './pareto.ts';

function point(id: string, kind: PointKind, cycles: number, energyPj: number, cells: number, edpJs: number): Evaluated {
  return { id, kind, cycles, energyPj, edpJs, area: { cells, memoryBits: 0 } };
}

/**
 * Hand-made points (cycles, energy, cells):
 *   A (100, 10, 50)  E equals A          C (100, 10, 60) is A with more cells: dominated by A and E
 *   B (120,  8, 50)  least energy among the cells-50 points
 *   D ( 90, 20, 100) fastest             F (130, 9, 40) fewest cells     G (110, 9, 45) between F and A
 *   H (200, 30, 200) worse than every other point
 */
const A = point('A', 'hybrid', 100, 10, 50, 2e-12);
const B = point('B', 'ann-only', 120, 8, 50, 1.5e-12);
const C = point('C', 'hybrid', 100, 10, 60, 1.8e-12);
const D = point('D', 'snn-only', 90, 20, 100, 3e-12);
const E = point('E', 'ann-only', 100, 10, 50, 2.2e-12);
const F = point('F', 'ann-only', 130, 9, 40, 1.9e-12);
const G = point('G', 'hybrid', 110, 9, 45, 1.6e-12);
const H = point('H', 'hybrid', 200, 30, 200, 9e-12);
const ALL = [H, G, F, E, D, C, B, A];

describe('explore: Pareto front', () => {
  it('dominance needs no worse in every objective and better in one', () => {
    expect(dominates(A, C)).toBe(true);
    expect(dominates(C, A)).toBe(false);
    expect(dominates(A, E)).toBe(false);
    expect(dominates(A, B)).toBe(false);
    expect(dominates(B, A)).toBe(false);
  });

  it('keeps exactly the non-dominated points, equal points together', () => {
    expect([...paretoFront(ALL)].sort()).toEqual(['A', 'B', 'D', 'E', 'F', 'G']);
  });

  it('is empty for no points and whole for one', () => {
    expect(paretoFront([]).size).toBe(0);
    expect([...paretoFront([H])]).toEqual(['H']);
  });

  it('orders by cycles, energy, cells, then id', () => {
    expect([...ALL].sort(byObjectives).map((p) => p.id)).toEqual(['D', 'A', 'E', 'C', 'G', 'B', 'F', 'H']);
  });
});

describe('explore: iso-area comparison', () => {
  it('picks the fastest ANN-only and hybrid design within each budget (EDP breaks ties), never an SNN-only one', () => {
    expect(isoAreaComparisons(ALL, [30, 45, 50, 100, 1000])).toEqual([
      { budgetCells: 30, bestAnnOnly: null, bestHybrid: null, throughputGain: null, edpChange: null },
      // F (130 cycles) against G (110)
      { budgetCells: 45, bestAnnOnly: 'F', bestHybrid: 'G', throughputGain: 130 / 110 - 1, edpChange: 1.6e-12 / 1.9e-12 - 1 },
      // E beats B and F; A beats G
      { budgetCells: 50, bestAnnOnly: 'E', bestHybrid: 'A', throughputGain: 0, edpChange: 2e-12 / 2.2e-12 - 1 },
      // A and C tie on cycles: C has the lower EDP; D (snn-only) is faster but not a candidate
      { budgetCells: 100, bestAnnOnly: 'E', bestHybrid: 'C', throughputGain: 0, edpChange: 1.8e-12 / 2.2e-12 - 1 },
      { budgetCells: 1000, bestAnnOnly: 'E', bestHybrid: 'C', throughputGain: 0, edpChange: 1.8e-12 / 2.2e-12 - 1 },
    ]);
  });

  it('reports no gain when only one kind fits', () => {
    expect(isoAreaComparisons([F, H], [100])).toEqual([{ budgetCells: 100, bestAnnOnly: 'F', bestHybrid: null, throughputGain: null, edpChange: null }]);
  });
});
