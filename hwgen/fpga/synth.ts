/**
 * `hwgen synth`'s flow: a generated design through yosys for a target, resources per module and in total, the fit
 * on the target's part, and on iCE40 place and route by nextpnr-ice40 on the smallest part that fits (UP5K, then
 * HX8K) with the Fmax it reports. Results are cached by content (cache.ts), so a second run is instant.
 *
 * Output folder (written whole or not at all): `synth.json`, the tools' logs, and `rtl/` with the Verilog that was
 * synthesised (plus the place-and-route harness on iCE40, harness.ts).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Accelerator } from '../config/load-config.ts';
import { type GeneratedFile, type ModuleDescription, allFiles } from '../arch/module.ts';
import { writeDirAtomically } from '../util/atomic-dir.ts';
import { withScratchDir } from '../util/scratch-dir.ts';
import { prettyJson } from '../util/json.ts';
import { type Progress, silentProgress } from '../util/progress.ts';
import { HWGEN_VERSION } from '../version.ts';
import { cacheKey, cacheLookup, cacheStore, copyCachedLogs, resolveFpgaCacheRoot } from './cache.ts';
import { type Clock, type OpsPerCycle, type ThroughputEstimate, assumedClock, throughput } from './gops.ts';
import { HARNESS_DUT, HARNESS_FILE, HARNESS_MODULE, renderHarness } from './harness.ts';
import { type CriticalPath, LC_LIMIT, type Utilisation, packFor, placeAndRoute } from './nextpnr.ts';
import { type DesignReport, type ModuleReport, designReport, subReport } from './report.ts';
import { ICE40_PARTS, type Ice40Part, type Resources, type TargetName, XC7Z020, overflows, utilisation } from './targets.ts';
import { toolVersion, runFpgaTool } from './tools.ts';
import { parseHierarchy, parseStatJson, synthScript } from './yosys.ts';

/** Bumped when the scripts or the result's shape change, so old cache entries are not reused. */
const FLOW_VERSION = 3;

export interface SynthOptions {
  readonly target: TargetName;
  /** Output folder (replaced only when complete). */
  readonly out: string;
  /** Where `out` will be once its caller renames an enclosing temporary folder into place (default `out`): the log paths name it. */
  readonly finalOut?: string;
  /** ice40: the parts to try, smallest first (default: UP5K, then HX8K). */
  readonly ice40Parts?: readonly Ice40Part[];
  /** Operations per cycle of a workload (gops.ts), for the throughput estimate; none when absent. */
  readonly work?: OpsPerCycle;
  readonly cacheRoot?: string;
  /** Ignore (and overwrite) a cached result. */
  readonly fresh?: boolean;
  readonly progress?: Progress;
  /** The files the command read (the config, the workload), which `out` must not hold. */
  readonly inputs?: readonly string[];
}

export interface FitReport {
  readonly part: string;
  readonly board: string;
  readonly fits: boolean;
  /** "BRAM36 185.5 of 140" for every resource over capacity. */
  readonly overflows: readonly string[];
  readonly utilisation: Partial<Record<keyof Resources, number>>;
}

export interface Ice40Attempt {
  readonly part: string;
  readonly fits: boolean;
  /** Why the part was not used. */
  readonly reason?: string;
  /** The design (harness excluded) as yosys mapped it for this part. */
  readonly resources: Resources;
  /** The harness included: what the part has to hold. */
  readonly withHarness: Resources;
  /** nextpnr's packing, when it ran. */
  readonly packed?: Utilisation;
}

export interface Ice40Report {
  /** The part the design was placed and routed on, or null when none fits. */
  readonly part: string | null;
  readonly fits: boolean;
  readonly attempts: readonly Ice40Attempt[];
  readonly fmaxMHz?: number;
  readonly clock?: string;
  readonly targetMHz?: number;
  /** nextpnr's utilisation after place and route (the harness included). */
  readonly utilisation?: Utilisation;
  readonly criticalPath?: CriticalPath;
  readonly harness: { readonly module: string; readonly inputBits: number; readonly outputBits: number };
  readonly seed: number;
}

/** What the cache keeps: everything but paths and the throughput estimate. */
interface CachedSynth {
  readonly tools: Readonly<Record<string, string>>;
  readonly report: DesignReport;
  readonly xc7?: FitReport;
  readonly ice40?: Ice40Report;
  readonly logs: readonly string[];
  readonly wallSeconds: number;
}

