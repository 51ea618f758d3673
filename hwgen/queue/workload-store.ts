/**
 * A cost job's workload: every layer's GEMM and golden outputs at one T, with the energy table. It is the same for
 * every point of a variant and can be megabytes, so it is stored in Redis once, under its hash, and the jobs name
 * the hash; each worker fetches a workload once and keeps the few it used last. Workers therefore need no workload
 * files, and the golden model runs once per variant, on the submitter, as in a local exploration.
 */
import type { Redis } from 'ioredis';
import type { EventCounts } from '../arch/events.ts';
import { InputError } from '../errors.ts';
import type { CostLayer } from '../explore/levels.ts';
import { sha256 } from './job-key.ts';
import { decodeTypedJson, encodeTypedJson } from './typed-json.ts';

export interface CostWorkload {
  readonly layers: readonly CostLayer[];
  readonly energyTable: Readonly<EventCounts> | undefined;
}

const KEY_PREFIX = 'hwgen:workload:';
/** Long enough for any exploration; storing again (every submitter does) renews it. */
const TTL_SECONDS = 7 * 24 * 3600;
/** Workloads a worker keeps decoded: the T values of one or two explorations. */
const KEPT = 4;

export interface StoredWorkload {
  readonly hash: string;
  readonly text: string;
}

export function encodeWorkload(workload: CostWorkload): StoredWorkload {
  const text = encodeTypedJson({ layers: workload.layers, energyTable: workload.energyTable ?? null });
  return { hash: sha256(text), text };
}

export async function storeWorkload(client: Redis, stored: StoredWorkload): Promise<void> {
  await client.set(`${KEY_PREFIX}${stored.hash}`, stored.text, 'EX', TTL_SECONDS);
}

/** Any other value a job names by hash (a layer's GEMM, an eval model, a shard's pixels), stored as a workload is. */
export function encodeStored(value: unknown): StoredWorkload {
  const text = encodeTypedJson(value);
  return { hash: sha256(text), text };
}

/**
 * A worker's source of stored values by hash, keeping the `kept` it used last decoded; a missing one is a bad job
 * (expired or never stored), not a retry. `job` and `field` name it in that message.
 */
export function storedFetcher<T>(client: Redis, job: string, field: string, decode: (value: unknown) => T, kept = KEPT): (hash: string) => Promise<T> {
  const cache = new Map<string, T>();
  return async (hash) => {
    const hit = cache.get(hash);
    if (hit !== undefined) return hit;
    const text = await client.get(`${KEY_PREFIX}${hash}`);
    if (text === null) throw new InputError(job, field, `${field} ${hash} is not in Redis (expired, or stored in another database)`);
    const value = decode(decodeTypedJson(text));
    if (kept > 0) {
      if (cache.size >= kept) cache.delete(cache.keys().next().value as string);
      cache.set(hash, value);
    }
    return value;
  };
}

/** A worker's source of workloads by hash; a missing one is a bad job (expired or never stored), not a retry. */
export function workloadFetcher(client: Redis): (hash: string) => Promise<CostWorkload> {
  return storedFetcher(client, 'cost job', 'workload', (value) => {
    const decoded = value as { layers: CostLayer[]; energyTable: EventCounts | null };
    return { layers: decoded.layers, energyTable: decoded.energyTable ?? undefined };
  });
}
