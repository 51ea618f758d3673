import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { writeDirAtomically } from './atomic-dir.ts';
import { OUTPUT_MARKER, guardOutputDir } from './output-guard.ts';

let dir = '';
const at = (...parts: string[]) => join(dir, ...parts);
const NO_INPUTS = { command: 'test', inputs: [] };

beforeAll(async () => {
  // realpath: the messages name resolved paths where the guard resolves them (macOS's /tmp is a symlink).
  dir = await realpath(await mkdtemp(join(tmpdir(), 'hwgen-guard-')));
  await mkdir(at('work'));
  await writeFile(at('work', 'net.yaml'), 'name: x\n');
  await writeFile(at('work', 'x.npy'), 'not really');
  await writeFile(at('a-file'), 'keep me');
  await mkdir(at('foreign'));
  await writeFile(at('foreign', 'notes.txt'), 'mine');
  await mkdir(at('empty'));
  await mkdir(at('marked'));
  await writeFile(at('marked', OUTPUT_MARKER), 'hwgen\n');
  await writeFile(at('marked', 'old.txt'), 'old');
  await symlink(at('work'), at('work-link'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function refusal(target: string, inputs: readonly string[] = []): Promise<string> {
  const error: unknown = await guardOutputDir(target, { command: 'test', inputs }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof InputError)) throw new Error(`expected an InputError for ${target}, got ${String(error)}`);
  expect(error.field).toBe('--out');
  return error.message;
}

describe('guardOutputDir refuses an --out hwgen must not replace', () => {
  it('an empty path', async () => {
    expect(await refusal('')).toBe('"": --out: is empty: name the folder to write');
  });

  it('an existing file, which stays as it was', async () => {
    expect(await refusal(at('a-file'))).toBe(`${at('a-file')}: --out: is an existing file, not a folder; hwgen will not replace it`);
    expect(await readFile(at('a-file'), 'utf8')).toBe('keep me');
  });

  it('a non-empty folder without the marker', async () => {
    expect(await refusal(at('foreign'))).toBe(`${at('foreign')}: --out: is a folder hwgen did not write (it holds files but no .hwgen-output); hwgen will not replace it`);
  });

  it('the current folder and the folders above it', async () => {
    const cwd = await realpath(process.cwd());
    expect(await refusal('.')).toBe(`.: --out: is the current folder (${cwd}); hwgen will not replace it`);
    expect(await refusal('..')).toBe(`..: --out: is above the current folder (${cwd}); hwgen will not replace it`);
  });

  it('the filesystem root', async () => {
    expect(await refusal('/')).toBe('/: --out: is the filesystem root; hwgen will not replace it');
  });

  it.each(['/proc', '/sys', '/dev'])('anything under %s', async (system) => {
    expect(await refusal(`${system}/x/out`)).toBe(`${system}/x/out: --out: is under ${system}, a system folder hwgen does not write into`);
  });

  it('a folder that holds an input, also through a symlink or a relative path', async () => {
    const inputs = [at('work', 'net.yaml'), at('work', 'x.npy')];
    expect(await refusal(at('work'), inputs)).toBe(`${at('work')}: --out: holds the input ${inputs[0]}; hwgen will not replace it`);
    expect(await refusal(dir, inputs)).toBe(`${dir}: --out: holds the input ${inputs[0]}; hwgen will not replace it`);
    expect(await refusal(at('work-link'), inputs)).toBe(`${at('work-link')}: --out: holds the input ${inputs[0]}; hwgen will not replace it`);
    const relativeInput = relative(process.cwd(), at('work', 'x.npy'));
    expect(await refusal(at('work'), [relativeInput])).toBe(`${at('work')}: --out: holds the input ${relativeInput}; hwgen will not replace it`);
  });

  it('an input itself', async () => {
    const input = at('work', 'x.npy');
    expect(await refusal(input, [input])).toBe(`${input}: --out: is the input ${input}; hwgen will not replace it`);
  });

  it('a path whose parent is a file', async () => {
    expect(await refusal(at('a-file', 'sub', 'out'))).toBe(`${at('a-file', 'sub', 'out')}: --out: cannot create its parent folder ${at('a-file', 'sub')}: part of that path is a file`);
    expect(await refusal(at('a-file', 'out'))).toBe(`${at('a-file', 'out')}: --out: cannot create its parent folder ${at('a-file')}: part of that path is a file`);
  });

  // Root may write anywhere, so the permission check can only be seen as another user.
  it.skipIf(process.getuid?.() === 0)('a parent folder it may not write into', async () => {
    await mkdir(at('locked'));
    await chmod(at('locked'), 0o500);
    try {
      expect(await refusal(at('locked', 'out'))).toBe(`${at('locked', 'out')}: --out: cannot write into its parent folder ${at('locked')}: permission denied`);
    } finally {
      await chmod(at('locked'), 0o700);
    }
  });
});

describe('guardOutputDir lets hwgen write', () => {
  it.each(['absent', 'empty', 'marked'])('a %s folder', async (name) => {
    await expect(guardOutputDir(at(name), NO_INPUTS)).resolves.toBeUndefined();
  });

  it('a folder beside its inputs, creating the parent', async () => {
    await guardOutputDir(at('work', 'new', 'out'), { command: 'test', inputs: [at('work', 'net.yaml')] });
    expect(existsSync(at('work', 'new'))).toBe(true);
  });

  it('inputs that are not files (a zoo network) protect nothing', async () => {
    await expect(guardOutputDir(at('empty'), { command: 'test', inputs: ['zoo:vgg16', ''] })).resolves.toBeUndefined();
  });
});

describe('writeDirAtomically with the guard', () => {
  it('marks what it writes, and replaces its own earlier output', async () => {
    const out = at('written');
    await writeDirAtomically(out, { command: 'golden', inputs: [] }, async (temp) => writeFile(join(temp, 'a.txt'), 'first'));
    expect((await readdir(out)).sort()).toEqual([OUTPUT_MARKER, 'a.txt']);
    expect(await readFile(join(out, OUTPUT_MARKER), 'utf8')).toMatch(/^written by hwgen \S+ \(hwgen golden\); hwgen may replace this folder\n$/);
    await writeDirAtomically(out, { command: 'golden', inputs: [] }, async (temp) => writeFile(join(temp, 'b.txt'), 'second'));
    expect((await readdir(out)).sort()).toEqual([OUTPUT_MARKER, 'b.txt']);
  });

  it('refuses before writing anything: no temporary sibling is left', async () => {
    const before = await readdir(dir);
    await expect(writeDirAtomically(at('foreign'), NO_INPUTS, async () => undefined)).rejects.toBeInstanceOf(InputError);
    expect(await readdir(dir)).toEqual(before);
    expect(await readdir(at('foreign'))).toEqual(['notes.txt']);
  });
});
