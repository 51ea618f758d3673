/** A `--seed N` argument: an integer the seeded generators accept. */
import { InputError } from '../errors.ts';

const MAX_SEED = 2 ** 32 - 1;

export function parseSeed(text: string): number {
  const seed = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(seed) || seed > MAX_SEED) throw new InputError('--seed', '', `expected an integer in 0..${MAX_SEED} (got "${text}")`);
  return seed;
}
