import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCommandRunner, RunnerClosedError } from '../../src/worlds/subprocess/local-runner.ts';
import { ByteCap, utf8Boundary } from '../../src/worlds/subprocess/output-cap.ts';
import { ProcessGroups } from '../../src/worlds/subprocess/process-groups.ts';
import type { AttemptPayload, CommandSpec } from '../../src/worlds/subprocess/runner.ts';
import { isAlive, killLeftovers, pidsIn, tempFolder } from './subprocess-helpers.ts';

const PAYLOAD: AttemptPayload = { wave: 2, task_id: 'task-7', agent_id: 'agent-b', attempt: 1, p: 0.625, predicted_time_s: 12.5 };
const spec = (command: string[], over: Partial<CommandSpec> = {}): CommandSpec => ({ command, timeoutS: 20, killGraceS: 0.3, maxOutputBytes: 65_536, env: {}, ...over });
const never = new AbortController().signal;

const temp = tempFolder('phase21-runner-');
const groups = new ProcessGroups();
const runner = new LocalCommandRunner({ groups });
afterAll(async () => {
  await runner.close();
  killLeftovers(pidsIn(temp.dir));
  temp.cleanup();
});

describe('utf8Boundary and ByteCap', () => {
  it('cuts before an incomplete multi-byte character, keeps a complete one', () => {
    const euro = Buffer.from('a€', 'utf8'); // 61 e2 82 ac
    expect(utf8Boundary(euro)).toBe(4);
    expect(utf8Boundary(euro.subarray(0, 3))).toBe(1);
    expect(utf8Boundary(euro.subarray(0, 2))).toBe(1);
    expect(utf8Boundary(Buffer.from('abc'))).toBe(3);
    expect(utf8Boundary(Buffer.from('😀', 'utf8').subarray(0, 3))).toBe(0);
    expect(utf8Boundary(Buffer.alloc(0))).toBe(0);
  });

  it('keeps the first max bytes across chunks and says it dropped the rest', () => {
    const cap = new ByteCap(5);
    cap.push(Buffer.from('abc'));
    cap.push(Buffer.from('déf')); // d c3 a9 f: 'd' and the first byte of é fit
    cap.push(Buffer.from('more'));
    expect(cap.truncated).toBe(true);
    expect(cap.text()).toBe('abcd');
    const exact = new ByteCap(3);
    exact.push(Buffer.from('xyz'));
    expect(exact.truncated).toBe(false);
    expect(exact.text()).toBe('xyz');
  });
});

