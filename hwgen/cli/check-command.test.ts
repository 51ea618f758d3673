/**
 * `hwgen sim --trace` checks the waveforms it writes, and `hwgen check` checks them again from the files:
 * a whole run folder, one waveform, a waveform limited to the interfaces and to a window of cycles, a
 * waveform checked against the wrong layer (exit 1, with the mismatch report), and bad input (exit 2, one
 * line). Icarus, whose builds take a second.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli, tempWorkspace } from './cli-harness.ts';

let dir = '';
const at = (name: string) => join(dir, name);

const CONV = {
  name: 'small_conv',
  layers: [
    { name: 'c1', kind: 'conv2d', T: 7, inLevels: 15, input: { synthetic: { shape: [2, 8, 8], density: 0.7, seed: 1 } }, weights: { synthetic: { shape: [4, 2, 3, 3], seed: 2 } }, theta: 300, padding: 1, pool: { size: 2 } },
    { name: 'c2', kind: 'conv2d', T: 7, weights: { synthetic: { shape: [6, 4, 3, 3], seed: 3 } }, theta: 120, padding: 1 },
  ],
};

/** `c1: <file>: 7045 edges (...), ...: as the golden and cost models say` */
const passed = (layer: string, file: string): RegExp =>
  new RegExp(`^${layer}: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\d+ edges \\(cycles -?\\d+\\.\\.\\d+\\), 1 of 1 tiles checked whole, \\d+ input and \\d+ output beats, \\d+ stall cycles, \\d+ columns timed: as the golden and cost models say$`);

interface WaveCheckJson {
  checked: boolean;
  findings: number;
  tilesChecked: number;
  firstCycle: number;
  lastCycle: number;
}

