/**
 * Ctrl-C during a Verilator build, end to end (hwgen/util/interrupts.ts): `hwgen sim` with an empty build cache is
 * interrupted while g++ compiles the model. It must exit 130 with none of its tools left running, no scratch folder
 * in its TMPDIR, no half-built cache entry and no half-written output folder; and the same command run again must
 * succeed. The design and workload are the hand-worked tiny ones of hwgen/cli/sim-command.test.ts.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { encodeNpy } from '../hwgen/tensor/npy.ts';
import { tensorOf } from '../hwgen/tensor/tensor.ts';
import { processTree, runningInGroups, waitUntil } from '../hwgen/testing/process-groups.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const HWGEN = join(REPO, 'hwgen', 'cli', 'hwgen.mjs');
/** What runs while Verilator builds: its make and the C++ compiler. */
const COMPILER = /^(make|g\+\+|cc1plus)$/;

let root = '';
let childTmp = '';
let cache = '';
let out = '';
/** Every process group the test saw, killed in afterAll should an assertion fail first. */
const seenGroups = new Set<number>();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'hwgen-interrupt-test-'));
  childTmp = join(root, 'tmp');
  cache = join(root, 'cache');
  out = join(root, 'out');
  await mkdir(childTmp);
  await writeFile(join(root, 'x.npy'), encodeNpy(tensorOf('u1', [4, 2], Uint8Array.from([3, 0, 0, 0, 0, 0, 0, 0]))));
  await writeFile(join(root, 'w.npy'), encodeNpy(tensorOf('i1', [2, 4], Int8Array.from([4, 0, 0, 0, 1, 0, 0, 0]))));
  const layer = { name: 'fc', kind: 'gemm', T: 4, inLevels: 3, input: 'x.npy', weights: 'w.npy', theta: 4 };
  await writeFile(join(root, 'tiny.yaml'), stringify({ name: 'tiny', layers: [layer] }));
  await writeFile(join(root, 'design.yaml'), stringify({ name: 'tiny_design', ann: { arrays: 1, rows: 2, cols: 2 }, snn: { cores: 1, lanes: 2 } }));
});

afterAll(async () => {
  for (const pgid of seenGroups) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Gone, as it should be.
    }
  }
  await rm(root, { recursive: true, force: true });
});

/** `hwgen sim` as a user starts it, leading its own process group as a shell's foreground job does. */
function startSim(): ResultPromise<{ detached: true; reject: false; all: true; env: NodeJS.ProcessEnv; cwd: string }> {
  const child = execa('node', [HWGEN, 'sim', join(root, 'design.yaml'), join(root, 'tiny.yaml'), '-q', '--out', out], {
    detached: true,
    reject: false,
    all: true,
    cwd: REPO,
    env: { TMPDIR: childTmp, HWGEN_SIM_CACHE: cache },
  });
  if (child.pid !== undefined) seenGroups.add(child.pid);
  return child;
}

/** tsx keeps its transform cache in TMPDIR too (`tsx-0`): only hwgen's own folders count. */
async function hwgenScratch(): Promise<string[]> {
  return (await readdir(childTmp)).filter((name) => !name.startsWith('tsx-'));
}

describe('interrupting hwgen sim during a Verilator build', () => {
  it('Ctrl-C: exit 130, no tool left running, nothing half-made left; the next run succeeds', async () => {
    const interrupted = startSim();
    const pid = interrupted.pid ?? 0;
    const compiling = await waitUntil(() => processTree(pid).some((row) => COMPILER.test(row.command)), 300_000, 200);
    expect(compiling, 'g++ never started').toBe(true);
    for (const row of processTree(pid)) seenGroups.add(row.pgid);
    // A terminal's Ctrl-C: SIGINT to the foreground process group.
    process.kill(-pid, 'SIGINT');
    const stopped = await interrupted;
    expect(stopped.exitCode, stopped.all).toBe(130);
    expect(stopped.all).toBe('');
    expect(await waitUntil(() => runningInGroups(seenGroups).length === 0, 2_000), JSON.stringify(runningInGroups(seenGroups))).toBe(true);
    expect(await hwgenScratch()).toEqual([]);
    expect(await readdir(cache, { recursive: true })).toEqual(['verilator']);
    expect((await readdir(root)).filter((name) => name.includes('out'))).toEqual([]);

    const again = await startSim();
    expect(again.exitCode, again.all).toBe(0);
    const result = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { total: { match: boolean } };
    expect(result.total.match).toBe(true);
    expect(await hwgenScratch()).toEqual([]);
    const entries = await readdir(join(cache, 'verilator'));
    expect(entries).toHaveLength(1);
    expect(existsSync(join(cache, 'verilator', entries[0] ?? '', 'obj_dir', 'sim'))).toBe(true);
  }, 600_000);
});
