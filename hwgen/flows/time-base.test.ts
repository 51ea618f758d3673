/**
 * One time base: every generated file carries `timescale 1ns / 1ps and the program player drives the design's
 * clock, so both simulators' waveforms of one run show the same times in real units, and Verilator compiles hwgen's
 * RTL beside third-party IP that has its own timescale (without one in our files it stops with TIMESCALEMOD).
 *
 * The design, layer and trace options are those of wave-check.test.ts, so the simulator builds are shared with it.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFiles } from '../arch/module.ts';
import { DRAIN_SWEEP_PORT, layerProgram, programBytes } from '../host/driver.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import { TIMESCALE } from '../generate/render.ts';
import { halfPeriodNs, playProgram, renderProgramTb } from './program-player.ts';
import { accelTraceProbes, layerRunPlan } from './wave-check.ts';
import { SIMULATORS } from '../../sim/registry.ts';
import { verilatorLint } from '../../sim/checks.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { WAVE_CHECK_ACCELERATOR, waveCheckLayer } from '../testing/wave-check-design.ts';

const accelerator = WAVE_CHECK_ACCELERATOR;

const layer = waveCheckLayer();
const { prediction } = layerRunPlan(accelerator, layer, 'cost', 3);
const program = programBytes(layerProgram(accelerator, layer, prediction.tiles.map(({ tile, schedule, weightKinds }) => ({ tile, schedule, weightKinds }))));
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hwgen-time-base-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The VCD's time unit in seconds and its last timestamp. */
function lastTime(vcd: string): { unitSeconds: number; last: number } {
  const scale = /\$timescale\s+(\d+)\s*(s|ms|us|ns|ps|fs)\s+\$end/.exec(vcd);
  if (scale === null) throw new Error('no $timescale in the VCD');
  const units: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, ns: 1e-9, ps: 1e-12, fs: 1e-15 };
  const stamps = [...vcd.matchAll(/^#(\d+)$/gm)];
  return { unitSeconds: Number(scale[1]) * units[scale[2]!]!, last: Number(stamps[stamps.length - 1]![1]) };
}

describe('one time base', () => {
  it('every generated file of the top carries the timescale after its header', () => {
    for (const file of allFiles(generateAccelTop(accelerator))) expect(file.text.split('\n').find((line) => line.startsWith('`')), file.name).toBe(TIMESCALE);
  });

  it('the testbench drives the configured clock in ns', () => {
    expect([100, 250, 300, 1].map(halfPeriodNs)).toEqual(['5', '2', '1.667', '500']);
    const tb = renderProgramTb(generateAccelTop(accelerator), 'done', accelerator.hash, [], DRAIN_SWEEP_PORT, 250);
    expect(tb).toContain('always #2 clk = ~clk;');
  });

  const seconds: Partial<Record<SimulatorName, number>> = {};
  it.each(SIMULATORS)('%s: the run lasts its cycles at 100 MHz, in real units', async (simulator) => {
    const workDir = join(root, simulator);
    const played = await playProgram(generateAccelTop(accelerator), [program], { simulator, workDir, trace: 'vcd', configHash: accelerator.hash, sweepPort: DRAIN_SWEEP_PORT, traceProbes: accelTraceProbes(accelerator).probes });
    const { unitSeconds, last } = lastTime(await readFile(played.waveform!, 'utf8'));
    seconds[simulator] = last * unitSeconds;
    // The program's 297 cycles, the testbench's reset before them and the cycles after END until $finish, at 10 ns
    // each: 325 cycles, 3.25 µs (in Icarus' default time base this would be 3250 s, in Verilator's 3250 ps).
    expect(played.cycles).toBe(297);
    expect(Math.round(seconds[simulator]! * 1e12)).toBe(3_250_000);
  }, 180_000);

  it('Verilator and Icarus end the same run at the same time', () => {
    expect(seconds.verilator).toBeDefined();
    expect(seconds.icarus).toBeCloseTo(seconds.verilator!, 12);
  });

  it('Verilator lints the top beside third-party IP that has its own timescale', async () => {
    const dir = join(root, 'lint');
    const top = generateAccelTop(accelerator);
    const files = allFiles(top);
    await mkdir(dir, { recursive: true });
    for (const file of files) await writeFile(join(dir, file.name), file.text);
    await writeFile(join(dir, 'vendor_sync.v'), VENDOR_IP);
    await writeFile(join(dir, 'system_top.v'), systemTop(top.name));
    await expect(verilatorLint({ dir, top: 'system_top', files: ['system_top.v', 'vendor_sync.v', ...files.map((file) => file.name)] })).resolves.toBeUndefined();
  });
});

/** A stand-in for vendor IP: a two-flop synchroniser with a timescale of its own, as vendor files have. */
const VENDOR_IP = `\`timescale 1ps / 1ps
module vendor_sync (
    input  wire clk,
    input  wire d,
    output reg  q
);
    reg meta;
    always @(posedge clk) begin
        meta <= d;
        q <= meta;
    end
endmodule
`;

/** A system top that instantiates both; the accelerator's ports are left for lint to see as unconnected, so lint is told. */
function systemTop(accel: string): string {
  return `${TIMESCALE}
module system_top (
    input  wire clk,
    input  wire rst_async,
    output wire rst_sync
);
    vendor_sync sync (.clk(clk), .d(rst_async), .q(rst_sync));
    /* verilator lint_off PINMISSING */
    ${accel} accel (.clk(clk), .rst(rst_sync));
    /* verilator lint_on PINMISSING */
endmodule
`;
}
