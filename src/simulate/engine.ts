/**
 * The wave engine: one wave as a discrete-event simulation (contract section 4).
 *
 * 1. Every task starts in the queue of the agent the strategy gave it.
 * 2. Each agent runs up to `max_concurrency` attempts at once, taking retries first, then tasks
 *    by priority (1 first) and assignment order.
 * 3. The safety gates run before every attempt; the first refusal blocks the task.
 * 4. A failed attempt is retried after its backoff delay, at the front of the same agent's
 *    queue, until the allowed attempts are used.
 * 5. A circuit breaker per agent opens by its policy (`sampling`: a failure rate over a window of
 *    recent attempts; `consecutive`: failures in a row; ./breaker.ts). While it is open
 *    the agent starts nothing and its queued tasks are rerouted by the strategy to agents whose
 *    circuit is closed; when every circuit is open they wait. After the cooldown one probe runs.
 *
 * 6. Work stealing (unless `--no-steal`): an agent with a free slot and nothing queued takes the
 *    task that the agent with the most queued work per slot would start last (never a retry).
 *
 * A {@link Simulation} lives for the whole run: the clock and each agent's breaker carry from
 * one wave to the next, and wave w+1 starts when wave w's last task ends. One wave while it runs
 * is a `WaveRun` (./wave-run.ts); its record is built by ./wave-result.ts.
 */
import type { TaskRef } from '../plan/model.ts';
import { allowedAttempts, backoffStep } from './backoff.ts';
import { closedBreaker, cooldownElapsed } from './breaker.ts';
import { activeGates } from './gates.ts';
import { Lane, predictedTimeOn } from './lane.ts';
import { refKey } from './readiness.ts';
import type { SimulationConfig, WaveInput, WaveRunResult } from './simulation-config.ts';
import type { SimulationSnapshot, TaskStatus } from './types.ts';
import { WaveRun, type AttemptPolicy } from './wave-run.ts';

export type { SimulationConfig, WaveInput, WaveRunResult } from './simulation-config.ts';

/** The simulated run: clock, agents and breakers persist across waves. */
export class Simulation {
  readonly #config: SimulationConfig;
  readonly #lanes: Lane[];
  readonly #laneById: ReadonlyMap<string, Lane>;
  readonly #policy: AttemptPolicy;
  /** Open lanes whose cooldown timer is pending, in the order the timers were set (for {@link snapshot}). */
  readonly #cooldowns = new Set<Lane>();
  /** Lets the wave running now react to a cooldown's end; does nothing between waves. */
  #dispatch: () => void = () => undefined;
  /** Status of earlier waves' tasks that later waves depend on, by {@link refKey}. */
  readonly #decided = new Map<string, TaskStatus>();

  /** @throws RangeError when `config.initial` names an agent outside the run or a cooldown of a closed circuit */
  constructor(config: SimulationConfig) {
    this.#config = config;
    this.#lanes = config.agents.map((profile, index) => new Lane(index, profile, closedBreaker(config.breaker), (run) => predictedTimeOn(run, index) * profile.speed));
    this.#laneById = new Map(this.#lanes.map((lane) => [lane.profile.agentId, lane]));
    this.#policy = {
      gates: config.gateList ?? activeGates(config.gates),
      step: backoffStep(config.retry),
      maxAttempts: allowedAttempts(config.retry),
    };
    if (config.initial !== undefined) this.#restore(config.initial);
  }

  /**
   * The state a later wave needs, between waves: every agent's breaker (run order) and the
   * agents whose cooldown timer is pending, in the order the timers were set (timers at equal
   * times fire in that order). The clock is the scheduler's.
   */
  snapshot(): SimulationSnapshot {
    return {
      breakers: this.#lanes.map((lane) => ({ agentId: lane.profile.agentId, state: lane.breaker })),
      cooldowns: [...this.#cooldowns].map((lane) => lane.profile.agentId),
      decided: [...this.#decided].map(([key, status]) => {
        const cut = key.indexOf('\u0000');
        return { wave: Number(key.slice(0, cut)), taskId: key.slice(cut + 1), status };
      }),
    };
  }

  #restore(initial: SimulationSnapshot): void {
    for (const { agentId, state } of initial.breakers) this.#laneOf(agentId).breaker = state;
    for (const { wave, taskId, status } of initial.decided) this.#decided.set(refKey({ wave, taskId }), status);
    for (const agentId of initial.cooldowns) {
      const lane = this.#laneOf(agentId);
      if (lane.breaker.kind !== 'open') throw new RangeError(`cooldown of ${agentId}, whose circuit is ${lane.breaker.kind}`);
      if (this.#cooldowns.has(lane)) throw new RangeError(`cooldown of ${agentId} listed twice`);
      this.#setCooldown(lane, lane.breaker.halfOpenAtS);
    }
  }

  #laneOf(agentId: string): Lane {
    const lane = this.#laneById.get(agentId);
    if (lane === undefined) throw new RangeError(`unknown agent ${agentId}`);
    return lane;
  }

  /**
   * Sets the timer of an open circuit's cooldown. The circuit stays open until the timer fires
   * (outcomes do not move an open circuit), so each opening has exactly one live timer.
   */
  #setCooldown(lane: Lane, halfOpenAtS: number): void {
    this.#cooldowns.add(lane);
    this.#config.scheduler.at(halfOpenAtS, () => {
      this.#cooldownElapsed(lane);
    });
  }

  /**
   * Runs one wave to its end.
   * @throws RangeError when the assignment names an agent or task outside the run, places a
   *   task twice or leaves one out, or the strategy reroutes to an agent outside the run
   * @throws StalledError (from the scheduler) if the wave can never finish: a bug
   */
  async runWave(input: WaveInput): Promise<WaveRunResult> {
    const earlier = (ref: TaskRef): TaskStatus | undefined => this.#decided.get(refKey(ref));
    const wave = new WaveRun(this.#config, this.#lanes, this.#laneById, this.#policy, input, earlier, (lane, halfOpenAtS) => {
      this.#setCooldown(lane, halfOpenAtS);
    });
    this.#dispatch = () => {
      wave.dispatch();
    };
    try {
      const result = await wave.run();
      const remember = this.#config.remember;
      for (const o of result.execution.outcomes) {
        const ref = { wave: o.wave, taskId: o.taskId };
        if (remember === undefined || remember(ref)) this.#decided.set(refKey(ref), o.status);
      }
      return result;
      // Stryker disable next-line BlockStatement: equivalent (no timer fires between waves); it lets the finished wave be collected
    } finally {
      this.#dispatch = () => undefined;
    }
  }

  /**
   * A breaker's cooldown ended. Timers outlive the wave that set them, so the transition is
   * handled here and the wave running now (if any) is told.
   */
  #cooldownElapsed(lane: Lane): void {
    const nowS = this.#config.scheduler.now();
    lane.breaker = cooldownElapsed(lane.breaker, nowS);
    this.#cooldowns.delete(lane);
    this.#config.onEvent?.({ type: 'circuit_half_open', agentId: lane.profile.agentId, timeS: nowS });
    this.#dispatch();
  }
}
