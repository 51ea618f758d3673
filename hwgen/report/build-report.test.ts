/**
 * The report of a simulation run: from result.json, the config and the workload (no simulator: result.json is
 * made here from the same predictions a run records), every layer's schedule recomputed and held to what the run
 * recorded, inputs chained through the RTL's outputs, and the folder reader (outputs, mismatch window).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceleratorFrom } from '../config/load-config.ts';
import { designOf } from '../cost/layer.ts';
import { DEFAULT_ENERGY_PJ, energyPicojoules } from '../arch/events.ts';
import { InputError } from '../errors.ts';
import { passOn } from '../flows/golden.ts';
import { layerRunPlan } from '../flows/layer-plan.ts';
import { mismatchFiles } from '../flows/wave-check.ts';
import type { SimResultJson } from '../flows/write-sim.ts';
import { encodeNpy } from '../tensor/npy.ts';
import { tensorOf } from '../tensor/tensor.ts';
import { prettyJson } from '../util/json.ts';
import { lowerToGemm } from '../workload/lower.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';
import { type SimLayerJson, layerReportOf, predictedLayers, reportFromSim } from './build-report.ts';
import { renderReport } from './page.ts';
import { readSimResult, reportFromSimFolder, withoutWaveDrom } from './sim-folder.ts';
import { sampleReport, smallConvWorkload } from './test-fixtures.ts';

const ACCELERATOR = acceleratorFrom({ name: 'small', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 2, lanes: 4 } }, 'small.yaml');

let workload: ResolvedWorkload;
beforeAll(async () => {
  workload = await smallConvWorkload(2);
});

/** What a run records of a layer that checked, from its plan. */
function recordOf(plan: ReturnType<typeof layerRunPlan>, name: string): SimLayerJson {
  const p = plan.prediction;
  return {
    name, M: 0, K: 0, N: 0, tiles: p.tiles.length, cycles: p.cycles, predictedCycles: p.cycles, loadCycles: p.loadCycles, runCycles: p.runCycles, drainCycles: p.drainCycles,
    match: true, mismatchedLevels: 0, checked: true, problems: [], events: p.events, predictedEvents: p.events, energyPj: p.energyPj, predictedEnergyPj: p.energyPj, seconds: p.seconds, edpJs: p.edpJs,
  };
}

/** The two layers planned as a run of policy `cost`, seed 0 plans them; c2 takes `c1Output` (default: c1's golden output). */
function plannedRun(c1Output?: Uint8Array) {
  const [l1, l2] = workload.layers as [ResolvedWorkload['layers'][number], ResolvedWorkload['layers'][number]];
  const g1 = lowerToGemm(l1, l1.input!().data);
  const p1 = layerRunPlan(ACCELERATOR, g1, 'cost', 0);
  const g2 = lowerToGemm(l2, passOn(l1, c1Output ?? p1.golden)!);
  const p2 = layerRunPlan(ACCELERATOR, g2, 'cost', 0);
  const result: SimResultJson = {
    generator: 'hwgen test', workload: 'small_conv', design: 'small', configHash: ACCELERATOR.hash, simulator: 'icarus', policy: 'cost', seed: 0, clockMHz: 100,
    layers: [recordOf(p1, 'c1'), recordOf(p2, 'c2')],
    total: { cycles: 0, predictedCycles: 0, match: true, checked: true, events: p1.prediction.events, predictedEvents: p1.prediction.events, energyPj: 0, predictedEnergyPj: 0, seconds: 0, edpJs: 0 },
  };
  return { gemms: [g1, g2], plans: [p1, p2], result };
}

