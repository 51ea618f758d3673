/**
 * Progress lines on stderr for long runs, one line per step so that CI logs read as well as terminals.
 * stdout stays free for results.
 */

export interface Progress {
  /** Announces a step; the returned function marks it done with an optional detail. */
  start(label: string): (detail?: string) => void;
  info(message: string): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function stderrProgress(prefix = 'hwgen'): Progress {
  return {
    start(label) {
      const began = performance.now();
      process.stderr.write(`[${prefix}] ${label} ...\n`);
      return (detail) => {
        const took = seconds(performance.now() - began);
        process.stderr.write(`[${prefix}] ${label}: done in ${took}${detail === undefined ? '' : `, ${detail}`}\n`);
      };
    },
    info(message) {
      process.stderr.write(`[${prefix}] ${message}\n`);
    },
  };
}

export const silentProgress: Progress = {
  start: () => () => undefined,
  info: () => undefined,
};
