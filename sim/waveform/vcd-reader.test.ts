/**
 * The streaming VCD reader on hand-written snippets: every header and value-change construct with
 * exact values, name resolution, cycle sampling, and the exact errors for malformed input.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../hwgen/errors.ts';
import { openVcd, xzMask, type VcdReader } from './vcd-reader.ts';

/** A stream that hands out `text` in the given chunk sizes (the rest in one last chunk). */
function streamOf(text: string, chunkSizes: readonly number[] = []): Readable {
  const bytes = Buffer.from(text, 'latin1');
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const size of chunkSizes) {
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  chunks.push(bytes.subarray(offset));
  return Readable.from(chunks.filter((chunk) => chunk.length > 0));
}

function open(text: string, signals: readonly string[]): Promise<VcdReader> {
  return openVcd(streamOf(text), { signals, name: 'test.vcd' });
}

/** [time, name, value] per change: plain data for toEqual. */
async function changesOf(reader: VcdReader): Promise<[number, string, unknown][]> {
  const changes: [number, string, unknown][] = [];
  for await (const step of reader.steps()) for (const change of step.changes) changes.push([step.time, change.signal.name, change.value]);
  return changes;
}

async function cyclesOf(reader: VcdReader, clock: string): Promise<[number, number, unknown[]][]> {
  const cycles: [number, number, unknown[]][] = [];
  for await (const cycle of reader.cycles(clock)) cycles.push([cycle.index, cycle.time, [...cycle.values]]);
  return cycles;
}

async function inputErrorOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(InputError);
  return (error as InputError).message;
}

function header(vars: string, extra = ''): string {
  return `$timescale 1ns $end\n${extra}$scope module tb $end\n${vars}\n$upscope $end\n$enddefinitions $end\n`;
}

describe('header', () => {
  it.each([
    ['$timescale 1ps $end', 1, 'ps', 1e-12],
    ['$timescale 1 ns $end', 1, 'ns', 1e-9],
    ['$timescale 10ns $end', 10, 'ns', 1e-8],
    ['$timescale\n\t100 us\n$end', 100, 'us', 1e-4],
    ['$timescale 1s $end', 1, 's', 1],
    ['$timescale 10 ms $end', 10, 'ms', 1e-2],
    ['$timescale\n 1fs\n $end', 1, 'fs', 1e-15],
  ])('reads %j', async (text, magnitude, unit, seconds) => {
    const reader = await open(`${text}\n$enddefinitions $end\n`, []);
    expect(reader.header.timescale).toEqual({ magnitude, unit, seconds });
  });

  it('has no timescale when the file gives none', async () => {
    expect((await open('$enddefinitions $end\n', [])).header.timescale).toBeUndefined();
  });

  it('reads $date, $version and $comment texts, scopes of every type and variables of every type', async () => {
    const text = [
      '$date\n\tTue Nov 24 12:34:25 2026\n$end',
      '$version Icarus Verilog $end',
      '$comment first $end $comment  two   words\n$end',
      '$timescale 1ps $end',
      '$scope module tb $end',
      '$var wire 1 ! clk $end $var reg 8 " data [7:0] $end',
      '$var integer 32 # count [31:0] $end',
      '$var parameter 32 $ WIDTH [31:0] $end',
      '$var logic 4 %& nibble [3:0] $end',
      '$var real 64 abcdefghij temperature $end',
      '$var event 1 {~} done $end',
      '$scope task t $end $var reg 1 ( busy $end $upscope $end',
      '$scope function f $end $upscope $end',
      '$scope begin blk $end $scope fork fk $end $upscope $end $upscope $end',
      '$scope interface bus $end $var wire 1 ) valid $end $upscope $end',
      '$upscope $end',
      '$enddefinitions $end',
    ].join('\n');
    const reader = await open(text, []);
    const { date, version, comments, scopes, variables } = reader.header;
    expect({ date, version, comments }).toEqual({ date: 'Tue Nov 24 12:34:25 2026', version: 'Icarus Verilog', comments: ['first', 'two words'] });
    expect(scopes).toEqual([
      { type: 'module', path: 'tb' },
      { type: 'task', path: 'tb.t' },
      { type: 'function', path: 'tb.f' },
      { type: 'begin', path: 'tb.blk' },
      { type: 'fork', path: 'tb.blk.fk' },
      { type: 'interface', path: 'tb.bus' },
    ]);
    expect(variables.map(({ path, range, type, width, id, real }) => [path, range, type, width, id, real])).toEqual([
      ['tb.clk', '', 'wire', 1, '!', false],
      ['tb.data', '[7:0]', 'reg', 8, '"', false],
      ['tb.count', '[31:0]', 'integer', 32, '#', false],
      ['tb.WIDTH', '[31:0]', 'parameter', 32, '$', false],
      ['tb.nibble', '[3:0]', 'logic', 4, '%&', false],
      ['tb.temperature', '', 'real', 64, 'abcdefghij', true],
      ['tb.done', '', 'event', 1, '{~}', false],
      ['tb.t.busy', '', 'reg', 1, '(', false],
      ['tb.bus.valid', '', 'wire', 1, ')', false],
    ]);
  });

  it('skips writer extensions it does not know ($timezero, $attrbegin)', async () => {
    const reader = await open('$timezero 0 $end\n$attrbegin misc 07 x 1 $end\n$scope module m $end $var wire 1 ! a $end $upscope $end $enddefinitions $end #0 1!', ['m.a']);
    expect(await changesOf(reader)).toEqual([[0, 'm.a', 1n]]);
  });
});

