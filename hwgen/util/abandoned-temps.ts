/**
 * Cache entries are built in a temporary sibling (`.<key>.tmp-<pid>-…` or `<key>.tmp-<pid>-…`) and renamed into
 * place when complete. An interrupt removes the sibling (hwgen/util/interrupts.ts), but a run killed outright
 * (SIGKILL, a power cut) cannot: its sibling stays, is never read as an entry, and is removed here by a later build
 * once the process named in it no longer runs.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** The part of a temporary sibling's name that says which process fills it. */
export function temporaryTag(): string {
  return `.tmp-${process.pid}-`;
}

const TEMPORARY_NAME = /\.tmp-(\d+)-[^/]*$/;

/** Removes the temporaries in `dir` whose process has ended; a missing `dir` holds none. */
export async function removeAbandonedTemporaries(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => []);
  for (const name of names) {
    const pid = TEMPORARY_NAME.exec(name)?.[1];
    if (pid !== undefined && !isRunning(Number(pid))) await rm(join(dir, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
