/**
 * The dry run's middle (contract section 4, `--dry-run`): assign every wave and run the gates
 * for each task's first attempt on its assigned agent, at its wave's start. Nothing executes,
 * so strategy records stay empty and `wave_deadline` never refuses (no attempt is late yet).
 */
import type { Assignment, Strategy } from '../assign/types.ts';
import { initialStrategyState } from '../assign/state.ts';
import type { GateOptions } from '../options.ts';
import type { PlanSource, WavePlan } from '../plan/model.ts';
import { predictionOn } from '../plan/model.ts';
import { waveBound } from '../measure/critical-path.ts';
import { activeGates, runGates } from '../simulate/gates.ts';
import type { GateDecision } from '../simulate/types.ts';
import type { PlanReportInput } from './plan-markdown.ts';

/** One planned wave. */
export interface PlannedWave {
  readonly plan: WavePlan;
  readonly assignments: readonly Assignment[];
  /** One verdict per task, for its first attempt. */
  readonly decisions: readonly GateDecision[];
  readonly summary: PlanReportInput['waves'][number];
}

/**
 * Plans every wave of `plan` with `strategy`, one wave in memory at a time: each planned wave
 * goes to `onWave` (which writes it) and only its summary is kept. Pure but for the waves'
 * reads (a streamed plan reads each wave's input again).
 * @returns the summaries of the waves, in order
 * @throws InputError when an input file changed since it was validated (from `loadWave`)
 */
export async function planWaves(plan: PlanSource, strategy: Strategy, gateOptions: GateOptions, onWave: (wave: PlannedWave) => void): Promise<PlannedWave['summary'][]> {
  const gates = activeGates(gateOptions);
  const profiles = new Map(plan.agents.map((a) => [a.agentId, a]));
  let state = initialStrategyState(plan.agents);
  const summaries: PlannedWave['summary'][] = [];
  for (let index = 0; index < plan.waves.length; index++) {
    const wave = await plan.loadWave(index);
    const assignment = strategy.assignWave(wave, plan.agents, state);
    state = assignment.state;
    const tasks = new Map(wave.tasks.map((t) => [t.taskId, t]));
    const decisions: GateDecision[] = [];
    const work = new Map(plan.agents.map((a) => [a.agentId, { tasks: 0, workS: 0 }]));
    const blocked: PlannedWave['summary']['blocked'][number][] = [];
    for (const a of assignment.assignments) {
      const task = tasks.get(a.taskId);
      const agent = profiles.get(a.agentId);
      if (task === undefined || agent === undefined) throw new RangeError(`assignment of unknown task or agent: ${a.taskId} -> ${a.agentId}`);
      const { p, risk } = predictionOn(task, a.agentId);
      const refusal = runGates(gates, { task, agent, attempt: 0, p, risk, nowS: 0, waveStartS: 0, options: gateOptions, agents: plan.agents, dependency: null });
      decisions.push({ wave: wave.wave, taskId: task.taskId, agentId: a.agentId, attempt: 0, timeS: 0, refusal });
      if (refusal !== null) blocked.push({ taskId: task.taskId, agentId: a.agentId, gate: refusal.gate, reason: refusal.reason });
      const entry = work.get(a.agentId);
      if (entry !== undefined) {
        entry.tasks++;
        entry.workS += a.workS;
      }
    }
    const perAgent = [...work].map(([agentId, w]) => ({ agentId, tasks: w.tasks, workS: w.workS }));
    const bound = waveBound(wave, plan.agents);
    const needing = wave.tasks.filter((t) => t.requiredCapabilities.length > 0);
    const summary = {
      wave: wave.wave,
      tasks: wave.tasks.length,
      perAgent,
      blocked,
      dependentTasks: wave.tasks.filter((t) => t.dependsOn.length > 0).length,
      dependencies: wave.tasks.reduce((n, t) => n + t.dependsOn.length, 0),
      capabilityTasks: needing.length,
      capabilities: [...new Set(needing.flatMap((t) => t.requiredCapabilities))].sort(),
      criticalPathS: bound.critical_path_s,
      makespanLowerBoundS: bound.makespan_lower_bound_s,
    };
    onWave({ plan: wave, assignments: assignment.assignments, decisions, summary });
    summaries.push(summary);
  }
  return summaries;
}
