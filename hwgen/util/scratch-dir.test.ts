import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withScratchDir } from './scratch-dir.ts';

describe('withScratchDir', () => {
  it('gives the work a fresh folder and removes it with what the work wrote', async () => {
    let seen = '';
    const result = await withScratchDir('hwgen-scratch-test-', async (dir) => {
      seen = dir;
      expect(existsSync(dir)).toBe(true);
      await writeFile(join(dir, 'file'), 'x');
      return 42;
    });
    expect(result).toBe(42);
    expect(seen).toMatch(/hwgen-scratch-test-/);
    expect(existsSync(seen)).toBe(false);
  });

  it('removes the folder when the work fails, and passes the error on', async () => {
    let seen = '';
    await expect(withScratchDir('hwgen-scratch-test-', async (dir) => {
      seen = dir;
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(existsSync(seen)).toBe(false);
  });
});
