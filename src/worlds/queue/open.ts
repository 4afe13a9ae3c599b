/**
 * The subprocess world's command runner for a run's options (contract section 11): the local
 * runner, or with `--queue` the queue runner whose attempts `npm run worker` processes run.
 * The world calls it while it is prepared, before anything is written, so an unreachable Redis
 * is exit 2 with nothing written; it closes the runner with the world.
 */
import type { RunOptions } from '../../options.ts';
import type { CommandRunner } from '../subprocess/runner.ts';

/** What {@link openCommandRunner} reads besides the options. */
export interface OpenRunnerDeps {
  /** Monotonic milliseconds (`performance.now` at the edge). */
  readonly now: () => number;
  /** A fresh id for this invocation's jobs (`crypto.randomUUID()` at the edge). */
  readonly runId: () => string;
}

/**
 * `LocalCommandRunner` when `options.queue` is null, else a connected `QueueCommandRunner`.
 * @throws UsageError for a `--queue` that is not a Redis URL; QueueError when Redis cannot be
 *   reached (both exit 2)
 */
export async function openCommandRunner(options: Pick<RunOptions, 'queue'>, deps: OpenRunnerDeps): Promise<CommandRunner> {
  if (options.queue === null) {
    const { LocalCommandRunner } = await import('../subprocess/local-runner.ts');
    return new LocalCommandRunner({ nowMs: deps.now });
  }
  const [{ parseQueueUrl }, { QueueCommandRunner }] = await Promise.all([import('./settings.ts'), import('./runner.ts')]);
  return QueueCommandRunner.open({ target: parseQueueUrl(options.queue), runId: deps.runId(), now: deps.now });
}
