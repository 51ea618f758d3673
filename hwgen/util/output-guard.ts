/**
 * Outputs never destroy inputs. Every `--out` folder is replaced whole (atomic-dir.ts), so before hwgen replaces
 * one it makes sure the folder is its own earlier output, or empty, or absent: never the user's files, an input
 * of the command, the current folder, or a system folder. Folders hwgen writes carry a marker file so that a
 * later run can tell them from folders it must not touch. A refusal is an InputError on the `--out` field (exit 2).
 */
import { constants } from 'node:fs';
import { access, mkdir, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, parse, resolve, sep } from 'node:path';
import { InputError } from '../errors.ts';
import { HWGEN_VERSION } from '../version.ts';

/** The file that marks a folder as hwgen's output, which hwgen may replace. */
export const OUTPUT_MARKER = '.hwgen-output';

/** What a command writes: its name (recorded in the marker) and the files it reads, which its output must not hold. */
export interface OutputRequest {
  readonly command: string;
  readonly inputs: readonly string[];
}

/** Folders of the kernel's pseudo file systems: writing there fails oddly or hangs (mkdir under /proc loops). */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

const FIELD = '--out';

function refuse(target: string, reason: string): InputError {
  return new InputError(target === '' ? '""' : target, FIELD, reason);
}

function isSameOrInside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** The absolute path with symlinks resolved as far as it exists: the rest of it is appended as written. */
async function realPathOf(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(await realPathOf(parent), basename(absolute));
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function refuseSpecialPlaces(target: string, real: string, cwd: string): void {
  if (real === parse(real).root) throw refuse(target, 'is the filesystem root; hwgen will not replace it');
  const system = SYSTEM_FOLDERS.find((folder) => isSameOrInside(real, folder));
  if (system !== undefined) throw refuse(target, `is under ${system}, a system folder hwgen does not write into`);
  if (real === cwd) throw refuse(target, `is the current folder (${cwd}); hwgen will not replace it`);
  if (isSameOrInside(cwd, real)) throw refuse(target, `is above the current folder (${cwd}); hwgen will not replace it`);
}

/** Inputs that do not exist on disk (a zoo network, the built-in design) cannot be overwritten and are skipped. */
async function refuseInputsInside(target: string, real: string, inputs: readonly string[]): Promise<void> {
  for (const input of inputs) {
    if (input === '' || !(await exists(input))) continue;
    const realInput = await realPathOf(input);
    if (realInput === real) throw refuse(target, `is the input ${input}; hwgen will not replace it`);
    if (isSameOrInside(realInput, real)) throw refuse(target, `holds the input ${input}; hwgen will not replace it`);
  }
}

/** An existing target may be replaced only when it is an empty folder or one hwgen wrote (it has the marker). */
async function refuseForeignContent(target: string, real: string): Promise<void> {
  const found = await stat(real).catch(() => undefined);
  if (found === undefined) return;
  if (!found.isDirectory()) throw refuse(target, 'is an existing file, not a folder; hwgen will not replace it');
  const entries = await readdir(real);
  if (entries.length > 0 && !entries.includes(OUTPUT_MARKER)) {
    throw refuse(target, `is a folder hwgen did not write (it holds files but no ${OUTPUT_MARKER}); hwgen will not replace it`);
  }
}

function parentFailure(code: string | undefined, parent: string): string | undefined {
  if (code === 'ENOTDIR' || code === 'EEXIST') return `cannot create its parent folder ${parent}: part of that path is a file`;
  if (code === 'EACCES' || code === 'EPERM') return `cannot write into its parent folder ${parent}: permission denied`;
  if (code === 'EROFS') return `cannot write into its parent folder ${parent}: read-only file system`;
  return undefined;
}

/** The temporary sibling and the rename both happen in the parent, so it must exist and be writable. */
async function prepareParent(target: string): Promise<void> {
  const parent = dirname(resolve(target));
  try {
    await mkdir(parent, { recursive: true });
    await access(parent, constants.W_OK);
  } catch (error) {
    const reason = parentFailure((error as NodeJS.ErrnoException).code, parent);
    if (reason === undefined) throw error;
    throw refuse(target, reason);
  }
}

/**
 * Refuses (InputError on `--out`) a target hwgen must not replace, and creates its parent folder. Called before
 * anything is written, so a refusal leaves the file system as it was.
 */
export async function guardOutputDir(target: string, request: OutputRequest): Promise<void> {
  if (target.trim() === '') throw refuse(target, 'is empty: name the folder to write');
  const real = await realPathOf(target);
  refuseSpecialPlaces(target, real, await realpath(process.cwd()));
  await refuseInputsInside(target, real, request.inputs);
  await refuseForeignContent(target, real);
  await prepareParent(target);
}

/** Marks a folder being written as hwgen's output, so that a later run may replace it. */
export async function writeOutputMarker(dir: string, command: string): Promise<void> {
  await writeFile(join(dir, OUTPUT_MARKER), `written by hwgen ${HWGEN_VERSION} (hwgen ${command}); hwgen may replace this folder\n`);
}
