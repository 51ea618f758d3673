/**
 * `hwgen sim --trace` on a faulty design: the fire stage of every core flips bit 0 of its third level (the
 * generated Verilog is changed as it leaves the generator). The run exits 1; the waveform check's findings are
 * among result.json's problems, its mismatch report lies beside the waveform, and stdout points at it.
 * Icarus, whose builds take a second.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { ModuleDescription } from '../arch/module.ts';
import { runCli, tempWorkspace, writeTensor } from './cli-harness.ts';

vi.mock('../modules/accel/generator.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../modules/accel/generator.ts')>();
  const FROM = 'assign out_level     = logit_mode ? logits[emit_index*8 +: 8] : levels[emit_index[LANE_W-1:0]*8 +: 8];';
  const TO =
    "reg [15:0] mut_n;\n    always @(posedge clk) if (rst) mut_n <= 16'd0; else if (out_valid && out_ready) mut_n <= mut_n + 16'd1;\n" +
    "    assign out_level     = (logit_mode ? logits[emit_index*8 +: 8] : levels[emit_index[LANE_W-1:0]*8 +: 8]) ^ {7'd0, mut_n == 16'd2};";
  const mutate = (module: ModuleDescription): ModuleDescription => ({
    ...module,
    files: module.files.map((file) => (file.text.includes(FROM) ? { ...file, text: file.text.replace(FROM, TO) } : file)),
    submodules: module.submodules.map(mutate),
  });
  return { ...original, generateAccelTop: (...args: Parameters<typeof original.generateAccelTop>) => mutate(original.generateAccelTop(...args)) };
});

let dir = '';
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-sim-wave-bad-');
  await writeTensor(dir, 'x.npy', 'u1', [4, 2], Uint8Array.from([3, 0, 0, 0, 0, 0, 0, 0]));
  await writeTensor(dir, 'w.npy', 'i1', [3, 4], Int8Array.from([4, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0]));
  await writeFile(at('tiny.yaml'), stringify({ name: 'tiny', layers: [{ name: 'fc', kind: 'gemm', T: 4, inLevels: 3, input: 'x.npy', weights: 'w.npy', theta: 4 }] }));
  await writeFile(at('design.yaml'), stringify({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64 } }));
});

describe('cli: hwgen sim --trace, a flipped output bit', () => {
  it('exits 1; the waveform check names the bit, its report lies beside the waveform', async () => {
    const out = at('out');
    const run = await runCli('sim', at('design.yaml'), at('tiny.yaml'), '--policy', 'ann', '--simulator', 'icarus', '--trace', 'vcd', '-q', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`waveform check of fc: `);
    expect(run.stdout).toContain(`report in ${out}/waves/fc.mismatch.txt\n`);
    expect((await readdir(join(out, 'waves'))).sort()).toEqual(['fc.mismatch.txt', 'fc.mismatch.wavedrom.json', 'fc.vcd']);
    const json = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { layers: { problems: string[]; waveCheck: { checked: boolean; first: string; report: string } }[] };
    const [fc] = json.layers;
    expect(fc?.waveCheck).toMatchObject({ checked: false, report: 'waves/fc.mismatch.txt' });
    expect(fc?.waveCheck.first).toBe(
      'fc: waveform: wrong-value: core 0 (ann 0), tile 0 (rows 0..2, columns 0..1), column 0 (1st of its 2): output beat 2 (y[2] of column 0 = Y[2, 0]) in cycle 22: out_level = 0x3, expected 0x2 (bit 0 flipped)',
    );
    expect(fc?.problems).toContain(fc?.waveCheck.first);
    const report = await readFile(join(out, 'waves', 'fc.mismatch.txt'), 'utf8');
    expect(report).toContain('  fault     wrong-value: a beat carries the wrong value\n');
    expect(report).toContain('  signal    hwgen_program_tb.dut.core[0].ann.array.out_level\n');
    expect(report).toContain('WaveDrom of the same cycles (fc.mismatch.wavedrom.json; paste into https://wavedrom.com/editor.html):\n{"signal":[');
  }, 120_000);
});
