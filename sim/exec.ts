/**
 * Runs one argv of a runner through execa and says what happened, without throwing:
 * the runners turn outcomes into one-line ToolErrors.
 */
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { ToolError } from '../hwgen/errors.ts';
import { inOwnProcessGroup } from '../hwgen/util/interrupts.ts';
import type { ToolName } from './types.ts';

export interface StepOutcome {
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  /** Set when the program could not start at all (`ENOENT`: not installed, `EACCES`...). */
  readonly startFailure: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as printed. */
  readonly all: string;
  readonly wallMs: number;
}

export interface StepOptions {
  readonly cwd: string;
  readonly timeoutMs?: number;
  /** The whole environment (not merged with process.env), when given. */
  readonly env?: NodeJS.ProcessEnv;
}

export async function runArgv(argv: readonly string[], options: StepOptions): Promise<StepOutcome> {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error('runArgv: empty argv');
  const started = performance.now();
  const child = execa(program, args, {
    cwd: options.cwd,
    timeout: options.timeoutMs,
    env: options.env,
    extendEnv: options.env === undefined,
    // No stdin: vvp's interactive prompt (after $stop without -n/-N) must never wait for a user.
    stdin: 'ignore',
    all: true,
    reject: false,
    // Its own process group: an interrupt or a timeout then ends Verilator's make and g++ too (hwgen/util/interrupts.ts).
    detached: true,
  });
  const result = await inOwnProcessGroup(child);
  // A program that never started has neither an exit code nor a signal.
  const ran = result.exitCode !== undefined || result.signal !== undefined || result.timedOut;
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
    startFailure: ran ? undefined : (result.code ?? result.shortMessage),
    stdout: result.stdout,
    stderr: result.stderr,
    all: result.all,
    wallMs: performance.now() - started,
  };
}

/** `exit 1`, or `signal SIGABRT` (Verilator's $stop/$fatal abort the process). */
export function describeExit(outcome: StepOutcome): string {
  return outcome.signal === undefined ? `exit ${outcome.exitCode ?? '?'}` : `signal ${outcome.signal}`;
}

export function failed(outcome: StepOutcome): boolean {
  return outcome.exitCode !== 0 || outcome.signal !== undefined;
}

/** Icarus ships iverilog and vvp in one Debian package. */
const DEBIAN_PACKAGE: Readonly<Record<ToolName, string>> = { verilator: 'verilator', iverilog: 'iverilog', vvp: 'iverilog' };

/** `program` is what was started: a bare name is looked up on PATH, a path is a file we built. */
export function startError(tool: ToolName, program: string, outcome: StepOutcome): ToolError {
  if (outcome.startFailure === 'ENOENT' && !program.includes('/')) {
    return new ToolError(tool, `not found on PATH (make test installs it, or apt-get install ${DEBIAN_PACKAGE[tool]})`);
  }
  return new ToolError(tool, `could not start ${program}: ${outcome.startFailure ?? 'unknown reason'}`);
}

/** Version strings by binary, asked once per process: a cache hit then starts no program at all after the first. */
const versions = new Map<string, Promise<string>>();

export function toolVersion(tool: ToolName, argv: readonly string[]): Promise<string> {
  const id = argv.join('\0');
  let version = versions.get(id);
  if (version === undefined) {
    version = queryVersion(tool, argv);
    versions.set(id, version);
    version.catch(() => versions.delete(id));
  }
  return version;
}

async function queryVersion(tool: ToolName, argv: readonly string[]): Promise<string> {
  const outcome = await runArgv(argv, { cwd: process.cwd(), timeoutMs: 60_000 });
  if (outcome.startFailure !== undefined) throw startError(tool, argv[0] ?? tool, outcome);
  const firstLine = outcome.all.split('\n').find((line) => line.trim() !== '')?.trim();
  if (failed(outcome) || firstLine === undefined) throw new ToolError(tool, `${argv.join(' ')} failed (${describeExit(outcome)})`);
  return firstLine;
}
