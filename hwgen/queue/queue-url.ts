/**
 * The `--queue` option: where the job queue's Redis is, as `redis://[USER:PASSWORD@]HOST[:PORT][/DB]`. Checked up
 * front, so that a typo is one line and exit 2 rather than a connection that retries a wrong address forever.
 */
import { InputError } from '../errors.ts';

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
  /** Redis logical database: separate queues (and results) on one server, e.g. per test. */
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
  /** The URL without its password, for messages. */
  readonly display: string;
}

const DEFAULT_PORT = 6379;
/** Redis's default `databases 16`: a larger index is refused by the server anyway, later and less clearly. */
const MAX_DB = 15;

function refuse(reason: string): never {
  throw new InputError('--queue', '', reason);
}

function portOf(url: URL, text: string): number {
  if (url.port === '') return DEFAULT_PORT;
  const port = Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) refuse(`port must be 1..65535 (got "${text}")`);
  return port;
}

function dbOf(url: URL, text: string): number {
  const path = url.pathname.replace(/^\//, '');
  if (path === '') return 0;
  if (!/^\d+$/.test(path) || Number(path) > MAX_DB) refuse(`the path must be a database number 0..${MAX_DB} (got "${text}")`);
  return Number(path);
}

/** Parses and checks `--queue`; throws a one-line InputError naming the option. */
export function parseQueueUrl(text: string): RedisAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(`expected redis://HOST:PORT (got "${text}")`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') refuse(`expected redis://HOST:PORT or rediss://HOST:PORT (got "${text}")`);
  if (url.hostname === '') refuse(`no host in "${text}"`);
  if (url.search !== '' || url.hash !== '') refuse(`options after the database are not supported (got "${text}")`);
  const port = portOf(url, text);
  const db = dbOf(url, text);
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  // IPv6 hosts come bracketed from URL; ioredis wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const display = `${url.protocol}//${username === undefined ? '' : `${username}@`}${url.host}${db === 0 ? '' : `/${db}`}`;
  return { host, port, db, tls: url.protocol === 'rediss:', display, ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) };
}
