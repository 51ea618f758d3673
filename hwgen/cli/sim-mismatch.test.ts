/**
 * `hwgen sim` when the RTL is wrong: one output level read back from the accelerator is corrupted (bit 0 of
 * the first bank read flipped between the simulator and the checker), and the command must exit 1, name
 * the level, still write result.json (match false), and keep the simulation files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { generateAccelTop } from '../modules/accel/generator.ts';
import { programOutputs } from '../host/program.ts';
import { runCli, tempWorkspace, writeTensor } from './cli-harness.ts';

vi.mock('../../hwgen/flows/program-player.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../flows/program-player.ts')>();
  return {
    ...original,
    playProgram: async (...args: Parameters<typeof original.playProgram>) => {
      const played = await original.playProgram(...args);
      const level = programOutputs(args[0].ports).fields.find((f) => f.port.name === 'ob_rd_data');
      const first = played.captures.at(0);
      if (level === undefined || first === undefined) throw new Error('nothing to corrupt');
      const corrupted = { ...first, value: first.value ^ (1n << BigInt(level.lsb)) };
      return { ...played, captures: { length: played.captures.length, at: (index: number) => (index === 0 ? corrupted : played.captures.at(index)) } };
    },
  };
});

let dir = '';
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-sim-bad-');
  await writeTensor(dir, 'x.npy', 'u1', [4, 2], Uint8Array.from([3, 0, 0, 0, 0, 0, 0, 0]));
  await writeTensor(dir, 'w.npy', 'i1', [2, 4], Int8Array.from([4, 0, 0, 0, 1, 0, 0, 0]));
  await writeFile(at('tiny.yaml'), stringify({ name: 'tiny', layers: [{ name: 'fc', kind: 'gemm', T: 4, inLevels: 3, input: 'x.npy', weights: 'w.npy', theta: 4 }] }));
  await writeFile(at('design.yaml'), stringify({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 }, buffers: { weightBytes: 64 } }));
});

describe('cli: hwgen sim, a wrong output level', () => {
  it('exits 1 naming the level, writes result.json with match false', async () => {
    expect(generateAccelTop).toBeDefined();
    const out = at('out');
    // ann: both columns on the array, whose bank is read first: Y[0, 0] = 3 comes back as 2
    const run = await runCli('sim', at('design.yaml'), at('tiny.yaml'), '--policy', 'ann', '-q', '--out', out);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^hwgen: 1 check\(s\) failed, first: fc: 1 of 4 output levels differ from the golden model; first Y\[0, 0\] = 2, expected 3 \(all in .+\/result\.json; simulation files kept in .+\)\n$/);
    const json = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { total: { match: boolean; checked: boolean } };
    expect(json.total).toMatchObject({ match: false, checked: false });
  }, 120_000);
});
