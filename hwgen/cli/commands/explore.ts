/**
 * `hwgen explore SPACE WORKLOAD`: sweeps a design space (hwgen/explore/space.ts), evaluates every point with the
 * cost model and yosys, keeps the Pareto front of cycles, energy and cells, verifies the front in RTL and writes
 * `pareto.json` (hwgen/report/pareto-file.ts) with the iso-area comparison. Exit 1 when a front point fails its
 * RTL verification (after writing the folder), 2 on a bad space, workload or option. `--queue`: the areas and costs
 * are jobs on Redis for `hwgen worker`s (hwgen/queue), with the same files as a local run.
 */
import { type Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import type { SimulatorName } from '../../../sim/types.ts';
import { loadEnergyTable } from '../../cost/energy-table.ts';
import { CheckError, InputError } from '../../errors.ts';
import { type ExploreResult, exploreSpace } from '../../explore/explore.ts';
import { loadSpace } from '../../explore/space.ts';
import { queuedBackend } from '../../queue/explore-backend.ts';
import { JobClient } from '../../queue/job-client.ts';
import { type RedisAddress, parseQueueUrl } from '../../queue/queue-url.ts';
import { frontTable, isoAreaTable } from '../../explore/tables.ts';
import { writeDirAtomically } from '../../util/atomic-dir.ts';
import { silentProgress, stderrProgress } from '../../util/progress.ts';
import { workloadFiles } from '../../workload/load-manifest.ts';
import { loadWorkloadArg } from '../workload-arg.ts';
import { DEFAULT_SIMULATOR, SIMULATORS } from '../../../sim/registry.ts';

interface ExploreCommandOptions {
  out?: string;
  jobs?: string;
  synthJobs: string;
  verify: boolean;
  verifyLayers?: string;
  simulator: SimulatorName;
  energy?: string;
  quiet?: boolean;
  queue?: string;
}

const DEFAULT_SYNTH_JOBS = 2;

function positiveCount(text: string, option: string): number {
  const value = Number(text);
  if (!/^\s*[1-9]\d*\s*$/.test(text) || !Number.isSafeInteger(value)) throw new InputError(option, '', `expected a whole number ≥ 1 (got "${text}")`);
  return value;
}

export function registerExplore(program: Command): void {
  program
    .command('explore')
    .description('sweep a design space over the cost model and yosys, keep the Pareto front of cycles, energy and cells, verify it in RTL, write pareto.json (docs/exploration.md)')
    .argument('<SPACE>', 'design space (YAML/JSON): base config, value lists, constraints, iso-area budgets')
    .argument('<WORKLOAD>', 'workload manifest (YAML/JSON), zoo network name, or demo')
    .option('-o, --out <DIR>', 'output folder (replaced only when complete; default rtl-out/explore/<space name>)')
    .option('--jobs <N>', 'cost-model worker threads (default: the machine\'s cores)')
    .option('--synth-jobs <N>', 'yosys runs and RTL simulations at a time', String(DEFAULT_SYNTH_JOBS))
    .option('--no-verify', 'do not verify the front in RTL')
    .option('--verify-layers <NAMES>', 'verify the front on these layers only (comma-separated, layers with their own input)')
    .addOption(new Option('--simulator <NAME>', 'simulator of the RTL verification').choices(SIMULATORS).default(DEFAULT_SIMULATOR))
    .option('--energy <FILE>', 'energy table override, pJ per event (YAML/JSON)')
    .option('-q, --quiet', 'no progress lines')
    .option('--queue <URL>', 'synthesise and cost the points as jobs on this Redis (redis://HOST:PORT[/DB]), taken by `hwgen worker`s')
    .action(runExplore);
}

function summary(result: ExploreResult, out: string, simulator: SimulatorName): string {
  const { pareto, notes, candidates } = result;
  const front = pareto.points.filter((point) => point.pareto);
  const lines = [
    `${pareto.space} on ${pareto.workload}: ${candidates} points, ${pareto.points.length} evaluated, ${front.length} on the Pareto front of cycles, energy and yosys generic cells:`,
    frontTable(pareto.points),
  ];
  if (notes.length > 0) lines.push('', `notes (${notes.length}):`, ...notes.map((note) => `  ${note}`));
  if (pareto.isoArea.length > 0) lines.push('', 'iso-area: the best ANN-only and hybrid designs (fewest cycles, then EDP) within each budget; hybrid against ANN-only:', isoAreaTable(pareto));
  const verified = front.filter((point) => point.verified !== undefined);
  if (verified.length > 0) {
    const held = verified.filter((point) => point.verified?.match === true).length;
    lines.push('', `front verified in RTL (${simulator}): ${held} of ${verified.length} points with cycles as predicted and outputs equal to the golden model`);
  }
  lines.push(`-> ${out}/pareto.json`);
  return `${lines.join('\n')}\n`;
}

/** Where the jobs go, and whether anyone takes them: with no worker the run waits, which must not look like a hang. */
async function queueLine(queue: JobClient, address: RedisAddress): Promise<string> {
  const workers = await queue.workers();
  const where = `areas and costs as jobs on ${address.display}`;
  return workers > 0 ? `${where}, ${workers} worker(s) connected` : `${where}: no worker connected yet, the jobs wait for \`hwgen worker --queue ${address.display}\``;
}

async function runExplore(spaceFile: string, workloadArg: string, options: ExploreCommandOptions): Promise<void> {
  // A bad --queue is refused before any work, like every other option.
  const address = options.queue === undefined ? undefined : parseQueueUrl(options.queue);
  const jobs = options.jobs === undefined ? availableParallelism() : positiveCount(options.jobs, '--jobs');
  const toolJobs = positiveCount(options.synthJobs, '--synth-jobs');
  const space = await loadSpace(spaceFile);
  const workload = await loadWorkloadArg(workloadArg);
  const verifyWorkload = !options.verify ? undefined : options.verifyLayers === undefined ? workload : await loadWorkloadArg(workloadArg, { layers: options.verifyLayers });
  const energyTable = options.energy === undefined ? undefined : await loadEnergyTable(options.energy);
  const progress = options.quiet === true ? silentProgress : stderrProgress('explore');
  const out = options.out ?? `rtl-out/explore/${space.name}`;
  const inputs = [spaceFile, ...(options.energy === undefined ? [] : [options.energy]), ...workloadFiles(workload)];
  const queue = address === undefined ? undefined : await JobClient.open(address);
  let result: ExploreResult;
  try {
    const backend = queue === undefined ? undefined : await queuedBackend(queue);
    if (queue !== undefined && address !== undefined) progress.info(await queueLine(queue, address));
    result = await writeDirAtomically(out, { command: 'explore', inputs }, (dir) =>
      exploreSpace({ space, workload, verifyWorkload, simulator: options.simulator, jobs, toolJobs, energyTable, progress, backend }, dir),
    );
  } finally {
    await queue?.close();
  }
  process.stdout.write(summary(result, out, options.simulator));
  if (result.failures.length > 0) throw new CheckError(`${result.failures.length} front point(s) failed RTL verification, first: ${result.failures[0] ?? '?'} (see ${out}/pareto.json)`);
}
