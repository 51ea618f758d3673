/**
 * `make bench`, FPGA part: designs from small to the largest that fits the xc7z020 of a PYNQ-Z2 by yosys' count,
 * with their xc7 resources, the iCE40 part and Fmax where one fits (nextpnr-ice40), and the throughput estimate
 * GOPS = operations per cycle (exact cost model, `cost` schedule, on a zoo layer) × clock, next to NeuroFlex's
 * published measurement. Results are cached (hwgen/fpga/cache.ts): the first run synthesises for about ten
 * minutes on two cores, later runs take seconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Accelerator, acceleratorFrom } from '../config/load-config.ts';
import type { AcceleratorConfigInput } from '../config/schema.ts';
import { generateAccelTop } from '../modules/accel/generator.ts';
import { type OpsPerCycle, formatGops, opsPerCycleOfGemms } from './gops.ts';
import { type SynthResult, synthesize } from './synth.ts';
import { ICE40_PARTS } from './targets.ts';
import { type Progress, silentProgress, stderrProgress } from '../util/progress.ts';
import { zooGemmLayer } from '../zoo/zoo-gemm.ts';
import { markdownTable } from '../util/measure.ts';

export interface FpgaBenchDesign {
  readonly id: string;
  readonly label: string;
  readonly config: AcceleratorConfigInput;
}

const SMALL_LIMITS = { maxK: 1152, maxM: 256 };

/**
 * Small to large: `largest` is the largest of this family that fits the xc7z020 by yosys' count (block RAM binds
 * first), `too-large` one ANN array more, which does not; the last is the default design.
 */
export const FPGA_BENCH_DESIGNS: readonly FpgaBenchDesign[] = [
  {
    id: 'ice40', label: '1 ANN 2×2; 4/2/1 KiB',
    config: { name: 'bench_ice40', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 0, lanes: 1 }, limits: SMALL_LIMITS, buffers: { weightBytes: 4096, activationBytes: 2048, outputBytes: 1024, scheduleEntries: 64 } },
  },
  {
    id: 'small', label: '1 ANN 4×4 + 1 SNN × 8; 16/8/4 KiB',
    config: { name: 'bench_small', ann: { arrays: 1, rows: 4, cols: 4 }, snn: { cores: 1, lanes: 8 }, limits: SMALL_LIMITS, buffers: { weightBytes: 16384, activationBytes: 8192, outputBytes: 4096, scheduleEntries: 512 } },
  },
  {
    id: 'medium', label: '1 ANN 8×8 + 2 SNN × 16; 32/16/8 KiB',
    config: { name: 'bench_medium', buffers: { weightBytes: 32768, activationBytes: 16384, outputBytes: 8192, scheduleEntries: 1024 } },
  },
  {
    id: 'large', label: '2 ANN 8×8 + 2 SNN × 16; 32/8/4 KiB',
    config: { name: 'bench_large', ann: { arrays: 2 }, snn: { cores: 2, lanes: 16 }, buffers: { weightBytes: 32768, activationBytes: 8192, outputBytes: 4096, scheduleEntries: 1024 } },
  },
  {
    id: 'largest', label: '3 ANN 8×8 + 4 SNN × 16; 32/8/4 KiB',
    config: { name: 'bench_largest', ann: { arrays: 3 }, snn: { cores: 4, lanes: 16 }, buffers: { weightBytes: 32768, activationBytes: 8192, outputBytes: 4096, scheduleEntries: 1024 } },
  },
  {
    id: 'too-large', label: '4 ANN 8×8 + 4 SNN × 16; 32/8/4 KiB',
    config: { name: 'bench_too_large', ann: { arrays: 4 }, snn: { cores: 4, lanes: 16 }, buffers: { weightBytes: 32768, activationBytes: 8192, outputBytes: 4096, scheduleEntries: 1024 } },
  },
  { id: 'default', label: 'default: 1 ANN 8×8 + 2 SNN × 16; 64/64/16 KiB', config: {} },
];

