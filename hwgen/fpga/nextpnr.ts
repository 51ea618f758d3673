/**
 * nextpnr-ice40 on a flattened netlist: a pack-only pass first (a second or two; it says whether the design fits
 * the part at all and how full it is), then place and route with a fixed seed, and the report's Fmax and
 * utilisation. Above LC_LIMIT of the logic cells the placer of nextpnr-ice40 0.4 often fails after many minutes
 * ("Unable to find legal placement"), so such a part counts as too small without trying.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ToolError } from '../errors.ts';
import type { Ice40Part } from './targets.ts';
import { firstLine, runFpgaTool } from './tools.ts';

/** Share of the logic cells above which a part is not tried. */
export const LC_LIMIT = 0.9;
export const NEXTPNR_SEED = 1;

export type Utilisation = Readonly<Record<string, { readonly used: number; readonly available: number }>>;

export interface CriticalPath {
  readonly from: string;
  readonly to: string;
  readonly delayNs: number;
}

export interface PlaceAndRoute {
  readonly fmaxMHz: number;
  /** The clock net nextpnr named. */
  readonly clock: string;
  readonly targetMHz: number;
  readonly utilisation: Utilisation;
  readonly criticalPath?: CriticalPath;
  readonly log: string;
}

export type PackOutcome = { readonly fits: true; readonly utilisation: Utilisation } | { readonly fits: false; readonly reason: string; readonly utilisation?: Utilisation };

interface NextpnrReport {
  fmax?: Record<string, { achieved: number; constraint: number }>;
  utilization?: Record<string, { used: number; available: number }>;
  critical_paths?: { from?: string; to?: string; path?: { delay: number; from?: { cell: string }; to?: { cell: string } }[] }[];
}

async function readReport(file: string): Promise<NextpnrReport> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as NextpnrReport;
  } catch (error) {
    throw new ToolError('nextpnr-ice40', `${file}: no report (${(error as Error).message})`);
  }
}

const KEY_RESOURCES = ['ICESTORM_LC', 'ICESTORM_RAM', 'ICESTORM_DSP', 'ICESTORM_SPRAM'];

/** The logic, RAM and DSP lines and whatever else the design uses (I/O, global buffers). */
function compact(utilisation: Utilisation): Utilisation {
  return Object.fromEntries(Object.entries(utilisation).filter(([what, { used }]) => used > 0 || KEY_RESOURCES.includes(what)));
}

function deviceArgs(part: Ice40Part, netlist: string, report: string): string[] {
  return [`--${part.device}`, '--package', part.package, '--json', netlist, '--report', report, '--seed', String(NEXTPNR_SEED)];
}

function overfull(utilisation: Utilisation): string[] {
  return Object.entries(utilisation)
    .filter(([, { used, available }]) => used > available)
    .map(([what, { used, available }]) => `${what} ${used} of ${available}`);
}

/** Packs the netlist for the part: does it fit, and is it below LC_LIMIT of the logic cells? */
export async function packFor(part: Ice40Part, cwd: string, netlist: string, logFile: string): Promise<PackOutcome> {
  const report = `pack-${part.device}.json`;
  try {
    await runFpgaTool('nextpnr-ice40', [...deviceArgs(part, netlist, report), '--pack-only'], { cwd, logFile, timeoutMs: 600_000 });
  } catch (error) {
    // Packing fails when a resource runs out ("… uses N RAM, device has M"): the part is too small.
    const log = await readFile(logFile, 'utf8').catch(() => '');
    const problem = firstLine(log, /ERROR/);
    if (problem !== undefined && /too many|has only|exceeds|not enough|Unable to|uses \d+/i.test(problem)) return { fits: false, reason: problem.replace(/^ERROR:\s*/, '') };
    throw error;
  }
  const utilisation = compact((await readReport(join(cwd, report))).utilization ?? {});
  const over = overfull(utilisation);
  if (over.length > 0) return { fits: false, reason: over.join(', '), utilisation };
  const lc = utilisation.ICESTORM_LC;
  if (lc !== undefined && lc.used > LC_LIMIT * lc.available) {
    return { fits: false, reason: `ICESTORM_LC ${lc.used} of ${lc.available} is above ${Math.round(LC_LIMIT * 100)} %, where nextpnr-ice40 cannot place reliably`, utilisation };
  }
  return { fits: true, utilisation };
}

/** The design's clock: the named clock nets nextpnr timed, without its own constant nets ($PACKER_…). */
function designClock(fmax: NonNullable<NextpnrReport['fmax']>): [string, { achieved: number; constraint: number }] | undefined {
  const clocks = Object.entries(fmax).filter(([name]) => !name.startsWith('$'));
  return clocks.sort(([, a], [, b]) => a.achieved - b.achieved)[0];
}

export async function placeAndRoute(part: Ice40Part, cwd: string, netlist: string, logFile: string, targetMHz: number): Promise<PlaceAndRoute> {
  const reportFile = `pnr-${part.device}.json`;
  await runFpgaTool('nextpnr-ice40', [...deviceArgs(part, netlist, reportFile), '--freq', String(targetMHz), '--timing-allow-fail'], { cwd, logFile, timeoutMs: 3_600_000 });
  const report = await readReport(join(cwd, reportFile));
  const clock = designClock(report.fmax ?? {});
  if (clock === undefined) throw new ToolError('nextpnr-ice40', `no clock in the timing report (log: ${logFile})`);
  const [name, { achieved }] = clock;
  const path = (report.critical_paths ?? []).find((candidate) => candidate.from?.includes(name) === true)?.path ?? [];
  const first = path[0], last = path[path.length - 1];
  const criticalPath = first?.from !== undefined && last?.to !== undefined
    ? { from: first.from.cell, to: last.to.cell, delayNs: Number(path.reduce((sum, step) => sum + step.delay, 0).toFixed(2)) }
    : undefined;
  return {
    fmaxMHz: Number(achieved.toFixed(2)),
    clock: name,
    targetMHz,
    utilisation: compact(report.utilization ?? {}),
    ...(criticalPath === undefined ? {} : { criticalPath }),
    log: logFile,
  };
}
