/**
 * `hwgen check WAVEFORM [CONFIG] WORKLOAD`: checks waveforms of `hwgen sim --trace` runs against the golden
 * model and the exact cost model (docs/simulation.md, "Waveforms"; hwgen/flows/wave-check.ts), without simulating.
 *
 * WAVEFORM is a `.vcd`/`.fst` file, or a `hwgen sim` output folder (every `waves/<layer>.vcd|fst` in it).
 * The run's schedule is recomputed from the policy and seed, which default to the run's own (its
 * `result.json`, in the folder or beside `waves/`); the recomputed cycles must equal the run's predicted
 * cycles, so a check never silently compares against another schedule. A chained layer takes the
 * previous layer's RTL output when the folder has it (`<layer>.y.npy`), as the run did; else the golden
 * model's. Exit 0 when every waveform checks, 1 with the first mismatch's report, 2 on bad input.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { type Command, Option } from 'commander';
import { type Accelerator, loadAccelerator } from '../../config/load-config.ts';
import { loadEnergyTable } from '../../cost/energy-table.ts';
import { CheckError, InputError } from '../../errors.ts';
import { passOn } from '../../flows/golden.ts';
import { type WaveCheckResult, checkLayerWaveform, layerRunPlan, writeMismatchReport } from '../../flows/wave-check.ts';
import { layerOutput } from '../../golden/output.ts';
import type { OutputValues } from '../../arch/output-stream.ts';
import { POLICIES, type PolicyName, isPolicyName } from '../../schedule/types.ts';
import { decodeNpy } from '../../tensor/npy.ts';
import { silentProgress, stderrProgress } from '../../util/progress.ts';
import { lowerToGemm } from '../../workload/lower.ts';
import { type ResolvedWorkload, resolveWorkload } from '../../workload/resolve.ts';
import { parseSeed } from '../../util/seed-arg.ts';
import { loadWorkloadArg } from '../workload-arg.ts';
import { gemmOutputOrder } from '../../workload/batch.ts';
import { checkSuite, writeJunit } from '../../report/junit.ts';

interface CheckCommandOptions {
  layer?: string;
  policy?: PolicyName;
  seed?: string;
  energy?: string;
  report?: string;
  junit?: string;
  quiet?: boolean;
}

const WAVE_EXTENSIONS = ['.vcd', '.fst'];

/** What a `hwgen sim` folder says about its run (result.json). */
interface RunRecord {
  readonly dir: string;
  readonly file: string;
  readonly workload: string;
  readonly configHash: string;
  readonly policy: PolicyName;
  readonly seed: number;
  readonly layers: ReadonlyMap<string, number>;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('check waveforms of `hwgen sim --trace` against the golden model and the cost model: every beat, protocol rule and predicted cycle (no CONFIG: the default design)')
    .usage('[options] WAVEFORM [CONFIG] WORKLOAD')
    .argument('<WAVEFORM>', 'a .vcd/.fst file, or a `hwgen sim` output folder (every waves/<layer>.vcd|fst)')
    .argument('<CONFIG|WORKLOAD>', 'accelerator config (YAML/JSON) when a WORKLOAD follows, else the WORKLOAD')
    .argument('[WORKLOAD]', 'workload manifest (YAML/JSON) or zoo network name')
    .option('--layer <NAME>', 'the layer a waveform file shows (default: its file name, waves/conv1.vcd is conv1)')
    .addOption(new Option('--policy <POLICY>', 'column schedule of the run (default: the run\'s result.json, else cost)').choices([...POLICIES]))
    .option('--seed <N>', 'seed of the run (default: the run\'s result.json, else 0)')
    .option('--energy <FILE>', 'energy table the run used (the cost policy schedules by energy)')
    .option('--report <DIR>', 'write <layer>.mismatch.txt and <layer>.mismatch.wavedrom.json there')
    .option('--junit <FILE>', 'also write the checks as a JUnit XML report, one test case per waveform (for CI)')
    .option('-q, --quiet', 'no progress lines')
    .action(runCheck);
}

