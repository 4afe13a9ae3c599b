/**
 * A minimal local CommandRunner for the queue tests (not the subprocess world's runner): spawns
 * argv without a shell, writes the payload as one JSON line on stdin, keeps stdout/stderr up to
 * the byte limit, kills the process group on timeout (SIGTERM, SIGKILL after the grace) or abort.
 */
import { spawn } from 'node:child_process';
import type { AttemptPayload, CommandOutcome, CommandRunner, CommandSpec } from '../../src/worlds/subprocess/runner.ts';

function keep(chunks: Buffer[], limit: number): { text: string; cut: boolean } {
  const all = Buffer.concat(chunks);
  if (all.length <= limit) return { text: all.toString('utf8'), cut: false };
  let end = limit;
  while (end > 0 && ((all[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: all.subarray(0, end).toString('utf8'), cut: true };
}

/** Runs commands on this machine; `started` counts spawns. */
export class TestCommandRunner implements CommandRunner {
  readonly name = 'test-local';
  started = 0;
  private readonly live = new Set<number>();

  run(spec: CommandSpec, payload: AttemptPayload, signal: AbortSignal): Promise<CommandOutcome> {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    const [program, ...args] = spec.command;
    if (program === undefined) return Promise.reject(new Error('empty command'));
    this.started++;
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const child = spawn(program, args, { detached: true, env: { ...process.env, ...spec.env }, stdio: ['pipe', 'pipe', 'pipe'] });
      const pid = child.pid ?? -1;
      this.live.add(pid);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      child.stdin.on('error', () => undefined);
      child.stdin.end(`${JSON.stringify(payload)}\n`);
      let timedOut = false;
      const killGroup = (sig: NodeJS.Signals): void => {
        try {
          process.kill(-pid, sig);
        } catch {
          // already gone
        }
      };
      const onAbort = (): void => {
        killGroup('SIGKILL');
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        setTimeout(() => {
          killGroup('SIGKILL');
        }, spec.killGraceS * 1000).unref();
      }, spec.timeoutS * 1000);
      child.once('error', (e) => {
        clearTimeout(timer);
        this.live.delete(pid);
        reject(e);
      });
      child.once('close', (code, sig) => {
        clearTimeout(timer);
        this.live.delete(pid);
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) {
          reject(signal.reason as Error);
          return;
        }
        const o = keep(out, spec.maxOutputBytes);
        const e = keep(err, spec.maxOutputBytes);
        resolve({
          succeeded: code === 0 && !timedOut,
          exitCode: code,
          signal: sig,
          timedOut,
          stdout: o.text,
          stderr: e.text,
          outputTruncated: o.cut || e.cut,
          durationS: (performance.now() - t0) / 1000,
        });
      });
    });
  }

  close(): Promise<void> {
    for (const pid of this.live) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    return Promise.resolve();
  }
}