describe('reportFromSim', () => {
  it('draws each layer from its recomputed plan, with what the run recorded', () => {
    const { gemms, plans, result } = plannedRun();
    const report = reportFromSim({ result, accelerator: ACCELERATOR, workload });
    const params = designOf(ACCELERATOR).params;
    expect(report.layers).toEqual(gemms.map((gemm, i) => layerReportOf(gemm, plans[i]!.prediction, plans[i]!.golden, params, DEFAULT_ENERGY_PJ, result.layers[i])));
    expect(report.layers.map((layer) => [layer.name, layer.cycles, layer.match, layer.checked])).toEqual([['c1', plans[0]!.prediction.cycles, true, true], ['c2', plans[1]!.prediction.cycles, true, true]]);
    expect(report.run).toEqual({ workload: 'small_conv', simulator: 'icarus', policy: 'cost', seed: 0, generator: 'hwgen test' });
    expect(report.design).toEqual({ name: 'small', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 2, lanes: 4 }, clockMHz: 100, configHash: ACCELERATOR.hash });
    expect(report.layers[0]!.cores.map((core) => core.id)).toEqual(['ann0', 'snn0', 'snn1']);
  });

  it('gives every layer\'s energy by event summing to its predicted energy, and utilisation as busy over all cycles', () => {
    const { plans, result } = plannedRun();
    const report = reportFromSim({ result, accelerator: ACCELERATOR, workload });
    report.layers.forEach((layer, i) => {
      expect(Object.values(layer.energyPj).reduce((sum, pj) => sum + pj, 0)).toBe(energyPicojoules(plans[i]!.prediction.events));
      expect(layer.energyPj.ann_mac).toBe(plans[i]!.prediction.events.ann_mac * DEFAULT_ENERGY_PJ.ann_mac);
    });
    const total = plans[0]!.prediction.cycles + plans[1]!.prediction.cycles;
    const busy = (c: number) => plans.reduce((sum, plan) => sum + plan.prediction.tiles.reduce((s, tile) => s + tile.dispatch.cores[c]!.busy, 0), 0);
    expect(report.utilisation).toEqual([
      { id: 'ann0', kind: 'ann', busy: busy(0), total },
      { id: 'snn0', kind: 'snn', busy: busy(1), total },
      { id: 'snn1', kind: 'snn', busy: busy(2), total },
    ]);
    // Every column of every layer is on exactly one core.
    for (const layer of report.layers) expect(layer.cores.flatMap((core) => core.intervals.map((interval) => interval.column)).sort((a, b) => a - b)).toEqual(Array.from({ length: layer.shape.N }, (_, n) => n));
  });

  it('chains a layer\'s input through the RTL output of the one before, as the run did', () => {
    const zeros = new Uint8Array(3 * 6 * 6);
    const { gemms, plans, result } = plannedRun(zeros);
    const report = reportFromSim({ result, accelerator: ACCELERATOR, workload, outputs: new Map([['c1', zeros]]) });
    expect(report.layers[1]!.cores).toEqual(layerReportOf(gemms[1]!, plans[1]!.prediction, plans[1]!.golden, designOf(ACCELERATOR).params, DEFAULT_ENERGY_PJ).cores);
    // Without the RTL output, c2 would be planned on c1's golden output: not what this run recorded.
    expect(() => reportFromSim({ result, accelerator: ACCELERATOR, workload })).toThrow(/layers\.c2: predicted/);
  });

  it('refuses a run whose plan it cannot reproduce, or of another config', () => {
    const { result } = plannedRun();
    const layers = [result.layers[0]!, { ...result.layers[1]!, predictedCycles: result.layers[1]!.predictedCycles + 1 }];
    expect(() => reportFromSim({ result: { ...result, layers }, accelerator: ACCELERATOR, workload })).toThrow(InputError);
    expect(() => reportFromSim({ result: { ...result, layers }, accelerator: ACCELERATOR, workload })).toThrow(/result\.json: layers\.c2: predicted \d+ cycles and [\d.]+ pJ, but policy cost, seed 0 give/);
    const other = acceleratorFrom({ ann: { arrays: 1, rows: 2, cols: 2 } }, 'other.yaml');
    expect(() => reportFromSim({ result, accelerator: other, workload })).toThrow(/result\.json: configHash: the run used config sha256 [0-9a-f]{12}…, other\.yaml is/);
    expect(() => reportFromSim({ result: { ...result, layers: [{ ...result.layers[0]!, name: 'c9' }] }, accelerator: ACCELERATOR, workload })).toThrow(/layers\.c9: workload small_conv has no such layer/);
  });
});

