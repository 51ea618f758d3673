/**
 * `hwgen demo`: the main job on the built-in default design and demo workload. It runs the golden
 * model, generates the RTL, runs every demo layer through both cores on Verilator and checks outputs,
 * cycles and event counters against the golden and cost models. Everything lands in rtl-out/demo/.
 * Until the dispatcher and accelerator top exist, each core runs a whole layer on its own.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { type Accelerator, defaultAccelerator } from '../../config/load-config.ts';
import { CheckError } from '../../errors.ts';
import { type CoreCheck, checkCoresOnLayer, checkPassed } from '../../flows/core-check.ts';
import { writeDesign } from '../../flows/write-design.ts';
import { type GoldenStats, writeGolden } from '../../flows/write-golden.ts';
import { generateDesign } from '../../generate/design.ts';
import { writeDirAtomically } from '../../util/atomic-dir.ts';
import { type Progress, stderrProgress } from '../../util/progress.ts';
import { parseOrThrow } from '../../util/zod-issues.ts';
import { demoWorkload } from '../../workload/demo-workload.ts';
import { manifestSchema } from '../../workload/manifest-schema.ts';
import { resolveWorkload } from '../../workload/resolve.ts';

function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)} %`;
}

function goldenTable(stats: GoldenStats): string {
  const header = `${'layer'.padEnd(8)} ${'M×K×N'.padEnd(16)} ${'MACs'.padStart(9)} ${'SNN adds'.padStart(9)} ${'in density'.padStart(10)} ${'out spikes'.padStart(10)}`;
  const rows = stats.layers.map((layer) => {
    const density = percent(layer.totals.nonZeroLevels, layer.K * layer.N);
    return `${layer.name.padEnd(8)} ${`${layer.M}×${layer.K}×${layer.N}`.padEnd(16)} ${String(layer.totals.macs).padStart(9)} ${String(layer.totals.additions).padStart(9)} ${density.padStart(10)} ${String(layer.totals.fires).padStart(10)}`;
  });
  return [header, ...rows].join('\n');
}

function checkTable(checks: readonly CoreCheck[]): string {
  const header = `${'layer'.padEnd(8)} ${'core'.padEnd(10)} ${'columns'.padStart(7)} ${'outputs'.padEnd(8)} ${'cycles'.padStart(9)} ${'predicted'.padStart(9)} counters`;
  const rows = checks.map(
    (c) =>
      `${c.layer.padEnd(8)} ${c.core.padEnd(10)} ${String(c.columns).padStart(7)} ${(c.match ? 'match' : 'MISMATCH').padEnd(8)} ${String(c.cycles).padStart(9)} ${String(c.predictedCycles).padStart(9)} ${c.counterMismatches.length === 0 ? 'all equal' : c.counterMismatches.join(', ')}`,
  );
  return [header, ...rows].join('\n');
}

async function runDemo(accelerator: Accelerator, dir: string, progress: Progress): Promise<{ stats: GoldenStats; checks: CoreCheck[] }> {
  const manifest = parseOrThrow(manifestSchema, demoWorkload(), 'demo workload');
  const workload = await resolveWorkload({ manifest, file: 'demo workload', baseDir: '.' });
  const { stats, gemms } = await writeGolden(workload, join(dir, 'golden'), 'ann', progress);
  const generated = progress.start('generating the RTL');
  const files = await writeDesign(generateDesign(accelerator), join(dir, 'rtl'));
  generated(`${files.length} files`);
  const checks: CoreCheck[] = [];
  for (const gemm of gemms) checks.push(...(await checkCoresOnLayer(accelerator, gemm, 'verilator', join(dir, 'cosim'), progress)));
  return { stats, checks };
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
      const { stats, checks } = await writeDirAtomically(options.out, (dir) => runDemo(accelerator, dir, progress));
      process.stdout.write(`Golden model (demo workload):\n${goldenTable(stats)}\n\nRTL on Verilator against the golden and cost models:\n${checkTable(checks)}\n\nRTL, golden outputs and co-simulation files in ${options.out}\n`);
      const failed = checks.filter((check) => !checkPassed(check));
      if (failed.length > 0) throw new CheckError(`${failed.length} core check(s) failed: ${failed.map((c) => `${c.layer} on the ${c.core}`).join(', ')}`);
    });
}
