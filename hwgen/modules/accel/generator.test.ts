import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGeneratedModule } from '../../../sim/checks.ts';
import { acceleratorFrom, defaultAccelerator } from '../../config/load-config.ts';
import { ACCEL_TOP_MODULE, generateAccelTop } from './generator.ts';

const workDirs: string[] = [];

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Small buffers so that yosys stays quick; A and S vary, including a single-kind design. */
const DESIGNS = [
  ['default design', defaultAccelerator()],
  ['2 arrays 3 cores, small buffers', acceleratorFrom({ ann: { arrays: 2, rows: 4, cols: 4 }, snn: { cores: 3, lanes: 4 }, limits: { maxK: 64, maxM: 16 }, buffers: { weightBytes: 1024, activationBytes: 512, outputBytes: 256, scheduleEntries: 16 } }, 'test')],
  ['ANN only', acceleratorFrom({ ann: { arrays: 2 }, snn: { cores: 0 }, limits: { maxK: 64, maxM: 16 }, buffers: { weightBytes: 1024, activationBytes: 512, outputBytes: 256, scheduleEntries: 16 } }, 'test')],
  ['a single ANN array (1-bit core select, 1 core)', acceleratorFrom({ ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 0 }, limits: { maxK: 16, maxM: 8 }, buffers: { weightBytes: 256, activationBytes: 64, outputBytes: 64, scheduleEntries: 8 } }, 'test')],
  ['SNN only', acceleratorFrom({ ann: { arrays: 0 }, snn: { cores: 2, lanes: 4 }, limits: { maxK: 64, maxM: 16 }, buffers: { weightBytes: 1024, activationBytes: 512, outputBytes: 256, scheduleEntries: 16 } }, 'test')],
] as const;

describe('hwgen_accel_top static checks', () => {
  it.each(DESIGNS)('%s: lint clean, accepted by Icarus, synthesizable without latch', async (_, accelerator) => {
    const top = generateAccelTop(accelerator);
    expect(top.name).toBe(ACCEL_TOP_MODULE);
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-accel-'));
    workDirs.push(dir);
    await checkGeneratedModule(top, dir);
    const declared = [...(top.files[0]?.text ?? '').matchAll(/^\s+(input|output)\s+(?:wire|reg)\s+(?:\[[^\]]+\]\s+)?(\w+)/gm)].map((m) => m[2]);
    expect(top.ports.map((p) => p.name), 'the port list describes every port, in order').toEqual(declared);
  }, 600_000);
});
