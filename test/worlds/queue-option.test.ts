/** `--queue` on the phase command: subprocess world only, a URL the worker would take too. */
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { buildManifest, RESUME_EXEMPT_OPTIONS } from '../../src/report/summaries.ts';
import { UsageError } from '../../src/errors.ts';
import { openCommandRunner } from '../../src/worlds/queue/open.ts';
import { maskedQueueUrl } from '../../src/worlds/queue/settings.ts';
import { freePort, REDIS_SERVER, startRedis } from '../helpers/redis.ts';
import { fakeRun, harness, optionsOf } from '../cli/harness.ts';

async function refused(argv: string[]): Promise<string> {
  const h = harness();
  const fake = fakeRun();
  const code = await main(argv, h.io, { run: fake.run, version: '1' });
  expect(code).toBe(2);
  expect(fake.calls).toHaveLength(0);
  return h.stderr().split('\n')[0] ?? '';
}

describe('--queue', () => {
  it('reaches the run with --world subprocess', async () => {
    const options = await optionsOf(['--world', 'subprocess', '--queue', 'redis://127.0.0.1:6379']);
    expect(options.queue).toBe('redis://127.0.0.1:6379');
    expect((await optionsOf([])).queue).toBeNull();
  });

  it('is refused with another world, naming it', async () => {
    expect(await refused(['--queue', 'redis://h:6379'])).toBe('--queue: only with --world subprocess (workers run commands; the simulated world runs none)');
    expect(await refused(['--world', 'replay', '--queue', 'redis://h:6379'])).toBe('--queue: only with --world subprocess (workers run commands; the replay world runs none)');
  });

  it('is refused when it is not a Redis URL', async () => {
    expect(await refused(['--world', 'subprocess', '--queue', 'h:6379'])).toBe(
      '--queue: unknown scheme "h"; expected redis://HOST:PORT (or rediss://, optional user:password@ and /DB) (got "h:6379")',
    );
  });

  it('run.json records it without its password, and --resume may change it', () => {
    expect(maskedQueueUrl('redis://u:secret@h:7000/2')).toBe('redis://u:***@h:7000/2');
    expect(maskedQueueUrl('redis://:secret@h')).toBe('redis://:***@h:6379');
    expect(maskedQueueUrl('nonsense://u:secret@h')).toBe('nonsense://***@h');
    const manifest = buildManifest({ ...DEFAULT_OPTIONS, world: 'subprocess', queue: 'redis://:pw@h:1' }, {
      version: '1', status: 'running', reason: null, startedAt: new Date(0), finishedAt: null, node: 'v20', backend: 'subprocess',
      epoch: '2000-01-01T00:00:00Z', layout: 'flat', inputs: [], rejectedLines: 0, waves: [], wavesFinished: 0, report: 'r.md', artifacts: [], resumes: [],
    });
    expect(manifest.options.queue).toBe('redis://:***@h:1');
    expect(JSON.stringify(manifest)).not.toContain('pw');
    expect(RESUME_EXEMPT_OPTIONS).toContain('queue');
  });
});

describe('openCommandRunner', () => {
  const deps = { now: () => performance.now(), runId: () => 'open-test' };
  it('runs commands here without --queue', async () => {
    const runner = await openCommandRunner({ queue: null }, deps);
    try {
      expect(runner.name).toBe('local');
    } finally {
      await runner.close();
    }
  });

  it('says exit 2 in one line for a bad URL or an unreachable Redis', async () => {
    await expect(openCommandRunner({ queue: 'h:1' }, deps)).rejects.toBeInstanceOf(UsageError);
    const port = await freePort();
    await expect(openCommandRunner({ queue: `redis://127.0.0.1:${port}` }, deps)).rejects.toThrow(`--queue: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED`);
  });

  it.skipIf(REDIS_SERVER === null)('connects the queue runner with --queue (needs redis-server)', async () => {
    const redis = await startRedis();
    try {
      const runner = await openCommandRunner({ queue: redis.url }, deps);
      expect(runner.name).toBe('queue');
      await runner.close();
    } finally {
      await redis.stop();
    }
  });
});
