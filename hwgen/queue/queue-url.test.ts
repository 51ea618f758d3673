/** `--queue` parsing: what a URL becomes, and the one-line refusals, word for word. */
import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from './queue-url.ts';

describe('parseQueueUrl', () => {
  it('reads host, port, database and credentials, and shows the URL without its password', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6390/3')).toEqual({ host: '127.0.0.1', port: 6390, db: 3, tls: false, display: 'redis://127.0.0.1:6390/3' });
    expect(parseQueueUrl('redis://queue-host')).toEqual({ host: 'queue-host', port: 6379, db: 0, tls: false, display: 'redis://queue-host' });
    expect(parseQueueUrl('rediss://me:s%40cret@[::1]:7000/')).toEqual({ host: '::1', port: 7000, db: 0, tls: true, username: 'me', password: 's@cret', display: 'rediss://me@[::1]:7000' });
  });

  it.each([
    ['localhost:6379', '--queue: expected redis://HOST:PORT or rediss://HOST:PORT (got "localhost:6379")'],
    ['not a url', '--queue: expected redis://HOST:PORT (got "not a url")'],
    ['redis://h:99999', '--queue: expected redis://HOST:PORT (got "redis://h:99999")'],
    ['redis://h:1/16', '--queue: the path must be a database number 0..15 (got "redis://h:1/16")'],
    ['redis://h:1/x', '--queue: the path must be a database number 0..15 (got "redis://h:1/x")'],
    ['redis://h:1/0?password=x', '--queue: options after the database are not supported (got "redis://h:1/0?password=x")'],
  ])('refuses %s in one line', (url, message) => {
    expect(() => parseQueueUrl(url)).toThrow(message);
  });
});
