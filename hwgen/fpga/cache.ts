/**
 * The synthesis cache: one folder per key, `<root>/<target>/<key>/` with the result (`result.json`) and the tools'
 * logs. The key hashes what decides the result (the Verilog's contents, the top, the target and its options, the
 * scripts' version and the tools' version lines), not paths, so the same design from another folder is a hit and a
 * second `hwgen synth` of a design costs a hash and a copy. `HWGEN_FPGA_CACHE` moves the root (default
 * `<repo>/.cache/fpga`); deleting the folder clears it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { removeAbandonedTemporaries, temporaryTag } from '../util/abandoned-temps.ts';
import { removeOnInterrupt } from '../util/interrupts.ts';

export function resolveFpgaCacheRoot(option?: string): string {
  const chosen = option ?? process.env.HWGEN_FPGA_CACHE;
  if (chosen !== undefined && chosen !== '') return resolve(chosen);
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('hwgen/fpga/cache.ts: no package.json above this file');
    dir = parent;
  }
  return join(dir, '.cache', 'fpga');
}

export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

const RESULT_FILE = 'result.json';

/** The cached result and the folder holding its logs, or undefined. */
export async function cacheLookup<T>(root: string, target: string, key: string): Promise<{ result: T; dir: string } | undefined> {
  const dir = join(root, target, key);
  try {
    const result = JSON.parse(await readFile(join(dir, RESULT_FILE), 'utf8')) as T;
    return { result, dir };
  } catch {
    return undefined;
  }
}

/**
 * Stores `result` and the files `logs` (absolute paths) under the key; a half-written entry is never visible. The
 * temporary's name holds our pid, so a later store can remove it if we are killed outright.
 */
export async function cacheStore(root: string, target: string, key: string, result: unknown, logs: readonly string[]): Promise<void> {
  const dir = join(root, target, key);
  await removeAbandonedTemporaries(join(root, target));
  const temporary = `${dir}${temporaryTag()}${Date.now().toString(36)}`;
  await mkdir(temporary, { recursive: true });
  const forgetTemporary = removeOnInterrupt(temporary);
  try {
    for (const log of logs) await copyFile(log, join(temporary, log.split('/').pop() ?? 'log'));
    await writeFile(join(temporary, RESULT_FILE), JSON.stringify(result));
    await rm(dir, { recursive: true, force: true });
    await rename(temporary, dir);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  } finally {
    forgetTemporary();
  }
}

/** Copies the cached logs into `into`; returns their names. */
export async function copyCachedLogs(cacheDir: string, into: string): Promise<string[]> {
  const names = (await readdir(cacheDir)).filter((name) => name !== RESULT_FILE);
  for (const name of names) await copyFile(join(cacheDir, name), join(into, name));
  return names;
}
