/**
 * `hwgen synth` end to end with the real tools: a tiny design on all three targets (iCE40 placed and routed on an
 * UP5K, the Fmax feeding the GOPS estimate), the cache, the AXI top, bad input, and the default design on all three
 * targets (it fits neither the xc7z020's block RAM nor any iCE40: exit 2 with one clear line, the report written).
 * The tiny design's runs use a fresh cache; the default design's use the repository's (.cache/fpga), so only the
 * first `make test` pays for them (about three and a half minutes on 2 busy cores).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type CliRun, runCli, tempWorkspace } from '../cli/cli-harness.ts';
import type { SynthResult } from './synth.ts';
import { TINY_DESIGN } from './tiny-design.ts';

let dir = '';
let tinyConfig = '';
let tinyWorkload = '';
const savedCache = process.env.HWGEN_FPGA_CACHE;

/** One GEMM the tiny design holds: M=4, K=16, N=24. */
const TINY_WORKLOAD = {
  name: 'tiny-gemm',
  layers: [{
    name: 'fc', kind: 'gemm', T: 3, inLevels: 7, theta: 300, bias: 10,
    input: { synthetic: { shape: [16, 24], density: 0.6, values: 'uniform', seed: 1 } },
    weights: { synthetic: { shape: [4, 16], seed: 2 } },
  }],
};

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-synth-');
  process.env.HWGEN_FPGA_CACHE = join(dir, 'cache');
  tinyConfig = join(dir, 'tiny.yaml');
  tinyWorkload = join(dir, 'tiny-workload.yaml');
  await writeFile(tinyConfig, stringify(TINY_DESIGN));
  await writeFile(tinyWorkload, stringify(TINY_WORKLOAD));
});

afterAll(() => {
  if (savedCache === undefined) delete process.env.HWGEN_FPGA_CACHE;
  else process.env.HWGEN_FPGA_CACHE = savedCache;
});

/**
 * Runs `body` with HWGEN_YOSYS and HWGEN_NEXTPNR_ICE40 pointing at scripts that print the real tools' version
 * lines (so the cache key is the same) and fail on anything else: a run that synthesises again fails.
 */
async function withVersionOnlyTools<T>(body: () => Promise<T>): Promise<T> {
  const tools = { HWGEN_YOSYS: ['yosys', '-V'], HWGEN_NEXTPNR_ICE40: ['nextpnr-ice40', '--version'] } as const;
  for (const [variable, [tool, flag]] of Object.entries(tools)) {
    const script = join(dir, `version-only-${tool}`);
    await writeFile(script, `#!/bin/sh\n[ "$1" = "${flag}" ] && exec ${tool} ${flag}\necho "ERROR: ${tool} was started: $*"\nexit 3\n`, { mode: 0o755 });
    process.env[variable] = script;
  }
  try {
    return await body();
  } finally {
    for (const variable of Object.keys(tools)) delete process.env[variable];
  }
}

async function synthJson(out: string): Promise<SynthResult> {
  return JSON.parse(await readFile(join(out, 'synth.json'), 'utf8')) as SynthResult;
}

