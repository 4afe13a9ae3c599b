/**
 * A real redis-server for the queue tests: started on a free loopback port with no
 * persistence, stopped (and reaped) by {@link RedisServer.stop}. Tests that need it use
 * `describe.skipIf(!REDIS_SERVER)` and say why when it is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The redis-server binary on PATH (or /usr/bin), or null when it is not installed. */
export const REDIS_SERVER: string | null = findRedisServer();

/** Why the Redis tests are skipped, for the visible skip line. */
export const REDIS_SKIP_REASON = 'skipped: redis-server is not installed (apt-get install -y redis-server)';

function findRedisServer(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A running redis-server. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits until it exited; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts redis-server on a free loopback port, no RDB snapshots, no AOF, and resolves once it
 * accepts connections (its log says `Ready to accept connections`).
 * @throws Error when redis-server is not installed or does not come up within 10 s
 */
export async function startRedis(): Promise<RedisServer> {
  if (REDIS_SERVER === null) throw new Error(REDIS_SKIP_REASON);
  for (let tries = 0; ; tries++) {
    const port = await freePort();
    try {
      return await startOn(REDIS_SERVER, port);
    } catch (error: unknown) {
      if (tries >= 3) throw error; // the port was taken between freePort and listen: try another
    }
  }
}

async function startOn(binary: string, port: number): Promise<RedisServer> {
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on port ${port}: ${log}`));
    }, 10_000);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      if (log.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${String(code)} on port ${port}: ${log}`));
    });
  });
  return { port, url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
