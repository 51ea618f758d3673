/**
 * `hwgen synth [CONFIG] --target generic|xc7|ice40`: the design through yosys (and nextpnr-ice40 on iCE40), its
 * resources per module and in total, whether it fits the target's part, the Fmax on iCE40, and a throughput
 * estimate (GOPS) on a workload. Writes `synth.json`, the logs and the synthesised Verilog into `--out`.
 * Exit 2 with one line when the design does not fit, a tool is missing or fails, or the target is unknown.
 */
import { type Command, Option } from 'commander';
import { type Accelerator, loadAccelerator } from '../../config/load-config.ts';
import { InputError } from '../../errors.ts';
import { generateAxiTop } from '../../modules/axi/generator.ts';
import { generateDesign } from '../../modules/accel/design.ts';
import type { ModuleDescription } from '../../arch/module.ts';
import { type OpsPerCycle, formatGops, opsPerCycle } from '../../fpga/gops.ts';
import { type SynthResult, synthesize } from '../../fpga/synth.ts';
import { RESOURCE_LABELS, type Resources, TARGETS, type TargetName } from '../../fpga/targets.ts';
import type { PolicyName } from '../../schedule/types.ts';
import { silentProgress, stderrProgress, withHeartbeat } from '../../util/progress.ts';
import { resolveWorkload } from '../../workload/resolve.ts';
import { parseSeed } from '../../util/seed-arg.ts';
import { loadWorkloadArg } from '../workload-arg.ts';
import { POLICIES } from '../../schedule/types.ts';

/** yosys reports no percentage: the heartbeat says so, lest a reader wait for one. */
export const SYNTH_HEARTBEAT_NOTE = 'yosys reports no percentage; the default design takes minutes on xc7';

interface SynthCommandOptions {
  target: TargetName;
  out?: string;
  axi?: boolean;
  workload: string;
  policy: PolicyName;
  seed: string;
  cache: boolean;
  quiet?: boolean;
}

const DEFAULT_WORKLOAD = 'demo';

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('synthesise the design with yosys (ice40: also place and route with nextpnr-ice40) and report resources per module, the fit, Fmax and estimated GOPS (no CONFIG: the default design)')
    .argument('[CONFIG]', 'accelerator config (YAML/JSON)')
    .addOption(new Option('--target <TARGET>', 'generic (yosys cells), xc7 (Xilinx 7-series, fit on the xc7z020 of a PYNQ-Z2) or ice40 (place and route on UP5K or HX8K)').choices(TARGETS).makeOptionMandatory())
    .option('-o, --out <DIR>', 'output folder (replaced only when complete; default rtl-out/synth/<name>-<target>)')
    .option('--axi', 'synthesise the AXI wrapper (hwgen_axi_top) instead of the bare accelerator top')
    .option('--workload <WORKLOAD>', 'workload of the GOPS estimate: manifest, zoo name, demo, or none', DEFAULT_WORKLOAD)
    .addOption(new Option('--policy <POLICY>', 'column schedule of the GOPS estimate').choices(POLICIES).default('cost'))
    .option('--seed <N>', 'seed of the random policy', '0')
    .option('--no-cache', 'synthesise again even when a cached result exists')
    .option('-q, --quiet', 'no progress lines')
    .action(runSynth);
}

function topOf(accelerator: Accelerator, axi: boolean): ModuleDescription {
  if (axi) return generateAxiTop(accelerator);
  const [top] = generateDesign(accelerator).modules;
  if (top === undefined) throw new Error('generateDesign returned no top');
  return top;
}

/**
 * The workload's operations per cycle. The default workload, when not asked for, is skipped with a note if the
 * design cannot hold it (a small design is still worth synthesising); a workload the user named is bad input.
 */
async function workOf(accelerator: Accelerator, options: SynthCommandOptions, seed: number, workloadIsDefault: boolean): Promise<{ work?: OpsPerCycle; note?: string }> {
  if (options.workload === 'none') return {};
  const workload = await resolveWorkload(await loadWorkloadArg(options.workload));
  try {
    return { work: opsPerCycle(accelerator, workload, options.policy, seed) };
  } catch (error) {
    if (error instanceof InputError && workloadIsDefault) return { note: `no GOPS estimate: the ${DEFAULT_WORKLOAD} workload does not fit the design (${error.reason})` };
    throw error;
  }
}

