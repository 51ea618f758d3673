/**
 * The report of a real traced run on Icarus (builds take a second) that fails its check: the golden model is
 * made wrong in one output level (Y[0, 2]), so the RTL differs from it there and the waveform check leaves its
 * mismatch window beside the waveform. The report is built from the run's folder as `hwgen sim` wrote it, and
 * headless Chromium shows its Gantt chart, utilisation, energy and that window, with no console error.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { acceleratorFrom } from '../config/load-config.ts';
import { type SimResultJson, writeSim } from '../flows/write-sim.ts';
import type { ResolvedWorkload } from '../workload/resolve.ts';
import { viewInChromium, viewProblems } from './browser-check.ts';
import { writeReport } from './page.ts';
import type { ReportData } from './report-data.ts';
import { reportFromSimFolder } from './sim-folder.ts';
import { smallConvWorkload } from './test-fixtures.ts';

vi.mock('../golden/ann.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../golden/ann.ts')>();
  const wrong = (...args: Parameters<typeof original.annLayer>): Uint8Array => {
    const levels = original.annLayer(...args);
    levels[2] = (levels[2] ?? 0) ^ 1;
    return levels;
  };
  return { ...original, annLayer: wrong };
});

const ACCELERATOR = acceleratorFrom({ name: 'fast_snn', ann: { arrays: 1, rows: 4, cols: 4 }, snn: { cores: 2, lanes: 8 } }, 'fast_snn.yaml');

let dir = '';
let workload: ResolvedWorkload;
let result: SimResultJson;
let report: ReportData;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hwgen-report-run-'));
  workload = await smallConvWorkload(1);
  // `random` spreads the columns over the array and both SNN cores.
  ({ result } = await writeSim(ACCELERATOR, workload, join(dir, 'run'), { policy: 'random', seed: 0, simulator: 'icarus', trace: 'vcd' }));
  report = await reportFromSimFolder(join(dir, 'run'), ACCELERATOR, workload);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the report of a failed traced run', () => {
  it('has the run\'s layer as it recorded it, with every column on one core', () => {
    const [recorded] = result.layers;
    expect(result.total.checked).toBe(false);
    expect(report.layers.map((layer) => [layer.name, layer.cycles, layer.predictedCycles, layer.match, layer.checked])).toEqual([['c1', recorded!.cycles, recorded!.predictedCycles, false, false]]);
    const [layer] = report.layers;
    expect(layer!.cores.map((core) => [core.id, core.intervals.length > 0])).toEqual([['ann0', true], ['snn0', true], ['snn1', true]]);
    expect(layer!.cores.flatMap((core) => core.intervals.map((interval) => interval.column)).sort((a, b) => a - b)).toEqual(Array.from({ length: 36 }, (_, n) => n));
  });

  it('holds the waveform check\'s window of the first mismatch', () => {
    expect(report.mismatch?.layer).toBe('c1');
    expect(report.mismatch?.text).toMatch(/^c1: waveform .+: \d+ findings?; the first:\n/);
    expect(report.mismatch?.text).not.toContain('WaveDrom');
    const rows = report.mismatch!.wavedrom.signal.flatMap((row) => ('name' in row ? [row.name] : []));
    expect(rows).toContain('out_level');
    expect(rows.at(-1)).toBe('mismatch');
  });

  it('shows in headless Chromium with every chart drawn and no console error', async () => {
    const seen = await viewInChromium(await writeReport(join(dir, 'report'), report));
    expect(viewProblems(seen, ['layers', 'gantt-c1', 'utilisation', 'energy', 'energy-table', 'waveform'])).toEqual([]);
    expect(seen.figures.map((figure) => figure.figure)).toEqual(['layers', 'gantt-c1', 'utilisation', 'energy', 'energy-table', 'waveform']);
  });
});
