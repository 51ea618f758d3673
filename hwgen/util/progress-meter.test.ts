/**
 * The plain progress lines (what a CI log shows) driven by a fake clock: exact text, throttled to one per 10 % or
 * per 5 s; the heartbeat with fake timers; and the chunk meter of a simulation.
 */
import { describe, expect, it } from 'vitest';
import { meteredChunks, weightOfBytes } from './metered-chunks.ts';
import { LineThrottle, type Meter, type Timers, durationText, etaMs, heartbeatLine, meterLine, plainMeter, silentMeter, startHeartbeat, withHeartbeatBeside } from './progress-meter.ts';
import { meterOf, silentProgress, withHeartbeat } from './progress.ts';

const SIM = { label: 'simulating conv1', total: 2_000_000, unit: 'cycles' };

describe('meterLine', () => {
  it('gives share, counts, elapsed time and ETA at the rate so far', () => {
    expect(meterLine('sim', SIM, 800_000, 12_000, 18_000)).toBe('[sim] simulating conv1: 40 % (800,000 of 2,000,000 cycles), 12.0 s elapsed, ETA 18.0 s');
  });

  it('has no ETA before a rate is seen, and none left at the end', () => {
    expect(meterLine('sim', SIM, 0, 3000, undefined)).toBe('[sim] simulating conv1: 0 % (0 of 2,000,000 cycles), 3.0 s elapsed, ETA unknown');
    expect(meterLine('sim', SIM, 2_000_000, 67_000, 0)).toBe('[sim] simulating conv1: 100 % (2,000,000 of 2,000,000 cycles), 1 min 07 s elapsed, ETA 0.0 s');
  });

  it('writes durations in the unit a reader wants', () => {
    expect([0, 4_200, 65_000, 7_380_000].map(durationText)).toEqual(['0.0 s', '4.2 s', '1 min 05 s', '2 h 03 min']);
    expect(etaMs(1, 1000, 3)).toBe(3000);
    expect(etaMs(0, 1000, 3)).toBeUndefined();
    expect(heartbeatLine('synth', 'synthesis for xc7', 45_000, 'yosys reports no percentage')).toBe('[synth] synthesis for xc7: 45.0 s elapsed (yosys reports no percentage)');
  });
});

describe('LineThrottle', () => {
  it('lets a line through per tenth crossed or per 5 s, whichever comes first', () => {
    const throttle = new LineThrottle(0);
    expect(throttle.due(0.05, 1000)).toBe(false);
    expect(throttle.due(0.1, 2000)).toBe(true);
    expect(throttle.due(0.15, 3000)).toBe(false);
    expect(throttle.due(0.16, 7001)).toBe(true); // 5 s since the last line
    expect(throttle.due(0.35, 7500)).toBe(true); // two tenths at once: one line
    expect(throttle.due(0.36, 7600)).toBe(false);
  });
});

describe('plainMeter', () => {
  it('prints the throttled lines of a run, deterministically, the rate from the first update on, and nothing after stop', () => {
    let clock = 1000;
    const lines: string[] = [];
    const meter = plainMeter((line) => lines.push(line), 'sim', SIM, () => clock);
    for (const [at, done] of [[2000, 100_000], [3000, 250_000], [9000, 300_000], [10_000, 1_000_000], [11_000, 1_050_000]] as const) {
      clock = at;
      meter.update(done);
    }
    meter.stop();
    clock = 20_000;
    meter.update(2_000_000);
    expect(lines).toEqual([
      '[sim] simulating conv1: 12 % (250,000 of 2,000,000 cycles), 2.0 s elapsed, ETA 11.7 s',
      '[sim] simulating conv1: 15 % (300,000 of 2,000,000 cycles), 8.0 s elapsed, ETA 59.5 s',
      '[sim] simulating conv1: 50 % (1,000,000 of 2,000,000 cycles), 9.0 s elapsed, ETA 8.9 s',
    ]);
  });
});

describe('withHeartbeatBeside', () => {
  it('beats for as long as the meter runs, its note the last progress seen', () => {
    const notes: string[] = [];
    let note: () => string = () => '';
    let stopped = false;
    const meter = withHeartbeatBeside(silentMeter, SIM, (given) => {
      note = given;
      return () => void (stopped = true);
    });
    notes.push(note());
    meter.update(1_014);
    notes.push(note());
    meter.stop();
    expect(notes).toEqual(['waiting for the first progress', 'at least 1,014 of 2,000,000 cycles']);
    expect(stopped).toBe(true);
  });

  it('says ETA unknown on a first line that has no rate yet', () => {
    const lines: string[] = [];
    plainMeter((line) => lines.push(line), 'sim', SIM, () => 97_000).update(340_000);
    expect(lines).toEqual(['[sim] simulating conv1: 17 % (340,000 of 2,000,000 cycles), 0.0 s elapsed, ETA unknown']);
  });
});

describe('startHeartbeat', () => {
  it('writes a line each period until stopped', () => {
    let tick: (() => void) | undefined;
    let cleared = false;
    const timers: Timers = { setInterval: (run) => ((tick = run), {}), clearInterval: () => void (cleared = true) };
    let clock = 0;
    const lines: string[] = [];
    const stop = startHeartbeat((line) => lines.push(line), 'synth', 'synthesis for xc7', 'yosys reports no percentage', 15_000, () => clock, timers);
    for (const at of [15_000, 30_000]) {
      clock = at;
      tick?.();
    }
    stop();
    expect(cleared).toBe(true);
    expect(lines).toEqual(['[synth] synthesis for xc7: 15.0 s elapsed (yosys reports no percentage)', '[synth] synthesis for xc7: 30.0 s elapsed (yosys reports no percentage)']);
  });

  it('is nothing for a progress without one, and the work still runs', async () => {
    expect(await withHeartbeat(silentProgress, 'x', '', async () => 42)).toBe(42);
    expect(() => meterOf(silentProgress, SIM).update(1)).not.toThrow();
  });
});

describe('meteredChunks', () => {
  const chunk = (bytes: number): Uint8Array => new Uint8Array(bytes);

  it('counts a tile once the writer asks for the chunk two after it, less the bytes buffers may still hold', () => {
    const seen: number[] = [];
    const meter: Meter = { update: (done) => seen.push(done), stop: () => undefined };
    const chunks = [chunk(100), chunk(200), chunk(100), chunk(100), chunk(1)];
    const passed = [...meteredChunks(chunks, [10, 20, 30, 40], meter, 50)];
    expect(passed).toEqual(chunks);
    // Drained 100, 300, 400 bytes; less 50 of slack: 50 of tile 0 (5), tile 0 and 150 of tile 1 (10 + 15), and 350 (10 + 20 + 15).
    expect(seen).toEqual([5, 25, 45]);
  });

  it('maps bytes onto weights in proportion within a chunk', () => {
    expect(weightOfBytes(-5, [10], [100])).toBe(0);
    expect(weightOfBytes(5, [10, 10], [100, 50])).toBe(50);
    expect(weightOfBytes(15, [10, 10], [100, 50])).toBe(125);
    expect(weightOfBytes(99, [10, 10], [100, 50])).toBe(150);
  });
});
