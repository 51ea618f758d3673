/**
 * `hwgen sim [CONFIG] WORKLOAD [--out DIR]`: every layer through the generated accelerator on a simulator, the
 * host protocol driving it (hwgen/host/), checked against the golden model and the exact cost model.
 * Exit 1 when any output level, cycle count, counter or event differs. `--queue`: each layer's simulation is a job on
 * Redis for `hwgen worker`s (hwgen/queue/sim-backend.ts), with the same files as a local run.
 */
import { type Command, Option } from 'commander';
import { loadAccelerator } from '../../config/load-config.ts';
import { loadEnergyTable } from '../../cost/energy-table.ts';
import { refuseLayersTheDesignCannotRun } from '../../cost/layer-limits.ts';
import { CheckError } from '../../errors.ts';
import { writeSim } from '../../flows/write-sim.ts';
import { simSuite, writeJunit } from '../../report/junit.ts';
import { writeReport } from '../../report/page.ts';
import { reportFromSimFolder } from '../../report/sim-folder.ts';
import { simulatorVersion } from '../../report/tool-versions.ts';
import { mismatchFiles, parseTraceWindow } from '../../flows/wave-check.ts';
import type { TraceScope } from '../../flows/program-player.ts';
import type { PolicyName } from '../../schedule/types.ts';
import type { SimulatorName, TraceFormat } from '../../../sim/types.ts';
import { silentProgress, stderrProgress } from '../../util/progress.ts';
import { workloadFiles } from '../../workload/load-manifest.ts';
import { resolveWorkload } from '../../workload/resolve.ts';
import { parseSeed } from '../../util/seed-arg.ts';
import { parseCount } from '../../util/count-arg.ts';
import { loadWorkloadArg } from '../workload-arg.ts';
import { POLICIES } from '../../schedule/types.ts';
import { DEFAULT_SIMULATOR, SIMULATORS } from '../../../sim/registry.ts';
import { InputError } from '../../errors.ts';
import type { SimRun } from '../../flows/write-sim.ts';
import { JobClient } from '../../queue/job-client.ts';
import { type RedisAddress, parseQueueUrl } from '../../queue/queue-url.ts';
import { writeQueuedSim } from '../../queue/sim-backend.ts';

interface SimCommandOptions {
  out?: string;
  policy: PolicyName;
  simulator: SimulatorName;
  seed: string;
  trace: TraceFormat;
  traceScope: TraceScope;
  traceWindow?: string;
  energy?: string;
  layers?: string;
  jobs: string;
  quiet?: boolean;
  junit?: string;
  report?: boolean;
  queue?: string;
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run WORKLOAD through the generated accelerator on a simulator; check outputs against the golden model and cycles/events against the cost model (no CONFIG: the default design)')
    .usage('[options] [CONFIG] WORKLOAD')
    .argument('<CONFIG|WORKLOAD>', 'accelerator config (YAML/JSON) when a WORKLOAD follows, else the WORKLOAD')
    .argument('[WORKLOAD]', 'workload manifest (YAML/JSON) or zoo network name')
    .option('-o, --out <DIR>', 'output folder (replaced only when complete; default rtl-out/sim/<workload name>)')
    .addOption(new Option('--policy <POLICY>', 'column schedule').choices(POLICIES).default('cost'))
    .addOption(new Option('--simulator <NAME>', 'simulator').choices(SIMULATORS).default(DEFAULT_SIMULATOR))
    .option('--seed <N>', 'seed of the random policy', '0')
    .addOption(new Option('--trace <FORMAT>', 'write waveforms into DIR/waves, and check them (docs/simulation.md, "Waveforms")').choices(['vcd', 'fst', 'none']).default('none'))
    .addOption(new Option('--trace-scope <SCOPE>', 'what a waveform holds: every signal, or only the cores\' streams (smaller, still checked)').choices(['all', 'interfaces']).default('all'))
    .option('--trace-window <FROM:TO>', 'dump only program cycles FROM..TO of each layer (either side optional)')
    .option('--energy <FILE>', 'energy table override, pJ per event (YAML/JSON)')
    .option('--layers <NAMES>', "comma-separated layer names to run (layers that take their own input); * is a wildcard: 'conv*'")
    .option('-j, --jobs <N>', 'simulator processes at once for layers that take their own input (chained layers run in order)', '1')
    .option('-q, --quiet', 'no progress lines')
    .option('--junit <FILE>', 'also write the checks as a JUnit XML report, one test case per layer (for CI)')
    .option('--report', 'also write DIR/report.html: figures at a glance, schedules, energy, and the first mismatch\'s waveform window')
    .option('--queue <URL>', 'simulate each layer as a job on this Redis (redis://HOST:PORT[/DB]), taken by `hwgen worker`s; not with --trace')
    .action(runSim);
}