/** The workload of the estimate: a mid-network ResNet-34 layer, 256 × 1152 × 196 (57.8 M MAC). */
export const FPGA_BENCH_LAYER = { network: 'resnet34', layer: 'layer3.0.conv1' } as const;

/** NeuroFlex on a PYNQ-Z2, as published: a measurement on the board. */
export const NEUROFLEX_REFERENCE = { gops: 38.4, watts: 1.54, board: 'PYNQ-Z2' } as const;

/** The clock of the xc7 estimate: every bench design's config `clockMHz`, not a timing result. */
const ASSUMED_MHZ = 100;

const HX8K_LUTS = ICE40_PARTS[ICE40_PARTS.length - 1]?.capacity.lut ?? 7680;

export interface FpgaBenchRow {
  readonly design: FpgaBenchDesign;
  readonly xc7: SynthResult;
  /** The iCE40 run, or why it was not tried. */
  readonly ice40: SynthResult | string;
  readonly work: OpsPerCycle;
  /** Peak ANN operations per cycle: 2 · arrays · rows · cols. */
  readonly peakAnnOps: number;
}

function thousands(value: number): string {
  return value.toLocaleString('en-US');
}

async function runDesign(design: FpgaBenchDesign, dir: string, progress: Progress): Promise<FpgaBenchRow> {
  const accelerator: Accelerator = acceleratorFrom(design.config, `bench design ${design.id}`);
  const top = generateAccelTop(accelerator);
  const layer = await zooGemmLayer(FPGA_BENCH_LAYER.network, FPGA_BENCH_LAYER.layer);
  const work = opsPerCycleOfGemms(accelerator, `${FPGA_BENCH_LAYER.network} ${FPGA_BENCH_LAYER.layer}`, [layer]);
  const done = progress.start(`${design.id}: yosys xc7`);
  const xc7 = await synthesize(accelerator, top, { target: 'xc7', out: join(dir, `${design.id}-xc7`), inputs: [], work });
  done(`LUT ${xc7.total.lut}, BRAM36 ${xc7.total.bram}${xc7.cached ? ' (cached)' : ''}`);
  let ice40: SynthResult | string;
  // A design needing more LUT6s than the largest iCE40 has LUT4s cannot fit it: not worth a synthesis.
  if (xc7.total.lut > HX8K_LUTS) {
    ice40 = `not tried: ${thousands(xc7.total.lut)} LUTs on xc7, HX8K has ${thousands(HX8K_LUTS)}`;
  } else {
    const iceDone = progress.start(`${design.id}: yosys + nextpnr ice40`);
    ice40 = await synthesize(accelerator, top, { target: 'ice40', out: join(dir, `${design.id}-ice40`), inputs: [], work });
    iceDone(ice40.ice40?.part ?? 'does not fit');
  }
  const { ann } = accelerator.config;
  return { design, xc7, ice40, work, peakAnnOps: 2 * ann.arrays * ann.rows * ann.cols };
}

