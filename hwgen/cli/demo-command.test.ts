import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from './cli-harness.ts';

describe('cli: hwgen demo', () => {
  it('runs the reference network on 8 test images through the accelerator: logits, classes, cycles, counters, events and waveforms as predicted', async () => {
    const out = join(await tempWorkspace('hwgen-demo-'), 'demo');
    const run = await runCli('demo', '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const rows = run.stdout.split('\n').filter((line) => /^(conv|fc)\d +\d+ +\d+ +\d+ /.test(line));
    expect(rows.map((row) => row.split(/ +/)[0])).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    for (const row of rows) expect(row).toMatch(/^\w+ +\d+ +(\d+) +\1 match +[\d.]+ \d+ beats checked +as predicted$/);
    expect(rows.map((row) => row.split(/ +/).slice(0, 3).join(' '))).toEqual(['conv1 25 84191', 'conv2 28 53941', 'fc1 16 24986', 'fc2 1 531']);
    // fc2 outputs 10 int32 logits per image: 8 images × 10 × 4 = 320 bytes, after its inputs: 5 columns × 16 words
    // of 8 levels into the array and the other 3 columns' 118 events into the SNN cores.
    expect(rows[3]).toMatch(/ 518 beats checked +as predicted$/);
    expect(run.stdout).toContain('  accuracy (RTL): 8 of 8 (argmax of the logits the accelerator computed)\n');
    expect(run.stdout).toContain('  accuracy (golden model): 8 of 8; RTL and golden classes agree on 8 of 8\n');
    expect(run.stdout).toContain('  golden model, all committed test images: 91.8 % of 500 (float network on all 10 000: 90.27 %)\n');
    expect(run.stdout).toContain('  columns on the SNN cores (cost schedule): 50.2 % (conv1 49.3 %, conv2 54.7 %, fc1 37.5 %, fc2 37.5 %)\n');
    expect(run.stdout).toContain('cost schedule: 163649 cycles');
    expect(run.stdout).toContain('  vs ANN arrays only: 296959 cycles, EDP -62.0 %');
    expect(run.stdout).toContain('hwgen_default (hwgen_accel_top) on xc7');
    expect(run.stdout).toContain(': LUT 9,774, LUTRAM 1,790, FF 8,632, carry 1,061, DSP 64, BRAM36 108.5\n  xc7z020 (PYNQ-Z2): fits;');
    expect(run.stdout).toContain(`log ${join(out, 'synth', 'yosys-xc7.log')}`);
    const report = await readFile(join(out, 'report.html'), 'utf8');
    expect(report).toContain('hwgen_accel_top');
    expect(report).toContain('<section id="network">');
    expect(report).toContain('8 of 8 (argmax of the logits the accelerator computed)');
    expect(report).not.toContain('Not synthesized');
    expect((await readdir(out)).sort()).toEqual(['.hwgen-output', 'golden', 'images.npy', 'report.html', 'rtl', 'sim', 'synth', 'workload']);
    expect((await readdir(join(out, 'sim'))).sort()).toEqual(['conv1.y.npy', 'conv2.y.npy', 'fc1.y.npy', 'fc2.y.npy', 'result.json', 'waves']);
    expect((await readdir(join(out, 'sim', 'waves'))).sort()).toEqual(['conv1.vcd', 'conv2.vcd', 'fc1.vcd', 'fc2.vcd']);
    expect(await readdir(join(out, 'rtl'))).toContain('hwgen_accel_top.v');
    expect(await readdir(join(out, 'workload'))).toContain('workload.yaml');
  });

  it('refuses a batch the committed test images cannot fill, with one line and exit 2', async () => {
    const out = join(await tempWorkspace('hwgen-demo-'), 'demo');
    const run = await runCli('demo', '--out', out, '--images', '501');
    expect([run.code, run.stderr]).toEqual([2, 'hwgen: --images: expected an integer in 1..500 (got "501")\n']);
  });
});
