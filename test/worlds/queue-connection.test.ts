/** The `--queue` URL, the job's shape and id, and the probe's error (no Redis needed). */
import { describe, expect, it } from 'vitest';
import { QueueError, UsageError } from '../../src/errors.ts';
import { parseQueueUrl, probeRedis } from '../../src/worlds/queue/connection.ts';
import { checkJobData, checkOutcome, failedOutcome, jobIdOf, JOB_PROTOCOL } from '../../src/worlds/queue/job.ts';
import { freePort } from '../helpers/redis.ts';

describe('parseQueueUrl', () => {
  it('reads host, port, database, credentials and TLS', () => {
    expect(parseQueueUrl('redis://127.0.0.1:6380')).toEqual({ host: '127.0.0.1', port: 6380, db: 0, username: null, password: null, tls: false, display: 'redis://127.0.0.1:6380' });
    expect(parseQueueUrl('redis://queue.example')).toMatchObject({ host: 'queue.example', port: 6379, db: 0 });
    expect(parseQueueUrl('rediss://user:s%40cret@h:7000/3')).toEqual({ host: 'h', port: 7000, db: 3, username: 'user', password: 's@cret', tls: true, display: 'rediss://user:***@h:7000/3' });
    expect(parseQueueUrl('redis://[::1]:6379')).toMatchObject({ host: '::1', port: 6379 });
  });

  it.each([
    ['localhost:6379', 'unknown scheme "localhost"'],
    ['http://h:6379', 'unknown scheme "http"'],
    ['redis://', 'no host'],
    ['redis://h:6379/x', 'the path must be a database number'],
    ['redis://h:6379?db=2', 'no query or fragment is read'],
    ['', 'not a URL'],
  ])('refuses %j: %s', (text, why) => {
    const error = (() => {
      try {
        parseQueueUrl(text);
        return null;
      } catch (e: unknown) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(`--queue: ${why}; expected redis://HOST:PORT (or rediss://, optional user:password@ and /DB) (got ${JSON.stringify(text)})`);
  });

  it('refuses a port outside 1..65535', () => {
    expect(() => parseQueueUrl('redis://h:99999')).toThrow(UsageError);
    expect(() => parseQueueUrl('redis://h:0')).toThrow('port must be 1..65535');
  });
});

describe('probeRedis', () => {
  it('says in one line that nothing listens, as a QueueError (exit 2)', async () => {
    const port = await freePort();
    const error = await probeRedis(parseQueueUrl(`redis://127.0.0.1:${port}`)).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(QueueError);
    expect((error as QueueError).exitCode).toBe(2);
    expect((error as Error).message).toBe(`--queue: cannot reach Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});

describe('jobs', () => {
  it('job ids carry run, wave, attempt and the task, encoded so BullMQ accepts them', () => {
    expect(jobIdOf('run-1', { wave: 3, task_id: 'T:1/a b', attempt: 2 })).toBe('run-1/w3/a2/T%3A1%2Fa%20b');
    expect(jobIdOf('r', { wave: 1, task_id: 't', attempt: 0 })).not.toBe(jobIdOf('r', { wave: 1, task_id: 't', attempt: 1 }));
  });

  it('a worker checks the job data and names the first bad field', () => {
    const good = {
      protocol: JOB_PROTOCOL,
      spec: { command: ['true'], timeoutS: 5, killGraceS: 1, maxOutputBytes: 10, env: {} },
      payload: { wave: 1, task_id: 't', agent_id: 'a', attempt: 0, p: 0.5, predicted_time_s: 3 },
    };
    expect(checkJobData(good)).toEqual({ kind: 'ok', value: good });
    expect(checkJobData({ ...good, protocol: 2 })).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/^protocol: /) as unknown });
    expect(checkJobData({ ...good, spec: { ...good.spec, command: [] } })).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/^spec\.command: /) as unknown });
  });

  it('the harness reads a return value given as JSON text or as a value, and refuses anything else', () => {
    const outcome = failedOutcome('boom', 1.5);
    expect(outcome).toEqual({ succeeded: false, exitCode: null, signal: null, timedOut: false, stdout: '', stderr: 'queue: boom', outputTruncated: false, durationS: 1.5 });
    expect(checkOutcome(JSON.stringify(outcome))).toEqual({ kind: 'ok', value: outcome });
    expect(checkOutcome(outcome)).toEqual({ kind: 'ok', value: outcome });
    expect(checkOutcome('{')).toEqual({ kind: 'invalid', problem: '(value): not JSON' });
    expect(checkOutcome({ ...outcome, durationS: -1 })).toMatchObject({ kind: 'invalid', problem: expect.stringMatching(/^durationS: /) as unknown });
    expect(failedOutcome('x', -3).durationS).toBe(0);
  });
});
