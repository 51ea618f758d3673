/**
 * The Pareto front of the explored points on (cycles, energyPj, area.cells), all minimised, and the iso-area
 * comparison: under each area budget, the best ANN-only design against the best hybrid one.
 */
import { edpChange, throughputGain } from '../cost/layer-compare.ts';
import type { IsoAreaComparison, ParetoPoint } from '../report/pareto-file.ts';

/** What the front and the comparison look at. */
export type Evaluated = Pick<ParetoPoint, 'id' | 'kind' | 'cycles' | 'energyPj' | 'edpJs' | 'area'>;

function objectives(point: Evaluated): [number, number, number] {
  return [point.cycles, point.energyPj, point.area.cells];
}

/** `a` is no worse than `b` in every objective and better in one. */
export function dominates(a: Evaluated, b: Evaluated): boolean {
  const [x, y] = [objectives(a), objectives(b)];
  return x.every((value, i) => value <= (y[i] as number)) && x.some((value, i) => value < (y[i] as number));
}

/** The ids of the points no other point dominates (equal points are all on the front). */
export function paretoFront(points: readonly Evaluated[]): Set<string> {
  return new Set(points.filter((point) => !points.some((other) => dominates(other, point))).map((point) => point.id));
}

/** Deterministic order: fewest cycles, then least energy, then fewest cells, then by id. */
export function byObjectives(a: Evaluated, b: Evaluated): number {
  const [x, y] = [objectives(a), objectives(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Fewest cycles, then the lower EDP, then by id. */
function best(points: readonly Evaluated[]): Evaluated | undefined {
  const order = (a: Evaluated, b: Evaluated) => a.cycles - b.cycles || a.edpJs - b.edpJs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return [...points].sort(order)[0];
}

export function isoAreaComparisons(points: readonly Evaluated[], budgets: readonly number[]): IsoAreaComparison[] {
  return budgets.map((budgetCells) => {
    const within = points.filter((point) => point.area.cells <= budgetCells);
    const ann = best(within.filter((point) => point.kind === 'ann-only'));
    const hybrid = best(within.filter((point) => point.kind === 'hybrid'));
    const both = ann !== undefined && hybrid !== undefined;
    return {
      budgetCells,
      bestAnnOnly: ann?.id ?? null,
      bestHybrid: hybrid?.id ?? null,
      throughputGain: both ? throughputGain(hybrid.cycles, ann.cycles) : null,
      edpChange: both ? edpChange(hybrid.edpJs, ann.edpJs) : null,
    };
  });
}
