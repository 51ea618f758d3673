/**
 * `hwgen eval --queue`: the expensive parts of an evaluation as jobs for `hwgen worker`s (eval-run.ts's EvalBackend).
 * The golden model's images are cut into shards of `--shard-images`, each an `eval-shard` job (eval-shard-job.ts);
 * the outcomes are handed to goldenEval in image order, which sums them as it sums a local run's batches (classes
 * image by image, integer tallies), so eval.json and classes.npy are the local run's bytes. The RTL sample's layers
 * are `sim-layer` jobs (sim-backend.ts). The cost model's sample stays here: one batch, cheap beside the rest.
 */
import type { EvalBackend } from '../eval/eval-run.ts';
import type { GoldenBatchOutcome } from '../eval/golden-batch.ts';
import type { RunGoldenBatches } from '../eval/golden-pool.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import { modelBundle } from './eval-shard-job.ts';
import type { JobClient } from './job-client.ts';
import { evalShardJobKey } from './job-key.ts';
import { concurrencyLimit } from '../util/concurrency-limit.ts';
import { queuedSimulateWorkload } from './sim-backend.ts';
import { encodeStored } from './workload-store.ts';

/** Images per eval-shard job unless --shard-images says otherwise: 40 jobs for 10 000 images, 2 for 500. */
export const DEFAULT_SHARD_IMAGES = 250;
/** Shards whose pixels are held here at once (stored in Redis, waiting for their job). */
const SHARDS_IN_FLIGHT = 64;

export interface QueuedEvalOptions {
  readonly shardImages: number;
  /** Images per golden-model batch on the workers (their memory). */
  readonly batchImages: number;
}

function queuedBatches(client: JobClient, batchImages: number): RunGoldenBatches {
  return async (model, shards, _jobs, started) => {
    const code = await codeFingerprint();
    const bundle = encodeStored(await modelBundle(model));
    await client.storeWorkload(bundle);
    const slot = concurrencyLimit(SHARDS_IN_FLIGHT);
    const runs = shards.map((shard) => slot(async () => {
      const finished = started(shard);
      const pixels = encodeStored(shard.pixels);
      await client.storeWorkload(pixels);
      const result = await client.run(evalShardJobKey(bundle.hash, pixels.hash, code), { kind: 'eval-shard', model: bundle.hash, pixels: pixels.hash, batchImages, code });
      client.forgetWorkload(pixels.hash);
      const outcome: GoldenBatchOutcome = { from: shard.from, classes: Int32Array.from(result.classes), tallies: result.tallies };
      return { finished, outcome };
    }));
    for (const run of runs) run.catch(() => undefined);
    // In image order, whatever order the workers finish in.
    for (const run of runs) {
      const { finished, outcome } = await run;
      finished(outcome);
    }
    client.forgetWorkload(bundle.hash);
  };
}

export function queuedEvalBackend(client: JobClient, options: QueuedEvalOptions): EvalBackend {
  return {
    shardImages: options.shardImages,
    runBatches: queuedBatches(client, options.batchImages),
    simulate: (accelerator, workload, sim) => queuedSimulateWorkload(client, accelerator, workload, { policy: sim.policy, seed: sim.seed, simulator: sim.simulator, energyTable: sim.energyTable, progress: sim.progress ?? undefined }),
  };
}
