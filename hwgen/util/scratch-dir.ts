/**
 * A scratch folder in the temp folder for the length of `work`: removed when the work settles, however it settles,
 * and by the interrupt handler (interrupts.ts) if Ctrl-C comes first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnInterrupt } from './interrupts.ts';

/** `prefix` names the folder (`hwgen-synth-`), so a stray one says whose it was. */
export async function withScratchDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const forget = removeOnInterrupt(dir);
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    forget();
  }
}
