/**
 * How a failed job reaches its submitter. BullMQ keeps only a failed job's message (failedReason), so the worker
 * prefixes it with the error's class, and the submitter rebuilds an error of that class: a bad input on a worker is
 * exit 2 for the exploration too, a bug exit 3. The project's errors (hwgen/errors.ts) are real failures that
 * would fail again: they become UnrecoverableError and are not retried; anything else is retried once.
 */
import { UnrecoverableError } from 'bullmq';
import { CheckError, InputError, ToolError } from '../errors.ts';

const PROJECT_ERRORS = ['InputError', 'ToolError', 'CheckError'] as const;
type ProjectErrorName = (typeof PROJECT_ERRORS)[number];

function projectErrorName(error: unknown): ProjectErrorName | undefined {
  if (error instanceof InputError) return 'InputError';
  if (error instanceof ToolError) return 'ToolError';
  if (error instanceof CheckError) return 'CheckError';
  return undefined;
}

/** What a worker throws for a job that failed with `error`. */
export function jobFailure(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const name = projectErrorName(error);
  if (name !== undefined) return new UnrecoverableError(`[${name}] ${message}`);
  return new Error(`[Error] ${message}`);
}

/** The error a submitter throws for job `id`'s failure: `queued job <id>: <the worker's message>`, of its class. */
export function submitterError(id: string, failedReason: string): Error {
  const match = /^\[(\w+)\] ([\s\S]*)$/.exec(failedReason);
  const name = match?.[1];
  const message = match?.[2] ?? failedReason;
  const where = `queued job ${id}`;
  if (name === 'InputError') return new InputError(where, '', message);
  if (name === 'ToolError') return new ToolError(where, message);
  if (name === 'CheckError') return new CheckError(`${where}: ${message}`);
  // BullMQ's own reasons (a job that stalled too often) and bugs on a worker: internal, exit 3.
  return new Error(`${where}: ${message}`);
}