async function waveChecks(out: string): Promise<Record<string, WaveCheckJson | undefined>> {
  const json = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { layers: { name: string; waveCheck?: WaveCheckJson }[] };
  return Object.fromEntries(json.layers.map((layer) => [layer.name, layer.waveCheck]));
}

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-check-');
  await writeFile(at('conv.yaml'), stringify(CONV));
  await writeFile(at('other.yaml'), stringify({ name: 'other_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 } }));
  const run = await runCli('sim', at('conv.yaml'), '--simulator', 'icarus', '--trace', 'vcd', '-q', '--out', at('run'));
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
}, 300_000);

describe('cli: hwgen sim --trace checks its waveforms', () => {
  it('result.json says what was checked', async () => {
    const checks = await waveChecks(at('run'));
    expect(checks.c1).toMatchObject({ checked: true, findings: 0, tilesChecked: 1, firstCycle: -4 });
    expect(checks.c2).toMatchObject({ checked: true, findings: 0, tilesChecked: 1, firstCycle: -4 });
  });

  it('--trace-scope interfaces --trace-window: a small waveform of those cycles, still checked', async () => {
    const out = at('window');
    const run = await runCli('sim', at('conv.yaml'), '--simulator', 'icarus', '--trace', 'vcd', '--trace-scope', 'interfaces', '--trace-window', '100:', '-q', '--out', out);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const checks = await waveChecks(out);
    expect(checks.c1).toMatchObject({ checked: true, firstCycle: 100, tilesChecked: 1 });
    const sizes = await Promise.all(['run', 'window'].map(async (folder) => (await readFile(join(at(folder), 'waves', 'c1.vcd'))).length));
    expect(sizes[1]! * 10).toBeLessThan(sizes[0]!);
  }, 120_000);
});

describe('cli: hwgen check', () => {
  it('a run folder: every waveform passes, one line each', async () => {
    const run = await runCli('check', at('run'), at('conv.yaml'), '-q');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(passed('c1', join(at('run'), 'waves', 'c1.vcd')));
    expect(lines[1]).toMatch(passed('c2', join(at('run'), 'waves', 'c2.vcd')));
  });

  it('--junit: one passing test case per waveform', async () => {
    const run = await runCli('check', at('run'), at('conv.yaml'), '-q', '--junit', at('junit/check.xml'));
    expect([run.code, run.stderr]).toEqual([0, '']);
    const xml = await readFile(at('junit/check.xml'), 'utf8');
    expect(xml).toContain('<testsuites name="hwgen check" tests="2" failures="0" errors="0">');
    expect([...xml.matchAll(/<testcase classname="hwgen\.check\.[^"]+" name="(\w+)"/g)].map((m) => m[1])).toEqual(['c1', 'c2']);
  });

  it('one waveform, its layer named by the file (a chained layer: c1\'s RTL output from the folder)', async () => {
    const file = join(at('run'), 'waves', 'c2.vcd');
    const run = await runCli('check', file, at('conv.yaml'), '-q');
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd()).toMatch(passed('c2', file));
  });

  it('a waveform checked as another layer: exit 1, the first finding on stderr, the report on stdout and in --report', async () => {
    const report = at('report');
    const run = await runCli('check', join(at('run'), 'waves', 'c2.vcd'), at('conv.yaml'), '--layer', 'c1', '--report', report, '-q');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^hwgen: \d+ finding\(s\) in 1 of 1 waveform\(s\), first: c1: waveform: [a-z-]+: .+\n$/);
    expect(run.stdout).toContain('c1: waveform ');
    expect(run.stdout).toMatch(/\n {2}fault {5}[a-z-]+: /);
    expect(run.stdout).toContain('WaveDrom of the same cycles:\n{"signal":[');
    expect((await readdir(report)).sort()).toEqual(['c1.mismatch.txt', 'c1.mismatch.wavedrom.json']);
    const wavedrom = JSON.parse(await readFile(join(report, 'c1.mismatch.wavedrom.json'), 'utf8')) as { signal: { name?: string }[] };
    expect(wavedrom.signal.map((row) => row.name)).toContain('mismatch');
  });
});

describe('cli: hwgen check and --trace-window, bad input (exit 2, one line)', () => {
  const cases: [string, () => string[], () => string | RegExp][] = [
    ['a missing waveform', () => ['check', at('nope.vcd'), at('conv.yaml')], () => `hwgen: ${at('nope.vcd')}: file not found\n`],
    ['a folder that is no sim output', () => ['check', dir, at('conv.yaml')], () => `hwgen: ${join(dir, 'result.json')}: file not found (a folder to check is a \`hwgen sim --trace\` output folder)\n`],
    ['another config than the run\'s', () => ['check', at('run'), at('other.yaml'), at('conv.yaml')], () => /^hwgen: .+result\.json: configHash: the run used config sha256 [0-9a-f]{12}…, .+other\.yaml is [0-9a-f]{12}…: give the run's CONFIG\n$/],
    ['an unknown --layer', () => ['check', join(at('run'), 'waves', 'c1.vcd'), at('conv.yaml'), '--layer', 'c9'], () => 'hwgen: --layer: small_conv has no layer "c9" (layers: c1, c2)\n'],
    ['a bad --trace-window', () => ['sim', at('conv.yaml'), '--trace', 'vcd', '--trace-window', '9:2', '--out', at('never')], () => 'hwgen: --trace-window: FROM is after TO (got "9:2")\n'],
    ['a malformed --trace-window', () => ['sim', at('conv.yaml'), '--trace', 'vcd', '--trace-window', 'soon', '--out', at('never')], () => 'hwgen: --trace-window: expected FROM:TO, program cycles, either side optional (1000:2000, 1000:, :2000) (got "soon")\n'],
  ];

  it.each(cases)('%s', async (_, args, message) => {
    const run = await runCli(...args());
    expect(run.code).toBe(2);
    const expected = message();
    if (typeof expected === 'string') expect(run.stderr).toBe(expected);
    else expect(run.stderr).toMatch(expected);
    expect(existsSync(at('never'))).toBe(false);
  });
});
