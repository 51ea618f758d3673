/**
 * The Gantt intervals against the RTL: a traced run on Icarus (three column tiles, columns on the array and both
 * SNN cores), its waveform read back beat by beat (checkLayerWaveform with keepTransactions), and every column's
 * first input beat and last output level (out_last) on every core in exactly the cycles layerTimeline gives.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceleratorFrom } from '../config/load-config.ts';
import { designOf } from '../cost/layer.ts';
import { layerRunPlan } from '../flows/layer-plan.ts';
import { type StreamTransactions, checkLayerWaveform } from '../flows/wave-check.ts';
import { writeSim } from '../flows/write-sim.ts';
import type { GemmLayer } from '../workload/gemm-layer.ts';
import { lowerToGemm } from '../workload/lower.ts';
import { type LayerTimeline, layerTimeline } from './layer-timeline.ts';
import { smallConvWorkload } from './test-fixtures.ts';

/** Schedule memories of 16 entries: the 36 columns run in 3 column tiles. */
const ACCELERATOR = acceleratorFrom({ name: 'tiles', ann: { arrays: 1, rows: 4, cols: 4 }, snn: { cores: 2, lanes: 8 }, buffers: { scheduleEntries: 16, banks: 1 } }, 'tiles.yaml');

let dir = '';
let gemm: GemmLayer;
let timeline: LayerTimeline;
let streams: readonly StreamTransactions[];
let tiles = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hwgen-report-timeline-'));
  const workload = await smallConvWorkload(1);
  const run = join(dir, 'run');
  const { result } = await writeSim(ACCELERATOR, workload, run, { policy: 'random', seed: 0, simulator: 'icarus', trace: 'vcd' });
  if (!result.total.checked) throw new Error(`the run did not check: ${result.layers[0]?.problems[0]}`);
  const layer = workload.layers[0]!;
  gemm = lowerToGemm(layer, layer.input!().data);
  const { prediction, golden } = layerRunPlan(ACCELERATOR, gemm, 'random', 0);
  tiles = prediction.tiles.length;
  timeline = layerTimeline(gemm, prediction, golden, designOf(ACCELERATOR).params);
  const check = await checkLayerWaveform({ file: join(run, 'waves', 'c1.vcd'), accelerator: ACCELERATOR, layer: gemm, prediction, golden, keepTransactions: true });
  streams = check.transactions!;
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Cycles of the beats that open a column: the first, and each after a column's last (ANN: every J beats; SNN: after in_last). */
function columnStarts(stream: StreamTransactions, kind: 'ann' | 'snn'): number[] {
  const J = Math.ceil(gemm.K / ACCELERATOR.config.ann.cols);
  return stream.beats.filter((_, i, beats) => (kind === 'ann' ? i % J === 0 : i === 0 || beats[i - 1]!.payload[2] === 1n)).map((beat) => beat.cycle);
}

describe('layerTimeline against the waveform of the run', () => {
  it('runs the layer in 3 tiles, with columns on every core', () => {
    expect(tiles).toBe(3);
    expect(timeline.cores.map((core) => [core.id, core.intervals.length > 0])).toEqual([['ann0', true], ['snn0', true], ['snn1', true]]);
  });

  it('starts and ends every column on every core in the cycles of its beats', () => {
    timeline.cores.forEach((core, c) => {
      const input = streams[2 * c]!;
      const output = streams[2 * c + 1]!;
      const lastLevels = output.beats.filter((beat) => beat.payload[1] === 1n).map((beat) => beat.cycle + 1);
      expect(core.intervals.map((interval) => interval.start)).toEqual(columnStarts(input, core.kind));
      expect(core.intervals.map((interval) => interval.end)).toEqual(lastLevels);
    });
  });
});
