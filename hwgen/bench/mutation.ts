/**
 * Mutation testing of the project's checks (docs/simulation.md, "Mutation testing"): a small design's generated
 * Verilog gets one single-point fault at a time (hwgen/bench/mutation-operators.ts), and each mutant runs through
 * what `hwgen sim --trace` checks on two small layers, levels then logits (simulateGemm: outputs against the golden model, every tile's
 * cycles, counters and events against the cost model, and the waveform check). Per mutant:
 *
 * - caught: some check failed, a hang (`done` never seen) or a simulator error included; which ones are listed;
 * - survived: every check passed, yet the top's outputs or the probed streams differ from the unmutated run in
 *   some cycle (a gap in the checks; the first difference is kept as the reason);
 * - equivalent-suspect: every check passed and the top's outputs and probed streams are the unmutated run's,
 *   cycle for cycle (equivalent, or not exercised by these layers);
 * - not-compiling: the simulator's build failed.
 *
 * The score is caught / (caught + survived). The table goes to stdout, the result to rtl-out/mutation/mutation.json.
 * `npx tsx hwgen/bench/mutation.ts [--simulator icarus|verilator] [--limit N] [--seed S] [--out DIR]`
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import { type ModuleDescription, allFiles } from '../arch/module.ts';
import { type Accelerator, acceleratorFrom } from '../config/load-config.ts';
import { CheckError, ToolError } from '../errors.ts';
import { accelTraceProbes } from '../flows/wave-check.ts';
import { PROGRAM_TB_MODULE } from '../flows/program-player.ts';
import { type SimOptions, simulateGemm } from '../flows/simulate.ts';
import { programOutputs } from '../host/program.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import { markdownTable } from '../util/measure.ts';
import { Rng } from '../util/rng.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { type Mutation, MUTATION_OPERATORS, applyMutation, describeMutation, mutationsOf } from './mutation-operators.ts';
import { SignalTable, openNumberedCycles } from '../../sim/waveform/transactions.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { WAVE_CHECK_CONFIG } from '../testing/wave-check-design.ts';
import { scriptOptionsOrExit } from './script-options.ts';

export type Outcome = 'caught' | 'survived' | 'equivalent-suspect' | 'not-compiling';

export interface MutantResult {
  readonly id: number;
  readonly operator: Mutation['operator'];
  /** `hwgen_accel_top.v:120: assign done = running && &fin;  →  assign done = &fin;` */
  readonly change: string;
  readonly outcome: Outcome;
  /** The checks that failed (caught), e.g. `waveform/run-control`, `golden outputs`, `hang`. */
  readonly checks: readonly string[];
  /** The first problem (caught), the first observable difference (survived), or the build error (not compiling). */
  readonly detail: string;
  readonly seconds: number;
}

interface Options {
  readonly simulator: SimulatorName;
  readonly limit: number;
  readonly seed: number;
  readonly out: string;
}

/** The design of the wave-check tests (hwgen/testing/wave-check-design.ts), one level per drain read. */
function smallDesign(): Accelerator {
  return acceleratorFrom(WAVE_CHECK_CONFIG, 'mutation');
}

/** A layer of levels (2 tiles, every core busy, stalling input streams), then one of logits (4 bytes an output). */
function smallLayers(): GemmLayer[] {
  const rng = new Rng(5);
  const layer = (name: string, M: number, K: number, N: number): GemmLayer => ({
    name, M, K, N, T: 4, inLevels: 7,
    weights: Int8Array.from({ length: M * K }, () => rng.nextInt(-128, 127)),
    input: Uint8Array.from({ length: K * N }, (_, i) => (i % N === 0 || rng.nextFloat() > 0.5 ? 0 : rng.nextInt(1, 7))),
    bias: Int32Array.from({ length: M }, () => rng.nextInt(-300, 300)),
    theta: Int32Array.from({ length: M }, () => rng.nextInt(1, 400)),
  });
  // A logits layer has θ = 1 (docs/numerics.md, "Logits"): both cores then end at acc + b.
  const logits = layer('logits', 4, 10, 6);
  return [layer('l0', 7, 10, 12), { ...logits, theta: logits.theta.fill(1), output: 'accumulator' }];
}

/** A run that waits this many cycles for `done` is a hang (the layer's tiles run in well under 200). */
const MAX_WAIT = 5000;
/** Wall-clock limit of one mutant's simulation: a combinational loop may stall the simulator's time. */
const TIMEOUT_MS = 120_000;

/** `--simulator` (default icarus), `--limit` (default 40), `--seed` (default 1), `--out` (default rtl-out/mutation). */
function optionsOrExit(argv: readonly string[]): Options {
  const { simulator, count, seed, out } = scriptOptionsOrExit('mutation', argv, { countFlag: 'limit', count: 40, seed: 1, out: 'rtl-out/mutation' });
  return { simulator: simulator ?? 'icarus', limit: count, seed, out };
}

