/**
 * Outputs never destroy inputs: `--out` refusals end in exit 2 with one line and leave every file as it was;
 * hwgen replaces only its own earlier output. Also the exit codes of hostile or empty inputs: a YAML alias bomb
 * in a workload, config or space file, and a space without a single valid design.
 */
import { readFile, readdir, realpath, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli, tempWorkspace, writeTensor } from './cli-harness.ts';

let dir = '';
const at = (...parts: string[]) => join(dir, ...parts);

/** One gemm layer: its input a file beside the manifest, its weights synthetic. */
const TINY = {
  name: 'tiny',
  layers: [{ name: 'fc1', kind: 'gemm', T: 3, inLevels: 3, input: 'x.npy', weights: { synthetic: { shape: [2, 4], seed: 2 } }, theta: 20 }],
};

/** Nine aliases of nine aliases of …: a few lines that expand to millions of nodes. */
const ALIAS_BOMB = ['a: &a [x, x, x, x, x, x, x, x, x]', ...['b', 'c', 'd', 'e', 'f'].map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`)].join('\n');

async function snapshot(folder: string): Promise<Record<string, string>> {
  const names = (await readdir(folder)).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readFile(join(folder, name), 'latin1')] as const)));
}

beforeAll(async () => {
  dir = await realpath(await tempWorkspace('hwgen-out-safety-'));
  await mkdir(at('work'));
  await writeFile(at('work', 'net.yaml'), stringify(TINY));
  await writeTensor(at('work'), 'x.npy', 'u1', [4, 3], Uint8Array.from([0, 1, 2, 3, 3, 2, 1, 0, 1, 1, 2, 2]));
  await writeFile(at('notes.txt'), 'keep me');
  await writeFile(at('bomb.yaml'), `${ALIAS_BOMB}\n`);
  await writeFile(at('deep.yaml'), `${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
});

describe('cli: --out never destroys inputs', () => {
  it('refuses the workload\'s own folder and leaves its files untouched', async () => {
    const before = await snapshot(at('work'));
    const run = await runCli('golden', at('work', 'net.yaml'), '--out', at('work'), '--quiet');
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${at('work')}: --out: holds the input ${at('work', 'net.yaml')}; hwgen will not replace it\n` });
    expect(await snapshot(at('work'))).toEqual(before);
  });

  it('refuses an existing file and leaves it as it was', async () => {
    const run = await runCli('golden', at('work', 'net.yaml'), '--out', at('notes.txt'), '--quiet');
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${at('notes.txt')}: --out: is an existing file, not a folder; hwgen will not replace it\n` });
    expect(await readFile(at('notes.txt'), 'utf8')).toBe('keep me');
  });

  it('refuses a folder of someone else\'s files', async () => {
    await mkdir(at('theirs'));
    await writeFile(at('theirs', 'thesis.tex'), 'years of work');
    const run = await runCli('golden', at('work', 'net.yaml'), '--out', at('theirs'), '--quiet');
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${at('theirs')}: --out: is a folder hwgen did not write (it holds files but no .hwgen-output); hwgen will not replace it\n` });
    expect(await readdir(at('theirs'))).toEqual(['thesis.tex']);
  });

  it.each([
    ['the current folder', '.', async () => `.: --out: is the current folder (${await realpath(process.cwd())}); hwgen will not replace it`],
    ['an empty path', '', async () => '"": --out: is empty: name the folder to write'],
    ['a folder under /proc', '/proc/x/out', async () => '/proc/x/out: --out: is under /proc, a system folder hwgen does not write into'],
    ['a folder under /sys', '/sys/x/out', async () => '/sys/x/out: --out: is under /sys, a system folder hwgen does not write into'],
    ['a path through a file', '/etc/passwd/sub/out', async () => '/etc/passwd/sub/out: --out: cannot create its parent folder /etc/passwd/sub: part of that path is a file'],
  ])('refuses %s with exit 2 and one line', async (_, out, message) => {
    const run = await runCli('golden', at('work', 'net.yaml'), '--out', out, '--quiet');
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${await message()}\n` });
  });

  it('replaces its own earlier output', async () => {
    const out = at('golden');
    expect((await runCli('golden', at('work', 'net.yaml'), '--out', out, '--quiet')).code).toBe(0);
    await writeFile(join(out, 'stale.txt'), 'from an earlier run');
    const run = await runCli('golden', at('work', 'net.yaml'), '--out', out, '--quiet');
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect((await readdir(out)).sort()).toEqual(['.hwgen-output', 'fc1.y.npy', 'stats.json']);
  });
});

describe('cli: hostile YAML is bad input naming the file', () => {
  const bomb = 'invalid YAML: too many alias expansions (refused as a possible alias bomb)';

  it('an alias bomb as a workload', async () => {
    const run = await runCli('golden', at('bomb.yaml'), '--out', at('never'), '--quiet');
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${at('bomb.yaml')}: ${bomb}\n` });
  });

  it('an alias bomb as a config', async () => {
    const run = await runCli('generate', at('bomb.yaml'), '--out', at('never'));
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${at('bomb.yaml')}: ${bomb}\n` });
  });

  it('an alias bomb as a space', async () => {
    const run = await runCli('explore', at('bomb.yaml'), at('work', 'net.yaml'), '--out', at('never'), '-q');
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${at('bomb.yaml')}: ${bomb}\n` });
  });

  it('nesting deep enough to exhaust the parser\'s stack', async () => {
    const run = await runCli('golden', at('deep.yaml'), '--out', at('never'), '--quiet');
    expect(run).toEqual({ code: 2, stdout: '', stderr: `hwgen: ${at('deep.yaml')}: invalid YAML: nested too deeply\n` });
  });
});

describe('cli: hwgen explore on a space without a valid design', () => {
  it('exits 2 naming the space file and the first reason, and writes nothing', async () => {
    await writeFile(at('no-design.yaml'), stringify({ name: 'none', sweep: { ann: { arrays: [0] }, snn: { cores: [0] } } }));
    const run = await runCli('explore', at('no-design.yaml'), at('work', 'net.yaml'), '--out', at('explored'), '-q');
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: `hwgen: ${at('no-design.yaml')}: no valid design: every point is skipped or breaks a constraint; first: a0-s0: skipped, not a valid design: ann.arrays: a design needs at least one ANN array or SNN core\n`,
    });
    expect((await readdir(dir)).filter((name) => name.includes('explored'))).toEqual([]);
  });
});
