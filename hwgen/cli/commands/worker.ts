/**
 * `hwgen worker --queue redis://HOST:PORT`: takes the synthesis and cost jobs of `hwgen explore --queue`, the layer
 * simulations of `hwgen sim --queue` and the image shards of `hwgen eval --queue` from the Redis queue (hwgen/queue)
 * until SIGINT or SIGTERM, which end it with 130 or 143 like every hwgen command
 * (hwgen/util/interrupts.ts: the yosys or simulator it runs is stopped, its scratch folders removed). A job it was running then
 * is not failed: its lock expires after `--lock-ms` and another worker runs it. Exit 2 on a bad or unreachable
 * `--queue`.
 */
import type { Command } from 'commander';
import { checkReachable } from '../../queue/connection.ts';
import { DEFAULT_LOCK_MS, startJobWorker } from '../../queue/job-worker.ts';
import { parseQueueUrl } from '../../queue/queue-url.ts';
import { parseCount } from '../../util/count-arg.ts';
import { runOnInterrupt } from '../../util/interrupts.ts';

interface WorkerCommandOptions {
  queue: string;
  concurrency: string;
  lockMs: string;
}

/** Below this a busy machine's lock renewals could come late and hand a healthy worker's job to another. */
const MIN_LOCK_MS = 1_000;

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('take the jobs of `hwgen explore|sim|eval --queue` (syntheses, costs, layer simulations, image shards) from Redis until Ctrl-C or SIGTERM (docs/exploration.md)')
    .requiredOption('--queue <URL>', 'the queue\'s Redis: redis://HOST:PORT[/DB]')
    .option('--concurrency <N>', 'jobs at once (syntheses are one yosys each: at most one per core)', '1')
    .option('--lock-ms <MS>', 'a job whose worker is lost goes to another worker after this long', String(DEFAULT_LOCK_MS))
    .action(runWorker);
}

function log(line: string): void {
  process.stderr.write(`[worker] ${line}\n`);
}

async function runWorker(options: WorkerCommandOptions): Promise<void> {
  const address = parseQueueUrl(options.queue);
  const concurrency = parseCount(options.concurrency, '--concurrency', 1);
  const lockMs = parseCount(options.lockMs, '--lock-ms', MIN_LOCK_MS);
  await checkReachable(address);
  const worker = startJobWorker(address, { concurrency, lockMs, log });
  // The interrupt handler exits once the tools are stopped; closing starts first so that no new job is taken.
  runOnInterrupt(() => {
    worker.close(true).catch(() => undefined);
  });
  log(`taking jobs from ${address.display}, ${concurrency} at a time (Ctrl-C to stop)`);
  await new Promise<never>(() => undefined);
}
