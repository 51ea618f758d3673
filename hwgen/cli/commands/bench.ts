/**
 * `hwgen bench neuroflex`: the NeuroFlex comparisons from the layer cost model on whole zoo layers, then from RTL
 * (Verilator) on a sample of columns of each layer, as Markdown tables.
 */
import { Argument, type Command } from 'commander';
import { WHOLE_LAYER } from '../../bench/neuroflex-rtl.ts';
import { DEFAULT_RTL_ROWS, DEFAULT_RTL_SAMPLE, NEUROFLEX_DESIGNS, NEUROFLEX_RTL_DESIGNS, type NeuroflexOptions, neuroflexBench } from '../../bench/neuroflex.ts';
import { InputError } from '../../errors.ts';
import { parseCount } from '../../util/count-arg.ts';
import { type Progress, silentProgress, stderrProgress } from '../../util/progress.ts';

const BENCHMARKS: Record<string, (progress: Progress, options: NeuroflexOptions) => Promise<string>> = { neuroflex: neuroflexBench };

interface BenchCommandOptions {
  quiet?: boolean;
  rtlSample: string;
  rtlRows: string;
  rtlDesigns: string;
  rtlWhole?: boolean;
}

function parseDesigns(text: string): string[] {
  const ids = text.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const known = NEUROFLEX_DESIGNS.map((target) => target.id);
  const unknown = ids.find((id) => !known.includes(id));
  if (unknown !== undefined || ids.length === 0) throw new InputError('--rtl-designs', '', `expected comma-separated designs among ${known.join(', ')} (got "${text}")`);
  return ids;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run a benchmark and print its Markdown tables (neuroflex: cost vs random and ANN-only on zoo layers from the cost model, about a minute, then from RTL on a sample of each layer, a few minutes)')
    .addArgument(new Argument('<NAME>', 'benchmark').choices(Object.keys(BENCHMARKS)))
    .option('--rtl-sample <N>', 'neuroflex: columns of each layer run in RTL on Verilator (0: no RTL part; all: every layer whole)', String(DEFAULT_RTL_SAMPLE))
    .option('--rtl-rows <N>', 'neuroflex: rows of each layer run in RTL at most', String(DEFAULT_RTL_ROWS))
    .option('--rtl-designs <IDS>', `neuroflex: comma-separated designs run in RTL (among ${NEUROFLEX_DESIGNS.map((target) => target.id).join(', ')})`, NEUROFLEX_RTL_DESIGNS.join(','))
    .option('--rtl-whole', 'neuroflex: also run every layer whole in RTL under cost and ann (about half an hour)')
    .option('-q, --quiet', 'no progress lines')
    .action(async (name: string, options: BenchCommandOptions) => {
      const benchOptions: NeuroflexOptions = {
        rtlSample: options.rtlSample === 'all' ? WHOLE_LAYER : parseCount(options.rtlSample, '--rtl-sample', 0),
        rtlRows: options.rtlSample === 'all' ? WHOLE_LAYER : parseCount(options.rtlRows, '--rtl-rows', 1),
        rtlDesigns: parseDesigns(options.rtlDesigns),
        rtlWhole: options.rtlWhole === true,
      };
      const progress = options.quiet === true ? silentProgress : stderrProgress('bench');
      const run = BENCHMARKS[name];
      if (run === undefined) throw new InputError('bench', '', `no benchmark ${name}`);
      process.stdout.write(`${await run(progress, benchOptions)}\n`);
    });
}