export interface SynthResult {
  readonly generator: string;
  readonly design: string;
  readonly configHash: string;
  readonly target: TargetName;
  readonly top: string;
  readonly tools: Readonly<Record<string, string>>;
  /** The main yosys log; `logs` has every log (paths under the output folder). */
  readonly log: string;
  readonly logs: readonly string[];
  readonly total: Resources;
  /** Cell counts of the whole design by type (the generic target's resource figures). */
  readonly cells: Readonly<Record<string, number>>;
  readonly memoryBits: number;
  readonly modules: readonly ModuleReport[];
  readonly xc7?: FitReport;
  readonly ice40?: Ice40Report;
  readonly throughput?: ThroughputEstimate;
  /** Does the design fit the target's part (always true for generic)? */
  readonly fits: boolean;
  /** One line saying why not, when it does not fit. */
  readonly notFit?: string;
  readonly cached: boolean;
  /** Wall time of the tools when the result was made (not of a cache hit). */
  readonly wallSeconds: number;
}

/** Parameter names each Verilog module documents (the generator's descriptions). */
function documentedParameters(top: ModuleDescription): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const visit = (module: ModuleDescription): void => {
    names.set(module.name, module.parameters.map((parameter) => parameter.name));
    for (const sub of module.submodules) visit(sub);
  };
  visit(top);
  return names;
}

interface YosysRun {
  readonly report: DesignReport;
  readonly log: string;
}

async function runYosys(target: TargetName, work: string, sources: readonly string[], top: string, documented: Map<string, string[]>, tag: string, ice40Options: readonly string[] = []): Promise<YosysRun> {
  const files = {
    sources, top,
    elaboratedStat: `elaborated-${tag}.json`, hierarchy: `hierarchy-${tag}.json`, stat: `stat-${tag}.json`,
    ...(target === 'ice40' ? { netlist: `netlist-${tag}.json` } : {}),
  };
  const scriptFile = `synth-${tag}.ys`;
  await writeFile(join(work, scriptFile), synthScript(target, files, ice40Options));
  const log = join(work, `yosys-${tag}.log`);
  await runFpgaTool('yosys', ['-q', '-l', log, '-s', scriptFile], { cwd: work });
  const read = (name: string) => readFile(join(work, name), 'utf8');
  const elaborated = parseStatJson(await read(files.elaboratedStat), files.elaboratedStat);
  const hierarchy = parseHierarchy(await read(files.hierarchy), elaborated, files.hierarchy);
  const stat = parseStatJson(await read(files.stat), files.stat);
  await rm(join(work, files.hierarchy), { force: true });
  return { report: designReport(target, top, stat, hierarchy, documented), log };
}

export interface YosysReportOptions {
  readonly cacheRoot?: string;
  /** Ignore (and overwrite) a cached report. */
  readonly fresh?: boolean;
}

/**
 * yosys alone on `top` for a target (no place and route, no output folder): the report per module and in total.
 * Cached by content like `synthesize`, so an unchanged design is mapped once. Tests, benchmarks and the design-space
 * exploration use it to look at one mapping.
 */
export async function yosysReport(target: TargetName, top: ModuleDescription, ice40Options: readonly string[] = [], options: YosysReportOptions = {}): Promise<DesignReport> {
  const files = allFiles(top);
  const root = resolveFpgaCacheRoot(options.cacheRoot);
  const bucket = `${target}-report`;
  const key = cacheKey({ flow: FLOW_VERSION, target, top: top.name, ice40Options, tools: { yosys: await toolVersion('yosys') }, files: files.map((file) => [file.name, file.text]) });
  const hit = options.fresh === true ? undefined : await cacheLookup<DesignReport>(root, bucket, key);
  if (hit !== undefined) return hit.result;
  return withScratchDir('hwgen-yosys-', async (work) => {
    await writeSources(work, files);
    const run = await runYosys(target, work, files.map((file) => `rtl/${file.name}`), top.name, documentedParameters(top), target, ice40Options);
    await cacheStore(root, bucket, key, run.report, [run.log]);
    return run.report;
  });
}

/** Writes the Verilog into `<dir>/rtl/`. */
async function writeSources(dir: string, files: readonly GeneratedFile[]): Promise<void> {
  await mkdir(join(dir, 'rtl'));
  for (const file of files) await writeFile(join(dir, 'rtl', file.name), file.text);
}

function fitOf(used: Resources, part: { name: string; board: string; capacity: Resources }): FitReport {
  const over = overflows(used, part);
  return { part: part.name, board: part.board, fits: over.length === 0, overflows: over, utilisation: utilisation(used, part) };
}

async function synthXc7OrGeneric(target: 'xc7' | 'generic', work: string, sources: readonly string[], top: ModuleDescription, progress: Progress): Promise<Omit<CachedSynth, 'tools' | 'wallSeconds'>> {
  const done = progress.start(`yosys ${target === 'xc7' ? 'synth_xilinx' : 'synth'} of ${top.name}`);
  const run = await runYosys(target, work, sources, top.name, documentedParameters(top), target);
  const report = run.report;
  const xc7 = target === 'xc7' ? fitOf(report.total, XC7Z020) : undefined;
  done(target === 'xc7' ? `LUT ${report.total.lut}, FF ${report.total.ff}, DSP ${report.total.dsp}, BRAM36 ${report.total.bram}` : `${Object.values(report.cells).reduce((a, b) => a + b, 0)} cells`);
  return { report, ...(xc7 === undefined ? {} : { xc7 }), logs: [run.log] };
}

