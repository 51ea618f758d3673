/**
 * Yosys scripts of `hwgen synth` and the parsing of what they write: `stat -json` per module (cell counts by type,
 * memories) and the elaborated hierarchy (`write_json` after `proc`: every module variant's parameters and which
 * instance uses which variant).
 *
 * Every flow keeps the hierarchy (no flatten before the statistics), so resources come per module variant:
 *   generic  `synth -run begin:fine`, then the fine steps without `memory_map` (memories stay `$mem_v2` cells:
 *            mapping megabits of buffer into gates would take hours and say nothing);
 *   xc7      `synth_xilinx -noiopad` (out of context: no I/O buffers);
 *   ice40    `synth_ice40 -noflatten` (+ `-dsp -spram` on UltraPlus), then `flatten` for nextpnr.
 */
import { ToolError } from '../errors.ts';
import type { TargetName } from './targets.ts';

/** A module of the elaborated design, before technology mapping. */
export interface ElaboratedModule {
  /** Yosys' name: `hwgen_accel_top`, or `$paramod$<sha1>\hwgen_column_feeder` for a parameter variant. */
  readonly name: string;
  /** The Verilog module it was derived from. */
  readonly base: string;
  readonly parameters: Readonly<Record<string, number>>;
  /** Instances of the design's own modules inside it: instance name → module name. */
  readonly instances: Readonly<Record<string, string>>;
  /** Memories and their bits (after `proc`, before mapping). */
  readonly memories: number;
  readonly memoryBits: number;
}

export interface StatModule {
  readonly cells: Readonly<Record<string, number>>;
  readonly memories: number;
  readonly memoryBits: number;
}

/** Public names carry a leading backslash in `stat -json`; derived names start with `$paramod`. */
export function moduleKey(name: string): string {
  return name.startsWith('\\') ? name.slice(1) : name;
}

export function baseName(name: string): string {
  const key = moduleKey(name);
  if (!key.startsWith('$paramod')) return key;
  // $paramod$<sha1>\name or $paramod\name\P=v...
  const parts = key.split('\\');
  return parts[1] ?? key;
}

/**
 * `stat -json` of yosys 0.23 prints the "design hierarchy" lines into the JSON it tees when a top is set; drop every
 * line that cannot be JSON (no quote, not only brackets) before parsing.
 */
export function parseStatJson(text: string, file: string): Map<string, StatModule> {
  const clean = text.split('\n').filter((line) => {
    const trimmed = line.trim();
    return trimmed === '' || trimmed.includes('"') || /^[{}[\],]+$/.test(trimmed);
  }).join('\n');
  let data: { modules?: Record<string, { num_cells_by_type?: Record<string, number>; num_memories?: number; num_memory_bits?: number }> };
  try {
    data = JSON.parse(clean) as typeof data;
  } catch (error) {
    throw new ToolError('yosys', `${file}: stat output is not JSON (${(error as Error).message})`);
  }
  const modules = new Map<string, StatModule>();
  for (const [name, stat] of Object.entries(data.modules ?? {})) {
    modules.set(moduleKey(name), { cells: stat.num_cells_by_type ?? {}, memories: stat.num_memories ?? 0, memoryBits: stat.num_memory_bits ?? 0 });
  }
  return modules;
}

/** A yosys parameter value: a binary string (`"00…01000"`), a number, or a string constant. */
function parameterValue(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^[01]+$/.test(raw)) {
    const value = Number.parseInt(raw, 2);
    // signed 32-bit integers: parameters here are never negative, but keep the reading honest
    return raw.length === 32 && raw.startsWith('1') ? value - 2 ** 32 : value;
  }
  return undefined;
}

/** The module variants and instances from `write_json` after `proc`, with the memory bits from `stat -json` after `proc`. */
export function parseHierarchy(hierText: string, elaborated: ReadonlyMap<string, StatModule>, file: string): Map<string, ElaboratedModule> {
  let data: { modules?: Record<string, { parameter_default_values?: Record<string, unknown>; attributes?: Record<string, unknown>; cells?: Record<string, { type: string }> }> };
  try {
    data = JSON.parse(hierText) as typeof data;
  } catch (error) {
    throw new ToolError('yosys', `${file}: not JSON (${(error as Error).message})`);
  }
  const names = new Set(Object.keys(data.modules ?? {}).map(moduleKey));
  const modules = new Map<string, ElaboratedModule>();
  for (const [raw, module] of Object.entries(data.modules ?? {})) {
    const name = moduleKey(raw);
    const parameters: Record<string, number> = {};
    for (const [key, value] of Object.entries(module.parameter_default_values ?? {})) {
      const parsed = parameterValue(value);
      if (parsed !== undefined) parameters[key] = parsed;
    }
    const instances: Record<string, string> = {};
    for (const [cellName, cell] of Object.entries(module.cells ?? {})) {
      const type = moduleKey(cell.type);
      if (names.has(type)) instances[moduleKey(cellName)] = type;
    }
    const stat = elaborated.get(name);
    modules.set(name, { name, base: baseName(name), parameters, instances, memories: stat?.memories ?? 0, memoryBits: stat?.memoryBits ?? 0 });
  }
  return modules;
}

export interface ScriptFiles {
  /** Verilog files, relative to the work folder, in compile order. */
  readonly sources: readonly string[];
  readonly top: string;
  /** Written after `proc`: the hierarchy and memory statistics of the elaborated design. */
  readonly elaboratedStat: string;
  readonly hierarchy: string;
  /** Written after synthesis. */
  readonly stat: string;
  /** ice40 only: the flattened netlist for nextpnr. */
  readonly netlist?: string;
}

/** A Verilog file name yosys reads without quoting trouble. */
function checkedName(name: string): string {
  if (!/^[A-Za-z0-9_./-]+$/.test(name)) throw new Error(`yosys script: unexpected file name ${name}`);
  return name;
}

/** The whole yosys script for a target (one yosys run). */
export function synthScript(target: TargetName, files: ScriptFiles, ice40Options: readonly string[] = []): string {
  const top = checkedName(files.top);
  const lines = [
    ...files.sources.map((source) => `read_verilog -sv ${checkedName(source)}`),
    `hierarchy -check -top ${top}`,
    'proc',
    `tee -q -o ${checkedName(files.elaboratedStat)} stat -json`,
    `write_json ${checkedName(files.hierarchy)}`,
  ];
  if (target === 'generic') {
    lines.push(
      `synth -top ${top} -run begin:fine`,
      // `fine` without memory_map: memories stay word-level $mem_v2 cells
      'opt -fast -full',
      'opt -full',
      'techmap',
      'opt -fast',
      'abc -fast',
      'opt -fast',
      'hierarchy -check',
      'check',
    );
  } else if (target === 'xc7') {
    lines.push(`synth_xilinx -top ${top} -noiopad`);
  } else {
    lines.push(`synth_ice40 -top ${top} -noflatten ${ice40Options.join(' ')}`.trim());
  }
  lines.push(`tee -q -o ${checkedName(files.stat)} stat -json`);
  if (target === 'ice40' && files.netlist !== undefined) lines.push('flatten', 'opt_clean', `write_json ${checkedName(files.netlist)}`);
  return `${lines.join('\n')}\n`;
}
