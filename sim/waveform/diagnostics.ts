/**
 * The few cycles of a waveform around a mismatch, for a person to read (sim/waveform/README.md,
 * "Mismatch reports"): `readWindow` samples chosen signals at the rising edges of cycles `from..to`
 * (a second pass over the file, so the check itself keeps nothing), `formatWindow` prints them as a
 * table, and `waveDromWindow` gives a WaveDrom diagram of the same cycles (paste it into
 * https://wavedrom.com/editor.html, or a ```wavedrom block of a Markdown viewer that renders them).
 */
import { openNumberedCycles, SignalTable } from './transactions.ts';
import { formatValue, type SignalValue } from './values.ts';
import type { Timescale } from './vcd-reader.ts';

/** A row of the window: `label` as printed, `signal` its name in the waveform. */
export interface WindowSignal {
  readonly label: string;
  readonly signal: string;
}

export interface WindowRow extends WindowSignal {
  readonly width: number;
  /** One per cycle of the window. */
  readonly values: readonly SignalValue[];
}

export interface SignalWindow {
  readonly cycles: readonly number[];
  readonly times: readonly number[];
  readonly rows: readonly WindowRow[];
  /** The cycle the window is about (marked in both renderings). */
  readonly focus: number;
  /** The unit of `times` (the file's $timescale). */
  readonly timescale: Timescale | undefined;
}

export interface ReadWindowOptions {
  readonly clock: string;
  readonly signals: readonly WindowSignal[];
  readonly reset?: string;
  /** Numbers cycles as transactions.ts does (numberCycles). */
  readonly cycleCounter?: string;
  readonly from: number;
  readonly to: number;
  readonly focus: number;
  readonly fst2vcd?: string;
}

/** The signals at every rising edge numbered `from..to` (those the waveform holds). */
export async function readWindow(file: string, options: ReadWindowOptions): Promise<SignalWindow> {
  const table = new SignalTable();
  const reset = options.reset === undefined ? undefined : table.indexOf(options.reset);
  const counter = options.cycleCounter === undefined ? undefined : table.indexOf(options.cycleCounter);
  const columns = options.signals.map((signal) => table.indexOf(signal.signal));
  const { reader, cycles: edges } = await openNumberedCycles(file, table, { clock: options.clock, reset, counter, fst2vcd: options.fst2vcd });
  const cycles: number[] = [];
  const times: number[] = [];
  const values: SignalValue[][] = options.signals.map(() => []);
  for await (const edge of edges) {
    if (edge.cycle < options.from) continue;
    if (edge.cycle > options.to) break;
    cycles.push(edge.cycle);
    times.push(edge.time);
    columns.forEach((index, row) => values[row]!.push(edge.values[index]!));
  }
  const rows = options.signals.map((signal, row): WindowRow => ({
    ...signal,
    width: reader.signals[columns[row]!]!.variable.width,
    values: values[row]!,
  }));
  return { cycles, times, rows, focus: options.focus, timescale: reader.header.timescale };
}

/** A value as the table shows it: 0/1/x for a bit, hex for a vector (x or z digits in binary). */
function cell(value: SignalValue, width: number): string {
  if (width === 1 && typeof value !== 'number') return typeof value === 'bigint' ? value.toString() : value;
  if (typeof value === 'bigint') return value.toString(16);
  return formatValue(value);
}

export interface WindowNote {
  /** The label of the row the note is about. */
  readonly row: string;
  /** The expected value at the focus cycle, shown in an extra row. */
  readonly expected: SignalValue;
}

/**
 * The window as a table, one row per signal, one column per cycle; the focus cycle is marked with `*`
 * and, when `note` is given, an `expected` row under its signal shows the value that was due.
 */
