/** Test support: runs the CLI in-process with captured output, and builds workspaces of tensor files. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from './main.ts';
import { encodeNpy } from '../tensor/npy.ts';
import type { DType, DTypeData } from '../tensor/tensor.ts';
import { tensorOf } from '../tensor/tensor.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(...args: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

export async function tempWorkspace(prefix = 'hwgen-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function writeTensor<D extends DType>(dir: string, name: string, dtype: D, shape: number[], data: DTypeData[D]): Promise<string> {
  await writeFile(join(dir, name), encodeNpy(tensorOf(dtype, shape, data)));
  return name;
}
