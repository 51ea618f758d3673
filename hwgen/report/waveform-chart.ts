/**
 * The waveform window of a mismatch, drawn as plain SVG from the WaveDrom diagram the waveform check writes
 * (sim/waveform/diagnostics.ts, waveDromWindow): one row per signal, one cell per cycle. The wave characters
 * used there are read: `p`/`n` clocks, `0`/`1`/`h`/`l` bits, `x`, `z`, `=` (and `2`–`9`) data with their labels,
 * `.` and `|` to continue; anything else is drawn as unknown (x). The cycles where the `mismatch` row is high
 * are shaded.
 */
import type { WaveDromDiagram, WaveDromSignal } from '../../sim/waveform/diagnostics.ts';
import { coordinate, element, svgRoot, text, tooltip } from './svg.ts';

/** One cycle of one row: its state, its data label, and whether a new value begins there. */
export interface WaveCell {
  readonly state: 'clock' | '0' | '1' | 'x' | 'z' | 'data';
  readonly label: string;
  readonly begins: boolean;
}

const STATES: Readonly<Record<string, WaveCell['state']>> = {
  p: 'clock', P: 'clock', n: 'clock', N: 'clock',
  '0': '0', l: '0', L: '0',
  '1': '1', h: '1', H: '1',
  x: 'x', z: 'z',
  '=': 'data', '2': 'data', '3': 'data', '4': 'data', '5': 'data', '6': 'data', '7': 'data', '8': 'data', '9': 'data',
};

/** The wave string as cells: `.` and `|` repeat the previous cell, a data cell takes the next label. */
export function waveCells(wave: string, data: readonly string[] = []): WaveCell[] {
  const cells: WaveCell[] = [];
  let next = 0;
  for (const char of wave) {
    const previous = cells.at(-1);
    if ((char === '.' || char === '|') && previous !== undefined) {
      cells.push({ ...previous, begins: false });
      continue;
    }
    const state = STATES[char] ?? 'x';
    const label = state === 'data' ? (data[next++] ?? '') : '';
    cells.push({ state, label, begins: true });
  }
  return cells;
}

function isSignal(row: WaveDromSignal | Record<string, never>): row is WaveDromSignal {
  return typeof row.name === 'string' && typeof row.wave === 'string';
}

const LABEL_WIDTH = 130;
const CELL = 36;
const ROW = 22;
const HIGH = 5;
const LOW = 18;
const SPACER = 8;

function levelY(state: WaveCell['state'], y: number): number {
  return state === '1' ? y + HIGH : state === '0' ? y + LOW : y + (HIGH + LOW) / 2;
}

/** A clock: rising at the start of every cycle, falling in its middle. */
function clockPath(cells: readonly WaveCell[], y: number, x0: number): string {
  return cells.map((_, i) => {
    const x = x0 + i * CELL;
    return `M${coordinate(x)} ${y + LOW}V${y + HIGH}H${coordinate(x + CELL / 2)}V${y + LOW}H${coordinate(x + CELL)}`;
  }).join('');
}

/** 0, 1 and z as one line with its edges; x and data cells break it. */
function levelPath(cells: readonly WaveCell[], y: number, x0: number): string {
  let d = '';
  let previous: WaveCell | undefined;
  cells.forEach((cell, i) => {
    const x = x0 + i * CELL;
    if (cell.state === '0' || cell.state === '1' || cell.state === 'z') {
      const level = levelY(cell.state, y);
      const joined = previous !== undefined && (previous.state === '0' || previous.state === '1' || previous.state === 'z');
      d += joined ? `V${coordinate(level)}` : `M${coordinate(x)} ${coordinate(level)}`;
      d += `H${coordinate(x + CELL)}`;
    }
    previous = cell;
  });
  return d;
}

/** Runs of data (a label each) and of unknown cells, each drawn as one shape. */
function runShapes(cells: readonly WaveCell[], y: number, x0: number, name: string): string[] {
  const shapes: string[] = [];
  cells.forEach((cell, i) => {
    if (!cell.begins || (cell.state !== 'data' && cell.state !== 'x')) return;
    let length = 1;
    while (cells[i + length]?.begins === false) length += 1;
    const x = x0 + i * CELL;
    const end = x + length * CELL;
    if (cell.state === 'x') {
      shapes.push(element('rect', { class: 'wave-x', x, y: y + HIGH, width: length * CELL, height: LOW - HIGH }, [tooltip(`${name}: x`)]));
      return;
    }
    const mid = y + (HIGH + LOW) / 2;
    const points = [[x, mid], [x + 3, y + HIGH], [end - 3, y + HIGH], [end, mid], [end - 3, y + LOW], [x + 3, y + LOW]].map(([px, py]) => `${coordinate(px!)},${coordinate(py!)}`).join(' ');
    shapes.push(element('polygon', { class: 'wave-data', points }, [tooltip(`${name}: ${cell.label}`)]) + text((x + end) / 2, y + LOW - 3, cell.label, { class: 'wave-label', 'text-anchor': 'middle' }));
  });
  return shapes;
}

function rowMarkup(row: WaveDromSignal, y: number, x0: number): string {
  const cells = waveCells(row.wave, row.data);
  const path = cells.some((cell) => cell.state === 'clock') ? clockPath(cells, y, x0) : levelPath(cells, y, x0);
  const line = path === '' ? [] : [element('path', { class: 'wave-line', d: path })];
  return element('g', { class: 'wave-row', 'data-row': row.name }, [text(LABEL_WIDTH - 8, y + LOW - 3, row.name, { class: 'row-label', 'text-anchor': 'end' }), ...line, ...runShapes(cells, y, x0, row.name)]);
}

/** Cycles (cell indices) where the `mismatch` row is high. */
function focusCells(rows: readonly WaveDromSignal[]): number[] {
  const mismatch = rows.find((row) => row.name === 'mismatch');
  if (mismatch === undefined) return [];
  return waveCells(mismatch.wave).flatMap((cell, i) => (cell.state === '1' ? [i] : []));
}

/** The window as an SVG element (figure `waveform`). */
export function waveformChart(diagram: WaveDromDiagram): string {
  const signals = diagram.signal.filter(isSignal);
  const cycles = Math.max(1, ...signals.map((row) => waveCells(row.wave, row.data).length));
  const width = LABEL_WIDTH + cycles * CELL + 12;
  let y = 6;
  const rows: string[] = [];
  for (const row of diagram.signal) {
    if (!isSignal(row)) {
      y += SPACER;
      continue;
    }
    rows.push(rowMarkup(row, y, LABEL_WIDTH));
    y += ROW;
  }
  const height = y + 6;
  const focus = focusCells(signals).map((i) => element('rect', { class: 'focus', x: LABEL_WIDTH + i * CELL, y: 0, width: CELL, height }));
  return svgRoot('waveform', width, height, diagram.head.text, [...focus, ...rows]);
}
