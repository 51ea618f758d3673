/**
 * The FST front: its errors. Reading real FST files from both simulators is in waveform-sim.test.ts.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError, ToolError } from '../../hwgen/errors.ts';
import { openFst } from './fst.ts';

let workspace: string;
let notFst: string;

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'hwgen-fst-'));
  notFst = join(workspace, 'not.fst');
  await writeFile(notFst, 'this is not an FST file\n');
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('openFst', () => {
  it('names a missing fst2vcd and how to install it', async () => {
    const error = await errorOf(openFst(notFst, { signals: [], fst2vcd: 'fst2vcd-does-not-exist' }));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe('fst2vcd: not found on PATH (make test installs it, or apt-get install gtkwave)');
  });

  it('reports fst2vcd failing, with its own words', async () => {
    const error = await errorOf(openFst(notFst, { signals: [] }));
    expect(error).toBeInstanceOf(ToolError);
    expect(error.message).toBe(`fst2vcd: failed (exit 255) on ${notFst}: Could not open '${notFst}', exiting.`);
  });

  it('names a missing file as bad input before starting anything', async () => {
    const missing = join(workspace, 'missing.fst');
    const error = await errorOf(openFst(missing, { signals: [], fst2vcd: 'fst2vcd-does-not-exist' }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toBe(`${missing}: file not found`);
  });
});
