/**
 * Streams on a hand-written waveform: beats, the protocol rules (every rule broken once, with its exact
 * message), cycle numbering by a counter (reset edges numbered backwards, a window starting late), and the
 * mismatch window as a table and as WaveDrom.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatWindow, readWindow, waveDromWindow } from './diagnostics.ts';
import { checkProtocol, type StreamInterface } from './protocol.ts';
import { extractTransactions } from './transactions.ts';

type Row = { rst: number; cnt: number; valid: number | 'x'; ready: number; data: number | 'x'; last: number };

const CODES = { clk: '!', rst: '"', cnt: '#', valid: '$', ready: '%', data: '&', last: "'" } as const;

/** A VCD whose rising edge k (time 10k + 5) samples rows[k]; the values change at the falling edge before it. */
function vcdOf(rows: readonly Row[]): string {
  const lines = [
    '$timescale 1ns $end',
    '$scope module tb $end',
    `$var wire 1 ${CODES.clk} clk $end`,
    `$var wire 1 ${CODES.rst} rst $end`,
    `$var integer 8 ${CODES.cnt} cnt [7:0] $end`,
    '$scope module dut $end',
    `$var wire 1 ${CODES.valid} out_valid $end`,
    `$var wire 1 ${CODES.ready} out_ready $end`,
    `$var wire 8 ${CODES.data} out_data [7:0] $end`,
    `$var wire 1 ${CODES.last} out_last $end`,
    '$upscope $end',
    '$upscope $end',
    '$enddefinitions $end',
  ];
  const vector = (value: number | 'x', code: string): string => `b${value === 'x' ? 'x' : value.toString(2)} ${code}`;
  rows.forEach((row, k) => {
    lines.push(`#${10 * k}`, `0${CODES.clk}`, `${row.rst}${CODES.rst}`, vector(row.cnt, CODES.cnt), `${row.valid}${CODES.valid}`, `${row.ready}${CODES.ready}`, vector(row.data, CODES.data), `${row.last}${CODES.last}`);
    lines.push(`#${10 * k + 5}`, `1${CODES.clk}`);
  });
  lines.push(`#${10 * rows.length}`, `0${CODES.clk}`);
  return `${lines.join('\n')}\n`;
}

const row = (rst: number, cnt: number, valid: number | 'x', ready: number, data: number | 'x', last = 0): Row => ({ rst, cnt, valid, ready, data, last });

/** Every rule broken once, between clean beats. */
const ROWS: Row[] = [
  row(1, 0, 0, 0, 0), //        reset, cycle -2
  row(1, 0, 1, 1, 0x55), //     a beat in reset, cycle -1
  row(0, 0, 1, 1, 0x11), //     beat, cycle 0
  row(0, 1, 1, 0, 0x22, 1), //  stalled, cycle 1
  row(0, 2, 1, 0, 0x23, 1), //  data changed while stalled, cycle 2
  row(0, 3, 1, 1, 0x23, 1), //  beat, cycle 3
  row(0, 4, 1, 0, 0x30), //     stalled, cycle 4
  row(0, 5, 0, 1, 0x30), //     valid dropped while stalled, cycle 5
  row(0, 6, 'x', 1, 0x30), //   valid is x, cycle 6
  row(0, 7, 1, 1, 'x'), //      a beat with x data, cycle 7
  row(0, 8, 0, 1, 0), //        idle, cycle 8
];

const STREAM: StreamInterface = {
  name: 'dut output',
  valid: 'tb.dut.out_valid',
  ready: 'tb.dut.out_ready',
  payload: [{ label: 'out_data', signal: 'tb.dut.out_data' }, { label: 'out_last', signal: 'tb.dut.out_last' }],
};

