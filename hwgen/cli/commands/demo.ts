/**
 * `hwgen demo`: the main job on the built-in default design and demo workload. It runs the golden model,
 * generates the RTL, runs the workload through the whole accelerator on Verilator under the `cost` schedule
 * (the host protocol, layers chained on RTL outputs), checks outputs, cycles, counters and events against the
 * golden and cost models, and compares the schedule with ANN-only and random mapping (cost model).
 * Everything lands in rtl-out/demo/.
 */
import type { Command } from 'commander';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Accelerator, defaultAccelerator } from '../../config/load-config.ts';
import { edpChange, evaluatePolicy, throughputGain } from '../../cost/layer-compare.ts';
import { designOf } from '../../cost/layer.ts';
import { CheckError } from '../../errors.ts';
import { writeDesign } from '../../flows/write-design.ts';
import { type GoldenStats, writeGolden } from '../../flows/write-golden.ts';
import { type SimResultJson, simulateIntoDir } from '../../flows/write-sim.ts';
import { generateDesign } from '../../modules/accel/design.ts';
import { annLayer } from '../../golden/ann.ts';
import type { PolicyName } from '../../schedule/types.ts';
import { opsPerCycle } from '../../fpga/gops.ts';
import { type SynthResult, synthesize } from '../../fpga/synth.ts';
import { generateAccelTop } from '../../modules/accel/generator.ts';
import { synthSummary } from './synth.ts';
import { writeReport } from '../../report/page.ts';
import { reportFromSimFolder } from '../../report/sim-folder.ts';
import { writeDirAtomically } from '../../util/atomic-dir.ts';
import { type Progress, stderrProgress } from '../../util/progress.ts';
import { parseOrThrow } from '../../util/zod-issues.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { demoWorkload } from '../../workload/demo-workload.ts';
import { manifestSchema } from '../../workload/manifest-schema.ts';
import { resolveWorkload } from '../../workload/resolve.ts';

const DEMO_SEED = 0;
/** Synthesis target of the demo: LUT, FF, DSP and BRAM counts and the fit on a PYNQ-Z2's xc7z020. */
const DEMO_TARGET = 'xc7';

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

function simTable(sim: SimResultJson): string {
  const header = `${'layer'.padEnd(8)} ${'tiles'.padStart(5)} ${'cycles'.padStart(9)} ${'predicted'.padStart(9)} ${'outputs'.padEnd(8)} ${'energy nJ'.padStart(10)} ${'waveform'.padEnd(22)} counters/events`;
  const rows = sim.layers.map(
    (l) =>
      `${l.name.padEnd(8)} ${String(l.tiles).padStart(5)} ${String(l.cycles).padStart(9)} ${String(l.predictedCycles).padStart(9)} ${(l.match ? 'match' : 'MISMATCH').padEnd(8)} ${(l.energyPj / 1e3).toFixed(1).padStart(10)} ${waveColumn(l).padEnd(22)} ${l.checked ? 'as predicted' : `${l.problems.length} problems`}`,
  );
  return [header, ...rows].join('\n');
}

/** What the waveform check of a layer found: beats compared, or the findings. */
function waveColumn(layer: SimResultJson['layers'][number]): string {
  const check = layer.waveCheck;
  if (check === undefined) return 'not traced';
  return check.checked ? `${check.inputBeats + check.outputBeats} beats checked` : `${check.findings} finding(s)`;
}

interface PolicyTotals {
  readonly cycles: number;
  readonly edpJs: number;
}

/** The demo's layers under a policy, by the cost model (exact, as the RTL run shows for `cost`). */
function policyTotals(gemms: readonly GemmLayer[], outputs: readonly Uint8Array[], accelerator: Accelerator, policy: PolicyName): PolicyTotals {
  const design = designOf(accelerator);
  let cycles = 0;
  let energyPj = 0;
  gemms.forEach((gemm, i) => {
    const { prediction } = evaluatePolicy(gemm, design, policy, { seed: DEMO_SEED, outputs: outputs[i] ?? new Uint8Array() });
    cycles += prediction.cycles;
    energyPj += prediction.energyPj;
  });
  const seconds = cycles / (accelerator.config.clockMHz * 1e6);
  return { cycles, edpJs: energyPj * 1e-12 * seconds };
}

