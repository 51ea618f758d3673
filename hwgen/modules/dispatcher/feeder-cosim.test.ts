/**
 * hwgen_column_feeder: static checks, the hand-worked handshake of dispatcher/spec.md, and random column
 * lists under random out_ready patterns on Verilator and Icarus, word for word and cycle for cycle against
 * `modelFeeder`. The property the dispatcher's cycle formula rests on: with out_ready always high, the
 * list's words move in cycles 2, 3, …, 1 + Σ count, with out_last on each column's last word.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultAccelerator } from '../../config/load-config.ts';
import { generateOutputGather } from './gather.ts';
import { FEEDER_LATENCY, type FeederEntry, type FeederParams, feederParams } from './arch.ts';
import { generateColumnFeeder } from './feeder.ts';
import { modelFeeder } from './timing.ts';
import { Rng } from '../../util/rng.ts';
import { checkGeneratedModule } from '../../../sim/checks.ts';
import type { SimulatorName } from '../../../sim/types.ts';
import { MAX_READY, runFeederCosim } from './feeder-cosim.ts';
import { SIMULATORS } from '../../../sim/registry.ts';

const HASH = '0'.repeat(64);
const workDirs: string[] = [];

afterAll(async () => {
  await Promise.all(workDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function workDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  workDirs.push(dir);
  return dir;
}

const VARIANTS: readonly [string, FeederParams][] = [
  ['default ANN feeder', feederParams(defaultAccelerator(), 'ann')],
  ['default SNN feeder', feederParams(defaultAccelerator(), 'snn')],
  ['one of everything', { wordBits: 1, depth: 1, schedDepth: 1, banks: 1 }],
  ['odd sizes', { wordBits: 21, depth: 37, schedDepth: 5, banks: 1 }],
];

describe('hwgen_column_feeder static checks', () => {
  it('derives the default design\'s feeders from the config', () => {
    // 16 KiB replicas in two banks: 1024 dense words of 8 levels, 8192 events, 2048 schedule entries a bank.
    expect(feederParams(defaultAccelerator(), 'ann')).toEqual({ wordBits: 64, depth: 1024, schedDepth: 2048, banks: 2 });
    // KW = clog2(maxK 4608) = 13: events {k, x} of 21 bits.
    expect(feederParams(defaultAccelerator(), 'snn')).toEqual({ wordBits: 21, depth: 8192, schedDepth: 2048, banks: 2 });
  });

  it.each(VARIANTS)('%s: lint clean, accepted by Icarus, no latch, two registered memories', async (_, params) => {
    const feeder = generateColumnFeeder(params, HASH);
    const dir = await workDir('hwgen-feeder-');
    const { cells } = await checkGeneratedModule(feeder, dir);
    expect(cells.$memrd ?? 0).toBe(2);
  });
});

describe('hwgen_output_gather static checks', () => {
  it.each([
    ['default design', { depth: 16384, schedDepth: 4096, readLevels: 1, banks: 1 }],
    ['one of everything', { depth: 1, schedDepth: 1, readLevels: 1, banks: 1 }],
    ['odd sizes', { depth: 37, schedDepth: 5, readLevels: 1, banks: 1 }],
    ['odd sizes, 4 levels per read', { depth: 37, schedDepth: 5, readLevels: 4, banks: 1 }],
    ['one level, 8 per read', { depth: 1, schedDepth: 1, readLevels: 8, banks: 1 }],
  ] as const)('%s: lint clean, accepted by Icarus, no latch, one registered 8-bit memory per level read at once', async (_, params) => {
    const gather = generateOutputGather(params, HASH);
    const dir = await workDir('hwgen-gather-');
    const { cells } = await checkGeneratedModule(gather, dir);
    expect(cells.$memrd ?? 0).toBe(params.readLevels);
  });
});

/** Distinct words (the cosim recovers addresses from data), `depth` of them. */
function distinctWords(params: FeederParams, rng: Rng): bigint[] {
  const low = Math.ceil(Math.log2(params.depth + 1));
  return Array.from({ length: params.depth }, (_, i) => {
    const high = params.wordBits > low ? BigInt(rng.nextInt(0, 2 ** Math.min(20, params.wordBits - low) - 1)) << BigInt(low) : 0n;
    return high | BigInt(i);
  });
}

