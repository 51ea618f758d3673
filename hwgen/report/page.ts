/**
 * report.html: one self-contained page (inline CSS and SVG, no script, no URL; a Content-Security-Policy that
 * forbids loading anything), a pure function of ReportData so that the same data gives the same bytes.
 * Sections: the design and run, the figures at a glance (latency, GOPS, power, fit, checks, tools), the network (accuracy, when the run was a trained network), the layers, the schedule as a Gantt chart per layer, utilisation per core, the
 * energy by event, the resource table, the Pareto plot of an explore run, and the waveform window of a mismatch.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { energyChart, energyRows, energyTable, eventOrder } from './energy-chart.ts';
import { ganttChart, ganttMergeNote } from './gantt-chart.ts';
import { isoAreaTable, paretoChart, paretoFrontTable } from './pareto-chart.ts';
import type { LayerReport, MismatchSection, NetworkSummary, ReportData } from './report-data.ts';
import { resourceTable } from './resource-table.ts';
import { runFigureEntries } from './run-figures.ts';
import { REPORT_CSS } from './report-style.ts';
import { element, escapeText, integerText, voidElement } from './svg.ts';
import { utilisationChart } from './utilisation-chart.ts';
import { waveformChart } from './waveform-chart.ts';

/** The file writeReport writes. */
export const REPORT_FILE = 'report.html';

/** Nothing may load: styles are inline, images and scripts none. */
const CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

function section(id: string, title: string, body: readonly string[]): string {
  return element('section', { id }, [element('h2', {}, [escapeText(title)]), ...body]);
}

function figure(chart: string, caption: string): string {
  return element('figure', {}, [chart, element('figcaption', {}, [escapeText(caption)])]);
}

const paragraph = (content: string, className?: string): string => element('p', className === undefined ? {} : { class: className }, [escapeText(content)]);

function definitionList(entries: readonly (readonly [string, string])[], className = 'summary'): string {
  return element('dl', { class: className }, entries.flatMap(([term, value]) => [element('dt', {}, [escapeText(term)]), element('dd', {}, [escapeText(value)])]));
}

function summarySection(data: ReportData): string {
  const { design, run } = data;
  const entries: [string, string][] = [
    ['design', design.name],
    ['ANN arrays', `${design.ann.arrays} × ${design.ann.rows}×${design.ann.cols} MACs`],
    ['SNN cores', `${design.snn.cores} × ${design.snn.lanes} lanes`],
    ['clock', `${design.clockMHz} MHz`],
  ];
  if (design.configHash !== undefined) entries.push(['config sha256', design.configHash]);
  if (run !== undefined) entries.push(['workload', run.workload], ['simulator', run.simulator], ['policy', `${run.policy} (seed ${run.seed})`], ['generator', run.generator]);
  return section('summary', 'Design and run', [definitionList(entries)]);
}

/** Latency, throughput, power, fit, checks and tools: what a reader asks first, numbers kept on one line. */
function glanceSection(data: ReportData): string {
  return section('glance', 'At a glance', [definitionList(runFigureEntries(data), 'summary figures')]);
}

function networkSection(network: NetworkSummary | undefined): string[] {
  return network === undefined ? [] : [section('network', 'The network', [definitionList(network)])];
}

function verdict(value: boolean | undefined, yes: string, no: string): string {
  return value === undefined ? '–' : value ? yes : no;
}

function layerRow(layer: LayerReport): string {
  const cyclesAgree = layer.cycles === undefined ? undefined : layer.cycles === layer.predictedCycles;
  const td = (content: string, className?: string): string => element('td', className === undefined ? {} : { class: className }, [escapeText(content)]);
  return element('tr', { class: layer.checked === false ? 'bad' : undefined }, [
    element('th', {}, [escapeText(layer.name)]),
    td(`${layer.shape.M}×${layer.shape.K}×${layer.shape.N}`),
    td(String(layer.tiles), 'num'),
    td(layer.cycles === undefined ? '–' : integerText(layer.cycles), 'num'),
    td(integerText(layer.predictedCycles), 'num'),
    td(verdict(cyclesAgree, 'as predicted', 'DIFFER')),
    td(verdict(layer.match, 'match', 'MISMATCH')),
    td(verdict(layer.checked, 'checked', `${layer.problems.length} problems`)),
  ]);
}

function layersSection(layers: readonly LayerReport[]): string {
  const head = element('tr', {}, ['layer', 'M×K×N', 'tiles', 'cycles (RTL)', 'predicted', 'cycles', 'outputs', 'counters and events'].map((title) => element('th', {}, [title])));
  const table = element('table', { class: 'data', 'data-figure': 'layers' }, [element('thead', {}, [head]), element('tbody', {}, layers.map(layerRow))]);
  return section('layers', 'Layers', [table]);
}

