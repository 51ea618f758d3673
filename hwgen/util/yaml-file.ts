/** Reads YAML or JSON files (JSON is YAML) into plain data, with errors that name the file and line. */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { InputError } from '../errors.ts';

/** Parses YAML or JSON text (JSON is YAML) into plain data, naming the line of a syntax error. */
export function parseYamlText(text: string, file: string): unknown {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) {
    const line = text.slice(0, error.pos[0]).split('\n').length;
    const reason = error.message.split('\n')[0] ?? 'syntax error';
    throw new InputError(file, '', `invalid YAML at line ${line}: ${reason}`);
  }
  return document.toJS();
}

export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'unknown error'})`);
  }
}
