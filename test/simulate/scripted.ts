/** A scripted world for hand-worked engine timelines: outcomes and durations written out by hand. */
import type { Strategy, StrategyState, WaveAssignment } from '../../src/assign/types.ts';
import { DEFAULT_OPTIONS, type BreakerOptions, type RetryOptions } from '../../src/options.ts';
import type { AgentProfile, WavePlan } from '../../src/plan/model.ts';
import { Simulation } from '../../src/simulate/engine.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import type { AttemptRequest, AttemptResult, Executor, Scheduler } from '../../src/ports.ts';
import { VirtualScheduler } from '../../src/simulate/scheduler.ts';
import type { TaskOutcome, WaveExecution } from '../../src/simulate/types.ts';

/** Outcomes written out by hand: `${taskId}#${attempt}` -> [succeeded, duration]. */
export type Script = Readonly<Record<string, readonly [boolean, number]>>;

/** Records every start as `task#attempt@agent@time`. */
export class ScriptedExecutor implements Executor {
  readonly name = 'scripted';
  readonly started: string[] = [];
  constructor(
    private readonly scheduler: Scheduler,
    private readonly script: Script,
  ) {}
  start(request: AttemptRequest, done: (result: AttemptResult) => void): void {
    const key = `${request.task.taskId}#${request.attempt}`;
    const entry = this.script[key];
    if (entry === undefined) throw new Error(`no scripted outcome for ${key}`);
    this.started.push(`${key}@${request.agent.agentId}@${this.scheduler.now()}`);
    this.scheduler.at(this.scheduler.now() + entry[1], () => {
      done({ succeeded: entry[0], durationS: entry[1], source: 'simulated' });
    });
  }
}

const EMPTY_STATE: StrategyState = { rotation: 0, workS: new Map(), records: new Map(), wavesRecorded: 0 };

/** Reroutes to the first allowed agent; assignment comes from the test. */
export const firstAllowed: Strategy = {
  name: 'load_balanced',
  description: 'test strategy',
  assignWave: () => {
    throw new Error('not used');
  },
  reroute: ({ allowed }, state) => ({ agentId: allowed[0]?.agentId ?? 'none', state }),
};

export function assign(placements: readonly (readonly [string, string])[]): WaveAssignment {
  return { assignments: placements.map(([taskId, agentId], order) => ({ taskId, agentId, order, workS: 0 })), state: EMPTY_STATE };
}

export const noJitter = (over: Partial<RetryOptions> = {}): RetryOptions => ({ ...DEFAULT_OPTIONS.retry, jitter: 'none', ...over });

export interface ScriptedRun {
  readonly retry?: RetryOptions;
  readonly breaker?: Partial<BreakerOptions>;
  readonly steal?: boolean;
}

/** Runs waves in order on one simulation; returns each wave's execution and every start. */
export async function runWaves(
  agents: readonly AgentProfile[],
  waves: readonly { readonly plan: WavePlan; readonly placements: readonly (readonly [string, string])[] }[],
  script: Script,
  over: ScriptedRun = {},
): Promise<{ executions: WaveExecution[]; started: string[] }> {
  const scheduler = new VirtualScheduler();
  const executor = new ScriptedExecutor(scheduler, script);
  const sim = new Simulation({
    agents,
    retry: over.retry ?? noJitter(),
    breaker: { ...DEFAULT_OPTIONS.breaker, policy: 'consecutive', ...over.breaker },
    gates: DEFAULT_OPTIONS.gates,
    rng: createKeyedRandom(1),
    scheduler,
    executor,
    steal: over.steal ?? true,
  });
  const executions: WaveExecution[] = [];
  for (const wave of waves) executions.push((await sim.runWave({ wave: wave.plan, assignment: assign(wave.placements), strategy: firstAllowed })).execution);
  return { executions, started: executor.started };
}

/** The outcome of `taskId` in `execution`. */
export function outcomeOf(execution: WaveExecution | undefined, taskId: string): TaskOutcome {
  const outcome = execution?.outcomes.find((o) => o.taskId === taskId);
  if (outcome === undefined) throw new Error(`no outcome for ${taskId}`);
  return outcome;
}
