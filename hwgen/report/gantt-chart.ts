/**
 * A layer's schedule as a Gantt chart: one row per core, one row each for the host's load and drain phases,
 * the layer's cycles along the x axis.
 *
 * The cores are pipelined, so a column's span (first input beat to last output level) overlaps the next
 * columns' spans by many cycles. Each bar is therefore a column's slot: from its first input beat to the next
 * column's first input beat on the same core (to its own last output level for the core's last column, or
 * when the core idles before the next). The slots of a row never overlap; a bar's tooltip gives the column's
 * whole span. Rows with more than GANTT_MAX_BARS slots merge consecutive slots into at most that many bars, so
 * the page stays small for large layers (the caption says so).
 */
import { bottomAxis, linearScale } from './axis.ts';
import type { ColumnInterval, LayerReport, PhaseKind } from './report-data.ts';
import { element, integerText, svgRoot, text, tooltip } from './svg.ts';

/** Bars drawn at most per row. */
export const GANTT_MAX_BARS = 64;

/** One drawn bar: layer cycles [start, end) holding `count` slots, the first and last of which are named. */
export interface GanttBar {
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly first: string;
  readonly last: string;
  /** The tooltip of a bar that holds one slot. */
  readonly detail: string;
}

interface GanttRow {
  readonly label: string;
  /** CSS class of its bars: bar-ann, bar-snn, bar-load, bar-drain. */
  readonly kind: string;
  readonly bars: readonly GanttBar[];
  /** Slots before merging. */
  readonly slots: number;
}

/** Each column's slot (see the top of this file), in the core's order. */
export function columnSlots(intervals: readonly ColumnInterval[]): GanttBar[] {
  return intervals.map((interval, i) => {
    const next = intervals[i + 1];
    const end = next === undefined ? interval.end : Math.min(interval.end, next.start);
    const name = `column ${interval.column}`;
    return { start: interval.start, end: Math.max(end, interval.start + 1), count: 1, first: name, last: name, detail: `${name}: first input beat in cycle ${interval.start}, last output level in cycle ${interval.end - 1}` };
  });
}

/** At most `cap` bars: runs of ceil(n / cap) consecutive bars merged into one. */
export function mergeBars(bars: readonly GanttBar[], cap: number = GANTT_MAX_BARS): GanttBar[] {
  if (bars.length <= cap) return [...bars];
  const group = Math.ceil(bars.length / cap);
  const merged: GanttBar[] = [];
  for (let i = 0; i < bars.length; i += group) {
    const run = bars.slice(i, i + group);
    const first = run[0]!;
    const last = run.at(-1)!;
    merged.push({ start: first.start, end: Math.max(...run.map((bar) => bar.end)), count: run.length, first: first.first, last: last.last, detail: '' });
  }
  return merged;
}

function phaseBars(layer: LayerReport, kind: PhaseKind): GanttBar[] {
  return layer.phases
    .filter((phase) => phase.kind === kind)
    .map((phase) => ({ start: phase.start, end: phase.end, count: 1, first: `tile ${phase.tile}`, last: `tile ${phase.tile}`, detail: `tile ${phase.tile}: ${kind} in cycles ${phase.start}..${phase.end - 1}` }));
}

function ganttRows(layer: LayerReport): GanttRow[] {
  const cores = layer.cores.map((core) => {
    const slots = columnSlots(core.intervals);
    return { label: core.id, kind: `bar-${core.kind}`, bars: mergeBars(slots), slots: slots.length };
  });
  const phases = (['load', 'drain'] as const).map((kind) => {
    const slots = phaseBars(layer, kind);
    return { label: kind, kind: `bar-${kind}`, bars: mergeBars(slots), slots: slots.length };
  });
  return [...cores, ...phases.filter((row) => row.slots > 0)];
}

/** What the caption says of merged rows, or undefined when every slot is drawn. */
export function ganttMergeNote(layer: LayerReport): string | undefined {
  const merged = ganttRows(layer).filter((row) => row.bars.length < row.slots);
  if (merged.length === 0) return undefined;
  return `Merged to at most ${GANTT_MAX_BARS} bars a row: ${merged.map((row) => `${row.label} (${row.slots} slots, ${Math.ceil(row.slots / GANTT_MAX_BARS)} a bar)`).join(', ')}.`;
}

function barTooltip(row: GanttRow, bar: GanttBar): string {
  if (bar.count === 1) return `${row.label} ${bar.detail}`;
  return `${row.label}: ${bar.count} slots, ${bar.first} to ${bar.last}, cycles ${bar.start}..${bar.end - 1}`;
}

const WIDTH = 960;
const LEFT = 64;
const RIGHT = 24;
const TOP = 10;
const ROW = 18;
const GAP = 6;

function rowMarkup(row: GanttRow, r: number, at: (cycle: number) => number): string {
  const y = TOP + r * (ROW + GAP);
  const bars = row.bars.map((bar, i) => {
    const x = at(bar.start);
    // At least a pixel wide, so that a short phase on a long layer is still seen.
    const width = Math.max(at(bar.end) - x, 1);
    return element('rect', { class: `bar ${row.kind}${i % 2 === 1 ? ' alt' : ''}`, x, y, width, height: ROW }, [tooltip(barTooltip(row, bar))]);
  });
  const idle = row.bars.length === 0 ? [text(LEFT + 4, y + ROW - 5, 'idle', { class: 'idle' })] : [];
  return element('g', { class: 'gantt-row', 'data-row': row.label }, [text(LEFT - 8, y + ROW - 5, row.label, { class: 'row-label', 'text-anchor': 'end' }), element('line', { class: 'row-track', x1: LEFT, y1: y + ROW / 2, x2: WIDTH - RIGHT, y2: y + ROW / 2 }), ...bars, ...idle]);
}

/** The layer's Gantt chart as an SVG element (figure `gantt-<layer>`). */
export function ganttChart(layer: LayerReport): string {
  const rows = ganttRows(layer);
  const end = Math.max(layer.predictedCycles, 1);
  const scale = linearScale(0, end, LEFT, WIDTH - RIGHT);
  const axisY = TOP + rows.length * (ROW + GAP) + 2;
  const height = axisY + 40;
  const label = `${layer.name}: schedule of ${integerText(layer.shape.N)} columns on ${layer.cores.length} cores over ${integerText(layer.predictedCycles)} cycles`;
  return svgRoot(`gantt-${layer.name}`, WIDTH, height, label, [
    ...rows.map((row, r) => rowMarkup(row, r, scale.at)),
    bottomAxis(scale, axisY, LEFT, WIDTH - RIGHT, 'layer cycles (cost model)'),
  ]);
}