describe('value changes', () => {
  it('reads scalars 0 1 x z X Z, as bigints for 0/1 and as digit strings for x/z', async () => {
    const text = `${header('$var wire 1 ! a $end')}#0\n0!\n#1\n1!\n#2\nx!\n#3\nz!\n#4\nX!\n#5\nZ!\n`;
    expect(await changesOf(await open(text, ['tb.a']))).toEqual([
      [0, 'tb.a', 0n],
      [1, 'tb.a', 1n],
      [2, 'tb.a', 'x'],
      [3, 'tb.a', 'z'],
      [4, 'tb.a', 'x'],
      [5, 'tb.a', 'z'],
    ]);
  });

  it('reads vectors with x/z digits and extends short values as VCD says (0 for 0/1, else the digit)', async () => {
    const values = ['b00000101', 'B101', 'b1', 'bx', 'bZ', 'b1x0', 'bz01', 'b1X1Z', 'b11111111'];
    const text = `${header('$var reg 8 # data [7:0] $end')}${values.map((value, time) => `#${time}\n${value} #\n`).join('')}`;
    const changes = await changesOf(await open(text, ['tb.data']));
    expect(changes.map((change) => change[2])).toEqual([5n, 5n, 1n, 'xxxxxxxx', 'zzzzzzzz', '000001x0', 'zzzzzz01', '00001x1z', 255n]);
  });

  it('reads vectors wider than a double holds exactly, and scalar digits given to a vector', async () => {
    const wide = `1${'0'.repeat(98)}1`;
    const text = `${header('$var wire 100 ! bus [99:0] $end\n$var wire 4 " n [3:0] $end')}#0\nb${wide} !\n1"\n#1\nx"\n`;
    expect(await changesOf(await open(text, ['tb.bus', 'tb.n']))).toEqual([
      [0, 'tb.bus', (1n << 99n) | 1n],
      [0, 'tb.n', 1n],
      [1, 'tb.n', 'xxxx'],
    ]);
  });

  it('reads reals (r and R, exponents, negative, integral)', async () => {
    const text = `${header('$var real 1 % r $end')}#0\nr1.5 %\n#1\nR-2e3 %\n#2\nr0 %\n#3\nr3.25e-2 %\n`;
    expect((await changesOf(await open(text, ['tb.r']))).map((change) => change[2])).toEqual([1.5, -2000, 0, 0.0325]);
  });

  it('reads changes inside $dumpvars, $dumpall, $dumpon and $dumpoff blocks, skips body $comments', async () => {
    const text = `${header('$var wire 1 ! a $end\n$var wire 2 " b [1:0] $end')}$dumpvars 1! b10 " $end\n#10\n$comment x! is not a change $end\n0!\n#20\n$dumpoff\nx!\nbxx "\n$end\n#30\n$dumpon\n1!\nb01 "\n$end\n#40 $dumpall 1! b01 " $end\n`;
    expect(await changesOf(await open(text, ['tb.a', 'tb.b']))).toEqual([
      [0, 'tb.a', 1n],
      [0, 'tb.b', 2n],
      [10, 'tb.a', 0n],
      [20, 'tb.a', 'x'],
      [20, 'tb.b', 'xx'],
      [30, 'tb.a', 1n],
      [30, 'tb.b', 1n],
      [40, 'tb.a', 1n],
      [40, 'tb.b', 1n],
    ]);
  });

  it('gives only selected signals, leaves out times without their changes and merges a repeated time', async () => {
    const text = `${header('$var wire 1 ! a $end\n$var wire 8 " skip [7:0] $end\n$var real 1 # rskip $end')}#0\n0!\nb1 "\nr2 #\n#5\nb11 "\n#5\n1!\n#7\nr1 #\n`;
    const reader = await open(text, ['tb.a']);
    const steps = [];
    for await (const step of reader.steps()) steps.push({ time: step.time, values: step.changes.map((change) => change.value) });
    expect(steps).toEqual([
      { time: 0, values: [0n] },
      { time: 5, values: [1n] },
    ]);
  });

  it('feeds every name of an aliased code, and any printable characters are a code', async () => {
    const vars = '$var wire 1 ~!" clk $end\n$scope module dut $end\n$var wire 1 ~!" clk_in $end\n$var wire 3 {|} x [2:0] $end\n$upscope $end';
    const text = `${header(vars)}#0\n0~!"\nb101 {|}\n#5\n1~!"\n`;
    expect(await changesOf(await open(text, ['tb.dut.clk_in', 'tb.clk', 'tb.dut.x']))).toEqual([
      [0, 'tb.dut.clk_in', 0n],
      [0, 'tb.clk', 0n],
      [0, 'tb.dut.x', 5n],
      [5, 'tb.dut.clk_in', 1n],
      [5, 'tb.clk', 1n],
    ]);
  });

  it('reads value changes laid out freely: several per line, a value and its code on two lines, no final newline', async () => {
    const text = `${header('$var wire 4 ! v [3:0] $end\n$var wire 1 " s $end')}#0 b1010 ! 1" #3 b0101\n!\n#4\n0"`;
    expect(await changesOf(await open(text, ['tb.v', 'tb.s']))).toEqual([
      [0, 'tb.v', 10n],
      [0, 'tb.s', 1n],
      [3, 'tb.v', 5n],
      [4, 'tb.s', 0n],
    ]);
  });

  it('reads CRLF line ends and tabs as whitespace, counting lines by LF', async () => {
    const text = `${header('$var wire 1 ! a $end')}#0\r\n1!\r\n#2\t0!\r\n`.replaceAll('\n', '\r\n').replaceAll('\r\r', '\r');
    expect(await changesOf(await open(text, ['tb.a']))).toEqual([
      [0, 'tb.a', 1n],
      [2, 'tb.a', 0n],
    ]);
    expect(await inputErrorOf(changesOf(await open(`${text}?\r\n`, ['tb.a'])))).toBe('test.vcd: line 9: unexpected "?" in the value changes');
  });

  it('gives changes before the first #time at time 0', async () => {
    const text = `${header('$var wire 1 ! a $end')}$dumpvars\n1!\n$end\n#3\n0!\n`;
    expect(await changesOf(await open(text, ['tb.a']))).toEqual([
      [0, 'tb.a', 1n],
      [3, 'tb.a', 0n],
    ]);
  });

  it('splits x/z values into known bits and a mask', () => {
    expect(xzMask('10xz')).toEqual({ bits: 0b1000n, mask: 0b0011n });
    expect(xzMask(6n)).toEqual({ bits: 6n, mask: 0n });
  });
});

