/**
 * Which hwgen computed a result: a hash of every source file under hwgen/ (tests, benchmarks and test support left
 * out) and of package-lock.json. Job keys hold it, so a result kept in Redis is reused only by the same code: a
 * changed cost model or synthesis script makes new jobs instead of returning old figures, which the version number
 * alone (unchanged between commits) would not prevent.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from './job-key.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE = /\.(ts|mjs|hbs|json)$/;
/** Folders that cannot change a job's result. */
const LEFT_OUT = new Set(['fixtures', 'testing', 'bench']);

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map(async (entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return LEFT_OUT.has(entry.name) ? [] : sourceFiles(path);
    return SOURCE.test(entry.name) && !entry.name.endsWith('.test.ts') ? [path] : [];
  }));
  return nested.flat();
}

/** A file removed while the tree is read (an editor's temporary) counts as empty rather than failing the run. */
async function contentOf(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

let fingerprint: Promise<string> | undefined;

/** Computed once per process, when its first job key is made (the modules it runs are loaded by then). */
export function codeFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const files = [...(await sourceFiles(join(ROOT, 'hwgen'))), join(ROOT, 'package-lock.json')].sort();
    const parts = await Promise.all(files.map(async (file) => `${relative(ROOT, file)}\0${sha256(await contentOf(file))}`));
    return sha256(parts.join('\n'));
  })();
  return fingerprint;
}