function count(value: number): string {
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

export function resourceLine(target: TargetName, total: Resources, cells: Readonly<Record<string, number>>): string {
  if (target === 'generic') {
    const all = Object.values(cells).reduce((sum, n) => sum + n, 0);
    const memories = Object.entries(cells).filter(([type]) => type.startsWith('$mem')).reduce((sum, [, n]) => sum + n, 0);
    return `${count(all)} cells (${count(total.ff)} flip-flops, ${memories} memories)`;
  }
  const keys: (keyof Resources)[] = target === 'xc7' ? ['lut', 'lutMemory', 'ff', 'carry', 'dsp', 'bram'] : ['lut', 'ff', 'carry', 'dsp', 'bram', 'spram'];
  const label = (key: keyof Resources) => (key === 'bram' ? (target === 'xc7' ? 'BRAM36' : 'EBR') : key === 'lut' && target === 'ice40' ? 'LUT4' : RESOURCE_LABELS[key]);
  return keys.map((key) => `${label(key)} ${count(total[key])}`).join(', ');
}

/** The lines `hwgen synth` (and the demo) print of a result written to `out`. */
export function synthSummary(result: SynthResult, out: string): string {
  const lines = [`${result.design} (${result.top}) on ${result.target}${result.cached ? ' (cached)' : ''}: ${resourceLine(result.target, result.total, result.cells)}`];
  if (result.xc7 !== undefined) {
    lines.push(`  ${result.xc7.part} (${result.xc7.board}): ${result.xc7.fits ? 'fits' : `does not fit (${result.xc7.overflows.join(', ')})`}; ` +
      Object.entries(result.xc7.utilisation).map(([key, share]) => `${RESOURCE_LABELS[key as keyof Resources]} ${(100 * (share ?? 0)).toFixed(1)} %`).join(', '));
  }
  if (result.ice40 !== undefined) {
    const { ice40 } = result;
    if (ice40.part !== null && ice40.fmaxMHz !== undefined) {
      const lc = ice40.utilisation?.ICESTORM_LC;
      lines.push(`  placed and routed on ${ice40.part} by nextpnr-ice40: Fmax ${ice40.fmaxMHz} MHz${lc === undefined ? '' : `, ${lc.used} of ${lc.available} logic cells (harness included)`}`);
    }
    for (const attempt of ice40.attempts.filter((a) => !a.fits)) lines.push(`  ${attempt.part}: does not fit (${attempt.reason ?? '?'})`);
  }
  if (result.throughput !== undefined) {
    const t = result.throughput;
    lines.push(`  throughput estimate on ${t.workload} (${t.policy} schedule): ${formatGops(t.gops)} GOPS = ${t.opsPerCycle.toFixed(2)} ops/cycle × ${t.clockMHz} MHz (${t.clockSource}: ${t.clockFrom})`);
  }
  lines.push(`  report ${out}/synth.json, log ${result.log}`);
  return `${lines.join('\n')}\n`;
}

async function runSynth(configFile: string | undefined, options: SynthCommandOptions, command: Command): Promise<void> {
  const accelerator = await loadAccelerator(configFile);
  const seed = parseSeed(options.seed);
  const top = topOf(accelerator, options.axi === true);
  const { work, note } = await workOf(accelerator, options, seed, command.getOptionValueSource('workload') === 'default');
  const out = options.out ?? `rtl-out/synth/${accelerator.config.name}-${options.target}${options.axi === true ? '-axi' : ''}`;
  const progress = options.quiet === true ? silentProgress : stderrProgress('synth');
  if (note !== undefined) progress.info(note);
  // The workload argument may be a zoo name rather than a file: the guard skips inputs that are not on disk.
  const inputs = [...(configFile === undefined ? [] : [configFile]), options.workload];
  const result = await withHeartbeat(progress, `synthesis for ${options.target}`, SYNTH_HEARTBEAT_NOTE, () => synthesize(accelerator, top, { target: options.target, out, progress, fresh: !options.cache, inputs, ...(work === undefined ? {} : { work }) }));
  process.stdout.write(synthSummary(result, out));
  if (!result.fits) throw new InputError(accelerator.source, '', `${result.notFit ?? 'does not fit'} (report: ${out}/synth.json)`);
}