async function runCheck(waveArg: string, second: string, third: string | undefined, options: CheckCommandOptions): Promise<void> {
  const [configFile, workloadArg] = third === undefined ? [undefined, second] : [second, third];
  if (!existsSync(waveArg)) throw new InputError(waveArg, '', 'file not found');
  const isDir = statSync(waveArg).isDirectory();
  const record = await readRunRecord(isDir ? waveArg : runDirOf(waveArg));
  if (isDir && record === undefined) throw new InputError(join(waveArg, 'result.json'), '', 'file not found (a folder to check is a `hwgen sim --trace` output folder)');
  const accelerator = await loadAccelerator(configFile);
  if (record !== undefined && record.configHash !== accelerator.hash) {
    throw new InputError(record.file, 'configHash', `the run used config sha256 ${record.configHash.slice(0, 12)}…, ${configFile ?? 'the default design'} is ${accelerator.hash.slice(0, 12)}…: give the run's CONFIG`);
  }
  const energyTable = await loadEnergyTable(options.energy);
  const policy = options.policy ?? record?.policy ?? 'cost';
  const seed = options.seed === undefined ? (record?.seed ?? 0) : parseSeed(options.seed);
  const loaded = await loadWorkloadArg(workloadArg, { layers: record === undefined ? undefined : subsetOf(record, await loadWorkloadArg(workloadArg)) });
  const workload = await resolveWorkload(loaded);
  if (record !== undefined && record.workload !== workload.name) throw new InputError(record.file, 'workload', `the run was of workload "${record.workload}", ${workloadArg} is "${workload.name}"`);
  const targets = isDir ? await folderWaveforms(waveArg, workload) : [{ file: waveArg, layer: layerOfFile(waveArg, options.layer, workload) }];
  if (targets.length === 0) throw new InputError(join(waveArg, 'waves'), '', 'no waveform (<layer>.vcd or .fst) of any layer of the workload: run `hwgen sim --trace vcd`');
  const progress = options.quiet === true ? silentProgress : stderrProgress('check');
  const results = await checkTargets(accelerator, workload, targets, { policy, seed, energyTable, record, progress });
  if (options.junit !== undefined) await writeJunit(options.junit, checkSuite(workload.name, results));
  let findings = 0;
  let first: WaveCheckResult | undefined;
  for (const result of results) {
    process.stdout.write(`${result.summary}\n`);
    if (result.report === undefined) continue;
    findings += result.total;
    first ??= result;
    process.stdout.write(`\n${result.report}\n\nWaveDrom of the same cycles:\n${JSON.stringify(result.wavedrom)}\n\n`);
    if (options.report !== undefined) {
      await mkdir(options.report, { recursive: true });
      await writeMismatchReport(options.report, result);
    }
  }
  if (first !== undefined) {
    const failed = results.filter((result) => result.report !== undefined).length;
    throw new CheckError(`${findings} finding(s) in ${failed} of ${results.length} waveform(s), first: ${first.problems[0] ?? '?'}`);
  }
}

/** The folder of a run, from one of its waveforms (`<dir>/waves/<layer>.vcd`). */
function runDirOf(file: string): string {
  const dir = dirname(file);
  return basename(dir) === 'waves' ? dirname(dir) : dir;
}

async function readRunRecord(dir: string): Promise<RunRecord | undefined> {
  const file = join(dir, 'result.json');
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    throw new InputError(file, '', 'not valid JSON (a `hwgen sim` result.json was expected)');
  }
  const record = json as { workload?: unknown; configHash?: unknown; policy?: unknown; seed?: unknown; layers?: unknown };
  const layers = Array.isArray(record.layers) ? (record.layers as { name?: unknown; predictedCycles?: unknown }[]) : undefined;
  if (typeof record.workload !== 'string' || typeof record.configHash !== 'string' || !isPolicyName(record.policy) || typeof record.seed !== 'number' || layers === undefined) {
    throw new InputError(file, '', 'not a `hwgen sim` result.json (workload, configHash, policy, seed and layers expected)');
  }
  return {
    dir,
    file,
    workload: record.workload,
    configHash: record.configHash,
    policy: record.policy,
    seed: record.seed,
    layers: new Map(layers.map((layer) => [String(layer.name), Number(layer.predictedCycles)])),
  };
}