async function synthIce40(work: string, sources: readonly string[], top: ModuleDescription, parts: readonly Ice40Part[], targetMHz: number, progress: Progress): Promise<Omit<CachedSynth, 'tools' | 'wallSeconds'>> {
  const harness = renderHarness(top);
  await writeFile(join(work, 'rtl', HARNESS_FILE), harness.text);
  const allSources = [...sources, `rtl/${HARNESS_FILE}`];
  const documented = documentedParameters(top);
  const attempts: Ice40Attempt[] = [];
  const logs: string[] = [];
  let first: DesignReport | undefined;
  let previous: { design: Resources; withHarness: Resources } | undefined;
  for (const part of parts) {
    // The block RAM mapping does not depend on the part when no SPRAM was inferred: a part with fewer EBR than an
    // earlier synthesis used cannot fit, and needs no synthesis of its own.
    if (previous !== undefined && previous.withHarness.spram === 0 && previous.withHarness.bram > part.capacity.bram) {
      const reason = `EBR ${previous.withHarness.bram} of ${part.capacity.bram} (block RAM as mapped for the part before)`;
      attempts.push({ part: part.name, fits: false, reason, resources: previous.design, withHarness: previous.withHarness });
      continue;
    }
    const done = progress.start(`yosys synth_ice40 for ${part.name}`);
    const run = await runYosys('ice40', work, allSources, HARNESS_MODULE, documented, part.device, part.synthOptions);
    logs.push(run.log);
    const design = subReport(run.report, HARNESS_DUT);
    first ??= design;
    const withHarness = run.report.total;
    previous = { design: design.total, withHarness };
    const over = overflows(withHarness, part);
    done(`LUT4 ${design.total.lut}, FF ${design.total.ff}, EBR ${design.total.bram}${over.length > 0 ? `: does not fit (${over.join(', ')})` : ''}`);
    if (over.length > 0) {
      attempts.push({ part: part.name, fits: false, reason: over.join(', '), resources: design.total, withHarness });
      continue;
    }
    const packLog = join(work, `nextpnr-pack-${part.device}.log`);
    const packed = await packFor(part, work, `netlist-${part.device}.json`, packLog);
    logs.push(packLog);
    if (!packed.fits) {
      attempts.push({ part: part.name, fits: false, reason: packed.reason, resources: design.total, withHarness, ...(packed.utilisation === undefined ? {} : { packed: packed.utilisation }) });
      continue;
    }
    const pnrDone = progress.start(`nextpnr-ice40 place and route on ${part.name}`);
    const pnr = await placeAndRoute(part, work, `netlist-${part.device}.json`, join(work, `nextpnr-${part.device}.log`), targetMHz);
    logs.push(pnr.log);
    pnrDone(`Fmax ${pnr.fmaxMHz} MHz`);
    attempts.push({ part: part.name, fits: true, resources: design.total, withHarness, packed: packed.utilisation });
    return {
      report: design,
      ice40: {
        part: part.name, fits: true, attempts, fmaxMHz: pnr.fmaxMHz, clock: pnr.clock, targetMHz, utilisation: pnr.utilisation,
        ...(pnr.criticalPath === undefined ? {} : { criticalPath: pnr.criticalPath }),
        harness: { module: HARNESS_MODULE, inputBits: harness.inputBits, outputBits: harness.outputBits }, seed: 1,
      },
      logs,
    };
  }
  if (first === undefined) throw new Error('synthIce40: no part to try');
  return {
    report: first,
    ice40: { part: null, fits: false, attempts, harness: { module: HARNESS_MODULE, inputBits: harness.inputBits, outputBits: harness.outputBits }, seed: 1 },
    logs,
  };
}

function notFitLine(target: TargetName, cached: CachedSynth): string | undefined {
  if (target === 'xc7' && cached.xc7 !== undefined && !cached.xc7.fits) return `does not fit the ${cached.xc7.part} of a ${cached.xc7.board}: ${cached.xc7.overflows.join(', ')}`;
  if (target === 'ice40' && cached.ice40 !== undefined && !cached.ice40.fits) {
    return `does not fit any iCE40 part: ${cached.ice40.attempts.map((attempt) => `${attempt.part} ${attempt.reason ?? ''}`.trim()).join('; ')}`;
  }
  return undefined;
}

