/**
 * The files `hwgen generate` writes for FPGA flows, used as the flows use them, without editing: the FuseSoC
 * CAPI2 core (valid against FuseSoC's own schema, capi2.schema.json beside this file; its fileset is the filelist,
 * every target names a tool and a toplevel among the generated modules, with that top's parameters), the clock
 * constraints (the config's clockMHz on each top's clock port), and the Vivado and Quartus scripts run in yosys' Tcl
 * interpreter with the vendor commands they call replaced by yosys' own (read_verilog, hierarchy -check, select):
 * every file of files.f is read from the folder, wherever the script is started from, the chosen top elaborates,
 * and its clock constraint names one of its inputs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { acceleratorFrom } from '../config/load-config.ts';
import { generateDesign } from '../modules/accel/design.ts';
import { generateAxiTop } from '../modules/axi/generator.ts';
import type { ParameterSpec } from '../arch/module.ts';
import { writeDesign } from '../flows/write-design.ts';
import { tempWorkspace } from '../cli/cli-harness.ts';
import { HWGEN_VERSION } from '../version.ts';
import { TINY_DESIGN } from './tiny-design.ts';

const ACCEL = 'hwgen_accel_top';
const AXI = 'hwgen_axi_top';

let dir = '';
/** The tiny design at the default 100 MHz. */
let out = '';
/** The same at 250 MHz. */
let out250 = '';
let filelist: string[] = [];

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-pack-');
  out = join(dir, 'rtl');
  out250 = join(dir, 'rtl250');
  await writeDesign(generateDesign(acceleratorFrom(TINY_DESIGN, 'pack-test')), out);
  await writeDesign(generateDesign(acceleratorFrom({ ...TINY_DESIGN, name: 'tiny250', clockMHz: 250 }, 'pack-test-250')), out250);
  filelist = (await readFile(join(out, 'files.f'), 'utf8')).trim().split('\n');
});

interface TclRun {
  /** Files the script handed to the tool, in order. */
  readonly read: string[];
  /** The lines the stubs printed (TOP …, PROJECT …, CLOCK …, REPORT …). */
  readonly said: string[];
}

/**
 * Stubs both scripts rely on: a constraint file read or assigned is kept in ::constraints and sourced after the
 * script, once the top has elaborated, with create_clock checking that its port is an input of that top.
 */
const CONSTRAINT_STUBS = `
set ::constraints {}
proc get_ports {name} { return $name }
proc create_clock {args} {
  set port [lindex $args end]
  array set option [lrange $args 0 end-1]
  yosys select -assert-count 1 $::top/i:$port
  puts "CLOCK $option(-name) $option(-period) $port"
}
proc derive_clock_uncertainty {} {}
`;

/** Runs `stubs` then `source SCRIPT` (in folder `from`) in yosys' Tcl interpreter, from `dir`, not the script's folder. */
async function runTcl(stubs: string, script: string, argv: readonly string[], from = out): Promise<TclRun> {
  const driver = join(dir, 'driver.tcl');
  await writeFile(driver, [
    'set ::read_files {}',
    CONSTRAINT_STUBS,
    stubs,
    `set argv [list ${argv.map((arg) => `{${arg}}`).join(' ')}]`,
    'set argc [llength $argv]',
    `source ${join(from, script)}`,
    'foreach constraint $::constraints { source $constraint }',
    'puts "READ [join $::read_files ,]"',
    '',
  ].join('\n'));
  const run = await execa('yosys', ['-q', '-c', driver], { cwd: dir, reject: false, all: true });
  const lines = (run.all ?? '').split('\n');
  const error = lines.find((line) => line.startsWith('ERROR'));
  if (run.exitCode !== 0 || error !== undefined) throw new Error(`yosys -c ${script}: ${error ?? `exit ${run.exitCode}`}`);
  const read = lines.find((line) => line.startsWith('READ '))?.slice(5).split(',') ?? [];
  return { read, said: lines.filter((line) => /^(TOP|PROJECT|CLOSED|FAMILY|DEVICE|SDC|CLOCK|REPORT)/.test(line)) };
}

const VIVADO_STUBS = `
proc read_verilog {args} { lappend ::read_files [lindex $args end]; yosys read_verilog {*}$args }
proc read_xdc {file} { lappend ::constraints $file }
proc synth_design {args} {
  array set option $args
  yosys hierarchy -check -top $option(-top)
  set ::top $option(-top)
  puts "TOP $option(-top) $option(-part) $option(-mode)"
}
proc report_utilization {args} { array set option $args; puts "REPORT utilization $option(-file)" }
proc report_timing_summary {args} { array set option $args; puts "REPORT timing_summary $option(-file)" }
`;