/** The run's `--layers`, when it ran only some of the workload's layers. */
function subsetOf(record: RunRecord, loaded: Awaited<ReturnType<typeof loadWorkloadArg>>): string | undefined {
  const all = loaded.manifest.layers.map((layer) => layer.name);
  const ran = [...record.layers.keys()];
  return ran.length === all.length ? undefined : ran.join(',');
}

interface Target {
  readonly file: string;
  readonly layer: string;
}

function layerOfFile(file: string, named: string | undefined, workload: ResolvedWorkload): string {
  const names = workload.layers.map((layer) => layer.spec.name);
  const layer = named ?? basename(file, extname(file));
  if (!names.includes(layer)) {
    const why = named === undefined ? `the file name does not name a layer of ${workload.name}: give --layer` : `${workload.name} has no layer "${named}"`;
    throw new InputError(named === undefined ? file : '--layer', '', `${why} (layers: ${names.join(', ')})`);
  }
  return layer;
}

async function folderWaveforms(dir: string, workload: ResolvedWorkload): Promise<Target[]> {
  const waves = join(dir, 'waves');
  const files = existsSync(waves) ? await readdir(waves) : [];
  return workload.layers.flatMap((layer) => {
    const file = files.find((name) => WAVE_EXTENSIONS.some((ext) => name === `${layer.spec.name}${ext}`));
    return file === undefined ? [] : [{ file: join(waves, file), layer: layer.spec.name }];
  });
}

interface CheckContext {
  readonly policy: PolicyName;
  readonly seed: number;
  readonly energyTable: Awaited<ReturnType<typeof loadEnergyTable>>;
  readonly record: RunRecord | undefined;
  readonly progress: ReturnType<typeof stderrProgress>;
}

/** Walks the layers in order (chaining inputs as the run did) and checks the waveforms of the targets. */
async function checkTargets(accelerator: Accelerator, workload: ResolvedWorkload, targets: readonly Target[], context: CheckContext): Promise<WaveCheckResult[]> {
  const results: WaveCheckResult[] = [];
  const last = Math.max(...targets.map((target) => workload.layers.findIndex((layer) => layer.spec.name === target.layer)));
  let previous: Uint8Array | undefined;
  for (const layer of workload.layers.slice(0, last + 1)) {
    const input = layer.input?.().data ?? previous;
    if (input === undefined) throw new Error(`${layer.field} has no input: resolveWorkload lets no such layer through`);
    const gemm = lowerToGemm(layer, input);
    const target = targets.find((t) => t.layer === layer.spec.name);
    let golden: OutputValues | undefined;
    if (target !== undefined) {
      const done = context.progress.start(`${layer.spec.name}: ${target.file}`);
      const plan = layerRunPlan(accelerator, gemm, context.policy, context.seed, context.energyTable);
      const recorded = context.record?.layers.get(layer.spec.name);
      if (recorded !== undefined && recorded !== plan.prediction.cycles) {
        throw new InputError(context.record!.file, `layers.${layer.spec.name}.predictedCycles`, `${recorded}, but policy ${context.policy}, seed ${context.seed} give ${plan.prediction.cycles}: give the run's --policy, --seed and --energy`);
      }
      const result = await checkLayerWaveform({ file: target.file, accelerator, layer: gemm, prediction: plan.prediction, golden: plan.golden });
      done(result.total === 0 ? 'checked' : `${result.total} findings`);
      results.push(result);
      golden = plan.golden;
    }
    const rtl = await rtlOutput(context.record, layer.spec.name);
    previous = passOn(layer, rtl === undefined ? (golden ?? layerOutput(gemm)) : gemmOutputOrder(layer, rtl));
  }
  return results;
}

/** The layer's output as the run's RTL gave it (`<layer>.y.npy` in the run's folder), if there. */
async function rtlOutput(record: RunRecord | undefined, layer: string): Promise<OutputValues | undefined> {
  if (record === undefined) return undefined;
  const file = join(record.dir, `${layer}.y.npy`);
  if (!existsSync(file)) return undefined;
  const tensor = decodeNpy(await readFile(file), file);
  if (tensor.dtype === 'i1') throw new InputError(file, '', `dtype ${tensor.dtype}, expected u1 or i4 (an RTL output of \`hwgen sim\`)`);
  return tensor.data as OutputValues;
}
