/** `hwgen explore`'s text output: the front and the iso-area comparison as aligned tables. */
import type { IsoAreaComparison, ParetoFile, ParetoPoint } from '../report/pareto-file.ts';

/** Columns as wide as their widest cell; `align` has one letter per column: `l` for text, `r` for numbers. */
export function alignedTable(rows: readonly (readonly string[])[], align: string): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows.map((row) => row.map((cell, c) => (align[c] === 'l' ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ').trimEnd()).join('\n');
}

function signedPercent(fraction: number | null): string {
  if (fraction === null) return '-';
  return `${fraction >= 0 ? '+' : ''}${(100 * fraction).toFixed(1)} %`;
}

function rtlColumn(point: ParetoPoint): string {
  if (point.verified === undefined) return '-';
  return point.verified.match ? `${point.verified.cycles} = predicted` : `FAILED (${point.verified.cycles})`;
}

export function frontTable(points: readonly ParetoPoint[]): string {
  const header = ['point', 'kind', 'cycles', 'energy nJ', 'EDP J·s', 'cells', 'memory bits', 'RTL cycles'];
  const rows = points.filter((point) => point.pareto).map((point) => [
    point.id, point.kind, String(point.cycles), (point.energyPj / 1e3).toFixed(1), point.edpJs.toExponential(3),
    String(point.area.cells), String(point.area.memoryBits), rtlColumn(point),
  ]);
  return alignedTable([header, ...rows], 'llrrrrrr');
}

function pointCells(points: readonly ParetoPoint[], id: string | null): string[] {
  const point = points.find((candidate) => candidate.id === id);
  return point === undefined ? ['-', '-', '-'] : [point.id, String(point.cycles), String(point.area.cells)];
}

export function isoAreaTable(pareto: ParetoFile): string {
  const header = ['budget cells', 'best ANN-only', 'cycles', 'cells', 'best hybrid', 'cycles', 'cells', 'throughput', 'EDP'];
  const rows = pareto.isoArea.map((comparison: IsoAreaComparison) => [
    String(comparison.budgetCells), ...pointCells(pareto.points, comparison.bestAnnOnly), ...pointCells(pareto.points, comparison.bestHybrid),
    signedPercent(comparison.throughputGain), signedPercent(comparison.edpChange),
  ]);
  return alignedTable([header, ...rows], 'rlrrlrrrr');
}