export function formatWindow(window: SignalWindow, note?: WindowNote): string {
  const labelWidth = Math.max(5, ...window.rows.map((row) => row.label.length), note === undefined ? 0 : `  expected`.length);
  const cells = window.rows.map((row) => row.values.map((value) => cell(value, row.width)));
  const widths = window.cycles.map((cycle, i) => Math.max(String(cycle).length + 1, ...cells.map((row) => (row[i] ?? '').length), note === undefined ? 0 : cell(note.expected, 8).length));
  const line = (label: string, texts: readonly string[]): string => `${label.padEnd(labelWidth)} ${texts.map((text, i) => text.padStart(widths[i]!)).join(' ')}`.trimEnd();
  const lines = [line('cycle', window.cycles.map((cycle) => `${cycle === window.focus ? '*' : ''}${cycle}`))];
  window.rows.forEach((row, r) => {
    lines.push(line(row.label, cells[r]!));
    if (note !== undefined && note.row === row.label) {
      lines.push(line('  expected', window.cycles.map((cycle) => (cycle === window.focus ? cell(note.expected, row.width) : ''))));
    }
  });
  return lines.join('\n');
}

export interface WaveDromSignal {
  readonly name: string;
  readonly wave: string;
  readonly data?: readonly string[];
  readonly node?: string;
}

export interface WaveDromDiagram {
  readonly signal: readonly (WaveDromSignal | Record<string, never>)[];
  readonly edge?: readonly string[];
  readonly head: { readonly text: string; readonly tick: number };
  readonly foot?: { readonly text: string };
}

/** A row of WaveDrom wave characters: `.` repeats, bits are 0/1/x/z, vectors `=` with a data label. */
function waveOf(values: readonly SignalValue[], width: number): WaveDromSignal & { data: string[] } {
  let wave = '';
  const data: string[] = [];
  let previous: SignalValue | undefined;
  for (const value of values) {
    if (previous !== undefined && value === previous) {
      wave += '.';
      continue;
    }
    previous = value;
    if (width === 1) {
      wave += typeof value === 'bigint' ? value.toString() : String(value);
    } else if (typeof value === 'string' && /^x+$/.test(value)) {
      wave += 'x';
    } else if (typeof value === 'string' && /^z+$/.test(value)) {
      wave += 'z';
    } else {
      wave += '=';
      data.push(cell(value, width));
    }
  }
  return { name: '', wave, data };
}

/** Wave characters with repeats as `.` (a `=` is never repeated: each starts a new data label). */
function compress(chars: readonly string[]): string {
  return chars.map((char, i) => (i > 0 && char === chars[i - 1] && char !== '=' ? '.' : char)).join('');
}

/**
 * The window as a WaveDrom diagram: a clock, the cycle numbers, one row per signal, a `mismatch` row
 * pulsing at the focus cycle, and (with `note`) an `expected` row under the signal at fault.
 */
export function waveDromWindow(window: SignalWindow, title: string, note?: WindowNote): WaveDromDiagram {
  const n = window.cycles.length;
  const signal: (WaveDromSignal | Record<string, never>)[] = [
    { name: 'clk', wave: `p${'.'.repeat(Math.max(0, n - 1))}` },
    { name: 'cycle', wave: '='.repeat(n), data: window.cycles.map(String) },
  ];
  const focusIndex = window.cycles.indexOf(window.focus);
  for (const row of window.rows) {
    const { wave, data } = waveOf(row.values, row.width);
    signal.push(data.length > 0 ? { name: row.label, wave, data } : { name: row.label, wave });
    if (note !== undefined && note.row === row.label && focusIndex >= 0) {
      const marks = window.cycles.map((_, i) => (i === focusIndex ? '=' : 'x'));
      signal.push({ name: `${row.label} expected`, wave: compress(marks), data: [cell(note.expected, row.width)] });
    }
  }
  if (focusIndex >= 0) {
    signal.push({});
    signal.push({ name: 'mismatch', wave: compress(window.cycles.map((_, i) => (i === focusIndex ? '1' : '0'))) });
  }
  return { signal, head: { text: title, tick: window.cycles[0] ?? 0 } };
}