function signedPercent(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(100 * fraction).toFixed(1)} %`;
}

interface DemoRun {
  readonly stats: GoldenStats;
  readonly sim: SimResultJson;
  readonly synth: SynthResult;
  readonly comparison: string;
}

/** Runs the demo into `dir`, a temporary folder that becomes `finalOut` when complete. */
async function runDemo(accelerator: Accelerator, dir: string, finalOut: string, progress: Progress): Promise<DemoRun> {
  const manifest = parseOrThrow(manifestSchema, demoWorkload(), 'demo workload');
  const workload = await resolveWorkload({ manifest, file: 'demo workload', baseDir: '.' });
  const { stats, gemms } = await writeGolden(workload, join(dir, 'golden'), 'ann', progress);
  const generated = progress.start('generating the RTL');
  const files = await writeDesign(generateDesign(accelerator), join(dir, 'rtl'));
  generated(`${files.length} files`);
  await mkdir(join(dir, 'sim'));
  const scratch = await mkdtemp(join(tmpdir(), 'hwgen-demo-'));
  const sim = await simulateIntoDir(accelerator, workload, join(dir, 'sim'), { policy: 'cost', seed: DEMO_SEED, simulator: 'verilator', trace: 'vcd', workDir: scratch, progress });
  await rm(scratch, { recursive: true, force: true });
  const compared = progress.start('comparing with ANN-only and random mapping (cost model)');
  const golden = gemms.map((gemm) => annLayer(gemm));
  const [cost, ann, random] = (['cost', 'ann', 'random'] as const).map((policy) => policyTotals(gemms, golden, accelerator, policy)) as [PolicyTotals, PolicyTotals, PolicyTotals];
  compared();
  const synth = await synthesize(accelerator, generateAccelTop(accelerator), { target: DEMO_TARGET, out: join(dir, 'synth'), finalOut: join(finalOut, 'synth'), work: opsPerCycle(accelerator, workload, 'cost', DEMO_SEED), progress });
  const reported = progress.start('writing report.html');
  const resources = { target: DEMO_TARGET, report: synth };
  await writeReport(dir, await reportFromSimFolder(join(dir, 'sim'), accelerator, workload, { resources, title: `hwgen demo: ${accelerator.config.name} on the demo workload` }));
  reported();
  const comparison = [
    `cost schedule: ${cost.cycles} cycles, EDP ${cost.edpJs.toExponential(3)} J·s`,
    `  vs random mapping (seed ${DEMO_SEED}): ${random.cycles} cycles, throughput ${signedPercent(throughputGain(cost.cycles, random.cycles))}, EDP ${signedPercent(edpChange(cost.edpJs, random.edpJs))}`,
    `  vs ANN arrays only: ${ann.cycles} cycles, EDP ${signedPercent(edpChange(cost.edpJs, ann.edpJs))}`,
  ].join('\n');
  return { stats, sim, synth, comparison };
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
      const { stats, sim, synth, comparison } = await writeDirAtomically(options.out, (dir) => runDemo(accelerator, dir, options.out, progress));
      process.stdout.write(
        `Golden model (demo workload):\n${goldenTable(stats)}\n\nThe accelerator on Verilator (cost schedule) against the golden and cost models:\n${simTable(sim)}\n\n${comparison}\n\nSynthesis (yosys):\n${synthSummary(synth, join(options.out, 'synth'))}\nRTL, golden and RTL outputs, result.json, waveforms, synthesis and report.html in ${options.out}\n`,
      );
      if (!sim.total.checked) throw new CheckError(`${sim.layers.flatMap((l) => l.problems).length} check(s) failed; see ${options.out}/sim/result.json`);
    });
}
