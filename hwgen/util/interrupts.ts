/**
 * The process's one answer to SIGINT and SIGTERM. Work that must not outlive an interrupt registers what to undo
 * while it runs, and releases it when done: scratch folders to remove, child process groups to kill, and small
 * synchronous actions (unblocking a named pipe). On the first signal every registered action runs, every registered
 * group gets SIGTERM and, after a short grace, SIGKILL; then the registered folders are removed and the process exits
 * 130 (SIGINT) or 143 (SIGTERM), as a shell reports a program killed by that signal. A second signal skips the grace.
 *
 * External tools run detached (`execa(..., { detached: true })`: the child leads its own process group), so the
 * whole tree (Verilator's make and g++, yosys, a simulator) is killed with one `process.kill(-pgid)`; and so a
 * terminal's Ctrl-C reaches only hwgen, which then stops the tools in order instead of racing them. execa's own
 * cleanup ignores detached children, so an `exit` hook here ends any group still registered when the process exits
 * for another reason (an uncaught error, `process.exit`).
 *
 * Nothing changes while no signal arrives: registering only adds entries to a set.
 */
import { readFileSync, readdirSync, rmSync } from 'node:fs';

/** Undoes one registration; calling it twice is harmless. */
export type Release = () => void;

type InterruptSignal = 'SIGINT' | 'SIGTERM';

const EXIT_CODE: Readonly<Record<InterruptSignal, number>> = { SIGINT: 130, SIGTERM: 143 };

/** How long children get to end after SIGTERM, and then after SIGKILL (which cannot be refused, so short). */
const TERM_GRACE_MS = 1_000;
const KILL_GRACE_MS = 500;
const POLL_MS = 25;

// Entries are objects so that registering the same folder twice needs two releases.
const scratchDirs = new Set<{ readonly path: string }>();
const processGroups = new Set<{ readonly pgid: number }>();
const actions = new Set<{ readonly run: () => void }>();

let handlersInstalled = false;
let receivedSignal: InterruptSignal | undefined;

/** Removes `path` (recursively) if the process is interrupted before the release. */
export function removeOnInterrupt(path: string): Release {
  return register(scratchDirs, { path });
}

/**
 * Kills the process group `pgid` if the process is interrupted or exits before the release. A group registered
 * while an interrupt is already being handled is killed at once: nothing may start after Ctrl-C.
 */
export function killGroupOnInterrupt(pgid: number): Release {
  if (receivedSignal !== undefined) signalGroup(pgid, 'SIGKILL');
  return register(processGroups, { pgid });
}

/** Runs `action` (synchronous, must not throw) first thing on an interrupt, before children are killed. */
export function runOnInterrupt(action: () => void): Release {
  return register(actions, { run: action });
}

/** The signal being handled, once one arrived: flows use it to stay quiet about failures the interrupt caused. */
export function interruptSignal(): InterruptSignal | undefined {
  return receivedSignal;
}

export function interruptExitCode(signal: InterruptSignal): number {
  return EXIT_CODE[signal];
}

/** What inOwnProcessGroup needs of an execa subprocess (a ChildProcess that is also its result's promise). */
export interface GroupLeader<R> extends PromiseLike<R> {
  readonly pid?: number | undefined;
  once(event: 'exit', listener: () => void): unknown;
}

/**
 * Awaits a child started with `detached: true` while its process group is registered. When the child itself exits,
 * what is left of its group is ended too (the g++ of a make that timed out or died by a signal): no tool outlives
 * its step, and no orphan keeps the step's output pipes, and so the step, open.
 */
export async function inOwnProcessGroup<R>(child: GroupLeader<R>): Promise<R> {
  const pgid = child.pid;
  if (pgid === undefined) return child; // never started: nothing to kill
  const release = killGroupOnInterrupt(pgid);
  child.once('exit', () => endRestOfGroup(pgid));
  try {
    return await child;
  } finally {
    release();
  }
}

/** SIGTERM first, so g++ removes its own temporary files, then SIGKILL after the grace for what ignored it. */
function endRestOfGroup(pgid: number): void {
  // An interrupt is already ending every group, with the same grace.
  if (receivedSignal !== undefined) return;
  if (signalGroup(pgid, 'SIGTERM')) setTimeout(() => signalGroup(pgid, 'SIGKILL'), TERM_GRACE_MS).unref();
}

/** Idempotent; the registrations call it, and the CLI calls it at start so an early Ctrl-C exits 130 too. */
export function installInterruptHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => signalGroups('SIGTERM'));
}

function register<T>(set: Set<T>, entry: T): Release {
  installInterruptHandlers();
  set.add(entry);
  return () => {
    // Once a signal arrived the registry only grows: code that fails because its tool was killed releases its
    // folder on the way out, and that folder must still go.
    if (receivedSignal === undefined) set.delete(entry);
  };
}

function onSignal(signal: NodeJS.Signals): void {
  if (signal !== 'SIGINT' && signal !== 'SIGTERM') return;
  if (receivedSignal !== undefined) {
    // Asked twice: no more waiting.
    signalGroups('SIGKILL');
    finish(receivedSignal);
    return;
  }
  receivedSignal = signal;
  void shutDown(signal);
}

async function shutDown(signal: InterruptSignal): Promise<void> {
  for (const action of actions) action.run();
  signalGroups('SIGTERM');
  await waitForGroupsToEnd(TERM_GRACE_MS);
  signalGroups('SIGKILL');
  await waitForGroupsToEnd(KILL_GRACE_MS);
  finish(signal);
}

/** Folders go last: a compiler still running would write into them again. */
function finish(signal: InterruptSignal): void {
  for (const dir of scratchDirs) rmSync(dir.path, { recursive: true, force: true });
  process.exit(EXIT_CODE[signal]);
}

function signalGroups(signal: NodeJS.Signals): void {
  for (const group of processGroups) signalGroup(group.pgid, signal);
}

/** True while the group had a member to signal; a group that is gone (ESRCH) is not an error. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls asynchronously, so the event loop can reap the children that ended meanwhile. */
async function waitForGroupsToEnd(limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline && [...processGroups].some((group) => groupRuns(group.pgid))) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Whether a member of the group still runs. A zombie does not: it has ended, and only waits for init to reap it
 * (g++ once its make died). Without /proc (not Linux) any member counts, and the wait is just bounded.
 */
function groupRuns(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  return pids.some((pid) => isRunningMemberOf(pid, pgid));
}

/** `/proc/<pid>/stat` is `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses, so read after the last `)`. */
function isRunningMemberOf(pid: string, pgid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(group) === pgid && state !== 'Z';
  } catch {
    return false; // ended while we looked
  }
}
