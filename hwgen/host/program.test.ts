/**
 * The binary program: every record reads back as the cycles it drives (the testbench's reading, in
 * program-decode.ts), a load cycle carries only the buses that write in it, and a drain is one record.
 */
import { describe, expect, it } from 'vitest';
import { port } from '../arch/module.ts';
import { decodeProgram } from './program-decode.ts';
import { PROGRAM_OPS, ProgramBuilder, programGroups } from './program.ts';

const PORTS = [
  port('clk', 'input', 1, 'clock', ''),
  port('rst', 'input', 1, 'reset', ''),
  port('cfg_t', 'input', 8, 'config', ''),
  port('start', 'input', 1, 'status', ''),
  port('a_wr_en', 'input', 1, 'load', ''),
  port('a_wr_addr', 'input', 3, 'load', ''),
  port('a_wr_data', 'input', 70, 'load', ''),
  port('b_wr_en', 'input', 1, 'load', ''),
  port('b_wr_addr', 'input', 2, 'load', ''),
  port('b_wr_bias', 'input', 9, 'load', ''),
  port('rd_addr', 'input', 4, 'status', ''),
  port('done', 'output', 1, 'status', ''),
  port('rd_data', 'output', 8, 'status', ''),
];

const ZERO = { cfg_t: 0n, start: 0n, a_wr_en: 0n, a_wr_addr: 0n, a_wr_data: 0n, b_wr_en: 0n, b_wr_addr: 0n, b_wr_bias: 0n, rd_addr: 0n };

describe('the binary program', () => {
  it('groups the load buses by their <prefix>_wr_ ports', () => {
    expect(programGroups(PORTS).map((group) => [group.name, group.fields.map((f) => f.port.name), group.bytes])).toEqual([
      ['a', ['a_wr_en', 'a_wr_addr', 'a_wr_data'], 10],
      ['b', ['b_wr_en', 'b_wr_addr', 'b_wr_bias'], 2],
    ]);
  });

  it('reads back as the cycles it drives: held values, parallel loads of unequal length, a wait, a sweep, marks', () => {
    const builder = new ProgramBuilder(PORTS, 'rd_addr');
    builder.hold({ cfg_t: 9 });
    builder.mark(7);
    const a = builder.groupFieldsOf('a');
    const aWord = (i: number, data: bigint) => (1n << BigInt(a.get('a_wr_en')!.lsb)) | (BigInt(i) << BigInt(a.get('a_wr_addr')!.lsb)) | (data << BigInt(a.get('a_wr_data')!.lsb));
    const b = builder.groupFieldsOf('b');
    const bWord = (i: number, bias: bigint) => (1n << BigInt(b.get('b_wr_en')!.lsb)) | (BigInt(i) << BigInt(b.get('b_wr_addr')!.lsb)) | (bias << BigInt(b.get('b_wr_bias')!.lsb));
    const big = (1n << 69n) | 5n;
    builder.loadQueues([
      { group: 'a', count: 3, word: (i) => aWord(i, i === 2 ? big : BigInt(i + 1)) },
      { group: 'b', count: 1, word: (i) => bWord(i, 511n) },
    ]);
    builder.play({ start: 1 });
    builder.wait();
    const first = builder.sweep({ cfg_t: 9 }, 'rd_addr', 3);
    const counter = builder.capture({ rd_addr: 15 });
    const bytes = new Uint8Array([...builder.take(), ...builder.finish()]);
    expect([first, counter, builder.fixedCycles]).toEqual([0, 3, 3 + 1 + 3 + 1]);

    const held = { ...ZERO, cfg_t: 9n };
    expect(decodeProgram(bytes, PORTS, 'rd_addr')).toEqual([
      { op: PROGRAM_OPS.mark, values: {}, mark: 7 },
      { op: PROGRAM_OPS.play, values: { ...held, a_wr_en: 1n, a_wr_addr: 0n, a_wr_data: 1n, b_wr_en: 1n, b_wr_addr: 0n, b_wr_bias: 511n } },
      { op: PROGRAM_OPS.play, values: { ...held, a_wr_en: 1n, a_wr_addr: 1n, a_wr_data: 2n } },
      { op: PROGRAM_OPS.play, values: { ...held, a_wr_en: 1n, a_wr_addr: 2n, a_wr_data: big } },
      { op: PROGRAM_OPS.play, values: { ...held, start: 1n } },
      { op: PROGRAM_OPS.wait, values: held },
      ...[0n, 1n, 2n].map((addr) => ({ op: PROGRAM_OPS.capture, values: { ...held, rd_addr: addr } })),
      { op: PROGRAM_OPS.capture, values: { ...held, rd_addr: 15n } },
    ]);
  });

  it('spends on a load cycle only the mask and the words of the buses that write in it', () => {
    const builder = new ProgramBuilder(PORTS);
    builder.take();
    builder.loadQueues([
      { group: 'a', count: 1, word: () => 1n },
      { group: 'b', count: 4, word: () => 1n },
    ]);
    // op, cycle count, then per cycle one mask byte; bus a's 10 bytes once, bus b's 2 bytes four times.
    expect(builder.take().length).toBe(1 + 4 + 4 * 1 + 10 + 4 * 2);
  });

  it('refuses a sweep of another input, and a load bus the DUT does not have', () => {
    const builder = new ProgramBuilder(PORTS, 'rd_addr');
    expect(() => builder.sweep({}, 'cfg_t', 2)).toThrow('program: cfg_t is not the sweep port rd_addr');
    expect(() => builder.loadQueues([{ group: 'c', count: 1, word: () => 0n }])).toThrow('program: the DUT has no load bus c_wr_*');
  });
});
