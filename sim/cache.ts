/**
 * The build cache (sim/README.md): one folder per build key, `<cacheRoot>/<simulator>/<key>/`.
 * The key hashes file contents, not paths, so the same design written to another temporary
 * folder is still a hit.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../hwgen/errors.ts';
import { removeAbandonedTemporaries, temporaryTag } from '../hwgen/util/abandoned-temps.ts';
import { removeOnInterrupt } from '../hwgen/util/interrupts.ts';

/** Option, then `HWGEN_SIM_CACHE`, then `<repo>/.cache/sim` (repo: the folder holding package.json). */
export function resolveCacheRoot(option: string | undefined): string {
  const chosen = option ?? process.env.HWGEN_SIM_CACHE;
  if (chosen !== undefined && chosen !== '') return resolve(chosen);
  return join(repoRoot(), '.cache', 'sim');
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('sim/cache.ts: no package.json above this file');
    dir = parent;
  }
  return dir;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function hashFile(path: string): Promise<string> {
  try {
    return sha256(await readFile(path));
  } catch (error) {
    if (isMissing(error)) throw new InputError(path, '', 'source file not found');
    throw error;
  }
}

/** Every file below `dir`, by relative name: an `include` may reach any of them. */
async function hashFolder(dir: string): Promise<string> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true })).sort();
  } catch (error) {
    if (isMissing(error)) throw new InputError(dir, '', 'include folder not found');
    throw error;
  }
  const entries: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if ((await stat(path)).isFile()) entries.push(`${name}\0${await hashFile(path)}`);
  }
  return sha256(entries.join('\n'));
}

export interface KeyInputs {
  readonly simulator: string;
  /** First line of `verilator --version` / `iverilog -V`. */
  readonly toolVersion: string;
  /** The build argv, built for a placeholder output folder so the temporary folder's name stays out. */
  readonly steps: readonly (readonly string[])[];
  readonly sources: readonly string[];
  readonly includeDirs: readonly string[];
  readonly defines: Readonly<Record<string, string>>;
}

export async function buildKey(inputs: KeyInputs): Promise<string> {
  const sourceHashes = await Promise.all(inputs.sources.map(hashFile));
  const includeHashes = await Promise.all(inputs.includeDirs.map(hashFolder));
  const hashOfPath = new Map<string, string>([
    ...inputs.sources.map((path, index): [string, string] => [path, sourceHashes[index] ?? '']),
    ...inputs.includeDirs.map((path, index): [string, string] => [path, includeHashes[index] ?? '']),
  ]);
  const steps = inputs.steps.map((argv) => argv.map((arg) => replacePaths(arg, hashOfPath)));
  const defines = Object.entries(inputs.defines).sort(([a], [b]) => a.localeCompare(b));
  return sha256(JSON.stringify({ simulator: inputs.simulator, toolVersion: inputs.toolVersion, steps, sourceHashes, includeHashes, defines }));
}

/** Longest path first, so a folder that holds a source does not eat the source's own path. */
function replacePaths(arg: string, hashOfPath: ReadonlyMap<string, string>): string {
  const paths = [...hashOfPath.keys()].sort((a, b) => b.length - a.length);
  return paths.reduce((text, path) => text.split(path).join(`<${hashOfPath.get(path) ?? ''}>`), arg);
}

/**
 * Fills a temporary sibling of `entry`, then renames it into place: a failed or interrupted build
 * never leaves a half-built entry. When a concurrent build of the same key renamed first, its
 * entry (identical by construction) is kept and ours is thrown away. Returns whether ours won.
 * The sibling's name holds our pid, so a later build can remove it if we are killed outright.
 */
export async function publishAtomically(entry: string, fill: (dir: string) => Promise<void>): Promise<boolean> {
  await mkdir(dirname(entry), { recursive: true });
  await removeAbandonedTemporaries(dirname(entry));
  const temporary = await mkdtemp(join(dirname(entry), `.${basename(entry)}${temporaryTag()}`));
  const forgetTemporary = removeOnInterrupt(temporary);
  try {
    return await fillAndRename(temporary, entry, fill);
  } finally {
    forgetTemporary();
  }
}

async function fillAndRename(temporary: string, entry: string, fill: (dir: string) => Promise<void>): Promise<boolean> {
  try {
    await fill(temporary);
    // mkdtemp makes the folder private; an entry is as readable as any other build output.
    await chmod(temporary, 0o755);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  try {
    await rename(temporary, entry);
    return true;
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    if (lostTheRace(error)) return false;
    throw error;
  }
}

function lostTheRace(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOTEMPTY' || code === 'EEXIST';
}
