/**
 * The replay world's executor (contract section 11): an attempt with a recorded row takes its
 * outcome and duration from it (`source: 'recorded'`); one without is drawn from the world model
 * exactly as the simulated world draws it (contract section 3, `drawAttempt`;
 * `source: 'simulated'`). Completion on the virtual clock, so output is byte-identical for a seed.
 */
import type { AttemptRequest, AttemptResult, Executor, Scheduler } from '../../ports.ts';
import { drawAttempt, type WorldOptions } from '../../simulate/executor.ts';
import type { KeyedRandom } from '../../simulate/rng.ts';
import type { RecordedOutcomes } from './outcomes.ts';

/** Recorded outcomes first, the world model for the rest. */
export class ReplayExecutor implements Executor {
  readonly name = 'replay';

  constructor(
    private readonly outcomes: RecordedOutcomes,
    private readonly rng: KeyedRandom,
    private readonly world: WorldOptions,
    private readonly scheduler: Scheduler,
  ) {}

  /** The result of `request`: its recorded row, else a draw. Pure in (outcomes, rng seed, request). */
  resultOf(request: AttemptRequest): AttemptResult {
    const recorded = this.outcomes.get(request.wave, request.task.taskId, request.agent.agentId, request.attempt);
    if (recorded === null) return drawAttempt(this.rng, request, this.world);
    return { succeeded: recorded.succeeded, durationS: recorded.durationS, source: 'recorded' };
  }

  start(request: AttemptRequest, done: (result: AttemptResult) => void): void {
    const result = this.resultOf(request);
    this.scheduler.at(this.scheduler.now() + result.durationS, () => {
      done(result);
    });
  }
}
