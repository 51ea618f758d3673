/**
 * `hwgen eval MODEL.onnx|WORKLOAD --images X.npy --labels Y.npy --out DIR`: top-1 accuracy of the golden model on
 * every image, of the RTL on the first `--rtl N` (which must classify each of them as the golden model does), the
 * activation statistics and the predicted cost per image of every policy (hwgen/eval/). Exit 1 when the RTL differs;
 * eval.json is written either way. `--queue`: the golden model's images in shards and the RTL sample's layers are
 * jobs on Redis for `hwgen worker`s (hwgen/queue/eval-backend.ts), with the same files as a local run.
 */
import { type Command, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { loadAccelerator } from '../../config/load-config.ts';
import { CheckError } from '../../errors.ts';
import { type EvalModel, modelFromOnnx, modelFromWorkload } from '../../eval/eval-model.ts';
import { writeEvalDir, summaryLines } from '../../eval/eval-report.ts';
import { runEval } from '../../eval/eval-run.ts';
import { DEFAULT_BATCH_IMAGES } from '../../eval/golden-eval.ts';
import { DEFAULT_COST_IMAGES } from '../../eval/policy-costs.ts';
import type { RtlEval } from '../../eval/rtl-eval.ts';
import { POLICIES, type PolicyName } from '../../schedule/types.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { SIMULATORS } from '../../../sim/registry.ts';
import { silentProgress, stderrProgress } from '../../util/progress.ts';
import { withScratchDir } from '../../util/scratch-dir.ts';
import { parseSeed } from '../../util/seed-arg.ts';
import { parseCount } from '../../util/count-arg.ts';
import { loadWorkloadArg } from '../workload-arg.ts';
import { evalSuite, writeJunit } from '../../report/junit.ts';
import type { EvalBackend } from '../../eval/eval-run.ts';
import { DEFAULT_SHARD_IMAGES, queuedEvalBackend } from '../../queue/eval-backend.ts';
import { JobClient } from '../../queue/job-client.ts';
import { type RedisAddress, parseQueueUrl } from '../../queue/queue-url.ts';
import type { Progress } from '../../util/progress.ts';

interface EvalCommandOptions {
  images: string;
  labels: string;
  out?: string;
  rtl: string;
  config?: string;
  costImages: string;
  batch: string;
  jobs?: string;
  policy: PolicyName;
  simulator: SimulatorName;
  seed: string;
  junit?: string;
  quiet?: boolean;
  queue?: string;
  shardImages: string;
}

async function loadModel(arg: string, scratch: string): Promise<EvalModel> {
  if (arg.toLowerCase().endsWith('.onnx')) return modelFromOnnx(arg, scratch);
  return modelFromWorkload(await loadWorkloadArg(arg), scratch);
}

/** The RTL must give the golden model's outputs and classes, at the predicted cost; eval.json is already written. */
function checkRtl(rtl: RtlEval | undefined, report: string): void {
  if (rtl === undefined || (rtl.problems.length === 0 && rtl.agreeing === rtl.images)) return;
  throw new CheckError(`RTL: ${rtl.images - rtl.agreeing} of ${rtl.images} images classified differently from the golden model, ${rtl.problems.length} problem(s); see ${report}`);
}

/** Runs `work` with the queue's backend (and says where the jobs go), or with none (everything here). */
async function withBackend(address: RedisAddress | undefined, shardImages: number, batchImages: number, progress: Progress, work: (backend: EvalBackend | undefined) => Promise<void>): Promise<void> {
  if (address === undefined) return work(undefined);
  const client = await JobClient.open(address);
  try {
    const workers = await client.workers();
    const where = `golden-model shards of ${shardImages} images and RTL layers as jobs on ${address.display}`;
    progress.info(workers > 0 ? `${where}, ${workers} worker(s) connected` : `${where}: no worker connected yet, the jobs wait for \`hwgen worker --queue ${address.display}\``);
    await work(queuedEvalBackend(client, { shardImages, batchImages }));
  } finally {
    await client.close();
  }
}

async function runEvalCommand(modelArg: string, options: EvalCommandOptions): Promise<void> {
  // A bad --queue is refused before any work, like every other option.
  const address = options.queue === undefined ? undefined : parseQueueUrl(options.queue);
  const shardImages = parseCount(options.shardImages, '--shard-images', 1);
  const rtlImages = parseCount(options.rtl, '--rtl', 0);
  const costImages = parseCount(options.costImages, '--cost-images', 0);
  const batchImages = parseCount(options.batch, '--batch', 1);
  const jobs = options.jobs === undefined ? availableParallelism() : parseCount(options.jobs, '--jobs', 1);
  const seed = parseSeed(options.seed);
  const accelerator = await loadAccelerator(options.config);
  const progress = options.quiet === true ? silentProgress : stderrProgress('eval');
  const modelName = basename(modelArg, extname(modelArg));
  await withBackend(address, shardImages, batchImages, progress, async (backend) => withScratchDir('hwgen-eval-', async (scratch) => {
    const loaded = progress.start(`reading ${modelArg}`);
    const model = await loadModel(modelArg, scratch);
    loaded(`${model.template.layers.length} layers, ${model.classes} classes`);
    const result = await runEval(model, { images: options.images, labels: options.labels, accelerator, rtlImages, costImages, batchImages, jobs, policy: options.policy, seed, simulator: options.simulator, workDir: scratch, progress, backend });
    const inputs = [modelArg, options.images, options.labels, ...(options.config === undefined ? [] : [options.config])];
    const out = options.out ?? `rtl-out/eval/${modelName}`;
    await writeEvalDir(out, result, accelerator, seed, inputs);
    for (const line of summaryLines(result)) process.stdout.write(`${line}\n`);
    process.stdout.write(`-> ${join(out, 'eval.json')}\n`);
    if (options.junit !== undefined) await writeJunit(options.junit, evalSuite(modelName, result));
    checkRtl(result.rtl, join(out, 'eval.json'));
  }));
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('top-1 accuracy of the golden model on every image and of the RTL on the first --rtl N (classes equal image for image), activation statistics and predicted cycles, energy and EDP per image for every policy; writes DIR/eval.json and classes.npy')
    .argument('<MODEL>', 'ONNX model (.onnx, imported as hwgen import does) or workload (manifest, zoo name, demo) whose last layer classifies')
    .requiredOption('--images <X.npy>', 'uint8 images [N,C,H,W] ([N,K] for a model that starts with a gemm)')
    .requiredOption('--labels <Y.npy>', 'labels [N], int32 or uint8, each 0..classes-1')
    .option('-o, --out <DIR>', 'output folder (replaced only when complete; default rtl-out/eval/<model name>)')
    .option('--rtl <N>', 'run the first N images through the RTL', '0')
    .option('--config <CONFIG>', 'accelerator config (YAML/JSON) for the RTL and the cost model (default: the built-in design)')
    .option('--cost-images <N>', 'images the cost model predicts as one batch, for the per-image figures (0: none)', String(DEFAULT_COST_IMAGES))
    .option('--batch <N>', 'images per golden-model batch (memory per thread)', String(DEFAULT_BATCH_IMAGES))
    .option('--jobs <N>', 'golden-model worker threads (default: one per core)')
    .addOption(new Option('--policy <POLICY>', 'column schedule of the RTL run').choices(POLICIES).default('cost'))
    .addOption(new Option('--simulator <NAME>', 'simulator of the RTL run').choices(SIMULATORS).default('verilator'))
    .option('--seed <N>', 'seed of the random policy', '0')
    .option('--junit <FILE>', 'also write the checks as a JUnit XML report: the accuracy, and the RTL run as a test case (for CI)')
    .option('-q, --quiet', 'no progress lines')
    .option('--queue <URL>', 'classify the images in shards, and simulate the RTL sample\'s layers, as jobs on this Redis (redis://HOST:PORT[/DB]), taken by `hwgen worker`s')
    .option('--shard-images <N>', 'images per golden-model job with --queue (a worker runs them in batches of --batch)', String(DEFAULT_SHARD_IMAGES))
    .action(runEvalCommand);
}
