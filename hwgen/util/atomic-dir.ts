/**
 * Output folders appear whole or not at all: everything is written into a temporary sibling,
 * which replaces the target only once complete. A failure or Ctrl-C leaves the old folder as it was.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeOnInterrupt } from './interrupts.ts';
import { type OutputRequest, guardOutputDir, writeOutputMarker } from './output-guard.ts';

function siblingName(target: string, tag: string): string {
  const unique = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  return join(dirname(target), `.${basename(target)}.${tag}-${unique}`);
}

/** `output` names the command and its inputs: the guard refuses a target that is not hwgen's to replace. */
export async function writeDirAtomically<T>(target: string, output: OutputRequest, fill: (dir: string) => Promise<T>): Promise<T> {
  await guardOutputDir(target, output);
  const temporary = siblingName(target, 'tmp');
  await mkdir(temporary);
  const forgetTemporary = removeOnInterrupt(temporary);
  try {
    const result = await fill(temporary);
    await writeOutputMarker(temporary, output.command);
    await replaceDir(temporary, target);
    return result;
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  } finally {
    forgetTemporary();
  }
}

async function replaceDir(source: string, target: string): Promise<void> {
  const old = siblingName(target, 'old');
  const hadOld = await rename(target, old).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  await rename(source, target);
  if (hadOld) await rm(old, { recursive: true, force: true });
}
