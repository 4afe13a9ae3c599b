/**
 * The distributed world's settings that the command line reads before anything connects: the
 * `--queue` URL and the stalled-job timings. No BullMQ here, so `--help` and option checks load
 * none of it (the commands load src/worlds/queue/ when they run).
 */
import { UsageError } from '../../errors.ts';

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

/** How fast a dead worker's jobs are taken back. Seconds. */
export interface StallOptions {
  /** A job's lock lasts this long and is renewed at half of it (BullMQ `lockDuration`). */
  readonly lockDurationS: number;
  /** Every this often a worker looks for jobs whose lock expired (BullMQ `stalledInterval`). */
  readonly stalledIntervalS: number;
  /** A job that stalled more than this many times fails (BullMQ `maxStalledCount`). */
  readonly maxStalledCount: number;
}

/** BullMQ's own defaults: a dead worker's job runs again within about a minute. */
export const DEFAULT_STALL: StallOptions = { lockDurationS: 30, stalledIntervalS: 30, maxStalledCount: 1 };
