/**
 * Random designs through the whole flow (docs/simulation.md, "Random designs"): for each seed, a random valid
 * config and workload (hwgen/testing/random-design.ts), the generated top's static checks (verilator lint, Icarus
 * compile, yosys without latch), then `hwgen sim` on each simulator, which must exit 0 with outputs equal to the
 * golden model and cycles equal to the cost model's prediction. One line per design and a total; exit 1 when any
 * design fails, whose folder (config, workload, tensors, RTL, sim output) is kept and named.
 *
 * `npx tsx hwgen/bench/fuzz-designs.ts [--count N] [--seed S] [--simulator NAME] [--out DIR]`
 * (seeds S..S+N−1; default 10 designs from seed 1 on every simulator, into rtl-out/fuzz-designs).
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import type { SimResultJson } from '../flows/write-sim.ts';
import { type RandomDesign, checkRandomDesignRtl, randomDesign, simResultProblems } from '../testing/random-design.ts';
import { SIMULATORS, type SimulatorName } from '../../sim/registry.ts';
import { scriptOptionsOrExit } from './script-options.ts';

interface Options {
  readonly count: number;
  readonly seed: number;
  readonly simulators: readonly SimulatorName[];
  readonly out: string;
}

interface Verdict {
  readonly passed: boolean;
  /** `icarus 412 cycles = predicted` per simulator, or the first failure. */
  readonly detail: string;
}

const HWGEN = fileURLToPath(new URL('../cli/hwgen.mjs', import.meta.url));

/** `--count` (default 10), `--seed` (default 1), `--simulator` (default every one), `--out` (default rtl-out/fuzz-designs). */
function optionsOrExit(argv: readonly string[]): Options {
  const { simulator, count, seed, out } = scriptOptionsOrExit('fuzz-designs', argv, { countFlag: 'count', count: 10, seed: 1, out: 'rtl-out/fuzz-designs' });
  return { count, seed, simulators: simulator === undefined ? SIMULATORS : [simulator], out };
}

/** `hwgen sim` as a user runs it, in its own process: its exit code and result.json are the verdict. */
async function simulate(design: RandomDesign, simulator: SimulatorName): Promise<Verdict> {
  const out = join(design.dir, `sim-${simulator}`);
  const run = await execa('node', [HWGEN, 'sim', design.configFile, design.manifestFile, '--simulator', simulator, '-q', '--out', out], { reject: false, all: true });
  if (run.exitCode !== 0) return { passed: false, detail: `${simulator}: hwgen sim exit ${run.exitCode}: ${(run.all ?? '').trim().split('\n').slice(-1)[0] ?? ''}` };
  const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as SimResultJson;
  const problems = simResultProblems(result);
  if (problems.length > 0) return { passed: false, detail: `${simulator}: ${problems[0]}` };
  return { passed: true, detail: `${simulator} ${result.total.cycles} cycles = predicted` };
}

async function staticChecks(design: RandomDesign): Promise<Verdict> {
  try {
    await checkRandomDesignRtl(design, join(design.dir, 'rtl'));
    return { passed: true, detail: 'lint/icarus/yosys clean' };
  } catch (error) {
    return { passed: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** Every check in turn, stopping at the first failure (its message is the one worth reading). */
async function checkDesign(design: RandomDesign, simulators: readonly SimulatorName[]): Promise<Verdict> {
  const verdicts: Verdict[] = [];
  for (const check of [() => staticChecks(design), ...simulators.map((simulator) => () => simulate(design, simulator))]) {
    const verdict = await check();
    verdicts.push(verdict);
    if (!verdict.passed) return verdict;
  }
  return { passed: true, detail: verdicts.map((verdict) => verdict.detail).join(', ') };
}

async function fuzzDesigns(options: Options, log: (line: string) => void): Promise<number> {
  const failed: string[] = [];
  const started = performance.now();
  for (let seed = options.seed; seed < options.seed + options.count; seed++) {
    const dir = join(options.out, `seed-${seed}`);
    // A folder kept by an earlier failing run would otherwise mix its files with this run's.
    await rm(dir, { recursive: true, force: true });
    const design = await randomDesign(seed, dir);
    const verdict = await checkDesign(design, options.simulators);
    log(`seed ${seed}${design.drawSeed === seed ? '' : ` (redrawn as ${design.drawSeed})`}: ${verdict.passed ? 'pass' : 'FAIL'}: ${design.summary}: ${verdict.detail}`);
    // A passing design's folder is only build output; a failing one is the reproduction, so it stays.
    if (verdict.passed) await rm(design.dir, { recursive: true, force: true });
    else failed.push(design.dir);
  }
  const seconds = (performance.now() - started) / 1000;
  log(`${options.count - failed.length} of ${options.count} random designs passed on ${options.simulators.join(' and ')} in ${seconds.toFixed(0)} s` + (failed.length > 0 ? `; failing designs kept in ${failed.join(', ')}` : ''));
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await fuzzDesigns(optionsOrExit(process.argv.slice(2)), (line) => process.stdout.write(`${line}\n`));
}
