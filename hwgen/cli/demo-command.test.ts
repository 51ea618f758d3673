import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempWorkspace } from '../testing/cli-harness.ts';

describe('cli: hwgen demo', () => {
  it('checks every demo layer on both cores in RTL against the golden and cost models', async () => {
    const out = join(await tempWorkspace('hwgen-demo-'), 'demo');
    const run = await runCli('demo', '--out', out);
    expect(run.code).toBe(0);
    const rows = run.stdout.split('\n').filter((line) => / (ANN array|SNN core) /.test(line));
    expect(rows).toHaveLength(8);
    for (const row of rows) {
      expect(row).toMatch(/ match +(\d+) +\1 all equal$/);
    }
    expect(rows[0]).toMatch(/^conv1 +ANN array +256 match +3943 +3943 all equal$/);
    expect((await readdir(out)).sort()).toEqual(['cosim', 'golden', 'rtl']);
    expect((await readdir(join(out, 'rtl'))).sort()).toEqual(['files.f', 'hwgen_ann_core.v', 'hwgen_qcfs_fire.v', 'hwgen_snn_core.v', 'manifest.json']);
  });
});
