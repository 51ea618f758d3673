/**
 * Connections to the queue's Redis. Every hwgen process first checks that the server answers, within a bounded
 * time, so that an unreachable `--queue` is one line and exit 2 instead of ioredis retrying forever in the
 * background; the connections BullMQ then opens may retry (a Redis restart should not kill a long exploration).
 */
import { Redis } from 'ioredis';
import { InputError } from '../errors.ts';
import type { RedisAddress } from './queue-url.ts';

/** How long a first connection may take before the server counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;

/** What both ioredis and BullMQ take as connection options. */
export interface RedisSettings {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly connectTimeout: number;
  readonly maxRetriesPerRequest: null;
  readonly username?: string;
  readonly password?: string;
  readonly tls?: Record<string, never>;
}

/** Connection options for BullMQ: it requires `maxRetriesPerRequest: null` for its blocking connections. */
export function redisOptions(address: RedisAddress): RedisSettings {
  return {
    host: address.host,
    port: address.port,
    db: address.db,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
    ...(address.username === undefined ? {} : { username: address.username }),
    ...(address.password === undefined ? {} : { password: address.password }),
    ...(address.tls ? { tls: {} } : {}),
  };
}

/**
 * A plain client for hwgen's own keys (the workloads of cost jobs). Like BullMQ's, its commands wait while Redis is
 * away and go out when it is back, so a Redis restart delays an exploration rather than failing it.
 */
export function plainClient(address: RedisAddress): Redis {
  const client = new Redis({ ...redisOptions(address) });
  // Errors reach the caller through the failed command; the event would otherwise print to stderr.
  client.on('error', () => undefined);
  return client;
}

/** Connects once, without retrying, and sends PING; throws `--queue: cannot reach Redis at …` otherwise. */
export async function checkReachable(address: RedisAddress): Promise<void> {
  const client = new Redis({ ...redisOptions(address), lazyConnect: true, commandTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
  // The socket's own error (ECONNREFUSED, ENOTFOUND, a timeout) says more than the rejection ("Connection is closed").
  let cause: string | undefined;
  client.on('error', (error: Error) => {
    cause ??= error.message;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const reason = cause ?? (error instanceof Error && error.message !== '' ? error.message : String(error));
    throw new InputError('--queue', '', `cannot reach Redis at ${address.display}: ${reason}`);
  } finally {
    client.disconnect();
  }
}
