/**
 * The energy breakdown by event: one stacked bar per layer and one for the whole run, a segment per event
 * (its predicted count × its pJ in the energy table), and the same numbers as a table.
 */
import { bottomAxis, linearScale } from './axis.ts';
import type { LayerReport } from './report-data.ts';
import { element, escapeText, svgRoot, text, tooltip } from './svg.ts';

/** A bar of the chart: a layer, or the run's total. */
export interface EnergyRow {
  readonly label: string;
  readonly pj: Readonly<Record<string, number>>;
}

/** Event names in the order of the energy table, then any other event a layer has. */
export function eventOrder(table: Readonly<Record<string, number>>, layers: readonly LayerReport[]): string[] {
  const names = Object.keys(table);
  for (const layer of layers) for (const name of Object.keys(layer.energyPj)) if (!names.includes(name)) names.push(name);
  return names;
}

/** Every layer, then `total`: per event, the sum over layers. */
export function energyRows(layers: readonly LayerReport[], events: readonly string[]): EnergyRow[] {
  const total: Record<string, number> = {};
  for (const event of events) total[event] = layers.reduce((sum, layer) => sum + (layer.energyPj[event] ?? 0), 0);
  return [...layers.map((layer) => ({ label: layer.name, pj: layer.energyPj })), { label: 'total', pj: total }];
}

export function rowTotal(row: EnergyRow): number {
  return Object.values(row.pj).reduce((sum, pj) => sum + pj, 0);
}

/** An event's colour class: by its place in the order (the page's CSS has ev0..ev7). */
function eventClass(index: number): string {
  return `ev${index % 8}`;
}

const WIDTH = 960;
const LEFT = 72;
const RIGHT = 24;
const ROW = 18;
const GAP = 8;
/** Legend entries a line, and a line's height. */
const LEGEND_PER_LINE = 6;
const LEGEND_LINE = 18;

function legendLines(events: readonly string[]): number {
  return Math.max(1, Math.ceil(events.length / LEGEND_PER_LINE));
}

function legend(events: readonly string[]): string {
  return element('g', { class: 'legend' }, events.map((event, i) => {
    const x = LEFT + (i % LEGEND_PER_LINE) * 140;
    const y = 6 + Math.floor(i / LEGEND_PER_LINE) * LEGEND_LINE;
    return element('rect', { class: `swatch ${eventClass(i)}`, x, y, width: 12, height: 12 }) + text(x + 16, y + 10, event, { class: 'legend-label' });
  }));
}

function barMarkup(row: EnergyRow, y: number, events: readonly string[], at: (nj: number) => number): string {
  let offset = 0;
  const segments = events.flatMap((event, i) => {
    const pj = row.pj[event] ?? 0;
    if (pj <= 0) return [];
    const x = at(offset / 1000);
    offset += pj;
    return [element('rect', { class: `seg ${eventClass(i)}`, 'data-event': event, x, y, width: at(offset / 1000) - x, height: ROW }, [tooltip(`${row.label}: ${event} ${(pj / 1000).toFixed(3)} nJ`)])];
  });
  return element('g', { class: 'energy-row', 'data-row': row.label }, [text(LEFT - 8, y + ROW - 5, row.label, { class: 'row-label', 'text-anchor': 'end' }), ...segments]);
}

/** The stacked bars (figure `energy`), in nJ. */
export function energyChart(rows: readonly EnergyRow[], events: readonly string[]): string {
  const largest = Math.max(...rows.map(rowTotal), 1) / 1000;
  const scale = linearScale(0, largest, LEFT, WIDTH - RIGHT, true);
  const top = 12 + legendLines(events) * LEGEND_LINE;
  const axisY = top + rows.length * (ROW + GAP) + 2;
  return svgRoot('energy', WIDTH, axisY + 40, `energy by event of ${rows.length - 1} layers`, [
    legend(events),
    ...rows.map((row, r) => barMarkup(row, top + r * (ROW + GAP), events, scale.at)),
    bottomAxis(scale, axisY, LEFT, WIDTH - RIGHT, 'energy (nJ)'),
  ]);
}

/** The same numbers as a table (figure `energy-table`), nJ with three decimals. */
export function energyTable(rows: readonly EnergyRow[], events: readonly string[]): string {
  const cell = (pj: number): string => element('td', { class: 'num' }, [(pj / 1000).toFixed(3)]);
  const head = element('tr', {}, [element('th', {}, ['layer']), ...events.map((event) => element('th', {}, [escapeText(event)])), element('th', {}, ['total'])]);
  const body = rows.map((row) => element('tr', {}, [element('th', {}, [escapeText(row.label)]), ...events.map((event) => cell(row.pj[event] ?? 0)), cell(rowTotal(row))]));
  return element('table', { class: 'data', 'data-figure': 'energy-table' }, [element('caption', {}, ['Energy by event, nJ']), element('thead', {}, [head]), element('tbody', {}, body)]);
}