describe('reportFromSimFolder', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hwgen-report-sim-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads result.json, the RTL outputs and the first mismatch window', async () => {
    const zeros = new Uint8Array(3 * 6 * 6);
    const { result } = plannedRun(zeros);
    const run = join(dir, 'run');
    await mkdir(join(run, 'waves'), { recursive: true });
    await writeFile(join(run, 'result.json'), prettyJson({ ...result, layers: [result.layers[0]!, { ...result.layers[1]!, checked: false, problems: ['c2: waveform: wrong-value'] }] }));
    await writeFile(join(run, 'c1.y.npy'), encodeNpy(tensorOf('u1', [3, 6, 6], zeros)));
    const { wavedrom } = sampleReport().mismatch!;
    const files = mismatchFiles('c2');
    await writeFile(join(run, 'waves', files.wavedrom), JSON.stringify(wavedrom));
    await writeFile(join(run, 'waves', files.text), `c2: report\n\nWaveDrom of the same cycles (c2.mismatch.wavedrom.json; paste into the editor):\n${JSON.stringify(wavedrom)}\n\nother findings:\n  one more\n`);
    const report = await reportFromSimFolder(run, ACCELERATOR, workload);
    expect(report.mismatch).toEqual({ layer: 'c2', wavedrom, text: 'c2: report\n\n\nother findings:\n  one more\n' });
    expect(report.layers.map((layer) => layer.checked)).toEqual([true, false]);
    expect(renderReport(report)).toContain('data-figure="waveform"');
  });

  it('refuses a folder without a result.json of hwgen sim', async () => {
    await expect(readSimResult(join(dir, 'nothing'))).rejects.toThrow(/result\.json: file not found/);
    await mkdir(join(dir, 'bad'), { recursive: true });
    await writeFile(join(dir, 'bad', 'result.json'), '{"workload": "w"}');
    await expect(readSimResult(join(dir, 'bad'))).rejects.toThrow(/result\.json: configHash: not a `hwgen sim` result\.json/);
  });

  it('drops the WaveDrom JSON from the text report only', () => {
    expect(withoutWaveDrom('a\nb')).toBe('a\nb');
    expect(withoutWaveDrom('a\nWaveDrom of the same cycles (x):\n{"signal":[]}\nb')).toBe('a\nb');
  });
});

describe('predictedLayers (the explore report of a design point)', () => {
  it('fills the Layers table from the cost model alone: predicted cycles, no RTL figures', () => {
    const { gemms, plans } = plannedRun();
    const layers = predictedLayers(ACCELERATOR, gemms, 'cost', 0);
    expect(layers.map((layer) => [layer.name, layer.predictedCycles, layer.cycles, layer.checked])).toEqual([
      ['c1', plans[0]!.prediction.cycles, undefined, undefined],
      ['c2', plans[1]!.prediction.cycles, undefined, undefined],
    ]);
    const html = renderReport({ ...sampleReport(), layers });
    expect(html).toMatch(/<th>c1<\/th>/);
    expect(html).toMatch(/<th>c2<\/th>/);
  });

  it('carries the waveform findings a traced run recorded', () => {
    const { gemms, plans } = plannedRun();
    const params = designOf(ACCELERATOR).params;
    const recorded = { ...recordOf(plans[0]!, 'c1'), waveCheck: {
      checked: false, findings: 3, first: 'x', report: null,
      edges: 0, firstCycle: undefined, lastCycle: undefined, tiles: 1, tilesChecked: 1, tilesPartial: 0, inputBeats: 0, outputBeats: 0, stallCycles: 0, columnsTimed: 0,
    } };
    expect(layerReportOf(gemms[0]!, plans[0]!.prediction, plans[0]!.golden, params, DEFAULT_ENERGY_PJ, recorded).waveFindings).toBe(3);
  });
});
