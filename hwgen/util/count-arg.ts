/** A count argument (`--rtl N`, `--images N`): a whole number in least..most. */
import { InputError } from '../errors.ts';

export function parseCount(text: string, option: string, least: number, most = Number.MAX_SAFE_INTEGER): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < least || value > most) {
    const range = most === Number.MAX_SAFE_INTEGER ? `≥ ${least}` : `in ${least}..${most}`;
    throw new InputError(option, '', `expected an integer ${range} (got "${text}")`);
  }
  return value;
}