function randomEntries(params: FeederParams, rng: Rng, n: number, maxCount: number): FeederEntry[] {
  return Array.from({ length: n }, () => {
    const count = rng.nextInt(1, Math.min(maxCount, params.depth));
    return { base: rng.nextInt(0, params.depth - count), count };
  });
}

const SMALL: FeederParams = { wordBits: 16, depth: 64, schedDepth: 32, banks: 1 };

describe.each(SIMULATORS)('hwgen_column_feeder on %s', (simulator) => {
  it('the handshake of spec.md: a0 a1 (ready low in cycle 3) b0 move in cycles 2, 4, 5', async () => {
    const entries = [{ base: 10, count: 2 }, { base: 3, count: 1 }];
    const ready = [true, true, true, false, ...Array<boolean>(12).fill(true)];
    const expected = modelFeeder(entries, (t) => ready[t % ready.length] ?? true);
    expect(expected).toEqual([
      { addr: 10, last: false, cycle: 2 },
      { addr: 11, last: true, cycle: 4 },
      { addr: 3, last: true, cycle: 5 },
    ]);
    const data = distinctWords(SMALL, new Rng(1));
    const result = await runFeederCosim({ params: SMALL, data, entries, ready, simulator, workDir: await workDir('hwgen-feeder-wave-') });
    expect(result.words.map(({ addr, last, cycle }) => ({ addr, last, cycle }))).toEqual(expected);
    expect(result.words.map((w) => w.data)).toEqual(expected.map((b) => data[b.addr]));
    expect([result.cntWords, result.cntEntries]).toEqual([3, 2]);
  });

  it('always ready: one word per cycle from cycle 2, across one-word columns too', async () => {
    const rng = new Rng(7);
    const entries = [...randomEntries(SMALL, rng, 6, 1), ...randomEntries(SMALL, rng, 6, 5), ...randomEntries(SMALL, rng, 6, 1)];
    const total = entries.reduce((sum, e) => sum + e.count, 0);
    const expected = modelFeeder(entries, () => true);
    expect(expected.map((b) => b.cycle)).toEqual(Array.from({ length: total }, (_, i) => FEEDER_LATENCY + i));
    const data = distinctWords(SMALL, rng);
    const result = await runFeederCosim({ params: SMALL, data, entries, ready: [true], simulator, workDir: await workDir('hwgen-feeder-ready-') });
    expect(result.words.map(({ addr, last, cycle }) => ({ addr, last, cycle }))).toEqual(expected);
  });

  it('random lists under random out_ready patterns equal the model, cycle for cycle', async () => {
    const rng = new Rng(simulator === 'verilator' ? 11 : 12);
    for (let round = 0; round < 6; round += 1) {
      const params: FeederParams = round % 2 === 0 ? SMALL : { wordBits: 21, depth: 37, schedDepth: 5, banks: 1 };
      const entries = randomEntries(params, rng, rng.nextInt(1, params.schedDepth), rng.nextInt(1, 6));
      const density = [0.3, 0.7, 0.95][round % 3] ?? 0.7;
      const ready = Array.from({ length: rng.nextInt(1, MAX_READY) }, () => rng.nextFloat() < density);
      ready[0] = true;
      const expected = modelFeeder(entries, (t) => ready[t % ready.length] ?? true);
      const data = distinctWords(params, rng);
      const result = await runFeederCosim({ params, data, entries, ready, simulator, workDir: await workDir('hwgen-feeder-rand-') });
      expect(result.words.map(({ addr, last, cycle }) => ({ addr, last, cycle })), `round ${round}`).toEqual(expected);
      expect(result.cntEntries).toBe(entries.length);
      expect(result.cntWords).toBe(expected.length);
    }
  });
});
