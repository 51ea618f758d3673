/**
 * Both simulator back-ends on one counter testbench (sim/fixtures): same results, content-keyed
 * build cache, and the exact one-line errors. Verilator builds cost 5-10 s each, so each simulator
 * builds the counter once untraced and once traced; every other test reuses those entries.
 */
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../hwgen/errors.ts';
import { publishAtomically, resolveCacheRoot } from './cache.ts';
import { SIMULATORS, runnerFor, type BuildSpec, type BuiltSimulation, type SimulatorName, type SimulatorRunner, type TraceFormat } from './runner.ts';
import { VERILATOR_OPT_FAST, VerilatorRunner } from './verilator.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const BUILD_TOOL: Readonly<Record<SimulatorName, string>> = { verilator: 'verilator', icarus: 'iverilog' };
const RUN_TOOL: Readonly<Record<SimulatorName, string>> = { verilator: 'verilator', icarus: 'vvp' };
const BUILD_TIMEOUT_MS = 120_000;

const WIDTH = 12;
/** {en, step} pairs: a mix of wrapping adds and idle cycles. */
const STIMULUS = Array.from({ length: 20 }, (_, index) => ({ en: index % 3 !== 2, step: (index * 0x2b7 + 13) & 0xfff }));
/** The counter after each word; one reset cycle comes first, so the testbench counts words + 1 clock cycles. */
const EXPECTED_COUNTS = STIMULUS.reduce<number[]>((counts, word) => {
  const previous = counts.at(-1) ?? 0;
  return [...counts, word.en ? (previous + word.step) % 2 ** WIDTH : previous];
}, []);
const EXPECTED_CYCLES = `cycles ${STIMULUS.length + 1}`;

let workspace: string;
let cacheDir: string;
let design: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hwgen-sim-'));
  cacheDir = join(workspace, 'cache');
  design = join(workspace, 'design');
  await cp(FIXTURES, design, { recursive: true });
  const words = STIMULUS.map(({ en, step }) => ((Number(en) << WIDTH) | step).toString(16).padStart(4, '0'));
  await writeFile(join(workspace, 'stimulus.hex'), `${words.join('\n')}\n`);
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

function counterSpec(designDir: string, trace: TraceFormat = 'none'): BuildSpec {
  return {
    top: 'counter_tb',
    sources: [join(designDir, 'counter.v'), join(designDir, 'counter_tb.sv')],
    includeDirs: [join(designDir, 'include')],
    defines: { WIDTH: String(WIDTH) },
    trace,
  };
}

/** A fresh folder to run in, so each run's output files are its own. */
async function runFolder(name: string): Promise<string> {
  const dir = join(workspace, 'runs', name);
  await mkdir(dir, { recursive: true });
  return dir;
}

function counterPlusargs(extra: Readonly<Record<string, string | number>> = {}): Record<string, string | number> {
  return { stimulus: join(workspace, 'stimulus.hex'), words: STIMULUS.length, results: 'results.hex', ...extra };
}

async function toolErrorOf(promise: Promise<unknown>): Promise<ToolError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

/** Every file below `dir` with its size and modification time: equal snapshots mean nothing was written. */
async function snapshot(dir: string): Promise<string[]> {
  const names = (await readdir(dir, { recursive: true })).sort();
  const entries = await Promise.all(names.map(async (name) => [name, await stat(join(dir, name))] as const));
  return [`. ${(await stat(dir)).mtimeMs}`, ...entries.map(([name, info]) => `${name} ${info.size} ${info.mtimeMs}`)];
}

