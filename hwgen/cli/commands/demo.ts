/**
 * `hwgen demo`: the main job on the built-in default design and a real network. It imports the committed reference
 * network (a QCFS CNN trained on Fashion-MNIST, examples/models/) with a batch of its test images, runs the golden
 * model, generates the RTL, runs the whole network through the accelerator on Verilator under the `cost` schedule
 * (the host protocol, layers chained on RTL outputs, the last layer's int32 logits read back), checks outputs,
 * cycles, counters, events and waveforms against the golden and cost models, classifies the images from the RTL's
 * logits, and compares the schedule with ANN-only and random mapping (cost model). Everything lands in rtl-out/demo/.
 */
import type { Command } from 'commander';
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Accelerator, defaultAccelerator } from '../../config/load-config.ts';
import { edpChange, evaluatePolicy, throughputGain } from '../../cost/layer-compare.ts';
import { designOf } from '../../cost/layer.ts';
import { CheckError } from '../../errors.ts';
import { parseCount } from '../../util/count-arg.ts';
import { writeDesign } from '../../flows/write-design.ts';
import { type GoldenStats, writeGolden } from '../../flows/write-golden.ts';
import { type SimResultJson, simulateIntoDir } from '../../flows/write-sim.ts';
import { generateDesign } from '../../modules/accel/design.ts';
import { fireLevels } from '../../golden/output.ts';
import type { PolicyName } from '../../schedule/types.ts';
import { opsPerCycle } from '../../fpga/gops.ts';
import { type SynthResult, synthesize } from '../../fpga/synth.ts';
import { generateAccelTop } from '../../modules/accel/generator.ts';
import { SYNTH_HEARTBEAT_NOTE, synthSummary } from './synth.ts';
import { writeReport } from '../../report/page.ts';
import { reportFromSimFolder } from '../../report/sim-folder.ts';
import { resourceSectionOf } from '../../report/synth-section.ts';
import { simulatorVersion } from '../../report/tool-versions.ts';
import { writeDirAtomically } from '../../util/atomic-dir.ts';
import { withScratchDir } from '../../util/scratch-dir.ts';
import { type Progress, stderrProgress, withHeartbeat } from '../../util/progress.ts';
import type { GemmLayer } from '../../workload/gemm-layer.ts';
import { type ReferenceBatch, REFERENCE_MODEL, importReferenceBatch, referenceFloatAccuracy } from '../../import/reference-network.ts';
import { runGolden } from '../../flows/golden.ts';
import { argmaxClasses, countEqual } from '../../golden/classes.ts';
import { readNpy } from '../../tensor/npy.ts';
import type { NetworkSummary } from '../../report/report-data.ts';

const DEMO_SEED = 0;
/** Test images in the demo's batch: about a minute of Verilator with waveforms. */
const DEMO_IMAGES = 8;
/** The committed test images (examples/models/test_images_500.npy). */
const REFERENCE_TEST_IMAGES = 500;
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
  /** Per layer, column runs (a column once per row tile) on the SNN cores, and all column runs. */
  readonly snnColumns: readonly number[];
  readonly columns: readonly number[];
}

/** The demo's layers under a policy, by the cost model (exact, as the RTL run shows for `cost`). */
function policyTotals(gemms: readonly GemmLayer[], outputs: readonly Uint8Array[], accelerator: Accelerator, policy: PolicyName): PolicyTotals {
  const design = designOf(accelerator);
  let cycles = 0;
  let energyPj = 0;
  const snnColumns: number[] = [];
  const columns: number[] = [];
  gemms.forEach((gemm, i) => {
    const outcome = evaluatePolicy(gemm, design, policy, { seed: DEMO_SEED, outputs: outputs[i] ?? new Uint8Array() });
    cycles += outcome.prediction.cycles;
    energyPj += outcome.prediction.energyPj;
    snnColumns.push(outcome.snnColumns);
    columns.push(outcome.annColumns + outcome.snnColumns);
  });
  const seconds = cycles / (accelerator.config.clockMHz * 1e6);
  return { cycles, edpJs: energyPj * 1e-12 * seconds, snnColumns, columns };
}

