/**
 * The data flow the architecture promises, checked on the source's own imports: config → hardware model (arch) →
 * cost model / generators → RTL → simulator → checker → report, nothing reaching back. Test files are leaves and
 * are not part of the graph.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SOURCE_FOLDERS = ['hwgen', 'sim', 'testbench'];

function sourceFiles(folder: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder))) {
    const path = join(folder, entry);
    if (entry === 'node_modules' || entry === 'fixtures') continue;
    if (statSync(join(ROOT, path)).isDirectory()) files.push(...sourceFiles(path));
    else if (/\.(ts|mjs)$/.test(entry) && !entry.endsWith('.test.ts')) files.push(path);
  }
  return files;
}

/** Repository paths this file imports (relative specifiers only: packages are not layers). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)].map((m) => m[1] ?? '');
  return specifiers.map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)));
}

/** The folder a file belongs to for the cycle check: a hardware module's folder, a toolkit folder, or a top folder. */
function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'hwgen' && parts[1] === 'modules') return parts.slice(0, 3).join('/');
  if (parts[0] === 'hwgen') return parts.length > 2 ? parts.slice(0, 2).join('/') : 'hwgen';
  return parts[0] ?? file;
}

const MODULE_FILE = /^hwgen\/modules\/[^/]+\/([^/]+)\.ts$/;
const isArch = (f: string): boolean => f.startsWith('hwgen/arch/') || MODULE_FILE.exec(f)?.[1] === 'arch';
const isTiming = (f: string): boolean => MODULE_FILE.exec(f)?.[1] === 'timing';
const isCosim = (f: string): boolean => f.startsWith('testbench/') || /cosim$/.test(MODULE_FILE.exec(f)?.[1] ?? '');
const isGenerator = (f: string): boolean =>
  f.startsWith('hwgen/generate/') || (f.startsWith('hwgen/modules/') && !isArch(f) && !isTiming(f) && !isCosim(f));
const under = (f: string, ...folders: string[]): boolean => folders.some((folder) => f.startsWith(`${folder}/`) || f === folder);

/** What the hardware model may build on: the contract (workload, tensors) and the config, and plain helpers. */
const ARCH_MAY_IMPORT = (f: string): boolean =>
  isArch(f) || under(f, 'hwgen/config', 'hwgen/workload', 'hwgen/tensor', 'hwgen/util', 'hwgen/errors.ts', 'hwgen/version.ts');
const MAY_IMPORT_GENERATORS = (f: string): boolean =>
  isGenerator(f) || isCosim(f) || under(f, 'hwgen/flows', 'hwgen/cli', 'hwgen/fpga', 'hwgen/explore', 'hwgen/bench', 'hwgen/testing');

interface Edge {
  readonly from: string;
  readonly to: string;
}

const edges: Edge[] = SOURCE_FOLDERS.flatMap(sourceFiles).flatMap((from) => importsOf(from).map((to) => ({ from, to })));
const show = (list: readonly Edge[]): string[] => list.map((e) => `${e.from} -> ${e.to}`);

/** Folder-level cycles, each as the path that closes it. */
function folderCycles(): string[] {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string, path: string[]): void => {
    state.set(node, 'open');
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), node, next].join(' -> '));
      else if (state.get(next) === undefined) visit(next, [...path, node]);
    }
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (state.get(node) === undefined) visit(node, []);
  return cycles;
}

describe('the import structure follows the data flow', () => {
  it('reads a graph of the real size (the parser sees the imports)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges.some((e) => e.from === 'hwgen/cost/layer.ts' && e.to === 'hwgen/modules/accel/arch.ts')).toBe(true);
  });

  it('generators import nothing from cost, host, schedule or golden', () => {
    const bad = edges.filter((e) => isGenerator(e.from) && under(e.to, 'hwgen/cost', 'hwgen/host', 'hwgen/schedule', 'hwgen/golden'));
    expect(show(bad)).toEqual([]);
  });

  it('cost, host, schedule, the hardware model and the timing models import no generator', () => {
    const bad = edges.filter((e) => (under(e.from, 'hwgen/cost', 'hwgen/host', 'hwgen/schedule') || isArch(e.from) || isTiming(e.from)) && isGenerator(e.to));
    expect(show(bad)).toEqual([]);
  });

  it('the hardware model imports only the contract, the config and plain helpers', () => {
    const bad = edges.filter((e) => isArch(e.from) && !ARCH_MAY_IMPORT(e.to));
    expect(show(bad)).toEqual([]);
  });

  it('only flows, the CLI, the FPGA flow, exploration, benchmarks, test support and co-simulation testbenches import generators', () => {
    const bad = edges.filter((e) => isGenerator(e.to) && !MAY_IMPORT_GENERATORS(e.from));
    expect(show(bad)).toEqual([]);
  });

  it('has no import cycle between folders', () => {
    expect(folderCycles()).toEqual([]);
  });
});
