/**
 * The typed description every generator returns: what a module is, so that higher generators,
 * testbenches, drivers and docs use it instead of re-parsing Verilog.
 */

export type PortDirection = 'input' | 'output';

/** What a port is for; testbenches and wrappers connect ports by role. */
export type PortRole = 'clock' | 'reset' | 'config' | 'load' | 'stream-in' | 'stream-out' | 'counter' | 'status';

export interface PortSpec {
  readonly name: string;
  readonly direction: PortDirection;
  readonly width: number;
  readonly role: PortRole;
  readonly description: string;
}

export interface ParameterSpec {
  readonly name: string;
  readonly value: number;
  readonly description: string;
}

export interface GeneratedFile {
  /** File name, e.g. `ann_core.v`. */
  readonly name: string;
  readonly text: string;
}

export interface ModuleDescription {
  /** Verilog module name. */
  readonly name: string;
  readonly description: string;
  readonly parameters: readonly ParameterSpec[];
  readonly ports: readonly PortSpec[];
  /** This module's own file(s). */
  readonly files: readonly GeneratedFile[];
  readonly submodules: readonly ModuleDescription[];
}

export function port(name: string, direction: PortDirection, width: number, role: PortRole, description: string): PortSpec {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`port ${name}: width must be a positive integer, got ${width}`);
  return { name, direction, width, role, description };
}

export function findPort(module: ModuleDescription, name: string): PortSpec {
  const found = module.ports.find((p) => p.name === name);
  if (found === undefined) throw new Error(`module ${module.name} has no port ${name}`);
  return found;
}

/** Every file of a module and its submodules, each once, submodules first (a valid compile order). */
export function allFiles(module: ModuleDescription): GeneratedFile[] {
  const seen = new Map<string, GeneratedFile>();
  const visit = (m: ModuleDescription): void => {
    for (const sub of m.submodules) visit(sub);
    for (const file of m.files) {
      const existing = seen.get(file.name);
      if (existing !== undefined && existing.text !== file.text) throw new Error(`two different files are both named ${file.name}`);
      seen.set(file.name, file);
    }
  };
  visit(module);
  return [...seen.values()];
}
