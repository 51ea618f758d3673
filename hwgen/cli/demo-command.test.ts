import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../testing/cli-harness.ts';

describe('cli: hwgen demo', () => {
  it('runs the demo workload through the accelerator: outputs, cycles, counters and events as predicted', async () => {
    const out = join(await tempWorkspace('hwgen-demo-'), 'demo');
    const run = await runCli('demo', '--out', out);
    expect(run.code).toBe(0);
    const rows = run.stdout.split('\n').filter((line) => /^(conv|fc)\d +\d+ +\d+ +\d+ /.test(line));
    expect(rows.map((row) => row.split(/ +/)[0])).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    for (const row of rows) expect(row).toMatch(/^\w+ +1 +(\d+) +\1 match +[\d.]+ \d+ beats checked +as predicted$/);
    expect(rows[2]).toMatch(/ 64 beats checked +as predicted$/);
    expect(rows[0]).toMatch(/^conv1 +1 +7017 +7017 match /);
    expect(run.stdout).toContain('cost schedule: 10977 cycles');
    expect(run.stdout).toContain('hwgen_default (hwgen_accel_top) on xc7');
    expect(run.stdout).toContain(': LUT 10,516, LUTRAM 1,752, FF 9,686, carry 1,688, DSP 64, BRAM36 185.5\n  xc7z020 (PYNQ-Z2): does not fit (BRAM36 185.5 of 140);');
    expect(run.stdout).toContain(`log ${join(out, 'synth', 'yosys-xc7.log')}`);
    const report = await readFile(join(out, 'report.html'), 'utf8');
    expect(report).toContain('hwgen_accel_top');
    expect(report).not.toContain('Not synthesized');
    expect((await readdir(out)).sort()).toEqual(['golden', 'report.html', 'rtl', 'sim', 'synth']);
    expect((await readdir(join(out, 'sim'))).sort()).toEqual(['conv1.y.npy', 'conv2.y.npy', 'fc1.y.npy', 'fc2.y.npy', 'result.json', 'waves']);
    expect((await readdir(join(out, 'sim', 'waves'))).sort()).toEqual(['conv1.vcd', 'conv2.vcd', 'fc1.vcd', 'fc2.vcd']);
    expect((await readdir(join(out, 'rtl')))).toContain('hwgen_accel_top.v');
  });
});