function lineOf(text: string, fragment: string): number {
  return text.split('\n').findIndex((line) => line.includes(fragment)) + 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function counterOutputs(runner: SimulatorRunner, built: BuiltSimulation, name: string): Promise<{ results: string; cycles: string[] }> {
  const cwd = await runFolder(name);
  const run = await runner.run(built, { cwd, timeoutMs: 30_000, plusargs: counterPlusargs() });
  const cycles = run.stdout.split('\n').filter((line) => line.startsWith('cycles '));
  return { results: await readFile(join(cwd, 'results.hex'), 'utf8'), cycles };
}

describe.each(SIMULATORS)('%s runner', (simulator) => {
  let runner: SimulatorRunner;
  let built: BuiltSimulation;

  beforeAll(async () => {
    runner = runnerFor(simulator, { cacheDir });
    built = await runner.build(counterSpec(design));
  }, BUILD_TIMEOUT_MS);

  it('runs the counter: results by $fwrite, cycle count by $display, no waveform unless asked', async () => {
    const outputs = await counterOutputs(runner, built, `${simulator}-counter`);
    const counts = outputs.results.trim().split('\n').map((word) => Number.parseInt(word, 16));
    expect(counts).toEqual(EXPECTED_COUNTS);
    expect(outputs.cycles).toEqual([EXPECTED_CYCLES]);
    expect((await readdir(join(workspace, 'runs', `${simulator}-counter`))).filter((name) => name.endsWith('.vcd'))).toEqual([]);
  });

  it('builds into the cache once: the second build is a hit that leaves the entry untouched', async () => {
    expect(built.cached).toBe(false);
    expect(built.dir).toBe(join(cacheDir, simulator, built.key));
    const before = await snapshot(built.dir);
    const again = await runner.build(counterSpec(design));
    expect(again).toMatchObject({ cached: true, key: built.key, dir: built.dir });
    expect(await snapshot(built.dir)).toEqual(before);
  });

  it('keys by content: a copy elsewhere hits, a changed byte in a source or include file misses', async () => {
    const copy = join(workspace, `${simulator}-copy`);
    await cp(design, copy, { recursive: true });
    expect(await runner.cacheKey(counterSpec(copy))).toBe(built.key);
    const source = await readFile(join(copy, 'counter.v'), 'utf8');
    await writeFile(join(copy, 'counter.v'), source.replace('count + step', 'count - step'));
    const sourceChanged = await runner.cacheKey(counterSpec(copy));
    await writeFile(join(copy, 'include', 'counter_defs.vh'), '`define COUNTER_MAX_WORDS 255\n');
    const includeChanged = await runner.cacheKey(counterSpec(copy));
    const defineChanged = await runner.cacheKey({ ...counterSpec(design), defines: { WIDTH: '11' } });
    expect(new Set([built.key, sourceChanged, includeChanged, defineChanged]).size).toBe(4);
  });

  it('reports a syntax error with its first error line and keeps the full log', async () => {
    const broken = join(workspace, `${simulator}-broken`);
    await cp(design, broken, { recursive: true });
    const badSource = join(broken, 'counter.v');
    await writeFile(badSource, (await readFile(badSource, 'utf8')).replace('count + step', 'count step'));
    const firstError = {
      verilator: `%Error: ${badSource}:13:33: syntax error, unexpected IDENTIFIER`,
      icarus: `${badSource}:13: syntax error`,
    }[simulator];
    const exit = { verilator: 1, icarus: 2 }[simulator];
    const error = await toolErrorOf(runner.build(counterSpec(broken)));
    const expected = `${BUILD_TOOL[simulator]}: build failed (exit ${exit}): ${firstError}; full log: `;
    const match = new RegExp(`^${escapeRegExp(expected)}(${escapeRegExp(cacheDir)}/logs/[0-9a-f]{64}\\.build\\.log)$`).exec(error.message);
    expect(match, error.message).not.toBeNull();
    expect(await readFile(match?.[1] ?? '', 'utf8')).toContain(firstError);
    // Neither an entry nor a temporary folder is left behind for the broken design.
    const key = await runner.cacheKey(counterSpec(broken));
    expect((await readdir(join(cacheDir, simulator))).filter((name) => name.includes(key))).toEqual([]);
  });

  it('reports a missing tool', async () => {
    const tool = BUILD_TOOL[simulator];
    const missing = runnerFor(simulator, { cacheDir, binaries: { [tool]: `${tool}-does-not-exist` } });
    const error = await toolErrorOf(missing.build(counterSpec(design)));
    const debianPackage = { verilator: 'verilator', icarus: 'iverilog' }[simulator];
    expect(error.message).toBe(`${tool}: not found on PATH (make test installs it, or apt-get install ${debianPackage})`);
  });

  it('times out a testbench that never calls $finish', async () => {
    const cwd = await runFolder(`${simulator}-hang`);
    const error = await toolErrorOf(runner.run(built, { cwd, timeoutMs: 3_000, plusargs: counterPlusargs({ hang: 1 }) }));
    expect(error.message).toBe(`${RUN_TOOL[simulator]}: simulation timed out after 3 s (a hung design or testbench?)`);
  });

  it('reports $fatal as a simulation failure, quoting the fatal message', async () => {
    const cwd = await runFolder(`${simulator}-fatal`);
    const testbench = join(design, 'counter_tb.sv');
    const line = lineOf(await readFile(testbench, 'utf8'), 'stopped by +fatal');
    // The last clock edge is at 10 + 10 * words time units: the fatal comes right after it.
    const fatalReport = {
      verilator: `(signal SIGABRT): [${10 + 10 * STIMULUS.length}] %Error: counter_tb.sv:${line}: Assertion failed in TOP.counter_tb: stopped by +fatal`,
      icarus: `(exit 1): FATAL: ${testbench}:${line}: stopped by +fatal`,
    }[simulator];
    const error = await toolErrorOf(runner.run(built, { cwd, timeoutMs: 30_000, plusargs: counterPlusargs({ fatal: 1 }) }));
    expect(error.message).toBe(`${RUN_TOOL[simulator]}: simulation failed ${fatalReport}`);
  });

  it('writes a VCD when the build asks for trace: vcd', async () => {
    const traced = await runner.build(counterSpec(design, 'vcd'));
    expect(traced.key).not.toBe(built.key);
    const cwd = await runFolder(`${simulator}-vcd`);
    await runner.run(traced, { cwd, timeoutMs: 30_000, plusargs: counterPlusargs({ trace: 'wave.vcd' }) });
    const vcd = await readFile(join(cwd, 'wave.vcd'), 'utf8');
    expect(vcd).toContain('$enddefinitions');
    expect(vcd).toMatch(/\$var\s+\w+\s+12\s+\S+\s+count/);
  }, BUILD_TIMEOUT_MS);
});

describe('verilator and icarus', () => {
  it('give identical results and cycle counts for the same testbench', async () => {
    const outputs = await Promise.all(
      SIMULATORS.map(async (simulator) => {
        const runner = runnerFor(simulator, { cacheDir });
        return counterOutputs(runner, await runner.build(counterSpec(design)), `${simulator}-compare`);
      }),
    );
    expect(outputs[0]).toEqual(outputs[1]);
  }, BUILD_TIMEOUT_MS);
});

describe('verilator runner C++ level', () => {
  it('compiles the model at OPT_FAST instead of -Os, and the level is part of the key', async () => {
    const runner = runnerFor('verilator', { cacheDir });
    // A cache hit after the runner tests above: the log is the one of the build they made.
    const built = await runner.build(counterSpec(design));
    const log = await readFile(join(built.dir, 'build.log'), 'utf8');
    // A small design is one C++ file, Vcounter_tb__ALL.cpp, compiled at OPT_FAST (a large one: every per-cycle file).
    expect(log).toMatch(new RegExp(`${escapeRegExp(VERILATOR_OPT_FAST)} -c -o Vcounter_tb__ALL\\.o`));
    class DefaultLevelRunner extends VerilatorRunner {
      override buildSteps(spec: BuildSpec, outDir: string): string[][] {
        return super.buildSteps(spec, outDir).map((argv) => argv.map((arg) => (arg === `OPT_FAST=${VERILATOR_OPT_FAST}` ? 'OPT_FAST=-Os' : arg)));
      }
    }
    expect(await new DefaultLevelRunner({ cacheDir }).cacheKey(counterSpec(design))).not.toBe(built.key);
  }, BUILD_TIMEOUT_MS);
});

describe('icarus runner cache and waveforms', () => {
  it('survives two concurrent builds of one key: one entry, no temporary folder left', async () => {
    const raceCache = join(workspace, 'race-cache');
    const builds = await Promise.all([0, 1].map(() => runnerFor('icarus', { cacheDir: raceCache }).build(counterSpec(design))));
    const dirs = new Set(builds.map((build) => build.dir));
    expect(dirs.size).toBe(1);
    expect(await readdir(join(raceCache, 'icarus'))).toEqual([builds[0]?.key]);
    expect((await stat(join(builds[0]?.dir ?? '', 'sim.vvp'))).isFile()).toBe(true);
  });

  it('keeps the first entry renamed into place when two fills finish together', async () => {
    const entry = join(workspace, 'race', 'entry');
    let release = (): void => undefined;
    const bothFilled = new Promise<void>((resolve) => (release = resolve));
    let filled = 0;
    const fill = (content: string) => async (dir: string): Promise<void> => {
      await writeFile(join(dir, 'content'), content);
      filled += 1;
      if (filled === 2) release();
      await bothFilled;
    };
    const won = await Promise.all([publishAtomically(entry, fill('first')), publishAtomically(entry, fill('second'))]);
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await readFile(join(entry, 'content'), 'utf8')).toBe(won[0] === true ? 'first' : 'second');
    expect(await readdir(dirname(entry))).toEqual(['entry']);
  });

  it('writes an FST when the build asks for trace: fst', async () => {
    const runner = runnerFor('icarus', { cacheDir });
    const built = await runner.build(counterSpec(design, 'fst'));
    const cwd = await runFolder('icarus-fst');
    await runner.run(built, { cwd, timeoutMs: 30_000, plusargs: counterPlusargs({ trace: 'wave.fst' }) });
    const fst = await readFile(join(cwd, 'wave.fst'));
    // FST files start with a header block (type 0), unlike VCD text.
    expect(fst[0]).toBe(0);
  });

  it('puts the cache under the option, else HWGEN_SIM_CACHE, else <repo>/.cache/sim', () => {
    const repo = dirname(dirname(fileURLToPath(import.meta.url)));
    const saved = process.env.HWGEN_SIM_CACHE;
    try {
      delete process.env.HWGEN_SIM_CACHE;
      expect(resolveCacheRoot(undefined)).toBe(join(repo, '.cache', 'sim'));
      process.env.HWGEN_SIM_CACHE = '/tmp/from-env';
      expect(resolveCacheRoot(undefined)).toBe('/tmp/from-env');
      expect(resolveCacheRoot('/tmp/from-option')).toBe('/tmp/from-option');
    } finally {
      if (saved === undefined) delete process.env.HWGEN_SIM_CACHE;
      else process.env.HWGEN_SIM_CACHE = saved;
    }
  });

  it('reports a missing vvp when running', async () => {
    const built = await runnerFor('icarus', { cacheDir }).build(counterSpec(design));
    const missing = runnerFor('icarus', { cacheDir, binaries: { vvp: 'vvp-does-not-exist' } });
    const cwd = await runFolder('icarus-no-vvp');
    const error = await toolErrorOf(missing.run(built, { cwd, timeoutMs: 30_000, plusargs: counterPlusargs() }));
    expect(error.message).toBe('vvp: not found on PATH (make test installs it, or apt-get install iverilog)');
  });
});
