import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGeneratedModule } from '../../../sim/checks.ts';
import { acceleratorFrom } from '../../config/load-config.ts';
import { findPort } from '../../arch/module.ts';
import { generateAnnCore, generateAnnCoreFromParams } from './generator.ts';
import type { AnnCoreParams } from './arch.ts';

const HASH = 'ab'.repeat(32);

/** The extremes of the parameter space: one row or column, odd sizes, wide and narrow accumulators. */
const VARIANTS: readonly AnnCoreParams[] = [
  { rows: 8, cols: 8, accW: 29, maxChunks: 576, weightDepth: 1024, btDepth: 64, weightBanks: 1 },
  { rows: 1, cols: 1, accW: 9, maxChunks: 1, weightDepth: 1, btDepth: 1, weightBanks: 1 },
  { rows: 3, cols: 5, accW: 18, maxChunks: 13, weightDepth: 70, btDepth: 14, weightBanks: 1 },
  { rows: 4, cols: 16, accW: 40, maxChunks: 2, weightDepth: 3, btDepth: 2, weightBanks: 1 },
  { rows: 2, cols: 64, accW: 64, maxChunks: 7, weightDepth: 9, btDepth: 3, weightBanks: 1 },
];

let workspace: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hwgen-ann-core-'));
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('generateAnnCore', () => {
  it('derives its parameters and port widths from the config', () => {
    const accelerator = acceleratorFrom({ ann: { rows: 8, cols: 4 }, limits: { maxK: 100, maxM: 20 }, buffers: { weightBytes: 1024 } }, 'test');
    const core = generateAnnCore(accelerator);
    const parameters = Object.fromEntries(core.parameters.map((p) => [p.name, p.value]));
    expect(parameters).toEqual({ ROWS: 8, COLS: 4, ACC_W: accelerator.accumulatorBits, MAX_CHUNKS: 25, W_DEPTH: 32, W_BANKS: 2, BT_DEPTH: 3 });
    expect(findPort(core, 'w_wr_data').width).toBe(8 * 4 * 8);
    expect(findPort(core, 'w_wr_addr').width).toBe(5);
    expect(findPort(core, 'bt_wr_addr').width).toBe(2);
    expect(findPort(core, 'cfg_groups').width).toBe(2);
    expect(findPort(core, 'cfg_chunks').width).toBe(5);
    expect(findPort(core, 'cfg_last_rows').width).toBe(4);
    expect(findPort(core, 'in_data').width).toBe(32);
    expect(findPort(core, 'cnt_busy').width).toBe(48);
    expect(core.ports.some((p) => p.name === 'cnt_spike' || p.name === 'cnt_snn_add')).toBe(false);
    expect(core.submodules.map((m) => m.name)).toEqual(['hwgen_qcfs_fire']);
  });

  it('is byte-identical for identical input and carries the header and parameters', () => {
    const params = VARIANTS[2] as AnnCoreParams;
    const [first, second] = [generateAnnCoreFromParams(params, HASH), generateAnnCoreFromParams(params, HASH)];
    expect(first.files).toEqual(second.files);
    const text = first.files[0]?.text ?? '';
    expect(text.startsWith('// hwgen_ann_core.v: ')).toBe(true);
    expect(text).toContain(`config sha256 ${HASH}`);
    expect(text).toMatch(/parameter integer ROWS\s+= 3,/);
    expect(text).toMatch(/parameter integer MAX_CHUNKS = 13,/);
    expect(text).not.toMatch(/lint_off/);
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => generateAnnCoreFromParams({ ...(VARIANTS[0] as AnnCoreParams), rows: 0 }, HASH)).toThrow(/rows must be a positive integer/);
    expect(() => generateAnnCoreFromParams({ ...(VARIANTS[0] as AnnCoreParams), accW: 65 }, HASH)).toThrow(/accW must be 2..64/);
  });

  it.each(VARIANTS.map((params) => [`${params.rows}x${params.cols} acc ${params.accW}`, params] as const))(
    'passes the static checks: %s',
    async (label, params) => {
      const dir = join(workspace, label.replace(/\W+/g, '_'));
      await mkdir(dir, { recursive: true });
      const { cells } = await checkGeneratedModule(generateAnnCoreFromParams(params, HASH), dir);
      expect(cells.$mul).toBeGreaterThanOrEqual(params.rows * params.cols);
      // Weight, bias/θ and the two column banks stay memories (block RAM after mapping).
      expect(cells.$memwr_v2 ?? cells.$memwr).toBe(4);
    },
    120_000,
  );
});