const QUARTUS_STUBS = `
package provide ::quartus::project 1.0
proc is_project_open {} { return 0 }
proc project_new {args} { puts "PROJECT $args" }
proc project_close {} { puts CLOSED }
proc export_assignments {} {}
proc set_global_assignment {flag what value} {
  switch -- $what {
    VERILOG_FILE { lappend ::read_files $value; yosys read_verilog $value }
    SDC_FILE { lappend ::constraints $value; puts "SDC $value" }
    TOP_LEVEL_ENTITY { yosys hierarchy -check -top $value; set ::top $value; puts "TOP $value" }
    FAMILY - DEVICE { puts "$what $value" }
    default { error "unexpected assignment $what" }
  }
}
`;

interface CapiCore {
  name: string;
  license: string;
  filesets: Record<string, { file_type: string; files: string[] }>;
  parameters: Record<string, { datatype: string; paramtype: string; default: number; description: string }>;
  targets: Record<string, { filesets: string[]; toplevel: string; default_tool: string; parameters: string[]; tools?: Record<string, Record<string, unknown>> }>;
}

/** FuseSoC's CAPI2 JSON schema (draft 2020-12), the one its core parser validates with, as a zod schema. */
async function capi2Schema(): Promise<z.ZodType> {
  return z.fromJSONSchema(JSON.parse(await readFile(join(import.meta.dirname, 'capi2.schema.json'), 'utf8')));
}

/** The core as FuseSoC reads it: the `CAPI=2:` line dropped, then YAML 1.1 (PyYAML). */
async function readCore(folder: string, name: string): Promise<{ text: string; core: CapiCore }> {
  const text = await readFile(join(folder, `${name}.core`), 'utf8');
  return { text, core: parse(text.slice(text.indexOf('\n') + 1), { version: '1.1' }) as CapiCore };
}

/** The core's `parameters` entries for a top's ParameterSpecs. */
function asCoreParameters(specs: readonly ParameterSpec[]): CapiCore['parameters'] {
  return Object.fromEntries(specs.map((spec) => [spec.name, { datatype: 'int', paramtype: 'vlogparam', default: spec.value, description: spec.description }]));
}

