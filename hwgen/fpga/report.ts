/**
 * Resources per module and in total from yosys' statistics: each module variant (a module with one set of
 * parameters) with its own cells, its cells with everything below it, and the instances that use it.
 */
import { type Resources, type TargetName, ZERO_RESOURCES, addResources, resourcesOf } from './targets.ts';
import type { ElaboratedModule, StatModule } from './yosys.ts';

export interface ModuleReport {
  /** The Verilog module. */
  readonly module: string;
  /** Yosys' name for this parameter variant (a `$paramod$<sha1>\…` name for derived modules). */
  readonly yosysName: string;
  /** The generator's parameters of this variant (hwgen generate's manifest lists them). */
  readonly parameters: Readonly<Record<string, number>>;
  /** Hierarchical instance paths from the top, e.g. `core[0].ann.feeder`. */
  readonly instances: readonly string[];
  /** Memories of the variant before mapping, and their bits. */
  readonly memories: number;
  readonly memoryBits: number;
  /** One instance: its own cells (submodule instances excluded) and their resources. */
  readonly cells: Readonly<Record<string, number>>;
  readonly resources: Resources;
  /** One instance with everything below it. */
  readonly resourcesWithSubmodules: Resources;
}

export interface DesignReport {
  readonly top: string;
  readonly modules: readonly ModuleReport[];
  /** The whole design below and including the top. */
  readonly total: Resources;
  /** Cell counts of the whole design, by type. */
  readonly cells: Readonly<Record<string, number>>;
  readonly memoryBits: number;
}

function addCells(into: Record<string, number>, cells: Readonly<Record<string, number>>, times: number): void {
  for (const [type, count] of Object.entries(cells)) into[type] = (into[type] ?? 0) + count * times;
}

/**
 * Builds the report of `top` from the post-synthesis statistics (`stat`, keyed by yosys module name) and the
 * elaborated hierarchy. `documented` gives, per Verilog module, the parameter names worth showing.
 */
export function designReport(
  target: TargetName,
  top: string,
  stat: ReadonlyMap<string, StatModule>,
  hierarchy: ReadonlyMap<string, ElaboratedModule>,
  documented: ReadonlyMap<string, readonly string[]> = new Map(),
): DesignReport {
  const moduleNames = new Set(stat.keys());
  const ownCells = (name: string): Record<string, number> => {
    const cells: Record<string, number> = {};
    for (const [type, count] of Object.entries(stat.get(name)?.cells ?? {})) if (!moduleNames.has(type.replace(/^\\/, ''))) cells[type] = count;
    return cells;
  };
  const children = (name: string): [string, string][] => Object.entries(hierarchy.get(name)?.instances ?? {});

  const paths = new Map<string, string[]>();
  const totals = new Map<string, { resources: Resources; cells: Record<string, number>; memoryBits: number }>();
  const visit = (name: string, path: string): void => {
    const list = paths.get(name) ?? [];
    list.push(path);
    paths.set(name, list);
    for (const [instance, child] of children(name)) visit(child, path === '' ? instance : `${path}.${instance}`);
  };
  const totalOf = (name: string): { resources: Resources; cells: Record<string, number>; memoryBits: number } => {
    const known = totals.get(name);
    if (known !== undefined) return known;
    const cells = ownCells(name);
    let resources = resourcesOf(target, cells);
    let memoryBits = hierarchy.get(name)?.memoryBits ?? 0;
    const all: Record<string, number> = { ...cells };
    for (const [, child] of children(name)) {
      const sub = totalOf(child);
      resources = addResources(resources, sub.resources);
      memoryBits += sub.memoryBits;
      addCells(all, sub.cells, 1);
    }
    const result = { resources, cells: all, memoryBits };
    totals.set(name, result);
    return result;
  };
  if (!stat.has(top)) throw new Error(`yosys statistics have no module ${top}`);
  visit(top, '');
  const whole = totalOf(top);

  const modules: ModuleReport[] = [...paths.keys()].map((name) => {
    const elaborated = hierarchy.get(name);
    const base = elaborated?.base ?? name;
    const shown = documented.get(base);
    const parameters = Object.fromEntries(Object.entries(elaborated?.parameters ?? {}).filter(([key]) => shown === undefined || shown.includes(key)));
    const cells = ownCells(name);
    return {
      module: base,
      yosysName: name,
      parameters,
      instances: (paths.get(name) ?? []).map((path) => (path === '' ? '(top)' : path)),
      memories: elaborated?.memories ?? 0,
      memoryBits: elaborated?.memoryBits ?? 0,
      cells,
      resources: resourcesOf(target, cells),
      resourcesWithSubmodules: totalOf(name).resources,
    };
  });
  return { top, modules, total: whole.resources, cells: whole.cells, memoryBits: whole.memoryBits };
}

/** A sub-tree's report: the module at `path` below the top (used to take the design out of the P&R harness). */
export function subReport(report: DesignReport, instancePath: string): DesignReport {
  const root = report.modules.find((module) => module.instances.includes(instancePath));
  if (root === undefined) throw new Error(`no instance ${instancePath} in the report of ${report.top}`);
  const prefix = `${instancePath}.`;
  const modules = report.modules
    .map((module) => ({
      ...module,
      instances: module.instances.filter((path) => path === instancePath || path.startsWith(prefix)).map((path) => (path === instancePath ? '(top)' : path.slice(prefix.length))),
    }))
    .filter((module) => module.instances.length > 0);
  const cells: Record<string, number> = {};
  let memoryBits = 0;
  for (const module of modules) {
    addCells(cells, module.cells, module.instances.length);
    memoryBits += module.memoryBits * module.instances.length;
  }
  return { top: root.module, modules, total: root.resourcesWithSubmodules, cells, memoryBits };
}

export { ZERO_RESOURCES };