/** Every candidate fault of every generated file. */
function allMutations(top: ModuleDescription): Mutation[] {
  return allFiles(top).flatMap((file) => mutationsOf(file.name, file.text));
}

/** `limit` mutations: each operator's candidates shuffled by the seed, then taken in turn, so that every operator is sampled. */
export function sampleMutations(candidates: readonly Mutation[], limit: number, seed: number): Mutation[] {
  const rng = new Rng(seed);
  const queues = MUTATION_OPERATORS.map((operator) => shuffle(candidates.filter((m) => m.operator === operator), rng));
  const sample: Mutation[] = [];
  while (sample.length < limit && queues.some((queue) => queue.length > 0)) {
    for (const queue of queues) {
      const next = queue.shift();
      if (next !== undefined && sample.length < limit) sample.push(next);
    }
  }
  return sample;
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.nextInt(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** The design with one file's text replaced, wherever in the module tree that file is. */
function withMutation(module: ModuleDescription, mutation: Mutation): ModuleDescription {
  return {
    ...module,
    files: module.files.map((file) => (file.name === mutation.file ? { ...file, text: applyMutation(file.text, mutation) } : file)),
    submodules: module.submodules.map((sub) => withMutation(sub, mutation)),
  };
}

/** The family of check a `problems` line comes from (hwgen/flows/simulate.ts words them). */
function checkOf(problem: string): string | undefined {
  const wave = /: waveform: ([a-z-]+): /.exec(problem);
  if (wave !== null) return `waveform/${wave[1]}`;
  if (/: waveform: and \d+ more/.test(problem)) return undefined;
  if (problem.includes('differ from the golden model')) return 'golden outputs';
  if (/: (load cycles|wait cycles|drain cycles|cnt_cycles) /.test(problem)) return 'tile cycles';
  if (/ counter \w+ = /.test(problem)) return 'counters';
  if (/ events \d+, predicted/.test(problem)) return 'events';
  if (/ cycles, predicted /.test(problem)) return 'layer cycles';
  return 'other';
}

/** What a failed simulation says about the mutant. */
function outcomeOfError(error: unknown): { outcome: Outcome; checks: string[]; detail: string } {
  const message = error instanceof Error ? error.message : String(error);
  const detail = message.split('\n')[0]!.slice(0, 400);
  if (error instanceof ToolError && message.includes('build failed')) return { outcome: 'not-compiling', checks: [], detail };
  if (message.includes('not seen in')) return { outcome: 'caught', checks: ['hang (done not seen)'], detail };
  if (message.includes('timed out')) return { outcome: 'caught', checks: ['timeout'], detail };
  if (error instanceof ToolError) return { outcome: 'caught', checks: ['simulation error'], detail };
  if (error instanceof CheckError) return { outcome: 'caught', checks: ['read-back'], detail };
  return { outcome: 'caught', checks: ['error'], detail };
}

/** Every rising edge's sample of the top's outputs, start, done, the bank read and the cores' streams: what any check could see of a run. */
interface Observation {
  readonly names: readonly string[];
  readonly rows: readonly { readonly cycle: number; readonly values: readonly string[] }[];
  readonly digest: string;
}

/** A signal the observation samples; a stream's payload only counts while its valid is high (a don't-care otherwise). */
interface Observed {
  readonly name: string;
  readonly validOf?: string;
}

function observedSignals(top: ModuleDescription, accelerator: Accelerator): Observed[] {
  const probes = accelTraceProbes(accelerator);
  const streams = probes.cores.flatMap((core) => [core.input, core.output]);
  return [
    ...programOutputs(top.ports).fields.map((field) => ({ name: `${PROGRAM_TB_MODULE}.${field.port.name}` })),
    { name: probes.start },
    { name: probes.done },
    ...[probes.bankRead.core, probes.bankRead.addr, probes.bankRead.data].map((name) => ({ name })),
    ...streams.flatMap((stream) => [
      { name: stream.valid },
      ...(stream.ready === undefined ? [] : [{ name: stream.ready }]),
      ...stream.payload.map((field) => ({ name: field.signal, validOf: stream.valid })),
    ]),
  ];
}

async function observe(waveform: string, top: ModuleDescription, accelerator: Accelerator): Promise<Observation> {
  const signals = observedSignals(top, accelerator);
  const table = new SignalTable();
  const at = signals.map((signal) => table.indexOf(signal.name));
  const validAt = signals.map((signal) => (signal.validOf === undefined ? undefined : table.indexOf(signal.validOf)));
  const reset = table.indexOf(`${PROGRAM_TB_MODULE}.rst`);
  const counter = table.indexOf(`${PROGRAM_TB_MODULE}.cycle`);
  const { cycles } = await openNumberedCycles(waveform, table, { clock: `${PROGRAM_TB_MODULE}.clk`, reset, counter });
  const rows: { cycle: number; values: string[] }[] = [];
  const hash = createHash('sha256');
  for await (const edge of cycles) {
    const values = signals.map((_, i) => (validAt[i] !== undefined && edge.values[validAt[i]!] !== 1n ? '-' : String(edge.values[at[i]!])));
    rows.push({ cycle: edge.cycle, values });
    hash.update(`${edge.cycle}:${values.join(',')}\n`);
  }
  return { names: signals.map((signal) => signal.name), rows, digest: hash.digest('hex') };
}

/** The first cycle and signal in which a mutant's run differs from the reference: the reason a survivor matters. */
function firstDifference(reference: Observation, mutant: Observation): string {
  const length = Math.max(reference.rows.length, mutant.rows.length);
  for (let r = 0; r < length; r++) {
    const a = reference.rows[r], b = mutant.rows[r];
    if (a === undefined || b === undefined) return `the run is ${mutant.rows.length - reference.rows.length > 0 ? 'longer' : 'shorter'} (${mutant.rows.length} edges, reference ${reference.rows.length})`;
    const i = a.values.findIndex((value, k) => value !== b.values[k]);
    if (i >= 0 || a.cycle !== b.cycle) {
      const name = reference.names[Math.max(i, 0)]!.replace(`${PROGRAM_TB_MODULE}.`, '');
      return `${name} in cycle ${a.cycle}: ${b.values[Math.max(i, 0)]}, unmutated ${a.values[Math.max(i, 0)]}`;
    }
  }
  return '';
}

interface Bench {
  readonly accelerator: Accelerator;
  readonly layers: readonly GemmLayer[];
  readonly top: ModuleDescription;
  readonly sim: Omit<SimOptions, 'workDir'>;
  readonly work: string;
}

/** One layer's run through simulateGemm: its problems and its waveform (a failed simulation throws). */
async function simulate(bench: Bench, top: ModuleDescription, layer: number, name: string): Promise<{ problems: readonly string[]; waveform: string | undefined }> {
  const result = await simulateGemm(bench.accelerator, bench.layers[layer]!, layer, { ...bench.sim, workDir: join(bench.work, name), top });
  return { problems: result.problems, waveform: result.waveform };
}

/** The unmutated runs: every layer must pass, and what they show is what mutants are compared with. */
async function referenceRuns(bench: Bench): Promise<Observation[]> {
  const observations: Observation[] = [];
  for (const [i, layer] of bench.layers.entries()) {
    const run = await simulate(bench, bench.top, i, 'reference');
    if (run.problems.length > 0) throw new Error(`the unmutated design fails its checks on ${layer.name}: ${run.problems[0]}`);
    observations.push(await observe(run.waveform!, bench.top, bench.accelerator));
  }
  return observations;
}

/**
 * A mutant through every layer, stopping at the first that a check fails. The checks that failed, or else the
 * first observable difference from the unmutated runs ('' when there is none).
 */
async function judgeMutant(bench: Bench, references: readonly Observation[], top: ModuleDescription, name: string): Promise<{ problems: readonly string[]; difference: string }> {
  let difference = '';
  for (const [i, layer] of bench.layers.entries()) {
    const { problems, waveform } = await simulate(bench, top, i, name);
    if (problems.length > 0) return { problems, difference };
    if (difference === '') {
      const seen = await observe(waveform!, top, bench.accelerator);
      if (seen.digest !== references[i]!.digest) difference = `${layer.name}: ${firstDifference(references[i]!, seen)}`;
    }
  }
  return { problems: [], difference };
}

async function runMutant(bench: Bench, references: readonly Observation[], mutation: Mutation, id: number): Promise<MutantResult> {
  const began = performance.now();
  const text = allFiles(bench.top).find((file) => file.name === mutation.file)!.text;
  const base = { id, operator: mutation.operator, change: describeMutation(text, mutation) };
  const finish = (outcome: Outcome, checks: readonly string[], detail: string): MutantResult => ({ ...base, outcome, checks, detail, seconds: (performance.now() - began) / 1000 });
  try {
    const { problems, difference } = await judgeMutant(bench, references, withMutation(bench.top, mutation), `m${id}`);
    if (problems.length > 0) return finish('caught', [...new Set(problems.map(checkOf).filter((c): c is string => c !== undefined))], problems[0]!);
    if (difference === '') return finish('equivalent-suspect', [], "every layer's top outputs, start/done, bank reads and stream beats as unmutated, cycle for cycle");
    return finish('survived', [], difference);
  } catch (error) {
    const { outcome, checks, detail } = outcomeOfError(error);
    return finish(outcome, checks, detail);
  } finally {
    await rm(join(bench.work, `m${id}`), { recursive: true, force: true });
  }
}

export interface MutationReport {
  readonly simulator: SimulatorName;
  readonly seed: number;
  readonly design: string;
  readonly layers: readonly string[];
  readonly candidates: Readonly<Record<string, number>>;
  readonly mutants: readonly MutantResult[];
  readonly counts: Readonly<Record<Outcome, number>>;
  /** caught / (caught + survived). */
  readonly score: number;
  /** Per check, the mutants it alone caught: what would escape without it. */
  readonly soleCatches: Readonly<Record<string, number>>;
}

export function summarize(results: readonly MutantResult[]): { counts: Record<Outcome, number>; score: number; soleCatches: Record<string, number> } {
  const counts: Record<Outcome, number> = { caught: 0, survived: 0, 'equivalent-suspect': 0, 'not-compiling': 0 };
  const soleCatches: Record<string, number> = {};
  for (const result of results) {
    counts[result.outcome] += 1;
    const [only] = result.checks;
    if (result.outcome === 'caught' && result.checks.length === 1 && only !== undefined) soleCatches[only] = (soleCatches[only] ?? 0) + 1;
  }
  const judged = counts.caught + counts.survived;
  return { counts, score: judged === 0 ? 1 : counts.caught / judged, soleCatches };
}

function table(results: readonly MutantResult[]): string {
  const clip = (text: string, n: number) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);
  return markdownTable(
    ['#', 'operator', 'change', 'outcome', 'caught by / detail'],
    results.map((r) => [String(r.id), r.operator, clip(r.change, 110).replaceAll('|', '\\|'), r.outcome, clip(r.outcome === 'caught' ? r.checks.join(', ') : r.detail, 110).replaceAll('|', '\\|')]),
  );
}

export async function mutationBench(options: Options, log: (line: string) => void): Promise<MutationReport> {
  const work = await mkdtemp(join(tmpdir(), 'hwgen-mutation-'));
  // Every mutant is a new build: a cache of their own keeps them out of the project's build cache.
  const cacheBefore = process.env.HWGEN_SIM_CACHE;
  process.env.HWGEN_SIM_CACHE = join(work, 'cache');
  try {
    const accelerator = smallDesign();
    const top = generateAccelTop(accelerator);
    const sim = { policy: 'cost', seed: 3, simulator: options.simulator, trace: 'vcd', traceScope: 'all', maxWait: MAX_WAIT, timeoutMs: TIMEOUT_MS } as const;
    const bench: Bench = { accelerator, layers: smallLayers(), top, work, sim };
    const references = await referenceRuns(bench);
    const candidates = allMutations(top);
    const sample = sampleMutations(candidates, options.limit, options.seed);
    log(`${candidates.length} candidate faults; running ${sample.length} on ${options.simulator}`);
    const mutants: MutantResult[] = [];
    for (const [i, mutation] of sample.entries()) {
      const result = await runMutant(bench, references, mutation, i + 1);
      mutants.push(result);
      log(`${result.id}/${sample.length} ${result.outcome}${result.checks.length > 0 ? ` (${result.checks.join(', ')})` : ''}: ${result.change}`);
    }
    const byOperator = Object.fromEntries(MUTATION_OPERATORS.map((op) => [op, candidates.filter((m) => m.operator === op).length]));
    return { simulator: options.simulator, seed: options.seed, design: 'mutation (1 ANN array 3×4, 2 SNN cores of 3 lanes)', layers: bench.layers.map((layer) => `${layer.name} (M ${layer.M}, K ${layer.K}, N ${layer.N}${layer.output === 'accumulator' ? ', logits' : ''})`), candidates: byOperator, mutants, ...summarize(mutants) };
  } finally {
    if (cacheBefore === undefined) delete process.env.HWGEN_SIM_CACHE;
    else process.env.HWGEN_SIM_CACHE = cacheBefore;
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const options = optionsOrExit(process.argv.slice(2));
  const report = await mutationBench(options, (line) => process.stderr.write(`[mutation] ${line}\n`));
  await mkdir(options.out, { recursive: true });
  const file = join(options.out, 'mutation.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  const { counts, score, soleCatches } = report;
  const sole = Object.entries(soleCatches).map(([check, n]) => `${check} ${n}`).join(', ');
  process.stdout.write(
    `${table(report.mutants)}\n\n${report.mutants.length} mutants on ${report.simulator} (seed ${report.seed}): ${counts.caught} caught, ${counts.survived} survived, ` +
      `${counts['equivalent-suspect']} equivalent-suspect, ${counts['not-compiling']} not compiling; score ${(100 * score).toFixed(1)} % (caught / (caught + survived)); caught by one check alone: ${sole === '' ? 'none' : sole}; ${file}\n`,
  );
}
