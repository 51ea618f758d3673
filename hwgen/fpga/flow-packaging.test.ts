/**
 * The files `hwgen generate` writes for FPGA flows, used as the flows use them, without editing: the FuseSoC
 * CAPI2 core (its fileset is the filelist, every target's toplevel is a generated module that elaborates from
 * that fileset alone), and the Vivado and Quartus scripts run in yosys' Tcl interpreter with the vendor commands
 * they call replaced by yosys' own (read_verilog, hierarchy -check): every file of files.f is read from the
 * folder, wherever the script is started from, and the chosen top elaborates.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { acceleratorFrom } from '../config/load-config.ts';
import { generateDesign } from '../modules/accel/design.ts';
import { writeDesign } from '../flows/write-design.ts';
import { tempWorkspace } from '../testing/cli-harness.ts';
import { HWGEN_VERSION } from '../version.ts';
import { TINY_DESIGN } from './tiny-design.ts';

let dir = '';
let out = '';
let filelist: string[] = [];

beforeAll(async () => {
  dir = await tempWorkspace('hwgen-pack-');
  out = join(dir, 'rtl');
  await writeDesign(generateDesign(acceleratorFrom(TINY_DESIGN, 'pack-test')), out);
  filelist = (await readFile(join(out, 'files.f'), 'utf8')).trim().split('\n');
});

interface TclRun {
  /** Files the script handed to the tool, in order. */
  readonly read: string[];
  /** The lines the stubs printed (TOP …, PROJECT …). */
  readonly said: string[];
}

/** Runs `stubs` then `source SCRIPT` in yosys' Tcl interpreter (from `dir`, not the script's folder). */
async function runTcl(stubs: string, script: string, argv: readonly string[]): Promise<TclRun> {
  const driver = join(dir, 'driver.tcl');
  await writeFile(driver, [
    'set ::read_files {}',
    stubs,
    `set argv {${argv.join(' ')}}`,
    'set argc [llength $argv]',
    `source ${join(out, script)}`,
    'puts "READ [join $::read_files ,]"',
    '',
  ].join('\n'));
  const run = await execa('yosys', ['-q', '-c', driver], { cwd: dir, reject: false, all: true });
  const lines = (run.all ?? '').split('\n');
  const error = lines.find((line) => line.startsWith('ERROR'));
  if (run.exitCode !== 0 || error !== undefined) throw new Error(`yosys -c ${script}: ${error ?? `exit ${run.exitCode}`}`);
  const read = lines.find((line) => line.startsWith('READ '))?.slice(5).split(',') ?? [];
  return { read, said: lines.filter((line) => /^(TOP|PROJECT|CLOSED)/.test(line)) };
}

const VIVADO_STUBS = `
proc read_verilog {args} { lappend ::read_files [lindex $args end]; yosys read_verilog {*}$args }
proc synth_design {args} { array set option $args; yosys hierarchy -check -top $option(-top); puts "TOP $option(-top) $option(-part) $option(-mode)" }
proc report_utilization {args} {}
`;

const QUARTUS_STUBS = `
package provide ::quartus::project 1.0
proc is_project_open {} { return 0 }
proc project_new {args} { puts "PROJECT $args" }
proc project_close {} { puts CLOSED }
proc export_assignments {} {}
proc set_global_assignment {flag what value} {
  if {$what eq "SYSTEMVERILOG_FILE"} { lappend ::read_files $value; yosys read_verilog -sv $value }
  if {$what eq "TOP_LEVEL_ENTITY"} { yosys hierarchy -check -top $value; puts "TOP $value" }
}
`;

describe('packaging for FPGA flows', () => {
  it('the FuseSoC core: CAPI2, one fileset that is files.f, and a toplevel per target among the generated modules', async () => {
    const text = await readFile(join(out, 'tiny.core'), 'utf8');
    expect(text.split('\n')[0]).toBe('CAPI=2:');
    const core = parse(text, { merge: true }) as {
      name: string;
      filesets: Record<string, { file_type: string; files: string[] }>;
      targets: Record<string, { filesets: string[]; toplevel: string; default_tool?: string }>;
    };
    expect(core.name).toBe(`hwgen:accel:tiny:${HWGEN_VERSION}`);
    expect(core.filesets).toEqual({ rtl: { file_type: 'systemVerilogSource', files: filelist } });
    const tops = Object.fromEntries(Object.entries(core.targets).map(([name, target]) => [name, `${target.filesets.join(',')} ${target.toplevel} ${target.default_tool ?? ''}`.trim()]));
    expect(tops).toEqual({
      default: 'rtl hwgen_accel_top',
      axi: 'rtl hwgen_axi_top',
      lint: 'rtl hwgen_accel_top verilator',
      synth: 'rtl hwgen_axi_top yosys',
      pynq_z2: 'rtl hwgen_axi_top vivado',
    });
  });

  it.each([
    [[], 'hwgen_axi_top'],
    [['hwgen_accel_top'], 'hwgen_accel_top'],
  ])('vivado.tcl with -tclargs %j reads every file of files.f and synthesises %s out of context for the xc7z020', async (argv, top) => {
    const run = await runTcl(VIVADO_STUBS, 'vivado.tcl', argv);
    expect(run.read).toEqual(filelist.map((name) => join(out, name)));
    expect(run.said).toEqual([`TOP ${top} xc7z020clg400-1 out_of_context`]);
  });

  it('quartus.tcl makes a project holding every file of files.f with the AXI top, or the top it is given', async () => {
    const run = await runTcl(QUARTUS_STUBS, 'quartus.tcl', []);
    expect(run.read).toEqual(filelist.map((name) => join(out, name)));
    expect(run.said).toEqual(['PROJECT -overwrite hwgen_axi_top', 'TOP hwgen_axi_top', 'CLOSED']);
    expect((await runTcl(QUARTUS_STUBS, 'quartus.tcl', ['hwgen_accel_top'])).said).toEqual(['PROJECT -overwrite hwgen_accel_top', 'TOP hwgen_accel_top', 'CLOSED']);
  });
});