describe('hwgen synth on a tiny design', () => {
  it('generic: yosys cell counts per module and in total, memories left as $mem_v2 cells', async () => {
    const out = join(dir, 'generic');
    const run = await runCli('synth', tinyConfig, '--target', 'generic', '--workload', tinyWorkload, '--out', out, '-q');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^tiny \(hwgen_accel_top\) on generic: [\d,]+ cells/);
    const result = await synthJson(out);
    expect(result.target).toBe('generic');
    expect(result.fits).toBe(true);
    expect(result.cells.$mem_v2).toBeGreaterThan(0);
    expect(result.total.ff).toBeGreaterThan(100);
    expect(result.modules.map((m) => m.module).sort()).toEqual(['hwgen_accel_top', 'hwgen_ann_core', 'hwgen_column_feeder', 'hwgen_output_gather', 'hwgen_qcfs_fire']);
    expect(result.modules.find((m) => m.module === 'hwgen_ann_core')).toMatchObject({ instances: ['core[0].ann.array'], parameters: { ROWS: 2, COLS: 2 } });
    expect(existsSync(result.log)).toBe(true);
    expect(existsSync(join(out, 'rtl', 'hwgen_accel_top.v'))).toBe(true);
    expect(result.throughput).toMatchObject({ workload: 'tiny-gemm', ops: 2 * 4 * 16 * 24, clockSource: 'assumed', clockMHz: 100 });
  }, 600_000);

  it('xc7: LUT, FF, carry, DSP and BRAM per module and in total, and the fit on the xc7z020 of a PYNQ-Z2', async () => {
    const out = join(dir, 'xc7');
    const run = await runCli('synth', tinyConfig, '--target', 'xc7', '--workload', 'none', '--out', out, '-q');
    expect(run.code, run.stderr).toBe(0);
    const result = await synthJson(out);
    expect(result.total.dsp).toBe(4);
    expect(result.total.lut).toBeGreaterThan(100);
    expect(result.xc7).toMatchObject({ part: 'xc7z020', board: 'PYNQ-Z2', fits: true, overflows: [] });
    const sum = result.modules.reduce((total, m) => total + m.resources.lut * m.instances.length, 0);
    expect(sum).toBe(result.total.lut);
    expect(run.stdout).toContain('xc7z020 (PYNQ-Z2): fits');
    expect(result.throughput).toBeUndefined();
  }, 600_000);

  it('ice40: placed and routed on the UP5K, the measured Fmax in the GOPS estimate; a second run is cached', async () => {
    const out = join(dir, 'ice40');
    const run = await runCli('synth', tinyConfig, '--target', 'ice40', '--workload', tinyWorkload, '--out', out, '-q');
    expect(run.code, run.stderr).toBe(0);
    const result = await synthJson(out);
    expect(result.ice40?.part).toBe('iCE40UP5K');
    expect(result.ice40?.fmaxMHz).toBeGreaterThan(5);
    expect(result.ice40?.utilisation?.ICESTORM_LC?.used).toBeGreaterThan(result.total.lut);
    expect(result.ice40?.harness.inputBits).toBeGreaterThan(100);
    expect(result.logs.some((log) => log.endsWith('nextpnr-up5k.log'))).toBe(true);
    for (const log of result.logs) expect(existsSync(log), log).toBe(true);
    expect(existsSync(join(out, 'rtl', 'hwgen_pnr_harness.v'))).toBe(true);
    const estimate = result.throughput;
    expect(estimate?.clockSource).toBe('measured');
    expect(estimate?.clockMHz).toBe(result.ice40?.fmaxMHz);
    expect(estimate?.gops).toBeCloseTo(((estimate?.opsPerCycle ?? 0) * (result.ice40?.fmaxMHz ?? 0)) / 1000, 9);
    expect(run.stdout).toMatch(/placed and routed on iCE40UP5K by nextpnr-ice40: Fmax [\d.]+ MHz/);

    // The second run must not start the tools: they are replaced by ones that only tell their version.
    const again = await withVersionOnlyTools(() => runCli('synth', tinyConfig, '--target', 'ice40', '--workload', tinyWorkload, '--out', out, '-q'));
    expect(again.code, again.stderr).toBe(0);
    const cached = await synthJson(out);
    expect(cached.cached).toBe(true);
    expect(cached.ice40?.fmaxMHz).toBe(result.ice40?.fmaxMHz);
    for (const log of cached.logs) expect(existsSync(log), log).toBe(true);
  }, 900_000);

  it('--axi synthesises the AXI wrapper with the accelerator inside', async () => {
    const out = join(dir, 'axi');
    const run = await runCli('synth', tinyConfig, '--target', 'xc7', '--axi', '--workload', 'none', '--out', out, '-q');
    expect(run.code, run.stderr).toBe(0);
    const result = await synthJson(out);
    expect(result.top).toBe('hwgen_axi_top');
    expect(result.modules.find((m) => m.module === 'hwgen_accel_top')?.instances).toEqual(['acc']);
  }, 600_000);
});

