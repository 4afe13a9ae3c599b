/** A scripted world for hand-worked engine timelines: outcomes and durations written out by hand. */
import type { Strategy, StrategyState, WaveAssignment } from '../../src/assign/types.ts';
import { DEFAULT_OPTIONS, type BreakerOptions, type RetryOptions } from '../../src/options.ts';
import type { AgentProfile, TaskRef, WavePlan } from '../../src/plan/model.ts';
import { Simulation } from '../../src/simulate/engine.ts';
import type { SafetyGate } from '../../src/simulate/gates.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import type { AttemptRequest, AttemptResult, Executor, Scheduler } from '../../src/ports.ts';
import { VirtualScheduler } from '../../src/simulate/scheduler.ts';
import type { SimulationEvent, SimulationSnapshot, TaskOutcome, WaveExecution } from '../../src/simulate/types.ts';

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
  /** State to continue from (a snapshot taken at `startS`). */
  readonly initial?: SimulationSnapshot;
  /** Where the clock starts, seconds; default 0. */
  readonly startS?: number;
  readonly remember?: (ref: TaskRef) => boolean;
  /** Gates to run instead of the default ones. */
  readonly gateList?: readonly SafetyGate[];
}

/** A scripted simulation: its clock, its executor's start list and every event it reported. */
export interface ScriptedSimulation {
  readonly sim: Simulation;
  readonly scheduler: VirtualScheduler;
  readonly started: string[];
  /** Events as `type@time agent` or `type@time task from->to`. */
  readonly events: string[];
}

/** A compact text of an engine event, for hand-written expected sequences. */
export function eventText(e: SimulationEvent): string {
  return 'agentId' in e ? `${e.type}@${e.timeS} ${e.agentId}` : `${e.type}@${e.timeS} ${e.taskId} ${e.fromAgentId}->${e.toAgentId}`;
}

/** A simulation over `agents` running `script` (consecutive breaker, no jitter, stealing on unless said). */
export function scriptedSimulation(agents: readonly AgentProfile[], script: Script, over: ScriptedRun = {}): ScriptedSimulation {
  const scheduler = new VirtualScheduler(over.startS ?? 0);
  const executor = new ScriptedExecutor(scheduler, script);
  const events: string[] = [];
  const sim = new Simulation({
    agents,
    retry: over.retry ?? noJitter(),
    breaker: { ...DEFAULT_OPTIONS.breaker, policy: 'consecutive', ...over.breaker },
    gates: DEFAULT_OPTIONS.gates,
    rng: createKeyedRandom(1),
    scheduler,
    executor,
    steal: over.steal ?? true,
    onEvent: (e) => events.push(eventText(e)),
    ...(over.initial === undefined ? {} : { initial: over.initial }),
    ...(over.remember === undefined ? {} : { remember: over.remember }),
    ...(over.gateList === undefined ? {} : { gateList: over.gateList }),
  });
  return { sim, scheduler, started: executor.started, events };
}

/** A wave to run: its plan and where the test places each task. */
export interface ScriptedWave {
  readonly plan: WavePlan;
  readonly placements: readonly (readonly [string, string])[];
}

/** Runs waves in order on one simulation; returns each wave's execution, every start and every event. */
export async function runWaves(
  agents: readonly AgentProfile[],
  waves: readonly ScriptedWave[],
  script: Script,
  over: ScriptedRun = {},
): Promise<{ executions: WaveExecution[]; started: string[]; events: string[] }> {
  const { sim, started, events } = scriptedSimulation(agents, script, over);
  const executions: WaveExecution[] = [];
  for (const wave of waves) executions.push((await sim.runWave({ wave: wave.plan, assignment: assign(wave.placements), strategy: firstAllowed })).execution);
  return { executions, started, events };
}

/** The outcome of `taskId` in `execution`. */
export function outcomeOf(execution: WaveExecution | undefined, taskId: string): TaskOutcome {
  const outcome = execution?.outcomes.find((o) => o.taskId === taskId);
  if (outcome === undefined) throw new Error(`no outcome for ${taskId}`);
  return outcome;
}
