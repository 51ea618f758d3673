/**
 * Runs the FPGA tools (yosys, nextpnr-ice40) through execa: a timeout, every line into a log file, and one-line
 * ToolErrors (exit 2) when a tool is missing or fails. `HWGEN_YOSYS` and `HWGEN_NEXTPNR_ICE40` name other binaries.
 */
import { writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { ToolError } from '../errors.ts';
import { inOwnProcessGroup } from '../util/interrupts.ts';

export type FpgaTool = 'yosys' | 'nextpnr-ice40';

const DEBIAN_PACKAGE: Readonly<Record<FpgaTool, string>> = { yosys: 'yosys', 'nextpnr-ice40': 'nextpnr-ice40' };
const ENV_OVERRIDE: Readonly<Record<FpgaTool, string>> = { yosys: 'HWGEN_YOSYS', 'nextpnr-ice40': 'HWGEN_NEXTPNR_ICE40' };

/** The binary to start for a tool: its environment override, else its name on PATH. */
export function toolBinary(tool: FpgaTool): string {
  const chosen = process.env[ENV_OVERRIDE[tool]];
  return chosen !== undefined && chosen !== '' ? chosen : tool;
}

export interface ToolRun {
  readonly output: string;
  readonly wallMs: number;
}

function missing(tool: FpgaTool, binary: string, code: string | undefined): ToolError {
  if (code === 'ENOENT') {
    return binary === tool
      ? new ToolError(tool, `not found on PATH (make test installs it, or apt-get install ${DEBIAN_PACKAGE[tool]})`)
      : new ToolError(tool, `${binary} (from ${ENV_OVERRIDE[tool]}) not found`);
  }
  return new ToolError(tool, `could not start ${binary}: ${code ?? 'unknown reason'}`);
}

/**
 * Runs `tool args` in `cwd`; the interleaved output goes to `logFile` when given. A non-zero exit is a ToolError
 * quoting `problem(output)` (by default the first line matching /ERROR/).
 */
export async function runFpgaTool(
  tool: FpgaTool,
  args: readonly string[],
  options: { cwd: string; logFile?: string; timeoutMs?: number; problem?: (output: string) => string | undefined },
): Promise<ToolRun> {
  const binary = toolBinary(tool);
  const began = performance.now();
  // Detached, in its own process group, so an interrupt ends the tool's whole tree (hwgen/util/interrupts.ts).
  const result = await inOwnProcessGroup(execa(binary, [...args], { cwd: options.cwd, reject: false, all: true, stdin: 'ignore', timeout: options.timeoutMs ?? 3_600_000, detached: true }));
  const ran = result.exitCode !== undefined || result.signal !== undefined || result.timedOut;
  if (!ran) throw missing(tool, binary, result.code);
  const output = result.all ?? '';
  if (options.logFile !== undefined) await writeFile(options.logFile, output);
  if (result.timedOut) throw new ToolError(tool, `timed out after ${Math.round((options.timeoutMs ?? 3_600_000) / 1000)} s${options.logFile === undefined ? '' : ` (log: ${options.logFile})`}`);
  if (result.exitCode !== 0) {
    const reason = options.problem?.(output) ?? firstLine(output, /ERROR/) ?? lastLine(output) ?? `exit ${result.exitCode ?? result.signal ?? '?'}`;
    throw new ToolError(tool, `${reason}${options.logFile === undefined ? '' : ` (log: ${options.logFile})`}`);
  }
  return { output, wallMs: performance.now() - began };
}

export function firstLine(output: string, pattern: RegExp): string | undefined {
  return output.split('\n').find((line) => pattern.test(line))?.trim();
}

function lastLine(output: string): string | undefined {
  const lines = output.trim().split('\n').filter((line) => line.trim() !== '');
  return lines[lines.length - 1]?.trim();
}

const versions = new Map<string, Promise<string>>();

/** The tool's version line (asked once per process and binary). */
export function toolVersion(tool: FpgaTool): Promise<string> {
  const binary = toolBinary(tool);
  let found = versions.get(binary);
  if (found === undefined) {
    found = (async () => {
      const result = await inOwnProcessGroup(execa(binary, tool === 'yosys' ? ['-V'] : ['--version'], { reject: false, all: true, stdin: 'ignore', timeout: 60_000, detached: true }));
      const ran = result.exitCode !== undefined || result.signal !== undefined || result.timedOut;
      if (!ran) throw missing(tool, binary, result.code);
      return (result.all ?? '').trim().split('\n')[0] ?? '';
    })();
    versions.set(binary, found);
    found.catch(() => versions.delete(binary));
  }
  return found;
}
