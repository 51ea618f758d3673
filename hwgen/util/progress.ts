/**
 * Progress lines on stderr for long runs, one line per step so that CI logs read as well as terminals.
 * stdout stays free for results. Long steps with a known total also get a meter (progress-meter.ts: a bar on a
 * terminal, throttled lines elsewhere); steps without one (yosys) a heartbeat.
 */
import { type Meter, type MeterSpec, barMeter, plainMeter, silentMeter, startHeartbeat, withHeartbeatBeside } from './progress-meter.ts';

export interface Progress {
  /** Announces a step; the returned function marks it done with an optional detail. */
  start(label: string): (detail?: string) => void;
  info(message: string): void;
  /** A meter of a long step with a known total; optional so that a hand-made Progress needs none. */
  meter?(spec: MeterSpec): Meter;
  /** A line every 15 s until the returned function is called, for work that reports no progress of its own. */
  heartbeat?(label: string, note: string): () => void;
}

/** The progress's meter, or one that shows nothing. */
export function meterOf(progress: Progress, spec: MeterSpec): Meter {
  return progress.meter?.(spec) ?? silentMeter;
}

/** The progress's heartbeat, or nothing. */
export function heartbeatOf(progress: Progress, label: string, note: string): () => void {
  return progress.heartbeat?.(label, note) ?? (() => undefined);
}

/** Runs `work` with a heartbeat that stops when it settles, however it settles. */
export async function withHeartbeat<T>(progress: Progress, label: string, note: string, work: () => Promise<T>): Promise<T> {
  const stop = heartbeatOf(progress, label, note);
  try {
    return await work();
  } finally {
    stop();
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function stderrProgress(prefix = 'hwgen'): Progress {
  const writeLine = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  // One bar at a time: two meters at once (layers simulated in parallel) would overwrite each other's line.
  let barInUse = false;
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
    meter(spec) {
      if (!process.stderr.isTTY || barInUse) {
        const beat = (note: () => string): (() => void) => startHeartbeat(writeLine, prefix, spec.label, note);
        return withHeartbeatBeside(plainMeter(writeLine, prefix, spec), spec, beat);
      }
      // On a terminal the bar shows it is alive; lines would break it.
      barInUse = true;
      const bar = barMeter(process.stderr, prefix, spec);
      return {
        update: (done) => bar.update(done),
        stop: () => {
          bar.stop();
          barInUse = false;
        },
      };
    },
    heartbeat(label, note) {
      return startHeartbeat(writeLine, prefix, label, note);
    },
  };
}

export const silentProgress: Progress = {
  start: () => () => undefined,
  info: () => undefined,
};