export async function fpgaBenchRows(progress: Progress = silentProgress, designs: readonly FpgaBenchDesign[] = FPGA_BENCH_DESIGNS): Promise<FpgaBenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'hwgen-fpga-bench-'));
  try {
    const rows: FpgaBenchRow[] = [];
    for (const design of designs) rows.push(await runDesign(design, dir, progress));
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** "UP5K, 20.3 MHz", or why no part fits: each part tried with the first resource it lacks. */
function ice40Cell(ice40: SynthResult | string): string {
  if (typeof ice40 === 'string') return ice40;
  const report = ice40.ice40;
  if (report === undefined) return '?';
  if (report.part !== null && report.fmaxMHz !== undefined) return `${shortPart(report.part)}, ${report.fmaxMHz.toFixed(1)} MHz`;
  return `no (${report.attempts.map((attempt) => `${shortPart(attempt.part)}: ${(attempt.reason ?? '?').split(/[,(]/)[0]?.trim() ?? ''}`).join('; ')})`;
}

function shortPart(part: string): string {
  return part.replace('iCE40', '');
}

/** GOPS at a clock, as the throughput estimate of a synthesis computes it. */
function gopsAt(row: FpgaBenchRow, mhz: number): string {
  return formatGops((row.work.opsPerCycle * mhz) / 1000);
}

function measuredGops(row: FpgaBenchRow): string {
  const { ice40 } = row;
  if (typeof ice40 === 'string' || ice40.throughput?.clockSource !== 'measured') return '—';
  return formatGops(ice40.throughput.gops);
}

export function fpgaBenchTable(rows: readonly FpgaBenchRow[]): string {
  const header = ['design', 'LUT', 'FF', 'DSP', 'BRAM36', 'fits xc7z020', 'iCE40 (Fmax)', 'ops/cycle (peak ANN)', 'est. GOPS @ 100 MHz (assumed)', 'est. GOPS @ iCE40 Fmax (measured)'];
  const body = rows.map((row) => {
    const { xc7 } = row;
    const fits = xc7.xc7?.fits === true ? 'yes' : `no: ${xc7.xc7?.overflows.join(', ') ?? '?'}`;
    return [
      row.design.label,
      thousands(xc7.total.lut),
      thousands(xc7.total.ff),
      String(xc7.total.dsp),
      String(xc7.total.bram),
      fits,
      ice40Cell(row.ice40),
      `${row.work.opsPerCycle.toFixed(1)} (${row.peakAnnOps})`,
      gopsAt(row, ASSUMED_MHZ),
      measuredGops(row),
    ];
  });
  return markdownTable(header, body);
}

/** "Yosys 0.23, nextpnr-ice40 0.4-1+b1" from the tools' version lines. */
function toolNames(rows: readonly FpgaBenchRow[]): string {
  const tools: Record<string, string> = {};
  for (const row of rows) Object.assign(tools, row.xc7.tools, typeof row.ice40 === 'string' ? {} : row.ice40.tools);
  return Object.entries(tools).map(([tool, line]) => `${tool} ${/(?:Yosys |Version )([^\s)]+)/.exec(line)?.[1] ?? line}`).join(', ');
}

export async function fpgaBench(progress: Progress = silentProgress): Promise<string> {
  const rows = await fpgaBenchRows(progress);
  const fitting = rows.filter((row) => row.xc7.xc7?.fits === true);
  const best = fitting.reduce<FpgaBenchRow | undefined>((top, row) => (top === undefined || row.work.opsPerCycle > top.work.opsPerCycle ? row : top), undefined);
  const lines = [
    `**FPGA** (${toolNames(rows)}; synth_xilinx out of context, nextpnr-ice40 on UP5K then HX8K): ` +
      `resources of hwgen_accel_top by yosys' count; ops/cycle on ${FPGA_BENCH_LAYER.network} ${FPGA_BENCH_LAYER.layer} (256×1152×196) from the exact cost model, \`cost\` schedule, loads and drains included.`,
    '',
    fpgaBenchTable(rows),
    '',
    `Reference: NeuroFlex, ${NEUROFLEX_REFERENCE.gops} GOPS at ${NEUROFLEX_REFERENCE.watts} W on a ${NEUROFLEX_REFERENCE.board} (published, measured on the board). ` +
      (best === undefined
        ? 'No design here fits the xc7z020.'
        : `Ours is an estimate, not a measurement: the largest design that fits by yosys' count (${best.design.label}) would do ${gopsAt(best, ASSUMED_MHZ)} GOPS if it closed timing at ${ASSUMED_MHZ} MHz, an assumed clock (no xc7 place and route here), with no power figure.`),
  ];
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await fpgaBench(stderrProgress('fpga'))}\n`);
}
