/**
 * The subprocess world's {@link LocalCommandRunner}, counting the commands it was asked to run,
 * for the queue tests (a worker's runner: how many attempts reached this worker).
 */
import { LocalCommandRunner } from '../../src/worlds/subprocess/local-runner.ts';
import type { AttemptPayload, CommandOutcome, CommandRunner, CommandSpec } from '../../src/worlds/subprocess/runner.ts';

/** A LocalCommandRunner whose `started` counts `run` calls. */
export class CountingRunner implements CommandRunner {
  readonly name = 'local';
  started = 0;
  private readonly inner = new LocalCommandRunner();

  run(spec: CommandSpec, payload: AttemptPayload, signal: AbortSignal): Promise<CommandOutcome> {
    this.started++;
    return this.inner.run(spec, payload, signal);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
