/** `hwgen bench neuroflex`: the NeuroFlex comparisons from the layer cost model, as Markdown tables. */
import { Argument, type Command } from 'commander';
import { neuroflexBench } from '../../bench/neuroflex.ts';
import { silentProgress, stderrProgress } from '../../util/progress.ts';

const BENCHMARKS = { neuroflex: neuroflexBench } as const;
type BenchmarkName = keyof typeof BENCHMARKS;

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run a benchmark and print its Markdown tables (neuroflex: cost vs random and ANN-only on zoo layers, about a minute)')
    .addArgument(new Argument('<NAME>', 'benchmark').choices(Object.keys(BENCHMARKS)))
    .option('-q, --quiet', 'no progress lines')
    .action(async (name: BenchmarkName, options: { quiet?: boolean }) => {
      const progress = options.quiet === true ? silentProgress : stderrProgress('bench');
      process.stdout.write(`${await BENCHMARKS[name](progress)}\n`);
    });
}
