/**
 * The streaming VCD reader's throughput and memory on synthetic traces (synthetic-vcd.ts) of two
 * sizes, selecting 20 of ~3000 signals. Memory growth that stays the same when the file doubles
 * shows the reader streams: growth is measured from a collected heap just before each read to the
 * highest sample during it (RSS: the whole process; heap: V8's used heap, garbage included).
 * Part of `make bench`; alone: `npx tsx hwgen/bench/vcd-bench.ts [MB...]`.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { formatRate, markdownTable } from '../util/measure.ts';
import { writeSyntheticVcd, type SyntheticVcd } from '../../sim/waveform/synthetic-vcd.ts';
import { openVcd } from '../../sim/waveform/vcd-reader.ts';

const DEFAULT_SIZES_MB = [200, 400];
const RUNS = 2;
/** Memory is sampled every this many steps or cycles (a few hundred times per file). */
const SAMPLE_EVERY = 256;

interface Measured {
  readonly ms: number;
  /** Peak growth over the memory in use just before the read, in bytes. */
  readonly rssGrowth: number;
  readonly heapGrowth: number;
}

/**
 * A full collection before each read, so the baseline is what is live rather than what the last
 * run left for the collector. `--expose-gc` can be switched on at run time; the function then
 * only exists in contexts created afterwards.
 */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

class MemoryWatch {
  private readonly rss: number;
  private readonly heap: number;
  private peakRss = 0;
  private peakHeap = 0;

  constructor(gc: () => void) {
    gc();
    const usage = process.memoryUsage();
    this.rss = usage.rss;
    this.heap = usage.heapUsed;
    this.sample();
  }

  sample(): void {
    const usage = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, usage.rss);
    this.peakHeap = Math.max(this.peakHeap, usage.heapUsed);
  }

  finish(began: number): Measured {
    this.sample();
    return { ms: performance.now() - began, rssGrowth: this.peakRss - this.rss, heapGrowth: this.peakHeap - this.heap };
  }
}

/** The file read and thrown away: the ceiling the parser is measured against. */
async function rawRead(path: string, gc: () => void): Promise<Measured> {
  const watch = new MemoryWatch(gc);
  const began = performance.now();
  let chunks = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    if (++chunks % 16 === 0 && (chunk as Buffer).length > 0) watch.sample();
  }
  return watch.finish(began);
}

async function readSteps(path: string, file: SyntheticVcd, gc: () => void): Promise<Measured> {
  const watch = new MemoryWatch(gc);
  const began = performance.now();
  const reader = await openVcd(path, { signals: file.selected });
  let steps = 0;
  for await (const step of reader.steps()) {
    if (++steps % SAMPLE_EVERY === 0 && step.changes.length > 0) watch.sample();
  }
  return watch.finish(began);
}

async function readCycles(path: string, file: SyntheticVcd, gc: () => void): Promise<Measured> {
  const watch = new MemoryWatch(gc);
  const began = performance.now();
  const reader = await openVcd(path, { signals: file.selected });
  for await (const cycle of reader.cycles(file.clock)) {
    if (cycle.index % SAMPLE_EVERY === 0) watch.sample();
  }
  if (file.cycles === 0) throw new Error('vcd-bench: the synthetic file has no cycles');
  return watch.finish(began);
}

/** The fastest run's time; the largest memory growth of any run (the honest figure for memory). */
async function bestOf(runs: number, measure: () => Promise<Measured>): Promise<Measured> {
  const results: Measured[] = [];
  for (let run = 0; run < runs; run++) results.push(await measure());
  return {
    ms: Math.min(...results.map((result) => result.ms)),
    rssGrowth: Math.max(...results.map((result) => result.rssGrowth)),
    heapGrowth: Math.max(...results.map((result) => result.heapGrowth)),
  };
}

/** One small read of each kind first, so that the first measured run does not pay for compiling the parser. */
async function warmUp(dir: string, gc: () => void): Promise<void> {
  const path = join(dir, 'warm-up.vcd');
  const file = await writeSyntheticVcd(path, { bytes: 20e6 });
  await readSteps(path, file, gc);
  await readCycles(path, file, gc);
  await rm(path);
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export async function vcdBench(sizesMb: readonly number[] = DEFAULT_SIZES_MB): Promise<string> {
  const gc = collector();
  const dir = await mkdtemp(join(tmpdir(), 'hwgen-vcd-bench-'));
  const rows: string[][] = [];
  try {
    await warmUp(dir, gc);
    for (const sizeMb of sizesMb) {
      const path = join(dir, `synthetic-${sizeMb}.vcd`);
      const file = await writeSyntheticVcd(path, { bytes: sizeMb * 1e6 });
      const raw = await bestOf(RUNS, () => rawRead(path, gc));
      const steps = await bestOf(RUNS, () => readSteps(path, file, gc));
      const cycles = await bestOf(RUNS, () => readCycles(path, file, gc));
      const rate = (measured: Measured) => formatRate(file.bytes / (measured.ms / 1000), 'B');
      const rssGrowth = Math.max(steps.rssGrowth, cycles.rssGrowth);
      const heapGrowth = Math.max(steps.heapGrowth, cycles.heapGrowth);
      rows.push([megabytes(file.bytes), String(file.cycles), rate(raw), rate(steps), rate(cycles), megabytes(rssGrowth), megabytes(heapGrowth)]);
      await rm(path);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return [
    '### Streaming VCD reader (20 of ~3000 signals selected, best of 2 runs)',
    markdownTable(['file', 'cycles', 'raw read', '`steps()`', '`cycles(clock)`', 'peak RSS growth', 'peak heap growth'], rows),
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number);
  process.stdout.write(`${await vcdBench(sizes.length > 0 ? sizes : DEFAULT_SIZES_MB)}\n`);
}
