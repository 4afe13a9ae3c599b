/**
 * The real {@link Launcher}: each replication as its own Node process, started with
 * `node:child_process` `spawn` as the CLI was (the same Node binary, its flags such as
 * `--import tsx`, and its entry script), so a replication is exactly the plain `phase` run.
 * stdin and stdout are ignored; the last {@link STDERR_TAIL_BYTES} of stderr are kept for
 * the message of a failed run.
 */
import { spawn } from 'node:child_process';
import type { ChildExit, ChildHandle, Launcher } from './pool.ts';

/** How to start the CLI again: `execPath ...execArgv script ARGS`. */
export interface SelfCommand {
  /** The Node binary (`process.execPath`). */
  readonly execPath: string;
  /** Node's flags before the script (`process.execArgv`, e.g. `--import tsx`). */
  readonly execArgv: readonly string[];
  /** The CLI's entry script (`process.argv[1]`). */
  readonly script: string;
}

/** Bytes of a child's stderr kept for a failure message. */
export const STDERR_TAIL_BYTES = 8192;

/**
 * A launcher that spawns `self` with the run's arguments, in `cwd`, with `env` (the
 * tournament's environment, so `NO_COLOR`, `CI` and the like reach the runs).
 */
export function processLauncher(self: SelfCommand, env: Readonly<Record<string, string | undefined>>, cwd?: string): Launcher {
  return (args: readonly string[]): ChildHandle => {
    const child = spawn(self.execPath, [...self.execArgv, self.script, ...args], {
      cwd,
      env: { ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    const exited = new Promise<ChildExit>((resolve) => {
      child.on('error', (error) => {
        resolve({ code: null, signal: null, stderr: `could not start ${self.execPath}: ${error.message}` });
      });
      child.on('close', (code, signal) => {
        resolve({ code, signal, stderr: tail });
      });
    });
    return {
      exited,
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
  };
}
