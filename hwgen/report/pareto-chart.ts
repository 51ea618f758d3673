/**
 * An explore run's design points (hwgen/report/pareto-file.ts): cycles against energy, the area (yosys generic
 * cells) as the marker's size, the Pareto front filled and named; then the front as a table and the iso-area
 * comparison of the best ANN-only and hybrid designs under each budget.
 */
import type { IsoAreaComparison, ParetoFile, ParetoPoint } from './pareto-file.ts';
import { autoScale, bottomAxis, leftAxis } from './axis.ts';
import { element, escapeText, integerText, percentText, svgRoot, text, tooltip } from './svg.ts';

const WIDTH = 960;
const HEIGHT = 440;
const LEFT = 80;
const RIGHT = 40;
const TOP = 20;
const BOTTOM = 60;
/** Marker radii of the smallest and largest area. */
const MIN_RADIUS = 3;
const MAX_RADIUS = 12;

function radiusOf(point: ParetoPoint, largest: number): number {
  return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(largest === 0 ? 0 : point.area.cells / largest);
}

function pointTooltip(point: ParetoPoint): string {
  const verified = point.verified === undefined ? '' : `; RTL on ${point.verified.simulator}: ${point.verified.cycles} cycles (${point.verified.match ? 'as predicted' : 'MISMATCH'})`;
  return `${point.id} (${point.kind}${point.pareto ? ', Pareto front' : ''}): ${integerText(point.cycles)} cycles, ${(point.energyPj / 1000).toFixed(3)} nJ, ${integerText(point.area.cells)} cells, EDP ${point.edpJs.toExponential(3)} J·s${verified}`;
}

/** The scatter plot (figure `pareto`). */
export function paretoChart(pareto: ParetoFile): string {
  const points = pareto.points;
  const x = autoScale(points.map((p) => p.cycles), LEFT, WIDTH - RIGHT);
  const y = autoScale(points.map((p) => p.energyPj / 1000), HEIGHT - BOTTOM, TOP);
  const largest = Math.max(0, ...points.map((p) => p.area.cells));
  // The front last, so that it is drawn over the dominated points.
  const ordered = [...points.filter((p) => !p.pareto), ...points.filter((p) => p.pareto)];
  const markers = ordered.map((point) => {
    const cx = x.at(point.cycles);
    const cy = y.at(point.energyPj / 1000);
    const marker = element('circle', { class: `point ${point.pareto ? 'front' : 'dominated'} kind-${point.kind}`, cx, cy, r: radiusOf(point, largest) }, [tooltip(pointTooltip(point))]);
    return point.pareto ? marker + text(cx + radiusOf(point, largest) + 3, cy - 3, point.id, { class: 'point-label' }) : marker;
  });
  const label = `${points.length} design points of ${pareto.space} on ${pareto.workload}, ${points.filter((p) => p.pareto).length} on the Pareto front`;
  return svgRoot('pareto', WIDTH, HEIGHT, label, [
    bottomAxis(x, HEIGHT - BOTTOM, LEFT, WIDTH - RIGHT, `cycles (whole workload, cost schedule${x.log ? ', log scale' : ''})`),
    leftAxis(y, LEFT, HEIGHT - BOTTOM, TOP, `energy nJ${y.log ? ' (log)' : ''}`),
    ...markers,
  ]);
}

const cell = (content: string, numeric = false): string => element('td', numeric ? { class: 'num' } : {}, [escapeText(content)]);

/** The front points (figure `pareto-front`). */
export function paretoFrontTable(pareto: ParetoFile): string {
  const head = element('tr', {}, ['point', 'kind', 'cycles', 'energy nJ', 'cells', 'EDP J·s', 'RTL'].map((title) => element('th', {}, [title])));
  const rows = pareto.points.filter((point) => point.pareto).map((point) => element('tr', {}, [
    element('th', {}, [escapeText(point.id)]),
    cell(point.kind),
    cell(integerText(point.cycles), true),
    cell((point.energyPj / 1000).toFixed(3), true),
    cell(integerText(point.area.cells), true),
    cell(point.edpJs.toExponential(3), true),
    cell(point.verified === undefined ? 'not verified' : point.verified.match ? `${point.verified.simulator}: as predicted` : `${point.verified.simulator}: MISMATCH`),
  ]));
  return element('table', { class: 'data', 'data-figure': 'pareto-front' }, [element('caption', {}, ['The Pareto front (cycles, energy, cells all minimised)']), element('thead', {}, [head]), element('tbody', {}, rows)]);
}

function gainText(fraction: number | null): string {
  return fraction === null ? '–' : `${fraction >= 0 ? '+' : ''}${percentText(fraction)}`;
}

function isoRow(comparison: IsoAreaComparison): string {
  return element('tr', {}, [
    cell(integerText(comparison.budgetCells), true),
    cell(comparison.bestAnnOnly ?? 'none fits'),
    cell(comparison.bestHybrid ?? 'none fits'),
    cell(gainText(comparison.throughputGain), true),
    cell(gainText(comparison.edpChange), true),
  ]);
}

/** The iso-area comparison (figure `iso-area`). */
export function isoAreaTable(pareto: ParetoFile): string {
  const head = element('tr', {}, ['budget cells', 'best ANN-only', 'best hybrid', 'throughput (hybrid)', 'EDP (hybrid)'].map((title) => element('th', {}, [title])));
  return element('table', { class: 'data', 'data-figure': 'iso-area' }, [element('caption', {}, ['Best hybrid against best ANN-only design under the same area budget']), element('thead', {}, [head]), element('tbody', {}, pareto.isoArea.map(isoRow))]);
}
