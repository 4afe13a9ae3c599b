/**
 * Where the attempt queue lives (contract section 11, "Distributed"): the `--queue` URL, parsed
 * and checked, turned into BullMQ's connection options, and a probe that fails fast with a
 * clear message when Redis cannot be reached.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { QueueError, UsageError } from '../../errors.ts';

/**
 * The one BullMQ queue every run and worker on a Redis database shares. A worker is started
 * with the Redis URL only, so it cannot know a run's name; job ids carry the run instead
 * (src/worlds/queue/job.ts). Two fleets on one Redis use two databases (`redis://H:P/1`).
 */
export const QUEUE_NAME = 'phase21-attempts';

/** A Redis server as `--queue` names it. */
export interface RedisTarget {
  readonly host: string;
  readonly port: number;
  /** Database number; default 0. */
  readonly db: number;
  readonly username: string | null;
  readonly password: string | null;
  /** `rediss://`: TLS. */
  readonly tls: boolean;
  /** The URL without its password, for messages and logs. */
  readonly display: string;
}

/** The default Redis port. */
export const REDIS_DEFAULT_PORT = 6379;

const EXPECTED = 'expected redis://HOST:PORT (or rediss://, optional user:password@ and /DB)';

/**
 * Parses `redis://[user[:password]@]HOST[:PORT][/DB]` (or `rediss://` for TLS).
 * @param flag the option's name in messages; default `--queue`
 * @throws UsageError `--queue: expected redis://HOST:PORT ... (got "x")` for anything else: another
 *   scheme, no host, a port outside 1..65535, a database that is not an integer >= 0, a query
 */
export function parseQueueUrl(text: string, flag = '--queue'): RedisTarget {
  const bad = (why: string): UsageError => new UsageError(`${flag}: ${why}; ${EXPECTED} (got ${JSON.stringify(text)})`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw bad(`unknown scheme "${url.protocol.slice(0, -1)}"`);
  if (url.hostname === '') throw bad('no host');
  if (url.search !== '' || url.hash !== '') throw bad('no query or fragment is read');
  const port = url.port === '' ? REDIS_DEFAULT_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port must be 1..65535');
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,5}$/.test(path)) throw bad('the path must be a database number');
  const db = path === '' ? 0 : Number(path);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const username = url.username === '' ? null : decodeURIComponent(url.username);
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  const auth = username === null ? '' : `${url.username}${password === null ? '' : ':***'}@`;
  const display = `${url.protocol}//${auth}${url.hostname}:${port}${db === 0 ? '' : `/${db}`}`;
  return { host, port, db, username, password, tls: url.protocol === 'rediss:', display };
}

/** How a connection behaves: `probe` gives up at once, `service` reconnects (BullMQ's defaults). */
export type ConnectionRole = 'probe' | 'service';

/** Seconds a probe waits for the TCP connection. */
export const PROBE_TIMEOUT_S = 5;

/**
 * BullMQ (ioredis) connection options for `target`. A `probe` connection never retries, so an
 * unreachable server is an error within {@link PROBE_TIMEOUT_S}; a `service` connection keeps
 * BullMQ's reconnecting defaults, so a Redis restart during a run is waited out.
 */
export function connectionOptions(target: RedisTarget, role: ConnectionRole): ConnectionOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username === null ? {} : { username: target.username }),
    ...(target.password === null ? {} : { password: target.password }),
    ...(target.tls ? { tls: {} } : {}),
    ...(role === 'probe' ? { retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: PROBE_TIMEOUT_S * 1000 } : {}),
  };
}

/**
 * Connects to `target` once, asks for its INFO, and disconnects: the check before a run or a worker starts,
 * so a wrong URL is one line, not a retry loop.
 * @throws QueueError `--queue: cannot reach Redis at URL: reason` (refused, timed out,
 *   authentication failed, a server too old for BullMQ)
 */
export async function probeRedis(target: RedisTarget, flag = '--queue'): Promise<void> {
  const queue = new Queue(QUEUE_NAME, { connection: connectionOptions(target, 'probe') });
  queue.on('error', () => undefined); // the same error rejects the client promise below
  try {
    const client = await queue.client;
    await client.info();
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new QueueError(`${flag}: cannot reach Redis at ${target.display}: ${reason}`);
  } finally {
    await queue.close().catch(() => undefined);
  }
}
