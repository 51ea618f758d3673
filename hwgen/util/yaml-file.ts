/** Reads YAML or JSON files (JSON is YAML) into plain data, with errors that name the file and line. */
import { readFile } from 'node:fs/promises';
import { type Document, parseDocument } from 'yaml';
import { InputError } from '../errors.ts';

/** The parser's message when nesting exhausts the stack; it reports that as an ordinary syntax error. */
const STACK_EXHAUSTED = /maximum call stack size exceeded/i;

/**
 * The yaml library guards against hostile files by throwing plain errors: a ReferenceError when aliases would
 * expand too far (billion laughs), a RangeError when nesting is too deep. Both are bad input, so they name the file.
 */
function parserLimitReason(error: unknown): string | undefined {
  if (error instanceof ReferenceError && /alias/i.test(error.message)) return 'too many alias expansions (refused as a possible alias bomb)';
  if (error instanceof RangeError && STACK_EXHAUSTED.test(error.message)) return 'nested too deeply';
  return undefined;
}

function toPlainData(document: Document, file: string): unknown {
  try {
    return document.toJS();
  } catch (error) {
    const reason = parserLimitReason(error);
    if (reason === undefined) throw error;
    throw new InputError(file, '', `invalid YAML: ${reason}`);
  }
}

/** Parses YAML or JSON text (JSON is YAML) into plain data, naming the line of a syntax error. */
export function parseYamlText(text: string, file: string): unknown {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) {
    if (STACK_EXHAUSTED.test(error.message)) throw new InputError(file, '', 'invalid YAML: nested too deeply');
    const line = text.slice(0, error.pos[0]).split('\n').length;
    const reason = error.message.split('\n')[0] ?? 'syntax error';
    throw new InputError(file, '', `invalid YAML at line ${line}: ${reason}`);
  }
  return toPlainData(document, file);
}

export async function readTextFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? 'unknown error'})`);
  }
}
