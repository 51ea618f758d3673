/**
 * Block RAM inference: every buffer (feeder replica and schedule, output bank, weight memory, column buffer) has one
 * write port and one registered read port, so yosys maps a non-trivial buffer to RAMB18/RAMB36 on xc7 and to EBR
 * (SB_RAM40_4K) on iCE40 instead of flip-flops. A design with 8 KiB replicas (dense and event) and 4 KiB output
 * banks and weight memories, one ANN array and one SNN core; the small memories (schedule, bias/θ) may be LUTRAM.
 */
import { describe, expect, it } from 'vitest';
import { acceleratorFrom } from '../config/load-config.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import type { DesignReport } from './report.ts';
import { yosysReport } from './synth.ts';

const accelerator = acceleratorFrom({
  name: 'bram_check',
  ann: { arrays: 1, rows: 2, cols: 2 },
  snn: { cores: 1, lanes: 2 },
  limits: { maxK: 64, maxM: 8, maxInLevels: 15, maxBiasAbs: 1000, maxTheta: 1024 },
  buffers: { weightBytes: 4096, activationBytes: 8192, outputBytes: 4096, scheduleEntries: 64 },
}, 'bram-test');

function module(report: DesignReport, name: string, instance: string) {
  const found = report.modules.find((m) => m.module === name && m.instances.includes(instance));
  if (found === undefined) throw new Error(`no ${name} at ${instance}`);
  return found;
}

describe('buffers map to block RAM', () => {
  it.each([
    ['xc7', 36 * 1024, 'RAMB'],
    ['ice40', 4 * 1024, 'SB_RAM40_4K'],
  ] as const)('%s: the replicas, the 32 kbit banks and the weight memories of both cores are block RAM, not flip-flops', async (target, bitsPerBlock, cellPrefix) => {
    const report = await yosysReport(target, generateAccelTop(accelerator), target === 'ice40' ? ['-dsp'] : []);
    const feeder = module(report, 'hwgen_column_feeder', 'core[0].ann.feeder');
    const gather = module(report, 'hwgen_output_gather', 'core[0].gather');
    const array = module(report, 'hwgen_ann_core', 'core[0].ann.array');
    const events = module(report, 'hwgen_column_feeder', 'core[1].snn.feeder');
    const snn = module(report, 'hwgen_snn_core', 'core[1].snn.snn_core');
    expect(feeder.memoryBits).toBeGreaterThanOrEqual(4096 * 16);
    expect(events.memoryBits).toBeGreaterThanOrEqual(4096 * 16);
    expect(gather.memoryBits).toBe(4096 * 8);
    expect(snn.memoryBits).toBeGreaterThanOrEqual(4096 * 8);
    for (const buffer of [feeder, gather, array, events, snn]) {
      expect(Object.keys(buffer.cells).some((type) => type.startsWith(cellPrefix)), `${buffer.module} has block RAM`).toBe(true);
      // every memory bit of a big buffer sits in block RAM; the flip-flops are the control logic's
      expect(buffer.resources.bram * bitsPerBlock, `${buffer.module} block RAM holds its memory`).toBeGreaterThanOrEqual(0.9 * Math.min(buffer.memoryBits, 4096 * 16));
      expect(buffer.resources.ff, `${buffer.module} flip-flops`).toBeLessThan(buffer.memoryBits / 16);
    }
    expect(report.total.ff).toBeLessThan(report.memoryBits / 20);
  }, 600_000);
});