/** Where the layers go, and whether anyone takes them: with no worker the run waits, which must not look like a hang. */
async function queueLine(queue: JobClient, address: RedisAddress): Promise<string> {
  const workers = await queue.workers();
  const where = `layers as jobs on ${address.display}`;
  return workers > 0 ? `${where}, ${workers} worker(s) connected` : `${where}: no worker connected yet, the jobs wait for \`hwgen worker --queue ${address.display}\``;
}

/** The layers simulated by workers (the waveforms, which stay on them, are refused up front). */
async function queuedRun(address: RedisAddress, run: (client: JobClient) => Promise<SimRun>, progress: { info(message: string): void }): Promise<SimRun> {
  const client = await JobClient.open(address);
  try {
    progress.info(await queueLine(client, address));
    return await run(client);
  } finally {
    await client.close();
  }
}

async function runSim(first: string, second: string | undefined, options: SimCommandOptions): Promise<void> {
  const [configFile, workloadArg] = second === undefined ? [undefined, first] : [first, second];
  // A bad --queue is refused before any work, like every other option; waveforms would be written on the workers.
  const address = options.queue === undefined ? undefined : parseQueueUrl(options.queue);
  if (address !== undefined && options.trace !== 'none') throw new InputError('--trace', '', 'waveforms are written only by a local run: drop --queue or --trace');
  const seed = parseSeed(options.seed);
  const jobs = parseCount(options.jobs, '--jobs', 1);
  const traceWindow = options.traceWindow === undefined ? undefined : parseTraceWindow(options.traceWindow);
  const accelerator = await loadAccelerator(configFile);
  const energyTable = await loadEnergyTable(options.energy);
  const loaded = await loadWorkloadArg(workloadArg, { layers: options.layers });
  const workload = await resolveWorkload(loaded);
  const inputs = [...[configFile, options.energy].filter((file) => file !== undefined), ...workloadFiles(loaded)];
  refuseLayersTheDesignCannotRun(accelerator, workload.layers, '--layers');
  const progress = options.quiet === true ? silentProgress : stderrProgress('sim');
  const out = options.out ?? `rtl-out/sim/${workload.name}`;
  const { result, workDir } = address === undefined
    ? await writeSim(accelerator, workload, out, {
      policy: options.policy, seed, simulator: options.simulator, trace: options.trace, energyTable, progress,
      traceScope: options.traceScope, traceWindow, jobs,
    }, inputs)
    : await queuedRun(address, (client) => writeQueuedSim(client, accelerator, workload, out, { policy: options.policy, seed, simulator: options.simulator, energyTable, progress }, inputs), progress);
  const { total } = result;
  if (options.junit !== undefined) await writeJunit(options.junit, simSuite(result));
  if (options.report === true) {
    const tools = await simulatorVersion(options.simulator);
    await writeReport(out, await reportFromSimFolder(out, accelerator, workload, { energyTable, tools }));
  }
  process.stdout.write(
    `${workload.name} on ${accelerator.config.name} (${options.simulator}, policy ${options.policy}): ${result.layers.length} layers, ` +
      `${total.cycles} cycles (predicted ${total.predictedCycles}), ${(total.energyPj / 1e6).toFixed(3)} µJ, ` +
      `outputs ${total.match ? 'match' : 'DIFFER from'} the golden model -> ${out}\n`,
  );
  // Waveform check: point at the mismatch reports the failed checks left beside the waveforms.
  for (const layer of result.layers) {
    if (layer.waveCheck?.report) process.stdout.write(`waveform check of ${layer.name}: ${layer.waveCheck.findings} finding(s), report in ${out}/waves/${mismatchFiles(layer.name).text}\n`);
  }
  const traced = result.layers.filter((layer) => layer.waveCheck !== undefined);
  if (traced.length > 0 && traced.every((layer) => layer.waveCheck?.checked === true)) {
    process.stdout.write(`waveforms of ${traced.length} layers checked: every beat, protocol rule and cycle as the golden and cost models say -> ${out}/waves\n`);
  }
  if (!total.checked) {
    const problems = result.layers.flatMap((layer) => layer.problems);
    const kept = address === undefined ? `simulation files kept in ${workDir ?? '?'}` : 'the workers removed their simulation files: run without --queue to keep them';
    throw new CheckError(`${problems.length} check(s) failed, first: ${problems[0] ?? '?'} (all in ${out}/result.json; ${kept})`);
  }
}
