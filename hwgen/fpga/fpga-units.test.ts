/**
 * The FPGA flow's parts that need no tool: resource counting per target, the fit against a part, yosys' stat and
 * hierarchy output (with yosys 0.23's stray lines), the per-module report, the harness and the GOPS arithmetic.
 */
import { describe, expect, it } from 'vitest';
import { acceleratorFrom } from '../config/load-config.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import { findPort } from '../arch/module.ts';
import { throughput } from './gops.ts';
import { renderHarness } from './harness.ts';
import { designReport, subReport } from './report.ts';
import { ICE40_PARTS, XC7Z020, overflows, resourcesOf } from './targets.ts';
import { TINY_DESIGN } from './tiny-design.ts';
import { baseName, parseHierarchy, parseStatJson, synthScript } from './yosys.ts';

describe('resources of cells', () => {
  it('xc7: LUTs include LUTRAM and SRLs, a RAMB18 is half a BRAM36, carries and DSPs count one each', () => {
    const r = resourcesOf('xc7', { LUT6: 10, LUT2: 5, RAM32M: 3, RAM64X1D: 1, SRLC32E: 2, FDRE: 7, FDSE: 1, CARRY4: 4, DSP48E1: 2, RAMB36E1: 3, RAMB18E1: 3, MUXF7: 9, BUFG: 1 });
    expect(r).toEqual({ lut: 15 + 12 + 2 + 2, lutMemory: 16, ff: 8, carry: 4, dsp: 2, bram: 4.5, spram: 0 });
  });

  it('ice40: SB_LUT4, every SB_DFF flavour, SB_CARRY, SB_MAC16, EBR and SPRAM', () => {
    const r = resourcesOf('ice40', { SB_LUT4: 100, SB_DFF: 3, SB_DFFESR: 4, SB_DFFNE: 1, SB_CARRY: 9, SB_MAC16: 2, SB_RAM40_4K: 5, SB_SPRAM256KA: 1, SB_IO: 4 });
    expect(r).toEqual({ lut: 100, lutMemory: 0, ff: 8, carry: 9, dsp: 2, bram: 5, spram: 1 });
  });

  it('generic: yosys gate-level flip-flops count as FFs, gates and memories as cells only', () => {
    expect(resourcesOf('generic', { $_DFF_P_: 2, $_SDFFE_PP0P_: 3, $_DFFE_PP_: 1, $_AND_: 50, $mem_v2: 2 }).ff).toBe(6);
  });

  it('overflows name every resource over the part, in its own unit', () => {
    expect(overflows({ lut: 100, lutMemory: 0, ff: 10, carry: 0, dsp: 300, bram: 185.5, spram: 0 }, XC7Z020)).toEqual(['DSP 300 of 220', 'BRAM36 185.5 of 140']);
    expect(overflows({ lut: 6000, lutMemory: 0, ff: 10, carry: 0, dsp: 0, bram: 31, spram: 0 }, ICE40_PARTS[0] ?? XC7Z020)).toEqual(['LUT4 6000 of 5280', 'EBR 31 of 30']);
    expect(ICE40_PARTS.map((part) => part.device)).toEqual(['up5k', 'hx8k']);
  });
});

// What yosys 0.23 tees for `stat -json` with a top: the hierarchy lines land inside the JSON.
const STAT = `{
   "creator": "Yosys 0.23",
   "modules": {
      "$paramod$abc\\\\hwgen_feeder": {
         "num_memories": 0, "num_memory_bits": 0,
         "num_cells_by_type": { "FDRE": 10, "RAMB36E1": 2, "LUT3": 4 }
      },
      "\\\\top": {
         "num_memories": 0, "num_memory_bits": 0,
         "num_cells_by_type": { "$paramod$abc\\\\hwgen_feeder": 2, "FDRE": 1, "LUT6": 3 }
      }
   },
       $paramod$abc\\hwgen_feeder      2
      "design": { "num_cells": 1 }
}`;
const ELABORATED = `{ "modules": { "$paramod$abc\\\\hwgen_feeder": { "num_memories": 2, "num_memory_bits": 4096 }, "\\\\top": { "num_memories": 0, "num_memory_bits": 0 } } }`;
const HIERARCHY = JSON.stringify({
  modules: {
    '$paramod$abc\\hwgen_feeder': { parameter_default_values: { DEPTH: '00000000000000000000000100000000', AW: '00000000000000000000000000001000' }, cells: {} },
    top: { parameter_default_values: {}, cells: { 'core[0].feeder': { type: '$paramod$abc\\hwgen_feeder' }, 'core[1].feeder': { type: '$paramod$abc\\hwgen_feeder' }, lut: { type: 'LUT6' } } },
  },
});

