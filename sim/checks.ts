/**
 * Static checks every generated design must pass (hwgen/generate/README.md, "Conventions every generated module follows"):
 * `verilator --lint-only -Wall` clean, accepted by `iverilog -g2012`, and synthesizable by yosys
 * (`hierarchy -check; proc; check -assert`) with no latch.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ToolError } from '../hwgen/errors.ts';
import { inOwnProcessGroup } from '../hwgen/util/interrupts.ts';
import { type ModuleDescription, allFiles } from '../hwgen/arch/module.ts';

export interface DesignFiles {
  /** Folder holding the files; file names match module names (Verilator's DECLFILENAME rule). */
  readonly dir: string;
  readonly files: readonly string[];
  readonly top: string;
  /** Extra Verilator flags, e.g. `--timing` for a testbench with delays. */
  readonly verilatorFlags?: readonly string[];
}

interface ToolRun {
  readonly exitCode: number;
  readonly output: string;
}

async function runTool(tool: string, args: readonly string[], cwd: string): Promise<ToolRun> {
  try {
    // Detached, in its own process group, so an interrupt ends the tool's whole tree (hwgen/util/interrupts.ts).
    const result = await inOwnProcessGroup(execa(tool, [...args], { cwd, reject: false, all: true, timeout: 600_000, detached: true }));
    if (result.failed && result.exitCode === undefined) throw new ToolError(tool, `did not run: ${result.shortMessage}`);
    return { exitCode: result.exitCode ?? 1, output: result.all ?? '' };
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError(tool, 'not found on PATH (make test installs it)');
  }
}

function firstProblem(output: string, pattern: RegExp): string {
  return output.split('\n').find((line) => pattern.test(line))?.trim() ?? output.trim().split('\n').slice(-1)[0] ?? '';
}

/** `verilator --lint-only -Wall`: any warning fails. */
export async function verilatorLint(design: DesignFiles): Promise<void> {
  const run = await runTool('verilator', ['--lint-only', '-Wall', ...(design.verilatorFlags ?? []), '--top-module', design.top, ...design.files], design.dir);
  if (run.exitCode !== 0 || /%(Warning|Error)/.test(run.output)) {
    throw new ToolError('verilator', `lint of ${design.top} failed: ${firstProblem(run.output, /^%(Warning|Error)/)}`);
  }
}

/** `iverilog -g2012` accepts the design (compiled to /dev/null). */
export async function icarusCompile(design: DesignFiles): Promise<void> {
  const run = await runTool('iverilog', ['-g2012', '-Wall', '-s', design.top, '-o', '/dev/null', ...design.files], design.dir);
  if (run.exitCode !== 0) throw new ToolError('iverilog', `compile of ${design.top} failed: ${firstProblem(run.output, /error/i)}`);
}

export interface YosysCheck {
  /** Cell counts by type after `proc; flatten; opt` (word-level cells such as `$mul`, `$add`, `$dff`). */
  readonly cells: Readonly<Record<string, number>>;
}

/**
 * `hierarchy -check; proc; check -assert` with no latch, then word-level cell counts.
 * `extraScript` runs before the counts are taken (e.g. `wreduce; alumacc` to expose multipliers).
 */
export async function yosysCheck(design: DesignFiles, extraScript = ''): Promise<YosysCheck> {
  const reads = design.files.map((file) => `read_verilog -sv ${file}`).join('; ');
  const script = `${reads}; hierarchy -check -top ${design.top}; proc; check -assert; select -assert-none t:$dlatch t:$adlatch t:$dlatchsr; flatten; opt -full; ${extraScript}; tee -o yosys-stat.json stat -json`;
  const run = await runTool('yosys', ['-q', '-p', script], design.dir);
  if (run.exitCode !== 0) throw new ToolError('yosys', `check of ${design.top} failed: ${firstProblem(run.output, /ERROR|Assert|latch/i)}`);
  const stat = JSON.parse(await readFile(`${design.dir}/yosys-stat.json`, 'utf8')) as { modules: Record<string, { cells?: Record<string, number>; num_cells_by_type?: Record<string, number> }> };
  const top = stat.modules[`\\${design.top}`] ?? Object.values(stat.modules)[0];
  return { cells: top?.num_cells_by_type ?? top?.cells ?? {} };
}

/**
 * Writes a generated module and its submodules into `dir` (which must exist) and runs all three checks
 * with the module as top; returns yosys' cell counts (`extraScript` as for yosysCheck).
 */
export async function checkGeneratedModule(module: ModuleDescription, dir: string, extraScript = ''): Promise<YosysCheck> {
  const files = allFiles(module);
  await Promise.all(files.map((file) => writeFile(join(dir, file.name), file.text)));
  const design = { dir, files: files.map((file) => file.name), top: module.name };
  await verilatorLint(design);
  await icarusCompile(design);
  return yosysCheck(design, extraScript);
}
