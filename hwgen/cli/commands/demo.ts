/**
 * `hwgen demo`: the main job on the built-in default design and demo workload.
 * Until the RTL generators land it runs the golden model and prints its summary.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { defaultAccelerator } from '../../config/load-config.ts';
import { type GoldenStats, writeGolden } from '../../flows/write-golden.ts';
import { stderrProgress } from '../../util/progress.ts';
import { parseOrThrow } from '../../util/zod-issues.ts';
import { demoWorkload } from '../../workload/demo-workload.ts';
import { manifestSchema } from '../../workload/manifest-schema.ts';
import { resolveWorkload } from '../../workload/resolve.ts';

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`;
}

function summaryTable(stats: GoldenStats): string {
  const header = `${'layer'.padEnd(8)} ${'M×K×N'.padEnd(16)} ${'MACs'.padStart(9)} ${'SNN adds'.padStart(9)} ${'in density'.padStart(10)} ${'out spikes'.padStart(10)}`;
  const rows = stats.layers.map((layer) => {
    const density = percent(layer.totals.nonZeroLevels, layer.K * layer.N);
    return `${layer.name.padEnd(8)} ${`${layer.M}×${layer.K}×${layer.N}`.padEnd(16)} ${String(layer.totals.macs).padStart(9)} ${String(layer.totals.additions).padStart(9)} ${density.padStart(10)} ${String(layer.totals.fires).padStart(10)}`;
  });
  return [header, ...rows].join('\n');
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the main job on the built-in default design and demo workload (writes rtl-out/demo/)')
    .option('-o, --out <DIR>', 'output folder', 'rtl-out/demo')
    .action(async (options: { out: string }) => {
      const accelerator = defaultAccelerator();
      const { ann, snn } = accelerator.config;
      const progress = stderrProgress('demo');
      progress.info(`design ${accelerator.config.name}: ${ann.arrays} ANN array(s) of ${ann.rows}x${ann.cols}, ${snn.cores} SNN core(s) of ${snn.lanes} lanes, ${accelerator.accumulatorBits}-bit accumulators`);
      const manifest = parseOrThrow(manifestSchema, demoWorkload(), 'demo workload');
      const workload = await resolveWorkload({ manifest, file: 'demo workload', baseDir: '.' });
      const goldenDir = join(options.out, 'golden');
      const stats = await writeGolden(workload, goldenDir, 'ann', progress);
      process.stdout.write(`${summaryTable(stats)}\n\ngolden outputs and stats.json in ${goldenDir}\n`);
    });
}
