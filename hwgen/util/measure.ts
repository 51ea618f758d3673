/** Benchmark support: the best of a few timed runs, so a noisy neighbour does not set the figure. */
export interface Timing {
  readonly bestMs: number;
  readonly runs: number;
}

export function timeBest(runs: number, work: () => void): Timing {
  let bestMs = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run++) {
    const began = performance.now();
    work();
    bestMs = Math.min(bestMs, performance.now() - began);
  }
  return { bestMs, runs };
}

export function perSecond(count: number, timing: Timing): number {
  return count / (timing.bestMs / 1000);
}

export function formatRate(value: number, unit: string): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)} G${unit}/s`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M${unit}/s`;
  return `${(value / 1e3).toFixed(1)} k${unit}/s`;
}

export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
