/** `hwgen golden WORKLOAD [--out DIR]`: the golden model's outputs and per-column statistics. */
import { type Command, Option } from 'commander';
import type { GoldenPath } from '../../flows/golden.ts';
import { writeGolden } from '../../flows/write-golden.ts';
import { stderrProgress, silentProgress } from '../../util/progress.ts';
import { workloadFiles } from '../../workload/load-manifest.ts';
import { resolveWorkload } from '../../workload/resolve.ts';
import { loadWorkloadArg } from '../workload-arg.ts';

interface GoldenOptions {
  out?: string;
  path: GoldenPath;
  layers?: string;
  quiet?: boolean;
}

export function registerGolden(program: Command): void {
  program
    .command('golden')
    .description('run WORKLOAD (a manifest, or a zoo name like vgg16) through the golden model; write <layer>.y.npy and stats.json')
    .argument('<WORKLOAD>', 'workload manifest (YAML/JSON) or zoo network name')
    .option('-o, --out <DIR>', 'output folder (replaced only when complete; default rtl-out/golden/<workload name>)')
    .addOption(new Option('--path <PATH>', 'which implementation of the contract computes the outputs').choices(['ann', 'snn']).default('ann'))
    .option('--layers <NAMES>', 'comma-separated layer names to run (layers that take their own input)')
    .option('-q, --quiet', 'no progress lines')
    .action(async (workloadArg: string, options: GoldenOptions) => {
      const loaded = await loadWorkloadArg(workloadArg, { layers: options.layers });
      const workload = await resolveWorkload(loaded);
      const progress = options.quiet === true ? silentProgress : stderrProgress('golden');
      const out = options.out ?? `rtl-out/golden/${workload.name}`;
      const { stats } = await writeGolden(workload, out, options.path, progress, workloadFiles(loaded));
      const { macs, spikes, fires } = stats.totals;
      process.stdout.write(`${workload.name}: ${stats.layers.length} layers, ${macs} MACs, ${spikes} input spikes, ${fires} output spikes -> ${out}\n`);
    });
}
