/**
 * The subprocess executor (contract section 11): every attempt runs the agent's command through
 * a {@link CommandRunner}; exit 0 within the timeout is success. The attempt ends on the
 * real-time scheduler at its start plus the measured duration of its process (or, when the
 * completion arrives after a later event already ran, at that event's time), so the engine's
 * event order stays well defined.
 */
import { setMaxListeners } from 'node:events';
import type { AttemptProcess, AttemptRequest, AttemptResult, Executor } from '../../ports.ts';
import type { SubprocessOptions } from '../../options.ts';
import type { RealTimeScheduler } from './realtime-scheduler.ts';
import type { AttemptPayload, CommandOutcome, CommandRunner, CommandSpec } from './runner.ts';

/** The payload a command gets on stdin for `request` (snake_case, contract section 11). */
export function payloadOf(request: AttemptRequest): AttemptPayload {
  return {
    wave: request.wave,
    task_id: request.task.taskId,
    agent_id: request.agent.agentId,
    attempt: request.attempt,
    p: request.p,
    predicted_time_s: request.predictedTimeS,
  };
}

/** The attempt's result from a command's outcome (`source: 'subprocess'`, with its process detail). */
export function resultOf(outcome: CommandOutcome): AttemptResult {
  const process: AttemptProcess = {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    outputTruncated: outcome.outputTruncated,
  };
  return { succeeded: outcome.succeeded, durationS: outcome.durationS, source: 'subprocess', process };
}

/** Runs each attempt as a command. */
export class SubprocessExecutor implements Executor {
  readonly name = 'subprocess';
  readonly #specs: ReadonlyMap<string, CommandSpec>;

  /**
   * @param commands - the argv of each agent (every agent of the run must have one)
   * @param settings - timeout, kill grace, output cap and environment, shared by all agents
   * @param signal - aborted on cancel: running commands are ended
   */
  constructor(
    private readonly runner: CommandRunner,
    private readonly scheduler: RealTimeScheduler,
    commands: ReadonlyMap<string, readonly string[]>,
    settings: SubprocessOptions,
    private readonly signal: AbortSignal,
  ) {
    const specs = new Map<string, CommandSpec>();
    for (const [agentId, command] of commands) {
      specs.set(agentId, { command, timeoutS: settings.timeoutS, killGraceS: settings.killGraceS, maxOutputBytes: settings.maxOutputBytes, env: settings.env });
    }
    this.#specs = specs;
    // Every running attempt listens on the one cancel signal: more than Node's default 10 is normal.
    setMaxListeners(0, signal);
  }

  /**
   * Starts the agent's command now; `done` runs on the scheduler once the process is reaped.
   * @throws RangeError for an agent without a command (the world checks every agent first)
   */
  start(request: AttemptRequest, done: (result: AttemptResult) => void): void {
    const spec = this.#specs.get(request.agent.agentId);
    if (spec === undefined) throw new RangeError(`no command for agent ${request.agent.agentId}`);
    const startS = this.scheduler.now();
    this.scheduler.track(this.runner.run(spec, payloadOf(request), this.signal), (outcome) => {
      const endS = Math.max(this.scheduler.now(), startS + outcome.durationS);
      this.scheduler.at(endS, () => {
        done(resultOf(outcome));
      });
    });
  }
}
