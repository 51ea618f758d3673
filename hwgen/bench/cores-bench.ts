/**
 * The cores, measured: ANN array utilisation and SNN lane utilisation on zoo layers (from the exact
 * cost models, which co-simulation proves equal to the RTL), buffer bytes per operation, and both
 * simulators' speed and build times on the default design.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultAccelerator } from '../config/load-config.ts';
import { annCoreParams, annCoreUtilisation, predictAnnCore } from '../modules/ann-core/timing.ts';
import { predictSnnCore, snnCoreBytesPerAddition, snnCoreParams, snnCoreUtilisation } from '../modules/snn-core/timing.ts';
import { annLayer } from '../golden/ann.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { runAnnCoreCosim } from '../modules/ann-core/cosim.ts';
import { runSnnCoreCosim } from '../modules/snn-core/cosim.ts';
import type { SimulatorName } from '../../sim/types.ts';
import { markdownTable } from '../util/measure.ts';
import { zooGemmLayer } from '../zoo/zoo-gemm.ts';
import { SIMULATORS } from '../../sim/registry.ts';

const LAYERS: readonly [string, string][] = [
  ['vgg16', 'conv1_2'],
  ['vgg16', 'conv3_2'],
  ['vgg16', 'conv5_1'],
  ['vgg16', 'fc7'],
  ['resnet34', 'layer3.0.conv1'],
  ['bert-base', 'enc0.ffn1'],
  ['bert-base', 'enc0.head0.scores'],
];
const SAMPLED_COLUMNS = 300;

function sampleColumns(layer: GemmLayer, count: number): number[] {
  return Array.from({ length: Math.min(layer.N, count) }, (_, i) => i);
}

function percent(value: number): string {
  return `${(100 * value).toFixed(2)} %`;
}

async function utilisationRows(): Promise<string[][]> {
  const accelerator = defaultAccelerator();
  const ann = annCoreParams(accelerator);
  const snn = snnCoreParams(accelerator);
  const rows: string[][] = [];
  for (const [network, name] of LAYERS) {
    const layer = await zooGemmLayer(network, name);
    const outputs = annLayer(layer);
    const columns = sampleColumns(layer, SAMPLED_COLUMNS);
    const annPrediction = predictAnnCore(layer, columns, ann, outputs);
    const snnPrediction = predictSnnCore(layer, columns, snn, outputs);
    rows.push([
      `${network} ${name}`,
      `${layer.M}×${layer.K}×${columns.length}`,
      percent(annCoreUtilisation(annPrediction, ann)),
      (annPrediction.events.sram_byte / annPrediction.events.ann_mac).toFixed(3),
      percent(snnCoreUtilisation(snnPrediction, snn)),
      snnCoreBytesPerAddition(snnPrediction).toFixed(3),
      (annPrediction.cycles / snnPrediction.cycles).toFixed(2),
    ]);
  }
  return rows;
}

interface SpeedRow {
  readonly core: string;
  readonly simulator: SimulatorName;
  readonly cycles: number;
  readonly wallMs: number;
  readonly uncachedBuildMs: number;
  readonly cachedBuildMs: number;
}

async function speedRows(): Promise<SpeedRow[]> {
  const accelerator = defaultAccelerator();
  const layer = await zooGemmLayer('vgg16', 'conv1_2');
  const rows: SpeedRow[] = [];
  for (const simulator of SIMULATORS) {
    const cacheDir = await mkdtemp(join(tmpdir(), 'hwgen-bench-cache-'));
    const columns = sampleColumns(layer, simulator === 'verilator' ? 64 : 8);
    for (const [core, run] of [
      ['ANN array 8×8', runAnnCoreCosim],
      ['SNN core 16 lanes', runSnnCoreCosim],
    ] as const) {
      const options = { accelerator, layer, columns, simulator, cacheDir, workDir: await mkdtemp(join(tmpdir(), 'hwgen-bench-')) };
      const first = await run(options);
      const second = await run({ ...options, workDir: await mkdtemp(join(tmpdir(), 'hwgen-bench-')) });
      rows.push({ core, simulator, cycles: second.cycles, wallMs: second.simulatorWallMs, uncachedBuildMs: first.build.buildMs, cachedBuildMs: second.build.buildMs });
    }
  }
  return rows;
}

export async function coresBench(): Promise<string> {
  const utilisation = markdownTable(
    ['layer (first 300 columns)', 'M×K×columns', 'ANN utilisation', 'ANN bytes/MAC', 'SNN lane utilisation', 'SNN bytes/add', 'ANN ÷ SNN cycles'],
    await utilisationRows(),
  );
  const speed = markdownTable(
    ['core (default design, vgg16 conv1_2)', 'simulator', 'cycles', 'cycles/s', 'build uncached', 'build cached'],
    (await speedRows()).map((row) => [
      row.core,
      row.simulator,
      String(row.cycles),
      `${Math.round(row.cycles / (row.wallMs / 1000)).toLocaleString('en-US')}`,
      `${(row.uncachedBuildMs / 1000).toFixed(1)} s`,
      `${row.cachedBuildMs.toFixed(0)} ms`,
    ]),
  );
  return ['### Cores (default design: ANN array 8×8, SNN core 16 lanes, 29-bit membranes)', utilisation, '', speed].join('\n');
}
