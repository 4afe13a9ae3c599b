/**
 * The dry run's middle (contract section 4, `--dry-run`): assign every wave and run the gates
 * for each task's first attempt on its assigned agent, at its wave's start. Nothing executes,
 * so strategy records stay empty and `wave_deadline` never refuses (no attempt is late yet).
 */
import type { Assignment, Strategy } from '../assign/types.ts';
import { initialStrategyState } from '../assign/state.ts';
import type { GateOptions } from '../options.ts';
import type { RunPlan, WavePlan } from '../plan/model.ts';
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

/** Plans every wave of `plan` with `strategy`; pure. */
export function planWaves(plan: RunPlan, strategy: Strategy, gateOptions: GateOptions): PlannedWave[] {
  const gates = activeGates(gateOptions);
  const profiles = new Map(plan.agents.map((a) => [a.agentId, a]));
  let state = initialStrategyState(plan.agents);
  return plan.waves.map((wave) => {
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
    return { plan: wave, assignments: assignment.assignments, decisions, summary };
  });
}
