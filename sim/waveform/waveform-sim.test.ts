/**
 * Real waveforms: the valid/ready counter (fixtures/) on both simulators, dumped as VCD and as FST
 * (read through fst2vcd). Every trace must give the per-cycle samples a small model of the design
 * predicts; the simulators differ only before reset, where Icarus shows x and Verilator 0.
 * Builds go to the shared simulator cache (sim/README.md), so only a first run pays for the two
 * Verilator builds (VCD and FST tracing are separate models); Icarus picks the format at run time.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATORS, runnerFor, type BuildSpec, type SimulatorName } from '../runner.ts';
import type { TraceFormat } from '../types.ts';
import { openVcd, openWaveform, type SignalValue, type VcdReader } from './index.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const FORMATS = ['vcd', 'fst'] as const;
const BUILD_TIMEOUT_MS = 180_000;

/** Must match fixtures/stream_tb.sv. */
const CYCLES = 24;
const READY_PATTERN = 0b1011_0110;
const HALF_PERIOD_PS = 5000;
const SIGNALS = ['stream_tb.rst', 'stream_tb.out_ready', 'stream_tb.dut.out_valid', 'stream_tb.dut.out_data', 'stream_tb.cycle'];
const CLOCK = 'stream_tb.clk';

interface Sample {
  readonly index: number;
  readonly time: number;
  readonly values: readonly SignalValue[];
}

/**
 * What a flip-flop sees at each rising edge: reset at edge 0; the testbench sets out_ready from the
 * pattern at each falling edge; out_valid rises one edge after reset and out_data counts handshakes.
 * Before the first edge nothing is reset yet: x on Icarus, 0 on Verilator.
 */
function expectedSamples(beforeReset: SignalValue, beforeResetWord: SignalValue): Sample[] {
  const samples: Sample[] = [{ index: 0, time: HALF_PERIOD_PS, values: [1n, 0n, beforeReset, beforeResetWord, beforeResetWord === 0n ? 0n : 'x'.repeat(32)] }];
  let valid = 0n;
  let data = 0n;
  // The edge after the loop's last falling edge is the last one before $finish.
  for (let index = 1; index <= CYCLES; index++) {
    const ready = BigInt((READY_PATTERN >> (index - 1) % 8) & 1);
    samples.push({ index, time: HALF_PERIOD_PS * (2 * index + 1), values: [0n, ready, valid, data, BigInt(index - 1)] });
    data = (data + (valid & ready)) & 0xffn;
    valid = 1n;
  }
  return samples;
}

const EXPECTED: Readonly<Record<SimulatorName, Sample[]>> = {
  icarus: expectedSamples('x', 'xxxxxxxx'),
  verilator: expectedSamples(0n, 0n),
};

let workspace: string;
const traces = new Map<string, string>();

function traceKey(simulator: SimulatorName, format: TraceFormat): string {
  return `${simulator}.${format}`;
}

function streamSpec(trace: TraceFormat): BuildSpec {
  return { top: 'stream_tb', sources: [join(FIXTURES, 'stream_counter.v'), join(FIXTURES, 'stream_tb.sv')], trace };
}

/** Builds (or finds in the cache) and runs one traced model; returns the waveform's path. */
async function traceOf(simulator: SimulatorName, format: TraceFormat, jobs: number): Promise<string> {
  const runner = runnerFor(simulator, { jobs });
  const built = await runner.build(streamSpec(format));
  const cwd = join(workspace, traceKey(simulator, format));
  await mkdir(cwd, { recursive: true });
  await runner.run(built, { cwd, timeoutMs: 30_000, plusargs: { trace: `wave.${format}` } });
  return join(cwd, `wave.${format}`);
}

async function samplesOf(reader: VcdReader): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const cycle of reader.cycles(CLOCK)) samples.push({ index: cycle.index, time: cycle.time, values: cycle.values });
  return samples;
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hwgen-waveform-'));
  // The two Verilator builds run side by side, one compile job each: the machine has two cores.
  const jobs = SIMULATORS.flatMap((simulator) => FORMATS.map((format) => [simulator, format] as const));
  const paths = await Promise.all(jobs.map(([simulator, format]) => traceOf(simulator, format, 1)));
  jobs.forEach(([simulator, format], i) => traces.set(traceKey(simulator, format), paths[i]!));
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe.each(SIMULATORS)('%s traces', (simulator) => {
  it.each(FORMATS)('%s gives the per-cycle samples the design predicts', async (format) => {
    const reader = await openWaveform(traces.get(traceKey(simulator, format))!, { signals: SIGNALS });
    expect(reader.header.timescale).toEqual({ magnitude: 1, unit: 'ps', seconds: 1e-12 });
    expect(await samplesOf(reader)).toEqual(EXPECTED[simulator]);
  });
});

describe('verilator and icarus', () => {
  it('give the same samples after reset, in VCD and in FST', async () => {
    const all = await Promise.all([...traces].map(async ([key, path]) => [key, (await samplesOf(await openWaveform(path, { signals: SIGNALS }))).slice(1)] as const));
    const [first, ...others] = all;
    expect(all.map(([key]) => key).sort()).toEqual(['icarus.fst', 'icarus.vcd', 'verilator.fst', 'verilator.vcd']);
    for (const [key, samples] of others) expect(samples, key).toEqual(first?.[1]);
  });

  it('resolve the same names although Verilator adds a TOP scope', async () => {
    const icarus = await openVcd(traces.get('icarus.vcd')!, { signals: ['stream_tb.dut.out_data'] });
    const verilator = await openVcd(traces.get('verilator.vcd')!, { signals: ['stream_tb.dut.out_data'] });
    expect([icarus.signals[0]?.variable.path, verilator.signals[0]?.variable.path]).toEqual(['stream_tb.dut.out_data', 'TOP.stream_tb.dut.out_data']);
    await Promise.all([icarus.close(), verilator.close()]);
  });
});