describe('yosys output', () => {
  it('reads stat -json despite the stray hierarchy lines, and the module variants with parameters and instances', () => {
    const stat = parseStatJson(STAT, 'stat.json');
    expect([...stat.keys()]).toEqual(['$paramod$abc\\hwgen_feeder', 'top']);
    const hierarchy = parseHierarchy(HIERARCHY, parseStatJson(ELABORATED, 'e.json'), 'h.json');
    expect(hierarchy.get('$paramod$abc\\hwgen_feeder')).toMatchObject({ base: 'hwgen_feeder', parameters: { DEPTH: 256, AW: 8 }, memoryBits: 4096 });
    expect(hierarchy.get('top')?.instances).toEqual({ 'core[0].feeder': '$paramod$abc\\hwgen_feeder', 'core[1].feeder': '$paramod$abc\\hwgen_feeder' });
    expect(baseName('\\top')).toBe('top');

    const report = designReport('xc7', 'top', stat, hierarchy, new Map([['hwgen_feeder', ['DEPTH']]]));
    expect(report.total).toMatchObject({ lut: 3 + 2 * 4, ff: 1 + 2 * 10, bram: 4 });
    expect(report.memoryBits).toBe(8192);
    expect(report.cells).toEqual({ FDRE: 21, LUT6: 3, RAMB36E1: 4, LUT3: 8 });
    const feeder = report.modules.find((module) => module.module === 'hwgen_feeder');
    expect(feeder).toMatchObject({ parameters: { DEPTH: 256 }, instances: ['core[0].feeder', 'core[1].feeder'], resources: { ff: 10, bram: 2 } });
    expect(subReport(report, 'core[1].feeder')).toMatchObject({ top: 'hwgen_feeder', total: { ff: 10, bram: 2 }, memoryBits: 4096 });
  });

  it('a stat file that is not JSON is a one-line tool error', () => {
    expect(() => parseStatJson('{ "modules": ', 'stat.json')).toThrow(/^yosys: stat.json: stat output is not JSON/);
  });

  it('scripts: generic keeps memories unmapped, xc7 is out of context, ice40 keeps the hierarchy and writes a flat netlist', () => {
    const files = { sources: ['rtl/a.v'], top: 'top', elaboratedStat: 'e.json', hierarchy: 'h.json', stat: 's.json' };
    const generic = synthScript('generic', files);
    expect(generic).toContain('synth -top top -run begin:fine');
    expect(generic).not.toContain('memory_map');
    expect(synthScript('xc7', files)).toContain('synth_xilinx -top top -noiopad');
    const ice40 = synthScript('ice40', { ...files, netlist: 'n.json' }, ['-dsp', '-spram']);
    expect(ice40).toContain('synth_ice40 -top top -noflatten -dsp -spram');
    expect(ice40.trim().split('\n').slice(-3)).toEqual(['flatten', 'opt_clean', 'write_json n.json']);
    expect(() => synthScript('xc7', { ...files, sources: ['a b.v'] })).toThrow(/unexpected file name/);
  });
});

describe('the place-and-route harness', () => {
  it('shifts every input bit in, registers every output bit and observes them on one pin', () => {
    const top = generateAccelTop(acceleratorFrom(TINY_DESIGN, 'tiny'));
    const harness = renderHarness(top);
    const inputs = top.ports.filter((p) => p.direction === 'input' && p.role !== 'clock' && p.role !== 'reset').reduce((sum, p) => sum + p.width, 0);
    expect(harness.inputBits).toBe(inputs);
    expect(harness.outputBits).toBe(1 + 8 + 48 + 48);
    expect(harness.text).toContain(`reg  [${inputs - 1}:0] chain;`);
    expect(harness.text).toContain('.clk(clk),');
    expect(harness.text).toContain('.rst(rst),');
    expect(harness.text).toContain(`.ann_w_wr_data(chain[`);
    expect(harness.text).toContain('assign so = ^outs_q;');
    expect(findPort(top, 'cnt_cycles').width).toBe(48);
  });
});

describe('throughput', () => {
  it('GOPS = ops per cycle × MHz / 1000, labelled with the clock source', () => {
    const work = { workload: 'w', policy: 'cost' as const, layers: 1, ops: 2 * 1000, cycles: 100, opsPerCycle: 20 };
    const measured = throughput(work, { mhz: 25, source: 'measured', from: 'Fmax of nextpnr-ice40 on iCE40UP5K' });
    expect(measured.gops).toBeCloseTo(0.5);
    expect(measured.label).toBe('0.500 GOPS = 20.00 ops/cycle × 25.0 MHz (measured: Fmax of nextpnr-ice40 on iCE40UP5K)');
    expect(throughput(work, { mhz: 100, source: 'assumed', from: 'config clockMHz' }).label).toContain('(assumed: config clockMHz)');
  });
});