describe('signal names', () => {
  const vars = [
    '$var wire 8 ! data [7:0] $end',
    '$var wire 1 " d[0] $end',
    '$var wire 1 # d[1] $end',
    '$var wire 1 $ one[3] $end',
    '$scope module core_0 $end $var wire 1 % out_valid $end $upscope $end',
    '$scope module core_1 $end $var wire 1 & out_valid $end $upscope $end',
  ].join('\n');
  const text = `$scope module TOP $end\n${header(vars)}$upscope $end\n#0\nb111 !\n1"\n0#\n1$\n`;

  it('resolves a name with or without its bit range, and a bit-select written into the name', async () => {
    const reader = await open(text, ['tb.data', 'tb.data[7:0]', 'tb.data [7:0]', 'TOP.tb.d[1]', 'tb.one', 'tb.one[3]']);
    expect(reader.signals.map((signal) => signal.variable.id)).toEqual(['!', '!', '!', '#', '$', '$']);
  });

  it("finds a name below an extra top scope (Verilator's TOP)", async () => {
    const reader = await open(text, ['tb.core_0.out_valid', 'core_1.out_valid']);
    expect(reader.signals.map((signal) => signal.variable.path)).toEqual(['TOP.tb.core_0.out_valid', 'TOP.tb.core_1.out_valid']);
  });

  it('rejects an ambiguous name, listing what it matches', async () => {
    expect(await inputErrorOf(open(text, ['out_valid']))).toBe(
      'test.vcd: signal out_valid: ambiguous: names 2 signals (TOP.tb.core_0.out_valid, TOP.tb.core_1.out_valid); give more of the hierarchy',
    );
    expect(await inputErrorOf(open(text, ['tb.d']))).toBe('test.vcd: signal tb.d: ambiguous: names 2 signals (TOP.tb.d[0], TOP.tb.d[1]); give more of the hierarchy');
  });

  it('rejects an unknown name, listing close names', async () => {
    expect(await inputErrorOf(open(text, ['tb.core_0.out_vald']))).toBe(
      'test.vcd: signal tb.core_0.out_vald: not found; close names: TOP.tb.core_0.out_valid, TOP.tb.core_1.out_valid, TOP.tb.data[7:0], TOP.tb.one[3], TOP.tb.d[0]',
    );
  });
});

