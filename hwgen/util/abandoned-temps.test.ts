import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeAbandonedTemporaries, temporaryTag } from './abandoned-temps.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hwgen-abandoned-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('abandoned temporaries', () => {
  it("removes the temporaries of ended processes, keeps live ones' and every entry", async () => {
    const ended = execa('true');
    await ended;
    const deadPid = ended.pid ?? 0;
    const names = [
      `.abc${temporaryTag()}x1`, // ours: we run
      `.abc.tmp-${deadPid}-x2`, // sim cache style, process gone
      `abc.tmp-${deadPid}-lq3`, // FPGA cache style, process gone
      '.abc.tmp-Xy12zQ', // an older temporary without a pid: left alone
      'abc', // an entry
    ];
    for (const name of names) await mkdir(join(dir, name));
    await removeAbandonedTemporaries(dir);
    expect((await readdir(dir)).sort()).toEqual([`.abc${temporaryTag()}x1`, '.abc.tmp-Xy12zQ', 'abc'].sort());
  });

  it('a missing folder holds none', async () => {
    await removeAbandonedTemporaries(join(dir, 'missing'));
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});
