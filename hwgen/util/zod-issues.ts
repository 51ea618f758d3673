/**
 * Turns the first zod issue into the one-line `file: field: reason` message users get.
 * Field paths read like code: `layers[1].theta`.
 */
import type { z } from 'zod';
import { InputError } from '../errors.ts';

export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  const json = JSON.stringify(input);
  return json === undefined ? String(input) : json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

interface Located {
  readonly path: PropertyKey[];
  readonly reason: string;
}

const isRootTypeMismatch = (issue: z.core.$ZodIssue): boolean => issue.code === 'invalid_type' && issue.path.length === 0;

/**
 * A union failed. Name the alternatives when the value matched none of their types; otherwise
 * explain the first alternative whose type did match (e.g. the object form of a tensor source).
 */
function unionReason(issue: z.core.$ZodIssueInvalidUnion, path: PropertyKey[]): Located {
  if (issue.input === undefined) return { path, reason: 'is required' };
  const discriminator = (issue as { discriminator?: string }).discriminator;
  if (discriminator !== undefined) {
    const expected = /Expected (.*)$/.exec(issue.message)?.[1] ?? 'another value';
    const found = (issue.input as Record<string, unknown> | null)?.[discriminator];
    return { path, reason: `must be one of ${expected} (got ${describeInput(found)})` };
  }
  const matching = issue.errors.find((branch) => branch[0] !== undefined && !isRootTypeMismatch(branch[0]));
  const inner = matching?.[0];
  if (inner !== undefined) {
    const located = reasonOf(inner);
    return { path: [...path, ...located.path], reason: located.reason };
  }
  const expected = issue.errors.flatMap((branch) => (branch[0]?.code === 'invalid_type' ? [branch[0].expected] : []));
  return { path, reason: `expected ${expected.join(' or ')} (got ${describeInput(issue.input)})` };
}

function reasonOf(issue: z.core.$ZodIssue): Located {
  const path = [...issue.path];
  switch (issue.code) {
    case 'invalid_union':
      return unionReason(issue, path);
    case 'unrecognized_keys': {
      const [first] = issue.keys;
      return { path: [...path, first ?? '?'], reason: 'unknown key' };
    }
    case 'too_small':
      return { path, reason: `must be ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)} (got ${describeInput(issue.input)})` };
    case 'too_big':
      return { path, reason: `must be ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)} (got ${describeInput(issue.input)})` };
    case 'invalid_type':
      if (issue.input === undefined) return { path, reason: 'is required' };
      return { path, reason: `expected ${issue.expected} (got ${describeInput(issue.input)})` };
    case 'invalid_value':
      return { path, reason: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${describeInput(issue.input)})` };
    default:
      return { path, reason: `${issue.message}${issue.input === undefined ? '' : ` (got ${describeInput(issue.input)})`}` };
  }
}

/** Parses `value` with `schema`, or throws an InputError for the first problem found. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, file: string, basePath: PropertyKey[] = []): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  if (issue === undefined) throw new InputError(file, fieldPath(basePath), 'invalid');
  const { path, reason } = reasonOf(issue);
  throw new InputError(file, fieldPath([...basePath, ...path]), reason);
}
