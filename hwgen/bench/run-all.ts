/** `make bench`: every benchmark, printed as the Markdown tables the README quotes. */
import { availableParallelism, cpus } from 'node:os';
import { coresBench } from './cores-bench.ts';
import { evalBench } from './eval-bench.ts';
import { fpgaBench } from '../fpga/fpga-bench.ts';
import { goldenBench } from './golden-bench.ts';
import { laneCostBench } from './lane-cost.ts';
import { neuroflexBench } from './neuroflex.ts';
import { simSpeedBench } from './sim-speed.ts';
import { vcdBench } from './vcd-bench.ts';
import { stderrProgress } from '../util/progress.ts';

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.version}`;
process.stdout.write(`hwgen benchmarks on ${machine}\n\n`);
process.stdout.write(`${await goldenBench()}\n`);
process.stdout.write(`\n${await coresBench()}\n`);
process.stdout.write(`\n${await simSpeedBench(stderrProgress('bench'))}\n`);
process.stdout.write(`\n${await evalBench(stderrProgress('bench'))}\n`);
process.stdout.write(`\n${await neuroflexBench(stderrProgress('bench'), { rtlWhole: true })}\n`);
process.stdout.write(`\n${await vcdBench()}\n`);
process.stdout.write(`\n${await laneCostBench(stderrProgress('bench'))}\n`);
process.stdout.write(`\n${await fpgaBench(stderrProgress('fpga'))}\n`);
