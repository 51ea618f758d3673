/** The JUnit report of a sim run: one test case per layer, failures carrying the check's message, text escaped. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zeroEvents } from '../arch/events.ts';
import type { SimResultJson } from '../flows/write-sim.ts';
import { junitXml, writeJunit, xmlEscape } from './junit.ts';

type Layer = SimResultJson['layers'][number];

function layer(name: string, cycles: number, predictedCycles: number, problems: string[]): Layer {
  return {
    name, M: 4, K: 16, N: 2, tiles: 1, cycles, predictedCycles, loadCycles: 0, runCycles: 0, drainCycles: 0, match: problems.length === 0, mismatchedLevels: 0,
    checked: problems.length === 0, problems, events: zeroEvents(), predictedEvents: zeroEvents(), energyPj: 0, predictedEnergyPj: 0, seconds: cycles / 1e8, edpJs: 0,
  };
}

function result(): SimResultJson {
  const layers = [layer('conv1', 120, 120, []), layer('fc1', 80, 78, ['fc1: 80 cycles, predicted 78 <b>', 'fc1: core 0 counter cnt_busy = 3, predicted 4'])];
  return {
    generator: 'hwgen 0.1.0', workload: 'demo', design: 'hwgen_default', configHash: 'ab', simulator: 'icarus', policy: 'cost', seed: 0, clockMHz: 100, layers,
    total: { cycles: 200, predictedCycles: 198, match: false, checked: false, events: zeroEvents(), predictedEvents: zeroEvents(), energyPj: 0, predictedEnergyPj: 0, seconds: 2e-6, edpJs: 0 },
  };
}

describe('junitXml', () => {
  it('has one test case per layer and a failure with the first problem as its message', () => {
    expect(junitXml(result())).toBe([
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<testsuites name="hwgen sim" tests="2" failures="1" errors="0">',
      '<testsuite name="demo on hwgen_default (icarus, policy cost)" tests="2" failures="1" errors="0" skipped="0" time="0.000002">',
      '  <testcase classname="hwgen.sim.demo" name="conv1" time="0.0000012">',
      '    <system-out>120 cycles (predicted 120), 1 tiles, M=4 K=16 N=2</system-out>',
      '  </testcase>',
      '  <testcase classname="hwgen.sim.demo" name="fc1" time="0.0000008">',
      '    <failure message="fc1: 80 cycles, predicted 78 &lt;b&gt;" type="check">fc1: 80 cycles, predicted 78 &lt;b&gt;\nfc1: core 0 counter cnt_busy = 3, predicted 4</failure>',
      '    <system-out>80 cycles (predicted 78), 1 tiles, M=4 K=16 N=2</system-out>',
      '  </testcase>',
      '</testsuite>',
      '</testsuites>',
      '',
    ].join('\n'));
  });

  it('escapes markup and drops what XML cannot hold', () => {
    expect(xmlEscape('a<b & "c"\u0001')).toBe('a&lt;b &amp; &quot;c&quot;?');
  });

  it('writes the file, making its folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-junit-'));
    try {
      const file = join(dir, 'reports', 'sim.xml');
      await writeJunit(file, result());
      expect(await readFile(file, 'utf8')).toBe(junitXml(result()));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
