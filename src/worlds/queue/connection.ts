/**
 * Where the attempt queue lives (contract section 11, "Distributed"): the `--queue` URL, parsed
 * and checked, turned into BullMQ's connection options, and a probe that fails fast with a
 * clear message when Redis cannot be reached.
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { QueueError } from '../../errors.ts';
import type { RedisTarget } from './settings.ts';

export { parseQueueUrl, REDIS_DEFAULT_PORT, type RedisTarget } from './settings.ts';

/**
 * The one BullMQ queue every run and worker on a Redis database shares. A worker is started
 * with the Redis URL only, so it cannot know a run's name; job ids carry the run instead
 * (src/worlds/queue/job.ts). Two fleets on one Redis use two databases (`redis://H:P/1`).
 */
export const QUEUE_NAME = 'phase21-attempts';

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