/** The clock of the throughput estimate: the measured Fmax on iCE40 when placed, else the config's clock. */
export function clockOf(accelerator: Accelerator, ice40: Ice40Report | undefined): Clock {
  if (ice40?.fmaxMHz !== undefined && ice40.part !== null) return { mhz: ice40.fmaxMHz, source: 'measured', from: `Fmax of nextpnr-ice40 on ${ice40.part}` };
  return assumedClock(accelerator);
}

interface SynthJob {
  readonly target: TargetName;
  readonly top: ModuleDescription;
  readonly files: readonly GeneratedFile[];
  readonly tools: Readonly<Record<string, string>>;
  readonly parts: readonly Ice40Part[];
  readonly targetMHz: number;
  readonly progress: Progress;
}

/** Runs the tools in a scratch folder and stores the result in the cache under `key`; returns the cache entry's folder. */
async function synthesizeAndStore(job: SynthJob, root: string, key: string): Promise<{ result: CachedSynth; dir: string }> {
  return withScratchDir('hwgen-synth-', async (work) => {
    await writeSources(work, job.files);
    const sources = job.files.map((file) => `rtl/${file.name}`);
    const began = performance.now();
    const made = job.target === 'ice40'
      ? await synthIce40(work, sources, job.top, job.parts, job.targetMHz, job.progress)
      : await synthXc7OrGeneric(job.target, work, sources, job.top, job.progress);
    const result: CachedSynth = { ...made, tools: job.tools, logs: made.logs.map((log) => log.split('/').pop() ?? log), wallSeconds: Number(((performance.now() - began) / 1000).toFixed(1)) };
    await cacheStore(root, job.target, key, result, made.logs);
    return { result, dir: join(root, job.target, key) };
  });
}

function synthResult(accelerator: Accelerator, job: SynthJob, cached: CachedSynth, out: string, work: OpsPerCycle | undefined, wasCached: boolean): SynthResult {
  const notFit = notFitLine(job.target, cached);
  const logs = cached.logs.map((name) => join(out, name));
  return {
    generator: `hwgen ${HWGEN_VERSION}`,
    design: accelerator.config.name,
    configHash: accelerator.hash,
    target: job.target,
    top: job.top.name,
    tools: cached.tools,
    log: logs[0] ?? '',
    logs,
    total: cached.report.total,
    cells: cached.report.cells,
    memoryBits: cached.report.memoryBits,
    modules: cached.report.modules,
    ...(cached.xc7 === undefined ? {} : { xc7: cached.xc7 }),
    ...(cached.ice40 === undefined ? {} : { ice40: cached.ice40 }),
    ...(work === undefined ? {} : { throughput: throughput(work, clockOf(accelerator, cached.ice40)) }),
    fits: notFit === undefined,
    ...(notFit === undefined ? {} : { notFit }),
    cached: wasCached,
    wallSeconds: cached.wallSeconds,
  };
}

/** Synthesises `top` (the accelerator top or the AXI wrapper, with its submodules) and writes the output folder. */
export async function synthesize(accelerator: Accelerator, top: ModuleDescription, options: SynthOptions): Promise<SynthResult> {
  const { target } = options;
  const tools: Record<string, string> = { yosys: await toolVersion('yosys') };
  if (target === 'ice40') tools['nextpnr-ice40'] = await toolVersion('nextpnr-ice40');
  const job: SynthJob = {
    target, top, files: allFiles(top), tools, parts: options.ice40Parts ?? ICE40_PARTS, targetMHz: accelerator.config.clockMHz, progress: options.progress ?? silentProgress,
  };
  const root = resolveFpgaCacheRoot(options.cacheRoot);
  const key = cacheKey({
    flow: FLOW_VERSION, target, top: top.name, tools, files: job.files.map((file) => [file.name, file.text]),
    ...(target === 'ice40' ? { parts: job.parts.map((part) => part.name), targetMHz: job.targetMHz, lcLimit: LC_LIMIT } : {}),
  });
  const hit = options.fresh === true ? undefined : await cacheLookup<CachedSynth>(root, target, key);
  if (hit !== undefined) job.progress.info(`${target}: cached result (${hit.dir})`);

  let result: SynthResult | undefined;
  await writeDirAtomically(options.out, { command: 'synth', inputs: options.inputs ?? [] }, async (dir) => {
    await writeSources(dir, job.files);
    const entry = hit ?? (await synthesizeAndStore(job, root, key));
    await copyCachedLogs(entry.dir, dir);
    if (target === 'ice40') await writeFile(join(dir, 'rtl', HARNESS_FILE), renderHarness(top).text);
    result = synthResult(accelerator, job, entry.result, options.finalOut ?? options.out, options.work, hit !== undefined);
    await writeFile(join(dir, 'synth.json'), prettyJson(result));
  });
  if (result === undefined) throw new Error('synthesize: no result');
  return result;
}