function signedPercent(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(100 * fraction).toFixed(1)} %`;
}

/** What the batch's classes came to: from the RTL's logits, from the golden model's, and the labels. */
interface Accuracy {
  readonly images: number;
  readonly rtlCorrect: number;
  readonly goldenCorrect: number;
  /** Images the RTL and the golden model classify alike. */
  readonly agreeing: number;
  /** The golden model on every committed test image. */
  readonly reference: { readonly images: number; readonly correct: number };
  readonly floatAccuracy: number;
}

interface DemoRun {
  readonly stats: GoldenStats;
  readonly sim: SimResultJson;
  readonly synth: SynthResult;
  readonly network: NetworkSummary;
  readonly comparison: string;
}

/** Classes of a logits file `[10, B]` (`<layer>.y.npy` of the last layer). */
async function classesIn(file: string): Promise<Int32Array> {
  const tensor = await readNpy(file);
  const [M = 0, B = 0] = tensor.shape;
  return argmaxClasses(tensor.data, M, B);
}

/** The golden model's accuracy on every committed test image (one batch, imported into `scratch`). */
async function referenceAccuracy(scratch: string): Promise<Accuracy['reference']> {
  const all = await importReferenceBatch(scratch, REFERENCE_TEST_IMAGES);
  const last = [...runGolden(all.workload)].at(-1);
  if (last === undefined) throw new Error('the reference network has no layer');
  const [M = 0, B = 0] = last.output.shape;
  return { images: B, correct: countEqual(argmaxClasses(last.output.data, M, B), all.labels) };
}

async function batchAccuracy(dir: string, batch: ReferenceBatch, scratch: string): Promise<Accuracy> {
  const last = batch.workload.layers.at(-1)?.spec.name ?? '';
  const golden = await classesIn(join(dir, 'golden', `${last}.y.npy`));
  const rtl = await classesIn(join(dir, 'sim', `${last}.y.npy`));
  return {
    images: batch.labels.length,
    rtlCorrect: countEqual(rtl, batch.labels),
    goldenCorrect: countEqual(golden, batch.labels),
    agreeing: countEqual(rtl, golden),
    reference: await referenceAccuracy(scratch),
    floatAccuracy: await referenceFloatAccuracy(),
  };
}

/** The network's part of the summary and of the report, term by term. */
function networkSummary(accuracy: Accuracy, cost: PolicyTotals, names: readonly string[]): NetworkSummary {
  const snn = cost.snnColumns.reduce((a, b) => a + b, 0);
  const all = cost.columns.reduce((a, b) => a + b, 0);
  const perLayer = names.map((name, i) => `${name} ${percent(cost.snnColumns[i] ?? 0, cost.columns[i] ?? 0)}`).join(', ');
  return [
    ['network', `${basename(REFERENCE_MODEL)} (Fashion-MNIST, QCFS T = 4), ${accuracy.images} test images as one batch`],
    ['accuracy (RTL)', `${accuracy.rtlCorrect} of ${accuracy.images} (argmax of the logits the accelerator computed)`],
    ['accuracy (golden model)', `${accuracy.goldenCorrect} of ${accuracy.images}; RTL and golden classes agree on ${accuracy.agreeing} of ${accuracy.images}`],
    ['golden model, all committed test images', `${percent(accuracy.reference.correct, accuracy.reference.images)} of ${accuracy.reference.images} (float network on all 10 000: ${(100 * accuracy.floatAccuracy).toFixed(2)} %)`],
    ['columns on the SNN cores (cost schedule)', `${percent(snn, all)} (${perLayer})`],
  ];
}

/** Runs the demo into `dir`, a temporary folder that becomes `finalOut` when complete. */
async function runDemo(accelerator: Accelerator, dir: string, finalOut: string, images: number, progress: Progress): Promise<DemoRun> {
  return withScratchDir('hwgen-demo-', async (scratch) => {
    const imported = progress.start(`importing ${basename(REFERENCE_MODEL)} with ${images} test images`);
    const batch = await importReferenceBatch(dir, images);
    imported(`${batch.workload.layers.length} layers`);
    const { workload } = batch;
    const { stats, gemms } = await writeGolden(workload, join(dir, 'golden'), 'ann', progress, []);
    const generated = progress.start('generating the RTL');
    const files = await writeDesign(generateDesign(accelerator), join(dir, 'rtl'), []);
    generated(`${files.length} files`);
    await mkdir(join(dir, 'sim'));
    // Interfaces only: the streams the waveform check reads, a few tens of MB instead of gigabytes for the batch.
    const sim = await simulateIntoDir(accelerator, workload, join(dir, 'sim'), { policy: 'cost', seed: DEMO_SEED, simulator: 'verilator', trace: 'vcd', traceScope: 'interfaces', workDir: join(scratch, 'sim'), progress });
    const measured = progress.start('classifying the batch, and the golden model on every committed test image');
    const accuracy = await batchAccuracy(dir, batch, join(scratch, 'reference'));
    measured(`RTL ${accuracy.rtlCorrect} of ${accuracy.images} right`);
    const compared = progress.start('comparing with ANN-only and random mapping (cost model)');
    const levels = gemms.map((gemm) => fireLevels(gemm));
    const [cost, ann, random] = (['cost', 'ann', 'random'] as const).map((policy) => policyTotals(gemms, levels, accelerator, policy)) as [PolicyTotals, PolicyTotals, PolicyTotals];
    compared();
    const synth = await withHeartbeat(progress, `synthesis for ${DEMO_TARGET}`, SYNTH_HEARTBEAT_NOTE, () => synthesize(accelerator, generateAccelTop(accelerator), { target: DEMO_TARGET, out: join(dir, 'synth'), inputs: [], finalOut: join(finalOut, 'synth'), work: opsPerCycle(accelerator, workload, 'cost', DEMO_SEED), progress }));
    const network = networkSummary(accuracy, cost, workload.layers.map((layer) => layer.spec.name));
    const reported = progress.start('writing report.html');
    const resources = resourceSectionOf(synth);
    const tools = { ...(await simulatorVersion('verilator')), ...synth.tools };
    await writeReport(dir, await reportFromSimFolder(join(dir, 'sim'), accelerator, workload, { resources, network, inferences: images, tools, title: `hwgen demo: ${accelerator.config.name} on ${workload.name} (${images} Fashion-MNIST test images)` }));
    reported();
    const comparison = [
      `cost schedule: ${cost.cycles} cycles, EDP ${cost.edpJs.toExponential(3)} J·s`,
      `  vs random mapping (seed ${DEMO_SEED}): ${random.cycles} cycles, throughput ${signedPercent(throughputGain(cost.cycles, random.cycles))}, EDP ${signedPercent(edpChange(cost.edpJs, random.edpJs))}`,
      `  vs ANN arrays only: ${ann.cycles} cycles, EDP ${signedPercent(edpChange(cost.edpJs, ann.edpJs))}`,
    ].join('\n');
    return { stats, sim, synth, network, comparison };
  });
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('run the main job on the built-in default design: the committed Fashion-MNIST QCFS network on a batch of test images, through the RTL (writes rtl-out/demo/)')
    .option('-o, --out <DIR>', 'output folder', 'rtl-out/demo')
    .option('--images <N>', `test images in the batch, 1..${REFERENCE_TEST_IMAGES}`, String(DEMO_IMAGES))
    .action(async (options: { out: string; images: string }) => {
      const images = parseCount(options.images, '--images', 1, REFERENCE_TEST_IMAGES);
      const accelerator = defaultAccelerator();
      const { ann, snn } = accelerator.config;
      const progress = stderrProgress('demo');
      progress.info(`design ${accelerator.config.name}: ${ann.arrays} ANN array(s) of ${ann.rows}x${ann.cols}, ${snn.cores} SNN core(s) of ${snn.lanes} lanes, ${accelerator.accumulatorBits}-bit accumulators`);
      const { stats, sim, synth, network, comparison } = await writeDirAtomically(options.out, { command: 'demo', inputs: [] }, (dir) => runDemo(accelerator, dir, options.out, images, progress));
      const networkText = network.map(([term, value]) => `  ${term}: ${value}`).join('\n');
      process.stdout.write(
        `Golden model (${stats.workload}, ${images} images):\n${goldenTable(stats)}\n\nThe accelerator on Verilator (cost schedule) against the golden and cost models:\n${simTable(sim)}\n\nThe network:\n${networkText}\n\n${comparison}\n\nSynthesis (yosys):\n${synthSummary(synth, join(options.out, 'synth'))}\nWorkload, RTL, golden and RTL outputs, result.json, waveforms, synthesis and report.html in ${options.out}\n`,
      );
      if (!sim.total.checked) throw new CheckError(`${sim.layers.flatMap((l) => l.problems).length} check(s) failed; see ${options.out}/sim/result.json`);
    });
}
