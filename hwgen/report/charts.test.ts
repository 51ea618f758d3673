/**
 * Every chart of the report on the hand-made data of test-fixtures.ts: the exact elements it draws (bars,
 * segments, markers, rows, labels) and where, and the Gantt chart's slots and merging.
 */
import { describe, expect, it } from 'vitest';
import { energyChart, energyRows, energyTable, eventOrder } from './energy-chart.ts';
import { GANTT_MAX_BARS, columnSlots, ganttChart, ganttMergeNote, mergeBars } from './gantt-chart.ts';
import { isoAreaTable, paretoChart, paretoFrontTable } from './pareto-chart.ts';
import type { ColumnInterval, LayerReport } from './report-data.ts';
import { resourceTable } from './resource-table.ts';
import { compactNumber, coordinate, escapeText, integerText } from './svg.ts';
import { sampleReport } from './test-fixtures.ts';
import { utilisationChart } from './utilisation-chart.ts';
import { waveCells, waveformChart } from './waveform-chart.ts';

const count = (markup: string, pattern: RegExp): number => (markup.match(new RegExp(pattern.source, 'g')) ?? []).length;
const attribute = (markup: string, name: string): string[] => [...markup.matchAll(new RegExp(` ${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

const data = sampleReport();
const [conv1, fc1] = data.layers as [LayerReport, LayerReport];

describe('svg helpers', () => {
  it('escape text and write numbers the same way everywhere', () => {
    expect(escapeText(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    expect([coordinate(1 / 3), coordinate(-0.001), coordinate(12)]).toEqual(['0.33', '0', '12']);
    expect([compactNumber(1500), compactNumber(2e6), compactNumber(0.25), compactNumber(120)]).toEqual(['1.5k', '2M', '0.25', '120']);
    expect(integerText(10977)).toBe('10\u2009977');
  });
});

describe('Gantt chart', () => {
  it('gives each column the slot up to the next column\'s first beat, the last its whole span', () => {
    expect(columnSlots(conv1.cores[0]!.intervals).map(({ start, end }) => [start, end])).toEqual([[20, 24], [24, 28], [28, 48]]);
    expect(columnSlots(conv1.cores[1]!.intervals).map(({ start, end }) => [start, end])).toEqual([[20, 60], [60, 90]]);
  });

  it('draws one bar per slot and phase: conv1 3 ann0 + 2 snn0 + 1 load + 1 drain, snn1 idle', () => {
    const svg = ganttChart(conv1);
    expect(count(svg, /<rect class="bar /)).toBe(7);
    expect([count(svg, /class="bar bar-ann/), count(svg, /class="bar bar-snn/), count(svg, /class="bar bar-load/), count(svg, /class="bar bar-drain/)]).toEqual([3, 2, 1, 1]);
    expect(attribute(svg, 'data-row')).toEqual(['ann0', 'snn0', 'snn1', 'load', 'drain']);
    expect(count(svg, />idle</)).toBe(1);
    expect(attribute(svg, 'data-figure')).toEqual(['gantt-conv1']);
    expect(svg).toContain('<title>ann0 column 0: first input beat in cycle 20, last output level in cycle 39</title>');
  });

  it('puts bars on the layer\'s cycles: 0..120 over pixels 64..936', () => {
    const svg = ganttChart(conv1);
    // The first ann0 slot, cycles 20..24: x = 64 + 20/120·872, width 4/120·872.
    expect(svg).toContain('<rect class="bar bar-ann" x="209.33" y="10" width="29.07" height="18">');
    expect(count(ganttChart(fc1), /<rect class="bar /)).toBe(6);
  });

  it('merges a long row into at most GANTT_MAX_BARS bars of consecutive slots, and says so', () => {
    const intervals: ColumnInterval[] = Array.from({ length: 130 }, (_, n) => ({ column: n, start: 10 * n, end: 10 * n + 25 }));
    const bars = mergeBars(columnSlots(intervals));
    // ceil(130 / 64) = 3 slots a bar: 43 bars of 3 and one of 1.
    expect(bars.length).toBe(44);
    expect(bars[0]).toMatchObject({ start: 0, end: 30, count: 3, first: 'column 0', last: 'column 2' });
    expect(bars.at(-1)).toMatchObject({ start: 1290, end: 1315, count: 1, first: 'column 129' });
    const layer: LayerReport = { ...conv1, predictedCycles: 1400, cores: [{ id: 'ann0', kind: 'ann', busy: 0, intervals }], phases: [] };
    expect(count(ganttChart(layer), /<rect class="bar /)).toBe(44);
    expect(ganttMergeNote(layer)).toBe(`Merged to at most ${GANTT_MAX_BARS} bars a row: ann0 (130 slots, 3 a bar).`);
    expect(ganttMergeNote(conv1)).toBeUndefined();
  });
});

describe('utilisation chart', () => {
  it('draws one bar per core, as long as its busy share of 600 pixels', () => {
    const svg = utilisationChart(data.utilisation);
    expect(count(svg, /<rect class="bar /)).toBe(3);
    expect(count(svg, /<rect class="track"/)).toBe(3);
    // 40/198 and 90/198 of 600 pixels, and none for the idle core.
    expect(attribute(svg, 'width').slice(1).filter((_, i) => i % 2 === 1)).toEqual(['121.21', '272.73', '0']);
    expect(svg).toContain('>20.2 % (40 of 198 cycles)<');
    expect(attribute(svg, 'data-row')).toEqual(['ann0', 'snn0', 'snn1']);
  });
});

describe('energy chart', () => {
  const events = eventOrder(data.energyTablePj, data.layers);
  const rows = energyRows(data.layers, events);

  it('stacks a segment per non-zero event: conv1 5, fc1 3 (no snn_add, no spike), total 5', () => {
    const svg = energyChart(rows, events);
    expect(events).toEqual(['ann_mac', 'snn_add', 'spike', 'fire', 'sram_byte']);
    expect(count(svg, /<rect class="seg /)).toBe(13);
    expect(attribute(svg, 'data-row')).toEqual(['conv1', 'fc1', 'total']);
    expect(count(svg, /<rect class="swatch /)).toBe(5);
    expect(svg).toContain('<title>total: ann_mac 10.500 nJ</title>');
  });

  it('tabulates the same numbers, nJ, with the totals', () => {
    const table = energyTable(rows, events);
    expect(count(table, /<tr>/)).toBe(4);
    expect(table).toContain('<th>total</th><td class="num">10.500</td><td class="num">2.000</td><td class="num">0.300</td><td class="num">0.120</td><td class="num">5.800</td><td class="num">18.720</td>');
  });
});

describe('resource table', () => {
  it('lists each module variant times its instances, and a total row equal to their sum', () => {
    const table = resourceTable(data.resources);
    expect(count(table, /<tbody>/)).toBe(1);
    expect(count(table.split('<tbody>')[1]!.split('</tbody>')[0]!, /<tr>/)).toBe(3);
    // hwgen_snn_core: 2 instances × (20 cells, 200 LUT, 90 FF).
    expect(table).toContain('<th title="core[1].snn.snn_core, core[2].snn.snn_core">hwgen_snn_core</th><td class="params">ROWS=8</td><td class="num">2</td><td class="num">40</td><td class="num">400</td><td class="num">180</td>');
    expect(table).toContain('<tr class="total"><th>total</th><td>hwgen_accel_top</td><td></td><td class="num">80</td><td class="num">800</td><td class="num">350</td>');
  });

  it('says "not synthesized" without a synthesis', () => {
    expect(resourceTable(undefined)).toContain('Not synthesized');
  });
});

describe('Pareto plot', () => {
  const pareto = data.pareto!;

  it('draws every point, the two front points filled and named', () => {
    const svg = paretoChart(pareto);
    expect(count(svg, /<circle class="point /)).toBe(5);
    expect(count(svg, /<circle class="point front /)).toBe(2);
    expect([...svg.matchAll(/<text [^>]*class="point-label"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['a1x8x8', 'h1x8x8-s2x16']);
  });

  it('sizes markers by area: 3 px plus 9 px × sqrt(cells / largest)', () => {
    const radii = attribute(paretoChart(pareto), 'r').map(Number);
    // Dominated first (7000, 9000, 2000 cells), then the front (4000, 6000); the largest is 9000.
    const expected = [7000, 9000, 2000, 4000, 6000].map((cells) => Number(coordinate(3 + 9 * Math.sqrt(cells / 9000))));
    expect(radii).toEqual(expected);
  });

  it('tabulates the front and the iso-area comparison', () => {
    expect(count(paretoFrontTable(pareto), /<tr>/)).toBe(3);
    const iso = isoAreaTable(pareto);
    expect(count(iso, /<tr>/)).toBe(3);
    expect(iso).toContain('<td class="num">+22.0 %</td><td class="num">-31.0 %</td>');
    expect(iso).toContain('<td>none fits</td><td class="num">–</td>');
  });
});

describe('waveform window', () => {
  it('reads wave strings cell by cell', () => {
    expect(waveCells('x.=.=0', ['3', '7'])).toEqual([
      { state: 'x', label: '', begins: true },
      { state: 'x', label: '', begins: false },
      { state: 'data', label: '3', begins: true },
      { state: 'data', label: '3', begins: false },
      { state: 'data', label: '7', begins: true },
      { state: '0', label: '', begins: true },
    ]);
  });

  // clk, cycle, rst, out_valid, out_level, out_level expected, mismatch (the spacer draws nothing).
  it('draws one row per signal: lines for bits and clock, a shape per value, the mismatch cycle shaded', () => {
    const svg = waveformChart(data.mismatch!.wavedrom);
    expect(attribute(svg, 'data-row')).toEqual(['clk', 'cycle', 'rst', 'out_valid', 'out_level', 'out_level expected', 'mismatch']);
    expect(count(svg, /<path class="wave-line"/)).toBe(4);
    // 9 cycle numbers, out_level 1, 2, 3, 7 and the expected 5.
    expect(count(svg, /<polygon class="wave-data"/)).toBe(14);
    // out_level before its first value, and the expected row on both sides of cycle 104.
    expect(count(svg, /<rect class="wave-x"/)).toBe(3);
    // Cycle 104 is the 5th cell: x = 130 + 4 · 36.
    expect(svg).toContain('<rect class="focus" x="274" y="0" width="36"');
    expect(svg).toContain('>5</text>');
  });
});
