import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acceleratorFrom, defaultAccelerator } from '../../config/load-config.ts';
import { checkGeneratedModule } from '../../../sim/checks.ts';
import { allFiles, findPort } from '../../arch/module.ts';
import { SNN_CORE_MODULE, generateSnnCore, generateSnnCoreFromParams } from './generator.ts';
import type { SnnCoreParams } from './arch.ts';

const HASH = 'f'.repeat(64);
const workDirs: string[] = [];

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('generateSnnCore', () => {
  it('describes the default design: parameters, port widths, the fire stage', () => {
    const core = generateSnnCore(defaultAccelerator());
    expect(core.name).toBe(SNN_CORE_MODULE);
    const parameter = (name: string) => core.parameters.find((p) => p.name === name)?.value;
    expect([parameter('LANES'), parameter('ACC_W'), parameter('MAX_EVENTS'), parameter('W_DEPTH'), parameter('BT_DEPTH')]).toEqual([16, 29, 4608, 4096, 32]);
    // maxK 4608 → 13 address bits; K up to 4608 needs 13 bits too; 4096 words → 12 bits; 32 groups → 6 bits.
    expect(findPort(core, 'in_addr').width).toBe(13);
    expect(findPort(core, 'cfg_k').width).toBe(13);
    expect(findPort(core, 'w_wr_addr').width).toBe(12);
    expect(findPort(core, 'w_wr_data').width).toBe(128);
    expect(findPort(core, 'bt_wr_addr').width).toBe(5);
    expect(findPort(core, 'cfg_groups').width).toBe(6);
    expect(findPort(core, 'cfg_last_lanes').width).toBe(5);
    expect(findPort(core, 'bt_wr_theta').width).toBe(16 * 25);
    // The host writes each output's membrane start b + floor(θ/2) at the membrane's width.
    expect(findPort(core, 'bt_wr_start').width).toBe(16 * 29);
    expect(core.ports.filter((p) => p.role === 'counter').map((p) => p.name)).toEqual(['cnt_snn_add', 'cnt_spike', 'cnt_fire', 'cnt_sram_byte', 'cnt_busy']);
    expect(core.submodules.map((m) => m.name)).toEqual(['hwgen_serial_fire']);
    expect(allFiles(core).map((f) => f.name)).toEqual(['hwgen_serial_fire.v', 'hwgen_snn_core.v']);
  });

  it('is byte-identical for identical input and keeps Verilog parameters', () => {
    const params: SnnCoreParams = { lanes: 3, accW: 20, maxEvents: 10, weightDepth: 40, btDepth: 4, weightBanks: 1, thetaW: 25, shiftAdd: false };
    const first = generateSnnCoreFromParams(params, { configHash: HASH }).files[0]?.text ?? '';
    const second = generateSnnCoreFromParams({ ...params }, { configHash: HASH }).files[0]?.text ?? '';
    expect(second).toBe(first);
    expect(first).toMatch(/^\/\/ hwgen_snn_core\.v: /);
    expect(first).toContain(`config sha256 ${HASH}`);
    expect(first).toMatch(/parameter integer LANES\s+= 3,/);
    expect(first).toMatch(/parameter integer MAX_EVENTS = 10,/);
    expect(first).not.toMatch(/lint_off/);
  });

  it('refuses impossible parameters', () => {
    const base: SnnCoreParams = { lanes: 2, accW: 16, maxEvents: 4, weightDepth: 8, btDepth: 2, weightBanks: 1, thetaW: 25, shiftAdd: false };
    expect(() => generateSnnCoreFromParams({ ...base, accW: 7 }, { configHash: HASH })).toThrow(/accW must be 8..64/);
    expect(() => generateSnnCoreFromParams({ ...base, weightDepth: 0 }, { configHash: HASH })).toThrow(/weightDepth must be a positive integer/);
  });
});

/** Corners of the parameter space: one lane and one-entry memories, odd sizes, wide membranes. */
const VARIANTS: readonly [string, SnnCoreParams][] = [
  ['default design', { lanes: 16, accW: 29, maxEvents: 4608, weightDepth: 4096, btDepth: 32, weightBanks: 1, thetaW: 25, shiftAdd: false }],
  ['one of everything', { lanes: 1, accW: 8, maxEvents: 1, weightDepth: 1, btDepth: 1, weightBanks: 1, thetaW: 1, shiftAdd: false }],
  ['odd sizes, shift-add', { lanes: 3, accW: 40, maxEvents: 5, weightDepth: 7, btDepth: 3, weightBanks: 1, thetaW: 9, shiftAdd: true }],
  ['64-bit membranes, shift-add', { lanes: 8, accW: 64, maxEvents: 64, weightDepth: 256, btDepth: 4, weightBanks: 1, thetaW: 25, shiftAdd: true }],
];

describe('static checks (sim/checks.ts)', () => {
  it.each(VARIANTS)('%s: lint clean, accepted by Icarus, synthesizable without latch or multiplier', async (_, params) => {
    const core = generateSnnCoreFromParams(params, { configHash: HASH });
    const dir = await mkdtemp(join(tmpdir(), 'hwgen-snn-core-'));
    workDirs.push(dir);
    const { cells } = await checkGeneratedModule(core, dir, 'wreduce; alumacc');
    // Additions only: no multiplier of any kind once alumacc has gathered the arithmetic.
    expect(Object.keys(cells).filter((cell) => /\$(mul|macc)/.test(cell))).toEqual([]);
    // Three memories (events, weights, bias/θ), each read through a registered port: block RAM later.
    expect(cells.$memrd ?? 0).toBe(3);
  });

  it('generates from an accelerator config with an explicit accumulator width', () => {
    const accelerator = acceleratorFrom({ snn: { lanes: 5 }, limits: { maxK: 100, maxM: 50 }, widths: { accumulator: 48 } }, 'cfg.yaml');
    const core = generateSnnCore(accelerator);
    expect(core.parameters.find((p) => p.name === 'ACC_W')?.value).toBe(48);
    expect(core.parameters.find((p) => p.name === 'BT_DEPTH')?.value).toBe(10);
  });

  it("stores θ at the width limits.maxTheta needs, not the contract's 25 bits", () => {
    const accelerator = acceleratorFrom({ snn: { lanes: 4 }, limits: { maxTheta: 256 } }, 'cfg.yaml');
    const core = generateSnnCore(accelerator);
    expect(core.parameters.find((p) => p.name === 'THETA_W')?.value).toBe(9);
    expect(findPort(core, 'bt_wr_theta').width).toBe(4 * 9);
    expect(core.submodules[0]?.parameters.find((p) => p.name === 'THETA_W')?.value).toBe(9);
  });
});
