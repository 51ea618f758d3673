/**
 * Output folders appear whole or not at all: everything is written into a temporary sibling,
 * which replaces the target only once complete. A failure or Ctrl-C leaves the old folder as it was.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function siblingName(target: string, tag: string): string {
  const unique = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  return join(dirname(target), `.${basename(target)}.${tag}-${unique}`);
}

export async function writeDirAtomically<T>(target: string, fill: (dir: string) => Promise<T>): Promise<T> {
  await mkdir(dirname(target), { recursive: true });
  const temporary = siblingName(target, 'tmp');
  await mkdir(temporary);
  const cleanUpOnSignal = (): void => {
    rmSync(temporary, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', cleanUpOnSignal);
  process.once('SIGTERM', cleanUpOnSignal);
  try {
    const result = await fill(temporary);
    await replaceDir(temporary, target);
    return result;
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  } finally {
    process.off('SIGINT', cleanUpOnSignal);
    process.off('SIGTERM', cleanUpOnSignal);
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