let dir = '';
let file = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hwgen-streams-'));
  file = join(dir, 'stream.vcd');
  await writeFile(file, vcdOf(ROWS));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('extractTransactions', () => {
  it('gives every beat out of reset, numbered by the counter, and every broken rule with its exact message', async () => {
    const result = await extractTransactions(file, { clock: 'tb.clk', reset: 'tb.rst', cycleCounter: 'tb.cnt', streams: [STREAM] });
    expect(result.cycles).toBe(11);
    expect(result.transactions).toEqual([
      [
        { cycle: 0, time: 25, payload: [0x11n, 0n] },
        { cycle: 3, time: 55, payload: [0x23n, 1n] },
        { cycle: 7, time: 95, payload: ['xxxxxxxx', 0n] },
      ],
    ]);
    expect(result.violations.map((v) => [v.rule, v.cycle, v.signal, v.expected, v.actual])).toEqual([
      ['beat-in-reset', -1, 'tb.dut.out_valid', '0', '1'],
      ['data-unstable', 2, 'tb.dut.out_data', '0x22', '0x23'],
      ['valid-dropped', 5, 'tb.dut.out_valid', '1', '0'],
      ['unknown-control', 6, 'tb.dut.out_valid', '0 or 1', 'x'],
      ['unknown-data', 7, 'tb.dut.out_data', 'known bits', "'bxxxxxxxx"],
    ]);
    expect(result.violations.map((v) => v.message)).toEqual([
      'dut output: a beat while reset is asserted: cycle -1: out_valid and out_ready high',
      'dut output: data changed while stalled (the payload must hold until the beat moves): cycle 2: out_data went from 0x22 to 0x23, the beat having waited in cycle 1',
      'dut output: valid dropped while stalled (valid must stay high until ready takes the beat): cycle 5: out_valid fell to 0, the beat having waited in cycle 4',
      'dut output: valid or ready is x or z out of reset: cycle 6: out_valid is x',
      "dut output: a beat carries x or z bits: cycle 7: out_data is 'bxxxxxxxx on a beat",
    ]);
  });

  it('numbers edges by index without a counter, and a stream without ready is always ready', async () => {
    const noReady: StreamInterface = { name: 'no ready', valid: 'tb.dut.out_valid', payload: [{ label: 'out_data', signal: 'tb.dut.out_data' }] };
    const result = await extractTransactions(file, { clock: 'tb.clk', reset: 'tb.rst', streams: [noReady] });
    expect(result.transactions[0]!.map((beat) => [beat.cycle, beat.payload[0]])).toEqual([[2, 0x11n], [3, 0x22n], [4, 0x23n], [5, 0x23n], [6, 0x30n], [9, 'xxxxxxxx']]);
    expect(result.violations.map((v) => [v.rule, v.cycle])).toEqual([['beat-in-reset', 1], ['unknown-control', 8], ['unknown-data', 9]]);
  });

  it('a waveform that starts late (a dump window) is numbered by the counter from its first edge', async () => {
    const late = join(dir, 'late.vcd');
    await writeFile(late, vcdOf(ROWS.slice(5).map((r) => ({ ...r, cnt: r.cnt + 100 }))));
    const result = await extractTransactions(late, { clock: 'tb.clk', reset: 'tb.rst', cycleCounter: 'tb.cnt', streams: [STREAM] });
    expect(result.transactions[0]!.map((beat) => beat.cycle)).toEqual([103, 107]);
    // The stall in cycle 104 is followed by valid dropping in 105: the rules need only consecutive cycles.
    expect(result.violations.map((v) => [v.rule, v.cycle])).toEqual([['valid-dropped', 105], ['unknown-control', 106], ['unknown-data', 107]]);
  });
});

describe('checkProtocol', () => {
  const sample = (cycle: number, valid: bigint, ready: bigint, data: bigint) => ({ cycle, time: cycle * 10, reset: false, valid, ready, payload: [data, 0n] });
  it('compares only consecutive cycles: a stall before a gap in the waveform binds nothing', () => {
    expect(checkProtocol(STREAM, sample(4, 1n, 0n, 1n), sample(6, 0n, 1n, 1n))).toEqual([]);
    expect(checkProtocol(STREAM, sample(5, 1n, 0n, 1n), sample(6, 0n, 1n, 1n)).map((v) => v.rule)).toEqual(['valid-dropped']);
  });
});

describe('the mismatch window', () => {
  const rows = [
    { label: 'rst', signal: 'tb.rst' },
    { label: 'out_valid', signal: 'tb.dut.out_valid' },
    { label: 'out_ready', signal: 'tb.dut.out_ready' },
    { label: 'out_data', signal: 'tb.dut.out_data' },
  ];

  it('reads the cycles asked for, as a table and as WaveDrom', async () => {
    const window = await readWindow(file, { clock: 'tb.clk', signals: rows, reset: 'tb.rst', cycleCounter: 'tb.cnt', from: -1, to: 3, focus: 2 });
    expect(window.cycles).toEqual([-1, 0, 1, 2, 3]);
    expect(window.times).toEqual([15, 25, 35, 45, 55]);
    expect(window.timescale).toEqual({ magnitude: 1, unit: 'ns', seconds: 1e-9 });
    const note = { row: 'out_data', expected: 0x22n };
    expect(formatWindow(window, note)).toBe(
      [
        'cycle       -1  0  1 *2  3',
        'rst          1  0  0  0  0',
        'out_valid    1  1  1  1  1',
        'out_ready    1  1  0  0  1',
        'out_data    55 11 22 23 23',
        '  expected           22',
      ].join('\n'),
    );
    expect(waveDromWindow(window, 'data changed in cycle 2', note)).toEqual({
      signal: [
        { name: 'clk', wave: 'p....' },
        { name: 'cycle', wave: '=====', data: ['-1', '0', '1', '2', '3'] },
        { name: 'rst', wave: '10...' },
        { name: 'out_valid', wave: '1....' },
        { name: 'out_ready', wave: '1.0.1' },
        { name: 'out_data', wave: '====.', data: ['55', '11', '22', '23'] },
        { name: 'out_data expected', wave: 'x..=x', data: ['22'] },
        {},
        { name: 'mismatch', wave: '0..10' },
      ],
      head: { text: 'data changed in cycle 2', tick: -1 },
    });
  });
});
