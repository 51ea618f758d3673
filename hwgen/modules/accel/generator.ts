/**
 * The accelerator top (hwgen/modules/accel/accel_top.v.hbs, module hwgen_accel_top): A ANN arrays and S SNN cores,
 * each with its own column feeder and output gatherer (hwgen/modules/dispatcher/spec.md).
 * The port list mirrors the template's declarations (a testbench lint with -Wall catches a mismatch);
 * the host driver packs its bus cycles by it (hwgen/host/).
 */
import type { Accelerator } from '../../config/load-config.ts';
import { generateAnnCoreFromParams } from '../ann-core/generator.ts';
import { annCoreParams } from '../ann-core/arch.ts';
import { feederParams } from '../dispatcher/arch.ts';
import { generateColumnFeeder } from '../dispatcher/feeder.ts';
import { gatherParams } from '../dispatcher/arch.ts';
import { generateOutputGather } from '../dispatcher/gather.ts';
import type { ModuleDescription, ParameterSpec } from '../../arch/module.ts';
import { accelTopPorts } from './arch.ts';
import { renderVerilog } from '../../generate/render.ts';
import { generateSnnCoreFromParams } from '../snn-core/generator.ts';
import { snnCoreParams } from '../snn-core/arch.ts';

export const ACCEL_TOP_MODULE = 'hwgen_accel_top';
export const ACCEL_TOP_FILE = `${ACCEL_TOP_MODULE}.v`;

/** One of a core's parameters as the top declares it (`top`) and passes it to every instance (`.core(top)`). */
interface TopParameter {
  readonly top: string;
  readonly core: string;
  readonly value: number;
}

/**
 * The parameters the top declares for a kind of core and passes to each instance: the core's own (not a derived
 * width), so a new core parameter reaches the top without editing it. A name both kinds use gets the kind's prefix
 * (ACC_W → ANN_ACC_W, SNN_ACC_W).
 */
function topParameters(core: ModuleDescription, other: ModuleDescription, prefix: string): TopParameter[] {
  const passed = (module: ModuleDescription) => module.parameters.filter((p) => !p.description.startsWith('derived'));
  const otherNames = new Set(passed(other).map((p) => p.name));
  return passed(core).map(({ name, value }) => ({ core: name, top: otherNames.has(name) ? `${prefix}_${name}` : name, value }));
}

/** `parameter integer NAME = value,` lines of a core's parameters, names aligned as in the rest of the header. */
function topParameterLines(parameters: readonly TopParameter[]): string[] {
  return parameters.map((p) => `parameter integer ${p.top.padEnd(11)} = ${p.value},`);
}

/** The instance's parameter list: `.CORE(TOP), …`. */
function parameterOverrides(parameters: readonly TopParameter[]): string {
  return parameters.map((p) => `.${p.core}(${p.top})`).join(', ');
}

/**
 * The top for a design. Both core kinds are instantiated by the template's generate loop only for the
 * kinds the config has, but both modules are emitted (the loop's untaken branch must still elaborate).
 */
export function generateAccelTop(accelerator: Accelerator): ModuleDescription {
  const { ann, snn } = accelerator.config;
  const annParams = annCoreParams(accelerator);
  const snnParams = snnCoreParams(accelerator);
  const annFeeder = feederParams(accelerator, 'ann');
  const snnFeeder = feederParams(accelerator, 'snn');
  const gather = gatherParams(accelerator);
  const hash = accelerator.hash;
  const annCore = generateAnnCoreFromParams(annParams, hash);
  const snnCore = generateSnnCoreFromParams(snnParams, { configHash: hash });
  const annTop = topParameters(annCore, snnCore, 'ANN');
  const snnTop = topParameters(snnCore, annCore, 'SNN');
  const context = {
    annArrays: ann.arrays,
    snnCores: snn.cores,
    annParameters: topParameterLines(annTop),
    annOverrides: parameterOverrides(annTop),
    snnParameters: topParameterLines(snnTop),
    snnOverrides: parameterOverrides(snnTop),
    actDepth: annFeeder.depth,
    evDepth: snnFeeder.depth,
    schedDepth: annFeeder.schedDepth,
    outDepth: gather.depth,
    outReadLevels: gather.readLevels,
    banks: gather.banks,
  };
  const text = renderVerilog('hwgen/modules/accel/accel_top.v.hbs', context, {
    file: ACCEL_TOP_FILE,
    configHash: hash,
    summary: 'accelerator top: ANN arrays and SNN cores, each with a column feeder and an output bank',
  });
  const parameters: ParameterSpec[] = [
    { name: 'A', value: ann.arrays, description: 'ANN MAC arrays' },
    { name: 'S', value: snn.cores, description: 'SNN cores' },
    { name: 'ACT_DEPTH', value: annFeeder.depth, description: 'dense replica words of ann.cols levels' },
    { name: 'EV_DEPTH', value: snnFeeder.depth, description: 'event replica words {k, x}' },
    { name: 'SCHED_DEPTH', value: annFeeder.schedDepth, description: 'schedule entries per core' },
    { name: 'OUT_DEPTH', value: gather.depth, description: 'output levels per core bank' },
    { name: 'OUT_RD_W', value: gather.readLevels, description: 'levels the host reads per cycle (buffers.drainBytes)' },
    { name: 'BANKS', value: gather.banks, description: 'banks of every replica, schedule memory and output bank (buffers.banks)' },
  ];
  return {
    name: ACCEL_TOP_MODULE,
    description: 'A ANN arrays and S SNN cores, each fed from its own activation replica by a column feeder walking its static column list, outputs gathered per core',
    parameters,
    ports: accelTopPorts(accelerator),
    files: [{ name: ACCEL_TOP_FILE, text }],
    submodules: [
      // One file serves both kinds: the instances set WORD_W, DEPTH and SCHED_DEPTH.
      generateColumnFeeder(annFeeder, hash),
      generateOutputGather(gather, hash),
      annCore,
      snnCore,
    ],
  };
}