describe('cycles', () => {
  const vars = '$var wire 1 ! clk $end\n$var wire 4 " q [3:0] $end\n$var wire 1 # v $end';

  it('samples each rising edge with the values from before the edge, whichever order the writer lists them', async () => {
    // At #10 the clock is listed first, at #30 last: either way q's new value is not seen until the next edge.
    const text = `${header(vars)}#0\n0!\nb0 "\n0#\n#10\n1!\nb1 "\n1#\n#15\n0!\n#30\nb10 "\n0#\n1!\n#35\n0!\n#50\n1!\n`;
    expect(await cyclesOf(await open(text, ['tb.q', 'tb.v']), 'tb.clk')).toEqual([
      [0, 10, [0n, 0n]],
      [1, 30, [1n, 1n]],
      [2, 50, [2n, 0n]],
    ]);
  });

  it('counts x→1 as an edge but not the first value of the clock; values start unknown', async () => {
    const text = `${header(vars)}#0\n1!\n#5\nx!\n#10\n1!\nb11 "\n#15\n0!\n#20\n1!\n`;
    expect(await cyclesOf(await open(text, ['tb.q', 'tb.clk']), 'tb.clk')).toEqual([
      [0, 10, ['xxxx', 'x']],
      [1, 20, [3n, 0n]],
    ]);
  });

  it('rejects a clock wider than one bit', async () => {
    const reader = await open(`${header(vars)}#0\n`, ['tb.v']);
    expect(await inputErrorOf(cyclesOf(reader, 'tb.q'))).toBe('test.vcd: clock tb.q: is 4 bits wide; a clock is a 1-bit signal');
  });

  it('can be read once only', async () => {
    const reader = await open(`${header(vars)}#0\n0!\n`, ['tb.v']);
    await changesOf(reader);
    await expect(changesOf(reader)).rejects.toThrow('test.vcd: a VcdReader can be read once (open the file again)');
  });
});

