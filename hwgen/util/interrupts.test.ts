/**
 * The interrupt registry: without a signal it only tracks; on SIGINT/SIGTERM a process (hwgen/testing/
 * interrupt-fixture.ts) runs its actions, kills its child groups, even one that ignores SIGTERM, removes its scratch
 * folder and exits 130/143. The whole `hwgen sim` under Ctrl-C is sim/interrupt.test.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inOwnProcessGroup, interruptSignal, removeOnInterrupt } from './interrupts.ts';
import { runningInGroups, waitUntil } from '../testing/process-groups.ts';

const FIXTURE = fileURLToPath(new URL('../testing/interrupt-fixture.ts', import.meta.url));

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hwgen-interrupts-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const groupRuns = (pgid: number): boolean => runningInGroups(new Set([pgid])).length > 0;

describe('interrupts: no signal', () => {
  it('registering and releasing leaves the folder alone and reports no interrupt', async () => {
    const scratch = join(dir, 'kept');
    await mkdir(scratch);
    const release = removeOnInterrupt(scratch);
    release();
    release();
    expect(existsSync(scratch)).toBe(true);
    expect(interruptSignal()).toBeUndefined();
  });

  it("a step's result comes back unchanged, and what the tool left running in its group is killed", async () => {
    // The sleep keeps the output pipe open: without the kill the step would last its 60 s.
    const child = execa('sh', ['-c', 'sleep 60 & echo $!'], { detached: true, stdin: 'ignore', reject: false });
    const began = Date.now();
    const result = await inOwnProcessGroup(child);
    expect(result.exitCode).toBe(0);
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(await waitUntil(() => !groupRuns(child.pid ?? 0), 2_000)).toBe(true);
  });

  it('a program that never started is passed through', async () => {
    const result = await inOwnProcessGroup(execa('hwgen-no-such-program', [], { detached: true, reject: false }));
    expect(result.code).toBe('ENOENT');
  });
});

describe('interrupts: a signal', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s: actions run, the child group is killed (SIGKILL after the grace), the scratch folder removed though released after the signal, exit %i', async (signal, code) => {
    const scratch = join(dir, `scratch-${signal}`);
    const marker = join(dir, `marker-${signal}`);
    await mkdir(join(scratch, 'deep'), { recursive: true });
    const fixture = execa('node', ['--import', 'tsx', FIXTURE, scratch, marker], { reject: false, stdin: 'ignore' });
    const firstLine = await new Promise<string>((resolve) => fixture.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString())));
    const { pgid } = JSON.parse(firstLine) as { pgid: number };
    expect(groupRuns(pgid)).toBe(true);
    const sent = Date.now();
    fixture.kill(signal);
    const result = await fixture;
    expect(result.exitCode).toBe(code);
    // The child ignores SIGTERM: only the SIGKILL after the one-second grace ends it.
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(groupRuns(pgid)).toBe(false);
    expect(existsSync(scratch)).toBe(false);
    expect(await readFile(marker, 'utf8')).toBe('ran');
  }, 30_000);
});
