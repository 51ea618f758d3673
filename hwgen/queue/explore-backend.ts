/**
 * `hwgen explore --queue`: the explorer's areas and costs as jobs on the queue (explore.ts's ExploreBackend). The
 * golden model still runs here, once per variant, and each variant's workload goes to Redis once; points then
 * cost a small job each. Progress lines, the notes and the files are the local run's: only where the figures are
 * computed changes.
 */
import type { Accelerator } from '../config/load-config.ts';
import type { AcceleratorConfig } from '../config/schema.ts';
import type { CostWorkerData } from '../explore/cost-outcome.ts';
import type { CostEvaluator } from '../explore/cost-pool.ts';
import type { ExploreBackend } from '../explore/explore.ts';
import { toolVersion } from '../fpga/tools.ts';
import { codeFingerprint } from './code-fingerprint.ts';
import type { JobClient } from './job-client.ts';
import { costJobKey, synthJobKey } from './job-key.ts';
import { encodeWorkload } from './workload-store.ts';

/**
 * The yosys version line the synthesis key holds. A submitting machine without yosys still submits: its keys then
 * say so, and only match those of other machines without it (workers should run one yosys version everywhere).
 */
async function yosysVersionHere(): Promise<string> {
  try {
    return await toolVersion('yosys');
  } catch {
    return 'yosys not installed on the submitter';
  }
}

function queuedCosts(client: JobClient, data: CostWorkerData, code: string): CostEvaluator {
  const stored = data.variants.map((layers) => encodeWorkload({ layers, energyTable: data.energyTable }));
  const uploaded = Promise.all(stored.map((workload) => client.storeWorkload(workload)));
  // Until someone awaits it; a failed upload then fails every evaluation with its error.
  uploaded.catch(() => undefined);
  return {
    async evaluate(config: AcceleratorConfig, variant: number) {
      const workload = stored[variant];
      if (workload === undefined) throw new Error(`no workload variant ${variant}`);
      await uploaded;
      return client.run(costJobKey(config, workload.hash, code), { kind: 'cost', config, workload: workload.hash, code });
    },
    close: async () => undefined,
  };
}

/** Every synthesis asked for at once: the workers' number and concurrency decide how many run. */
const ALL_AT_ONCE = Number.MAX_SAFE_INTEGER;

export async function queuedBackend(client: JobClient): Promise<ExploreBackend> {
  const yosys = await yosysVersionHere();
  const code = await codeFingerprint();
  return {
    area: (accelerator: Accelerator) => client.run(synthJobKey(accelerator, yosys, code), { kind: 'synth', config: accelerator.config, code }),
    areaJobs: ALL_AT_ONCE,
    costs: (data) => queuedCosts(client, data, code),
  };
}