function scheduleSection(layers: readonly LayerReport[]): string {
  const charts = layers.map((layer) => {
    const note = ganttMergeNote(layer);
    const measured = layer.cycles === undefined ? '' : ` (RTL measured ${integerText(layer.cycles)})`;
    const caption = `${layer.name}: ${integerText(layer.predictedCycles)} predicted cycles${measured}. Each bar is a column's slot on its core, from its first input beat to the next column's; hover for the column's whole span.${note === undefined ? '' : ` ${note}`}`;
    return figure(ganttChart(layer), caption);
  });
  return section('schedule', 'Schedule per core', charts.length === 0 ? [paragraph('No layer.', 'missing')] : charts);
}

function utilisationSection(data: ReportData): string {
  const title = 'Utilisation per core';
  if (data.utilisation.length === 0) return section('utilisation', title, [paragraph('No layer.', 'missing')]);
  return section('utilisation', title, [figure(utilisationChart(data.utilisation), 'Cycles each core is busy (cnt_busy) over all cycles of the run, loads and drains included.')]);
}

function energySection(data: ReportData): string {
  if (data.layers.length === 0) return section('energy', 'Energy by event', [paragraph('No layer.', 'missing')]);
  const events = eventOrder(data.energyTablePj, data.layers);
  const rows = energyRows(data.layers, events);
  const table = Object.entries(data.energyTablePj).map(([event, pj]) => `${event} ${pj} pJ`).join(', ');
  return section('energy', 'Energy by event', [figure(energyChart(rows, events), `Predicted events × energy table (${table}).`), energyTable(rows, events)]);
}

function paretoSection(data: ReportData): string {
  const { pareto } = data;
  if (pareto === undefined) return section('pareto', 'Design-space exploration', [paragraph('Not an explore run: no Pareto front.', 'missing')]);
  if (pareto.points.length === 0) return section('pareto', 'Design-space exploration', [paragraph(`${pareto.space}: no design point.`, 'missing')]);
  const iso = pareto.isoArea.length === 0 ? [paragraph('No iso-area comparison.', 'missing')] : [isoAreaTable(pareto)];
  const caption = `${pareto.space} on ${pareto.workload}: marker area grows with the design's yosys cells; filled markers are the Pareto front of (cycles, energy, cells).`;
  return section('pareto', 'Design-space exploration', [figure(paretoChart(pareto), caption), paretoFrontTable(pareto), ...iso]);
}

function mismatchSection(mismatch: MismatchSection | undefined, layers: readonly LayerReport[]): string {
  const title = 'First mismatch';
  if (mismatch !== undefined) {
    const text = mismatch.text === undefined ? [] : [element('pre', { class: 'mismatch-text' }, [escapeText(mismatch.text)])];
    return section('mismatch', title, [figure(waveformChart(mismatch.wavedrom), `${mismatch.layer}: ${mismatch.wavedrom.head.text} (shaded: the cycle of the mismatch).`), ...text]);
  }
  const failed = layers.filter((layer) => layer.checked === false);
  if (failed.length === 0) return section('mismatch', title, [paragraph('None: every layer checked.', 'ok')]);
  const problems = failed.flatMap((layer) => layer.problems).slice(0, 20);
  return section('mismatch', title, [paragraph('No waveform of it: run `hwgen sim --trace vcd` for the window.', 'missing'), element('pre', { class: 'mismatch-text' }, [escapeText(problems.join('\n'))])]);
}

/** The whole page. */
export function renderReport(data: ReportData): string {
  const body = [
    element('h1', {}, [escapeText(data.title)]),
    summarySection(data),
    glanceSection(data),
    ...networkSection(data.network),
    layersSection(data.layers),
    scheduleSection(data.layers),
    utilisationSection(data),
    energySection(data),
    section('resources', 'Resources', [resourceTable(data.resources)]),
    paretoSection(data),
    mismatchSection(data.mismatch, data.layers),
  ];
  const head = [
    voidElement('meta', { charset: 'utf-8' }),
    voidElement('meta', { 'http-equiv': 'Content-Security-Policy', content: CONTENT_POLICY }),
    voidElement('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
    element('title', {}, [escapeText(data.title)]),
    element('style', {}, [REPORT_CSS]),
  ];
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n${head.join('\n')}\n</head>\n<body>\n${body.join('\n')}\n</body>\n</html>\n`;
}

/** Writes `dir/report.html` (creating `dir`) and returns its path. */
export async function writeReport(dir: string, data: ReportData): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, REPORT_FILE);
  await writeFile(file, renderReport(data));
  return file;
}