describe('packaging for FPGA flows', () => {
  it('the FuseSoC core is valid CAPI2 by FuseSoC\'s own schema, which rejects a misspelt key', async () => {
    const { text, core } = await readCore(out, 'tiny');
    expect(text.split('\n')[0]).toBe('CAPI=2:');
    const schema = await capi2Schema();
    expect(schema.safeParse(core).error?.issues).toBeUndefined();
    const misspelt = { ...core, targets: { ...core.targets, default: { ...core.targets.default, default_tol: 'icarus' } } };
    expect(schema.safeParse(misspelt).success).toBe(false);
  });

  it('the core: name, license, the Verilog fileset that is files.f, and a constraint fileset per vendor', async () => {
    const { core } = await readCore(out, 'tiny');
    const packageJson = JSON.parse(await readFile(join(import.meta.dirname, '../../package.json'), 'utf8')) as { license: string };
    expect(core.name).toBe(`hwgen:accel:tiny:${HWGEN_VERSION}`);
    expect(core.license).toBe(packageJson.license);
    expect(core.filesets).toEqual({
      rtl: { file_type: 'verilogSource-2005', files: filelist },
      xdc: { file_type: 'xdc', files: [`${AXI}.xdc`] },
      sdc: { file_type: 'SDC', files: [`${AXI}.sdc`] },
    });
  });

  it('every target names its tool, filesets and toplevel; vendor targets carry the part and the constraint', async () => {
    const { core } = await readCore(out, 'tiny');
    const summary = Object.fromEntries(Object.entries(core.targets).map(([name, target]) => [name, `${target.default_tool}: ${target.filesets.join(',')} ${target.toplevel}`]));
    expect(summary).toEqual({
      default: `icarus: rtl ${ACCEL}`,
      axi: `icarus: rtl ${AXI}`,
      lint: `verilator: rtl ${ACCEL}`,
      synth: `yosys: rtl ${AXI}`,
      pynq_z2: `vivado: rtl,xdc ${AXI}`,
      cyclone_v: `quartus: rtl,sdc ${AXI}`,
    });
    expect(core.targets.pynq_z2?.tools).toEqual({ vivado: { part: 'xc7z020clg400-1', pnr: 'none' } });
    expect(core.targets.cyclone_v?.tools).toEqual({ quartus: { family: 'Cyclone V', device: '5CGXFC7C7F23C8', pnr: 'none' } });
  });

  it('the core\'s parameters are both tops\' ParameterSpecs, and each target lists its toplevel\'s', async () => {
    const { core } = await readCore(out, 'tiny');
    const accelerator = acceleratorFrom(TINY_DESIGN, 'pack-test');
    const accelSpecs = generateDesign(accelerator).modules[0]?.parameters ?? [];
    const axiSpecs = generateAxiTop(accelerator).parameters;
    expect(accelSpecs.map((spec) => spec.name)).toEqual(['A', 'S', 'ACT_DEPTH', 'EV_DEPTH', 'SCHED_DEPTH', 'OUT_DEPTH', 'OUT_RD_W', 'BANKS']);
    expect(axiSpecs.map((spec) => spec.name)).toEqual(['AXIS_W', 'AXIL_AW']);
    expect(core.parameters).toEqual(asCoreParameters([...accelSpecs, ...axiSpecs]));
    const names = new Map([[ACCEL, accelSpecs.map((spec) => spec.name)], [AXI, axiSpecs.map((spec) => spec.name)]]);
    for (const target of Object.values(core.targets)) expect(target.parameters).toEqual(names.get(target.toplevel));
  });

  it('the Verilog is Verilog-2005, as the core\'s file type says: iverilog -g2005 -Wall accepts it without a word', async () => {
    const run = await execa('iverilog', ['-g2005', '-Wall', '-s', AXI, '-o', '/dev/null', ...filelist], { cwd: out, reject: false, all: true });
    expect(run.all).toBe('');
    expect(run.exitCode).toBe(0);
  });

  it.each([
    [() => out, 100, '10.000'],
    [() => out250, 250, '4.000'],
  ])('the constraint files of a %#th design at %d MHz put a %s ns clock on each top\'s clock port', async (folder, _mhz, period) => {
    const clockLine = async (file: string) => (await readFile(join(folder(), file), 'utf8')).split('\n').filter((line) => line.startsWith('create_clock'));
    expect(await clockLine(`${AXI}.xdc`)).toEqual([`create_clock -name aclk -period ${period} [get_ports aclk]`]);
    expect(await clockLine(`${ACCEL}.xdc`)).toEqual([`create_clock -name clk -period ${period} [get_ports clk]`]);
    expect(await clockLine(`${AXI}.sdc`)).toEqual([`create_clock -name aclk -period ${period} [get_ports {aclk}]`]);
    expect(await clockLine(`${ACCEL}.sdc`)).toEqual([`create_clock -name clk -period ${period} [get_ports {clk}]`]);
  });

  it.each([
    [[], AXI, ['CLOCK aclk 10.000 aclk']],
    [[ACCEL], ACCEL, ['CLOCK clk 10.000 clk']],
    [['hwgen_ann_core'], 'hwgen_ann_core', []],
  ])('vivado.tcl with -tclargs %j reads files.f and the XDC, synthesises %s out of context and writes both reports', async (argv, top, clocks) => {
    const run = await runTcl(VIVADO_STUBS, 'vivado.tcl', argv);
    expect(run.read).toEqual(filelist.map((name) => join(out, name)));
    expect(run.said).toEqual([
      `TOP ${top} xc7z020clg400-1 out_of_context`,
      `REPORT utilization ${join(out, 'vivado_utilization.rpt')}`,
      `REPORT timing_summary ${join(out, 'vivado_timing_summary.rpt')}`,
      ...clocks,
    ]);
  });

  it('vivado.tcl of the 250 MHz design constrains the clock to 4 ns', async () => {
    const run = await runTcl(VIVADO_STUBS, 'vivado.tcl', [], out250);
    expect(run.said.filter((line) => line.startsWith('CLOCK'))).toEqual(['CLOCK aclk 4.000 aclk']);
  });

  it('quartus.tcl makes a Cyclone V project holding every file of files.f and the SDC, with the AXI top', async () => {
    const run = await runTcl(QUARTUS_STUBS, 'quartus.tcl', []);
    expect(run.read).toEqual(filelist.map((name) => join(out, name)));
    expect(run.said).toEqual([
      `PROJECT -overwrite ${AXI}`,
      'FAMILY Cyclone V',
      'DEVICE 5CGXFC7C7F23C8',
      `SDC ${join(out, `${AXI}.sdc`)}`,
      `TOP ${AXI}`,
      'CLOSED',
      'CLOCK aclk 10.000 aclk',
    ]);
  });

  it('quartus.tcl takes the top, family and device it is given', async () => {
    const run = await runTcl(QUARTUS_STUBS, 'quartus.tcl', [ACCEL, 'Cyclone V', '5CSEBA6U23I7'], out250);
    expect(run.said).toEqual([
      `PROJECT -overwrite ${ACCEL}`,
      'FAMILY Cyclone V',
      'DEVICE 5CSEBA6U23I7',
      `SDC ${join(out250, `${ACCEL}.sdc`)}`,
      `TOP ${ACCEL}`,
      'CLOSED',
      'CLOCK clk 4.000 clk',
    ]);
  });
});