describe('hwgen synth: bad input exits 2 with one line', () => {
  it('a target yosys is not asked for', async () => {
    const run = await runCli('synth', tinyConfig, '--target', 'vhdl', '--out', join(dir, 'never'));
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("hwgen: option '--target <TARGET>' argument 'vhdl' is invalid. Allowed choices are generic, xc7, ice40.\n");
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('no target', async () => {
    const run = await runCli('synth', tinyConfig);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing tool', async () => {
    process.env.HWGEN_YOSYS = join(dir, 'no-such-yosys');
    try {
      const run = await runCli('synth', tinyConfig, '--target', 'xc7', '--workload', 'none', '--out', join(dir, 'never'));
      expect(run).toMatchObject({ code: 2, stderr: `hwgen: yosys: ${join(dir, 'no-such-yosys')} (from HWGEN_YOSYS) not found\n` });
    } finally {
      delete process.env.HWGEN_YOSYS;
    }
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('a workload the design cannot hold, when asked for', async () => {
    const run = await runCli('synth', tinyConfig, '--target', 'generic', '--workload', 'demo', '--out', join(dir, 'never'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^hwgen: .*no core can hold it.*\n$/);
  });
});

/**
 * `hwgen synth --target TARGET` on the default design, with the repository's cache: the first run synthesises
 * (measured 42 s, 53 s and 111 s on a busy 2-core machine), later runs hit.
 */
async function synthDefault(target: string): Promise<{ run: CliRun; out: string; result: SynthResult }> {
  delete process.env.HWGEN_FPGA_CACHE;
  try {
    const out = join(dir, `default-${target}`);
    const run = await runCli('synth', '--target', target, '--out', out, '-q');
    return { run, out, result: await synthJson(out) };
  } finally {
    process.env.HWGEN_FPGA_CACHE = join(dir, 'cache');
  }
}

describe('hwgen synth on the default design', () => {
  it('generic: 69,715 cells, every one of the 40 buffers (the output banks in 8 byte lanes) a $mem_v2 cell; GOPS on the demo workload', async () => {
    const { run, result } = await synthDefault('generic');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]?.replace(' (cached)', '')).toBe('hwgen_default (hwgen_accel_top) on generic: 69,715 cells (6,679 flip-flops, 40 memories)');
    expect(result.cells.$mem_v2).toBe(40);
    expect(result.memoryBits).toBe(3_441_152);
    expect(result.throughput).toMatchObject({ workload: 'demo', ops: 275_072, cycles: 7_721, clockSource: 'assumed', clockMHz: 100 });
  }, 900_000);

  it('xc7: fits the xc7z020 of a PYNQ-Z2, block RAM 108.5 of 140; synth.json written', async () => {
    const { run, result } = await synthDefault('xc7');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  xc7z020 (PYNQ-Z2): fits; LUT 18.4 %, LUTRAM 10.3 %, FF 8.1 %, carry 8.0 %, DSP 29.1 %, BRAM 77.5 %\n');
    expect(result.fits).toBe(true);
    expect(result.total).toEqual({ lut: 9_774, lutMemory: 1_790, ff: 8_632, carry: 1_061, dsp: 64, bram: 108.5, spram: 0 });
  }, 900_000);

  it('ice40: fits no iCE40 part; exit 2 with one line naming both parts, without place and route', async () => {
    const { run, out, result } = await synthDefault('ice40');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('hwgen: (built-in default design): does not fit any iCE40 part: iCE40UP5K LUT4 18024 of 5280, FF 15960 of 5280, ' +
      `DSP 64 of 8, EBR 962 of 30; iCE40HX8K EBR 962 of 32 (block RAM as mapped for the part before) (report: ${out}/synth.json)\n`);
    expect(result.ice40?.part).toBeNull();
    expect(result.ice40?.attempts.map((a) => a.part)).toEqual(['iCE40UP5K', 'iCE40HX8K']);
    expect(result.logs.some((log) => log.includes('nextpnr'))).toBe(false);
    expect(result.throughput?.clockSource).toBe('assumed');
  }, 900_000);
});
