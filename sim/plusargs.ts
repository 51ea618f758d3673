/** `{ words: 20, stimulus: 'in.hex' }` → `+words=20 +stimulus=in.hex`, read with `$value$plusargs("words=%d", ...)`. */
export function plusargArgs(plusargs: Readonly<Record<string, string | number>> = {}): string[] {
  return Object.entries(plusargs).map(([name, value]) => `+${name}=${value}`);
}
