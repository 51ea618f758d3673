/**
 * `hwgen sim --trace` on designs whose run control or bank read is wrong in a way no capture shows (the generated
 * Verilog is changed as it leaves the generator): the waveform check's run-control and bank-read checks must fail
 * the run (exit 1) with an exact first finding.
 *
 * - `done` without `running`: the pulse comes in its predicted cycle, so the host's wait ends on time, but `done`
 *   stays high through the drain and the next tile's loads;
 * - the output bank's read made combinational (the gatherer's lanes, or the top's core select): the testbench
 *   captures a read at the end of the cycle that addressed it, address still held, so the captures are right.
 *
 * Two column tiles (schedule memories of 2 entries, 4 columns), one level per drain read (so that a drain
 * walks several addresses). Icarus, whose builds take a second.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import type { ModuleDescription } from '../arch/module.ts';
import { runCli, tempWorkspace, writeTensor } from './cli-harness.ts';
import { SIMULATORS } from '../../sim/registry.ts';
import type { SimulatorName } from '../../sim/types.ts';

/** Which fault the mocked generator puts in: one edit of one generated file. */
const fault = vi.hoisted(() => ({ edit: undefined as { file: string; from: string; to: string } | undefined }));

vi.mock('../modules/accel/generator.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../modules/accel/generator.ts')>();
  const mutate = (module: ModuleDescription): ModuleDescription => ({
    ...module,
    files: module.files.map((file) => {
      const edit = fault.edit;
      if (edit === undefined || file.name !== edit.file) return file;
      if (!file.text.includes(edit.from)) throw new Error(`${file.name} has no "${edit.from}"`);
      return { ...file, text: file.text.replace(edit.from, edit.to) };
    }),
    submodules: module.submodules.map(mutate),
  });
  return { ...original, generateAccelTop: (...args: Parameters<typeof original.generateAccelTop>) => mutate(original.generateAccelTop(...args)) };
});

const FAULTS = {
  doneWithoutRunning: { file: 'hwgen_accel_top.v', from: 'assign done = running && &fin;', to: 'assign done = &fin;' },
  combinationalBank: {
    file: 'hwgen_output_gather.v',
    from: 'assign rd_data[lane*8 +: 8] = q;',
    to: 'assign rd_data[lane*8 +: 8] = mem[rd_index];\n            wire unused_q = ^q;',
  },
  unregisteredSelect: {
    file: 'hwgen_accel_top.v',
    from: 'assign ob_rd_data  = rd_level[ob_core_q];',
    to: 'assign ob_rd_data  = rd_level[ob_rd_core];\n    wire unused_core_q = ^ob_core_q;',
  },
} as const;

let dir = '';
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-sim-run-control-');
  await writeTensor(dir, 'x.npy', 'u1', [4, 4], Uint8Array.from([3, 1, 2, 0, 0, 2, 3, 1, 1, 0, 2, 3, 2, 3, 0, 1]));
  await writeTensor(dir, 'w.npy', 'i1', [3, 4], Int8Array.from([4, 1, 0, 2, 1, 3, 2, 0, 0, 0, 1, 3]));
  await writeFile(at('tiny.yaml'), stringify({ name: 'tiny', layers: [{ name: 'fc', kind: 'gemm', T: 4, inLevels: 3, input: 'x.npy', weights: 'w.npy', theta: 4 }] }));
  await writeFile(
    at('design.yaml'),
    stringify({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64, scheduleEntries: 2, drainBytes: 1, banks: 1 } }),
  );
});

interface WaveResult {
  readonly layers: { readonly problems: string[]; readonly match: boolean; readonly waveCheck: { readonly first: string } }[];
}

/** `hwgen sim --trace vcd` with one fault in the generated Verilog: exit code, the layer's first waveform finding, whether the outputs matched. */
async function simulateWith(simulator: SimulatorName, edit: (typeof FAULTS)[keyof typeof FAULTS] | undefined, out: string): Promise<{ code: number; first: string | undefined; match: boolean | undefined; problems: string[] }> {
  fault.edit = edit;
  try {
    const run = await runCli('sim', at('design.yaml'), at('tiny.yaml'), '--policy', 'random', '--simulator', simulator, '--trace', 'vcd', '-q', '--out', out);
    const json = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as WaveResult;
    const [fc] = json.layers;
    return { code: run.code, first: fc?.waveCheck.first, match: fc?.match, problems: fc?.problems ?? [] };
  } finally {
    fault.edit = undefined;
  }
}

describe.each(SIMULATORS)('cli: hwgen sim --trace on %s, run control and the registered bank read', (simulator) => {
  it('the unmutated design passes (two tiles, both cores drained)', async () => {
    const run = await simulateWith(simulator, undefined, at(`good-${simulator}`));
    expect(run.problems).toEqual([]);
    expect(run.code).toBe(0);
  }, 120_000);

  it('done staying high after its pulse: exit 1, outputs right, the waveform names done in the drain', async () => {
    const run = await simulateWith(simulator, FAULTS.doneWithoutRunning, at(`done-${simulator}`));
    expect(run.code).toBe(1);
    expect(run.match).toBe(true);
    expect(run.first).toBe(
      'fc: waveform: run-control: tile 0 (rows 0..2, columns 0..1): done = 1 in cycle 38 after its done pulse (drain), expected 0 (done is a one-cycle pulse, predicted in cycle 37)',
    );
  }, 120_000);

  it('a combinational bank read: exit 1, outputs right, the waveform names ob_rd_data', async () => {
    const run = await simulateWith(simulator, FAULTS.combinationalBank, at(`bank-${simulator}`));
    expect(run.code).toBe(1);
    expect(run.match).toBe(true);
    expect(run.first).toBe(
      "fc: waveform: read-timing: tile 0 (rows 0..2, columns 0..1): ob_rd_data = 0x01 in cycle 38, expected 0x04: core 0's bank word 0, addressed in cycle 37 (a bank read is registered: its data comes one cycle after its address); seen is the word addressed in cycle 38 itself: the read is combinational",
    );
  }, 120_000);

  it('an unregistered core select of the bank read: exit 1, outputs right, the waveform names ob_rd_data', async () => {
    const run = await simulateWith(simulator, FAULTS.unregisteredSelect, at(`select-${simulator}`));
    expect(run.code).toBe(1);
    expect(run.match).toBe(true);
    expect(run.first).toBe(
      "fc: waveform: read-timing: tile 1 (rows 0..2, columns 2..3): ob_rd_data = 0x02 in cycle 76, expected 0x01: core 0's bank word 2, addressed in cycle 75 (a bank read is registered: its data comes one cycle after its address); seen is core 1's word 2: the core select is not registered",
    );
  }, 120_000);
});
