/**
 * Runs the tournament's replications as child processes, at most `jobs` at a time, through a
 * {@link Launcher} port (src/tournament/launcher.ts starts real ones; tests may script them).
 * Runs start in plan order; they may finish in any order, which matters to nothing written
 * (the files are built from results sorted by plan index). The first failure stops the pool:
 * no further run starts, the running ones get SIGTERM, and the pool resolves once every child
 * has exited, so no child outlives the tournament. An abort signal (SIGINT/SIGTERM in the CLI)
 * does the same.
 */

/** How a child process ended. */
export interface ChildExit {
  /** Its exit code, or null when a signal ended it. */
  readonly code: number | null;
  /** The signal that ended it, or null. */
  readonly signal: string | null;
  /** The end of its stderr (the launcher keeps the last few KiB). */
  readonly stderr: string;
}

/** A started child. */
export interface ChildHandle {
  /** Resolves once it has exited (never rejects: a failure to start is an exit with code null). */
  readonly exited: Promise<ChildExit>;
  /** Sends `signal`; a child that has exited ignores it. */
  kill(signal: 'SIGTERM' | 'SIGKILL'): void;
}

/** Starts one child with the arguments after the CLI script (`phase ...`). */
export type Launcher = (args: readonly string[]) => ChildHandle;

/** A job of the pool: its position and arguments. */
export interface PoolJob {
  readonly index: number;
  readonly args: readonly string[];
}

/** What the pool reports while it runs. */
export interface PoolHooks<J extends PoolJob> {
  /**
   * A child exited with code 0 or 1 (a finished run; 1 is `--min-health` from a config file):
   * read its results; a throw counts as that job's failure (its message becomes the exit's stderr).
   */
  onFinished(job: J, exit: ChildExit): void;
}

/** How the pool ended. */
export type PoolOutcome<J extends PoolJob> =
  | { readonly kind: 'completed' }
  /** Jobs that failed (exit code other than 0 and 1, or a signal, or a throw of onFinished), in plan order; the rest were stopped. */
  | { readonly kind: 'failed'; readonly failures: readonly { readonly job: J; readonly exit: ChildExit }[] }
  /** The abort signal fired; running children were stopped. */
  | { readonly kind: 'canceled' };

/** Exit codes of a finished run: 0, or 1 (health below --min-health). */
const FINISHED_CODES: ReadonlySet<number | null> = new Set([0, 1]);

/**
 * Runs `jobs` in plan order, at most `concurrency` children at a time.
 * @param concurrency - integer >= 1
 * @param signal - stops the pool when aborted
 */
export async function runPool<J extends PoolJob>(jobs: readonly J[], concurrency: number, launch: Launcher, hooks: PoolHooks<J>, signal?: AbortSignal): Promise<PoolOutcome<J>> {
  const running = new Map<number, ChildHandle>();
  const failures: { job: J; exit: ChildExit }[] = [];
  let next = 0;
  let stopping = false;

  const stopAll = (): void => {
    if (stopping) return;
    stopping = true;
    for (const child of running.values()) child.kill('SIGTERM');
  };
  const onAbort = (): void => {
    stopAll();
  };
  signal?.addEventListener('abort', onAbort);

  await new Promise<void>((resolve) => {
    const startMore = (): void => {
      while (!stopping && running.size < concurrency && next < jobs.length) {
        const job = jobs[next++];
        if (job === undefined) break;
        const child = launch(job.args);
        running.set(job.index, child);
        void child.exited.then((exit) => {
          running.delete(job.index);
          finish(job, exit);
          if (running.size === 0 && (stopping || next >= jobs.length)) resolve();
          else startMore();
        });
      }
      if (running.size === 0) resolve();
    };
    const finish = (job: J, exit: ChildExit): void => {
      if (stopping && !FINISHED_CODES.has(exit.code)) return; // stopped by us: not its failure
      if (!FINISHED_CODES.has(exit.code)) {
        failures.push({ job, exit });
        stopAll();
        return;
      }
      try {
        hooks.onFinished(job, exit);
      } catch (error: unknown) {
        failures.push({ job, exit: { ...exit, stderr: error instanceof Error ? error.message : String(error) } });
        stopAll();
      }
    };
    if (signal?.aborted === true) stopping = true;
    startMore();
  });
  signal?.removeEventListener('abort', onAbort);

  if (failures.length > 0) return { kind: 'failed', failures: failures.sort((a, b) => a.job.index - b.job.index) };
  if (signal?.aborted === true) return { kind: 'canceled' };
  return { kind: 'completed' };
}
