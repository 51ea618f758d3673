/** The JUnit report of a sim run: one test case per layer, failures carrying the check's message, text escaped. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zeroEvents } from '../arch/events.ts';
import type { SimResultJson } from '../flows/write-sim.ts';
import type { WaveCheckResult } from '../flows/wave-check.ts';
import type { EvalResult } from '../eval/eval-run.ts';
import { checkSuite, evalSuite, junitXml, simSuite, writeJunit, xmlEscape } from './junit.ts';

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
    expect(junitXml(simSuite(result()))).toBe([
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
      await writeJunit(file, simSuite(result()));
      expect(await readFile(file, 'utf8')).toBe(junitXml(simSuite(result())));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('checkSuite and evalSuite', () => {
  it('hwgen check: one case per waveform, failed by its findings', () => {
    const clean = { file: 'w/conv1.vcd', layer: 'conv1', total: 0, problems: [], summary: 'conv1: 120 cycles checked' };
    const found = { file: 'w/fc1.vcd', layer: 'fc1', total: 3, problems: ['fc1: waveform: run-control: done = 1 in cycle 9'], summary: 'fc1: 3 findings' };
    const xml = junitXml(checkSuite('demo', [clean, found] as unknown as WaveCheckResult[]));
    expect(xml.split('\n').slice(1, 3)).toEqual([
      '<testsuites name="hwgen check" tests="2" failures="1" errors="0">',
      '<testsuite name="waveforms of demo" tests="2" failures="1" errors="0" skipped="0" time="0">',
    ]);
    expect(xml).toContain('<testcase classname="hwgen.check.demo" name="fc1" time="0">\n    <failure message="fc1: waveform: run-control: done = 1 in cycle 9" type="check">');
  });

  it('hwgen eval: the accuracy never fails; the RTL run fails on a class or a check that differs', () => {
    const rtl = { images: 4, simulator: 'icarus', agreeing: 3, cycles: 1000, predictedCycles: 998, problems: ['fc2: 1000 cycles, predicted 998'] };
    const result = { labels: new Int32Array(10), golden: { correct: 9 }, rtl } as unknown as EvalResult;
    const suite = evalSuite('qcfs', result);
    expect(suite.cases.map((check) => [check.name, check.problems, check.output])).toEqual([
      ['golden model accuracy', [], '9 of 10 images classified correctly'],
      ['RTL on 4 images (icarus)', ['1 of 4 images classified differently from the golden model', 'fc2: 1000 cycles, predicted 998'], '3 of 4 images as the golden model, 1000 cycles (predicted 998)'],
    ]);
    expect(evalSuite('qcfs', { ...result, rtl: undefined }).cases).toHaveLength(1);
  });
});
