/**
 * Progress of long work with a known total (simulated cycles, explored points, evaluated images): a bar with
 * percentage and ETA on a terminal (cli-progress), and on anything else (CI logs, a file) plain lines, throttled to
 * one per 10 % or per 5 s, whichever comes first, so that a log shows the run is alive without a line per step.
 * Work without a total (yosys) gets a heartbeat: a line every 15 s with the time elapsed.
 *
 * The plain lines are pure functions of (done, total, elapsed ms): the tests drive them with a fake clock.
 */
import cliProgress from 'cli-progress';

export interface MeterSpec {
  /** What is measured: `simulating conv1`. */
  readonly label: string;
  readonly total: number;
  /** Of what: `cycles`, `points`, `images`. */
  readonly unit: string;
}

export interface Meter {
  /** `done` so far (absolute, not an increment). */
  update(done: number): void;
  /** Ends the meter: the bar is taken away; plain output gets no further line (the caller's own line follows). */
  stop(): void;
}

export const silentMeter: Meter = { update: () => undefined, stop: () => undefined };

/** 1234567 → `1,234,567`: the same on every machine and locale. */
function grouped(value: number): string {
  return String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `4.2 s`, `1 min 05 s`, `2 h 03 min`. */
export function durationText(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Time for `left` more at the rate of `gained` in `overMs`; unknown before any rate is seen. */
export function etaMs(gained: number, overMs: number, left: number): number | undefined {
  if (gained <= 0 || overMs <= 0) return undefined;
  return (overMs * Math.max(0, left)) / gained;
}

/** `[sim] simulating conv1: 40 % (800,000 of 2,000,000 cycles), 12.0 s elapsed, ETA 18.0 s`. */
export function meterLine(prefix: string, spec: MeterSpec, done: number, elapsedMs: number, eta: number | undefined): string {
  const share = spec.total <= 0 ? 0 : Math.min(1, done / spec.total);
  const left = eta === undefined ? 'ETA unknown' : `ETA ${durationText(eta)}`;
  return `[${prefix}] ${spec.label}: ${Math.floor(share * 100)} % (${grouped(done)} of ${grouped(spec.total)} ${spec.unit}), ${durationText(elapsedMs)} elapsed, ${left}`;
}

/** `[synth] synthesis for xc7: 45.0 s elapsed (yosys reports no percentage)`. */
export function heartbeatLine(prefix: string, label: string, elapsedMs: number, note: string): string {
  return `[${prefix}] ${label}: ${durationText(elapsedMs)} elapsed${note === '' ? '' : ` (${note})`}`;
}

/**
 * When a plain line is due: at each new tenth of the total crossed (`everyShare`), or when `everyMs` have passed
 * since the last line, whichever comes first; never twice for the same state.
 */
export class LineThrottle {
  private lastStep = 0;
  private lastAt: number;

  constructor(
    startMs: number,
    private readonly everyShare = 0.1,
    private readonly everyMs = 5000,
  ) {
    this.lastAt = startMs;
  }

  due(share: number, nowMs: number): boolean {
    const step = Math.floor(share / this.everyShare + 1e-9);
    if (step <= this.lastStep && nowMs - this.lastAt < this.everyMs) return false;
    this.lastStep = Math.max(step, this.lastStep);
    this.lastAt = nowMs;
    return true;
  }
}

/**
 * Plain throttled lines through `write` (one line each, newline added), timed by `now`. The ETA takes the rate from
 * the first update on, not from the meter's start: what comes before it (a simulator's build, which can take longer
 * than the run) says nothing of the rate, and would stretch the ETA by minutes.
 */
export function plainMeter(write: (line: string) => void, prefix: string, spec: MeterSpec, now: () => number = () => performance.now()): Meter {
  const began = now();
  const throttle = new LineThrottle(began);
  let first: { readonly at: number; readonly done: number } | undefined;
  let stopped = false;
  return {
    update(done) {
      if (stopped) return;
      const at = now();
      first ??= { at, done };
      const eta = etaMs(done - first.done, at - first.at, spec.total - done);
      if (throttle.due(spec.total <= 0 ? 0 : done / spec.total, at)) write(meterLine(prefix, spec, done, at - began, eta));
    },
    stop() {
      stopped = true;
    },
  };
}

/**
 * A bar redrawn in place on a terminal: percentage, count and ETA (cli-progress computes it). The bar appears at the
 * first update, for the reason plainMeter's ETA starts there: cli-progress takes its rate from the bar's start.
 */
export function barMeter(stream: NodeJS.WriteStream, prefix: string, spec: MeterSpec): Meter {
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done) {
      if (bar === undefined) bar = startBar(stream, prefix, spec, done);
      else bar.update(Math.min(done, spec.total));
    },
    stop: () => bar?.stop(),
  };
}

function startBar(stream: NodeJS.WriteStream, prefix: string, spec: MeterSpec, done: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar({
    stream,
    format: `[${prefix}] ${spec.label} [{bar}] {percentage} % | {value}/{total} ${spec.unit} | ETA {eta_formatted}`,
    hideCursor: true,
    clearOnComplete: true,
    // A simulation advances in tile-sized steps: average the rate over more of them than the default 10.
    etaBuffer: 50,
    fps: 5,
  }, cliProgress.Presets.shades_classic);
  bar.start(Math.max(1, spec.total), Math.min(done, spec.total));
  return bar;
}

/** What a heartbeat beside a meter says: how far it surely is, or that it waits for the first sign. */
export function meterNote(spec: MeterSpec, done: number | undefined): string {
  return done === undefined ? 'waiting for the first progress' : `at least ${grouped(done)} of ${grouped(spec.total)} ${spec.unit}`;
}

/**
 * A meter with a heartbeat beside it for as long as it runs: its updates can be minutes apart (a simulator's build
 * comes before any cycle; a simulation's signal moves a tile at a time), and a log must still show the run is alive.
 * `beat` starts the heartbeat with a function giving its note, and returns the function that stops it.
 */
export function withHeartbeatBeside(meter: Meter, spec: MeterSpec, beat: (note: () => string) => () => void): Meter {
  let last: number | undefined;
  const stopBeat = beat(() => meterNote(spec, last));
  return {
    update(done) {
      last = done;
      meter.update(done);
    },
    stop() {
      stopBeat();
      meter.stop();
    },
  };
}

export interface Timers {
  readonly setInterval: (run: () => void, ms: number) => { unref?: () => unknown };
  readonly clearInterval: (handle: { unref?: () => unknown }) => void;
}

const REAL_TIMERS: Timers = {
  setInterval: (run, ms) => setInterval(run, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};

/**
 * A line every `everyMs` while work without a measure of its own runs; returns the function that stops it. The timer
 * is unref'd: a heartbeat never keeps the process alive.
 */
export function startHeartbeat(write: (line: string) => void, prefix: string, label: string, note: string | (() => string), everyMs = 15_000, now: () => number = () => performance.now(), timers: Timers = REAL_TIMERS): () => void {
  const began = now();
  const noteNow = typeof note === 'string' ? () => note : note;
  const handle = timers.setInterval(() => write(heartbeatLine(prefix, label, now() - began, noteNow())), everyMs);
  handle.unref?.();
  return () => timers.clearInterval(handle);
}