describe('LocalCommandRunner', () => {
  it('gives the attempt as one JSON line on stdin and keeps stdout, stderr and the exit code', async () => {
    const outcome = await runner.run(spec(['sh', '-c', 'cat; echo "$GREETING" >&2; exit 3'], { env: { GREETING: 'hello' } }), PAYLOAD, never);
    expect(outcome).toMatchObject({ succeeded: false, exitCode: 3, signal: null, timedOut: false, stderr: 'hello\n', outputTruncated: false });
    expect(outcome.stdout).toBe('{"wave":2,"task_id":"task-7","agent_id":"agent-b","attempt":1,"p":0.625,"predicted_time_s":12.5}\n');
    expect(outcome.durationS).toBeGreaterThanOrEqual(0);
  });

  it('exit 0 is success', async () => {
    expect(await runner.run(spec(['true']), PAYLOAD, never)).toMatchObject({ succeeded: true, exitCode: 0, stdout: '', stderr: '' });
  });

  it('caps stdout and stderr at max_output_bytes each, at a character boundary', async () => {
    const outcome = await runner.run(spec(['sh', '-c', 'printf "1234567€"; printf "abcdefghij" >&2'], { maxOutputBytes: 9 }), PAYLOAD, never);
    expect(outcome.stdout).toBe('1234567');
    expect(outcome.stderr).toBe('abcdefghi');
    expect(outcome.outputTruncated).toBe(true);
    expect(outcome.succeeded).toBe(true);
  });

  it('a missing program is a failed outcome saying so, not a rejection', async () => {
    const outcome = await runner.run(spec(['phase21-no-such-program']), PAYLOAD, never);
    expect(outcome).toMatchObject({ succeeded: false, exitCode: null, signal: null, timedOut: false });
    expect(outcome.stderr).toContain('cannot run "phase21-no-such-program"');
  });

  it('a command past its timeout gets SIGTERM, then SIGKILL if it ignores it, with its whole group', async () => {
    const pidFile = `${temp.dir}/timeout.pid`;
    // The shell ignores SIGTERM (and so does its child): only the SIGKILL after the grace ends them.
    const script = `trap "" TERM; sleep 30 & echo $! > ${pidFile}; echo $$ >> ${pidFile}; wait`;
    const outcome = await runner.run(spec(['sh', '-c', script], { timeoutS: 0.5, killGraceS: 0.3 }), PAYLOAD, never);
    expect(outcome).toMatchObject({ succeeded: false, exitCode: null, signal: 'SIGKILL', timedOut: true });
    expect(outcome.durationS).toBeGreaterThanOrEqual(0.5);
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids.length).toBe(2);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(groups.size).toBe(0);
  });

  it('a command that honours SIGTERM ends at the timeout without waiting the grace period', async () => {
    const outcome = await runner.run(spec(['sleep', '30'], { timeoutS: 0.3, killGraceS: 30 }), PAYLOAD, never);
    expect(outcome).toMatchObject({ succeeded: false, signal: 'SIGTERM', timedOut: true });
    expect(outcome.durationS).toBeLessThan(10);
  });

  it('what a command leaves running in its group ends when it exits', async () => {
    const pidFile = `${temp.dir}/orphan.pid`;
    const outcome = await runner.run(spec(['sh', '-c', `sleep 30 >/dev/null 2>&1 & echo $! > ${pidFile}; exit 0`]), PAYLOAD, never);
    expect(outcome.succeeded).toBe(true);
    const orphan = Number(readPid(pidFile));
    expect(orphan).toBeGreaterThan(0);
    await waitUntil(() => !isAlive(orphan));
    expect(isAlive(orphan)).toBe(false);
  });

  it('an abort ends the group, waits for it, then rejects with the reason', async () => {
    const controller = new AbortController();
    const pidFile = `${temp.dir}/abort.pid`;
    const running = runner.run(spec(['sh', '-c', `echo $$ > ${pidFile}; sleep 30`]), PAYLOAD, controller.signal);
    await waitUntil(() => readPid(pidFile) !== '');
    controller.abort('SIGTERM');
    await expect(running).rejects.toBe('SIGTERM');
    expect(isAlive(Number(readPid(pidFile)))).toBe(false);
  });

  it('close() ends every running command and refuses new ones', async () => {
    const own = new LocalCommandRunner({ groups });
    const pidFile = `${temp.dir}/close.pid`;
    const running = own.run(spec(['sh', '-c', `echo $$ > ${pidFile}; sleep 30`]), PAYLOAD, never);
    await waitUntil(() => readPid(pidFile) !== '');
    expect(own.running).toBe(1);
    await own.close();
    const outcome = await running;
    expect(outcome).toMatchObject({ succeeded: false, signal: 'SIGTERM', timedOut: false });
    expect(isAlive(Number(readPid(pidFile)))).toBe(false);
    await own.close();
    await expect(own.run(spec(['true']), PAYLOAD, never)).rejects.toBeInstanceOf(RunnerClosedError);
  });

  it('killAllNow() SIGKILLs every registered group synchronously', async () => {
    const own = new LocalCommandRunner({ groups });
    const pidFile = `${temp.dir}/killall.pid`;
    const running = own.run(spec(['sh', '-c', `echo $$ > ${pidFile}; sleep 30`]), PAYLOAD, never);
    await waitUntil(() => readPid(pidFile) !== '');
    expect(groups.killAllNow()).toBe(1);
    expect(await running).toMatchObject({ succeeded: false, signal: 'SIGKILL' });
    expect(isAlive(Number(readPid(pidFile)))).toBe(false);
  });
});

function readPid(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n')[0]?.trim() ?? '';
  } catch {
    return '';
  }
}

/** Polls `check` every 10 ms, up to 10 s (a condition, not a timed assertion). */
async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}
