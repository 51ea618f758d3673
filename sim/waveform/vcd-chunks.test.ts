/**
 * Chunk boundaries: the same small file, cut at every byte position (and into 1-byte chunks, and
 * into three pieces), must read exactly as when it arrives whole. The file packs every construct
 * the reader knows, so each kind of token gets cut somewhere.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../hwgen/util/rng.ts';
import { writeSyntheticVcd } from './synthetic-vcd.ts';
import { openVcd, type VcdReader } from './vcd-reader.ts';

const FILE = [
  '$date\n\tTue Nov 24 2026\n$end',
  '$version Icarus Verilog $end',
  '$timescale\n\t10 ns\n$end',
  '$comment a comment\n  on two lines $end',
  '$scope module tb $end',
  '$var reg 1 ! clk $end',
  '$var wire 8 "# data [7:0] $end',
  '$var integer 32 abcd count [31:0] $end',
  '$var real 1 longer_than_seven r $end',
  '$var wire 1 % bit[3] $end',
  '$var wire 1 & unselected $end',
  '$scope module dut $end',
  '$var wire 1 ! clk_in $end',
  '$var wire 8 "# data_in [7:0] $end',
  '$upscope $end',
  '$upscope $end',
  '$enddefinitions $end',
  '#0',
  '$dumpvars',
  '0!',
  'bx "#',
  'b0 abcd',
  'r0.5 longer_than_seven',
  'z%',
  '1&',
  '$end',
  '#5',
  '1!',
  'b1010x1z0 "#',
  '$comment inside the changes $end',
  '#10 0! b101 abcd',
  'R-1.25e2 longer_than_seven',
  '#15',
  'b11111111',
  '"#',
  '1!',
  '1%',
  '0&',
  '#20',
  '0!',
  '$dumpoff x! bxxxxxxxx "# $end',
  '#25',
  '$dumpon 1! b1 "# $end',
  '#30 0! b10 abcd',
].join('\n');

const SIGNALS = ['tb.clk', 'tb.dut.data_in', 'tb.count', 'tb.r', 'tb.bit', 'tb.dut.clk_in'];

/** Everything the reader gives for one way of cutting the file, as plain data. */
async function readAll(chunks: readonly Buffer[]): Promise<unknown> {
  const steps: unknown[] = [];
  const reader = await openVcd(Readable.from(chunks), { signals: SIGNALS });
  for await (const step of reader.steps()) steps.push([step.time, step.changes.map((change) => [change.signal.name, change.value])]);
  const cycles: unknown[] = [];
  for await (const cycle of (await openVcd(Readable.from(chunks), { signals: SIGNALS })).cycles('tb.clk')) cycles.push([cycle.index, cycle.time, cycle.values]);
  return { header: reader.header, steps, cycles };
}

function cut(bytes: Buffer, positions: readonly number[]): Buffer[] {
  const edges = [0, ...positions, bytes.length];
  return edges.slice(1).map((end, i) => bytes.subarray(edges[i], end));
}

describe('chunk boundaries', () => {
  const bytes = Buffer.from(FILE, 'latin1');

  it('reads the file whole as expected', async () => {
    const whole = (await readAll([bytes])) as { steps: unknown; cycles: unknown };
    expect(whole.steps).toEqual([
      [0, [['tb.clk', 0n], ['tb.dut.clk_in', 0n], ['tb.dut.data_in', 'xxxxxxxx'], ['tb.count', 0n], ['tb.r', 0.5], ['tb.bit', 'z']]],
      [5, [['tb.clk', 1n], ['tb.dut.clk_in', 1n], ['tb.dut.data_in', '1010x1z0']]],
      [10, [['tb.clk', 0n], ['tb.dut.clk_in', 0n], ['tb.count', 5n], ['tb.r', -125]]],
      [15, [['tb.dut.data_in', 255n], ['tb.clk', 1n], ['tb.dut.clk_in', 1n], ['tb.bit', 1n]]],
      [20, [['tb.clk', 0n], ['tb.dut.clk_in', 0n], ['tb.clk', 'x'], ['tb.dut.clk_in', 'x'], ['tb.dut.data_in', 'xxxxxxxx']]],
      [25, [['tb.clk', 1n], ['tb.dut.clk_in', 1n], ['tb.dut.data_in', 1n]]],
      [30, [['tb.clk', 0n], ['tb.dut.clk_in', 0n], ['tb.count', 2n]]],
    ]);
    expect(whole.cycles).toEqual([
      [0, 5, [0n, 'xxxxxxxx', 0n, 0.5, 'z', 0n]],
      [1, 15, [0n, '1010x1z0', 5n, -125, 'z', 0n]],
      [2, 25, ['x', 'xxxxxxxx', 5n, -125, 1n, 'x']],
    ]);
  });

  it('reads the same when cut in two at every byte', async () => {
    const whole = await readAll([bytes]);
    for (let position = 1; position < bytes.length; position++) {
      expect(await readAll(cut(bytes, [position])), `cut at byte ${position}`).toEqual(whole);
    }
  });

  it('reads the same in 1-byte chunks, and cut in three at random places', async () => {
    const whole = await readAll([bytes]);
    expect(await readAll(cut(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)))).toEqual(whole);
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const positions = [rng.nextInt(1, bytes.length - 1), rng.nextInt(1, bytes.length - 1)].sort((a, b) => a - b);
      expect(await readAll(cut(bytes, positions)), `cut at ${positions.join(', ')}`).toEqual(whole);
    }
  });
});

describe('files read from disk', () => {
  it('read the same as the same bytes streamed in odd-sized chunks, over several 1 MiB reads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-vcd-chunks-'));
    try {
      const path = join(dir, 'synthetic.vcd');
      const file = await writeSyntheticVcd(path, { bytes: 3_500_000, signals: 300 });
      const bytes = await readFile(path);
      const odd = cut(bytes, Array.from({ length: Math.floor(bytes.length / 65_537) }, (_, i) => (i + 1) * 65_537));
      const cyclesOf = async (reader: VcdReader) => {
        const samples: unknown[] = [];
        for await (const cycle of reader.cycles(file.clock)) samples.push([cycle.time, cycle.values]);
        return samples;
      };
      const fromDisk = await cyclesOf(await openVcd(path, { signals: file.selected }));
      // The clock's first value (1 at #0) is not an edge.
      expect(fromDisk).toHaveLength(file.cycles - 1);
      expect(await cyclesOf(await openVcd(Readable.from(odd), { signals: file.selected }))).toEqual(fromDisk);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