describe('malformed input', () => {
  const vars = '$var wire 1 ! a $end\n$var wire 4 " b [3:0] $end\n$var real 1 # r $end';
  const cases: readonly [string, string, string][] = [
    ['a bad vector digit', `#0\nb10q1 "\n`, 'test.vcd: line 9: bad digit "q" in a vector value (expected 0, 1, x or z)'],
    ['a bad digit in an unselected vector', `#0\nb2 "\n`, 'test.vcd: line 9: bad digit "2" in a vector value (expected 0, 1, x or z)'],
    ['more digits than bits', `#0\nb10 !\n`, 'test.vcd: line 9: 2 digits for the 1-bit signal "!"'],
    ['time going backwards', `#10\n1!\n#5\n0!\n`, 'test.vcd: line 10: time goes backwards: #5 after #10'],
    ['a bad time', `#1e3\n`, 'test.vcd: line 8: bad time "#1e3" (expected #<non-negative integer>)'],
    ['a time beyond 2^53', `#9007199254740993\n`, 'test.vcd: line 8: time 9007199254740993 is beyond 2^53 time units'],
    ['a stray word', `#0\n1!\nhello\n`, 'test.vcd: line 10: unexpected "hello" in the value changes'],
    ['a header command in the changes', `#0\n$var wire 1 ! a $end\n`, 'test.vcd: line 9: unexpected $var in the value changes'],
    ['a scalar without a code', `#0\n1 !\n`, 'test.vcd: line 9: scalar value "1" without an identifier code'],
    ['a bad real', `#0\nr1.5.2 #\n`, 'test.vcd: line 9: bad real value "1.5.2"'],
    ['a file ending inside a $comment', `#0\n$comment unfinished\n`, 'test.vcd: line 10: the file ends inside a $comment (no $end)'],
    ['a file ending between value and code', `#0\nb1010`, 'test.vcd: line 9: the file ends between a value and its identifier code'],
  ];

  it.each(cases)('rejects %s', async (_, body, message) => {
    const reader = await open(`${header(vars)}${body}`, ['tb.a', 'tb.r']);
    expect(await inputErrorOf(changesOf(reader))).toBe(message);
  });

  it.each([
    ['no $enddefinitions', '$scope module tb $end\n$var wire 1 ! a $end\n', 'test.vcd: line 3: the file ends inside the header: no $enddefinitions $end'],
    ['an unfinished command', '$scope module tb $end\n$var wire 1 ! a\n', 'test.vcd: line 3: the file ends inside $var (line 2): no $enddefinitions $end'],
    ['a bad $var size', '$var wire eight ! a $end', 'test.vcd: line 1: bad $var size "eight" for a (expected a positive integer)'],
    ['a short $var', '$var wire 1 ! $end', 'test.vcd: line 1: bad $var: expected "$var <type> <size> <id> <name> $end", found 3 word(s)'],
    ['a bad $scope', '$scope module $end', 'test.vcd: line 1: bad $scope: expected "$scope <type> <name> $end", found 1 word(s)'],
    ['$upscope without $scope', '\n$upscope $end', 'test.vcd: line 2: $upscope without an open $scope'],
    ['a bad $timescale', '$timescale 2 ns $end', 'test.vcd: line 1: bad $timescale "2 ns" (expected 1, 10 or 100 and s, ms, us, ns, ps or fs)'],
    ['a word outside a command', '$date today $end\nhello', 'test.vcd: line 2: expected a $command in the header, found "hello"'],
  ])('rejects a header with %s', async (_, text, message) => {
    expect(await inputErrorOf(open(text, []))).toBe(message);
  });

  it('names a missing file', async () => {
    expect(await inputErrorOf(openVcd('/nonexistent/wave.vcd', { signals: [] }))).toBe('/nonexistent/wave.vcd: file not found');
  });
});

describe('early stop', () => {
  it('destroys the stream when the caller breaks out of the loop or closes the reader', async () => {
    const text = `${header('$var wire 1 ! a $end')}#0\n0!\n#1\n1!\n#2\n0!\n`;
    const stream = streamOf(text, [60, 10, 10]);
    const reader = await openVcd(stream, { signals: ['tb.a'] });
    for await (const step of reader.steps()) {
      expect(step.time).toBe(0);
      break;
    }
    expect(stream.destroyed).toBe(true);
    const other = streamOf(text, [60]);
    await (await openVcd(other, { signals: [] })).close();
    expect(other.destroyed).toBe(true);
  });
});
